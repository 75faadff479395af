package otherworld.kernel;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import otherworld.emulator.Hart;
import otherworld.emulator.Machine;
import otherworld.emulator.PhysicalMemory;
import otherworld.emulator.TrapCause;

/**
 * For a random schedule (quantum) and a random crash point, every resurrected process's registers, its memory read
 * through its page tables, and (through its later behaviour and output) its file offsets equal what they were just
 * before the crash. Everything is observed through the machine: the hart's registers when the kernel hands it a
 * process, and RAM read through the satp the hart was given — never the kernel's objects or structures.
 */
class ResurrectionProperties {
    static final String[] POINTS_BEFORE_COMMIT = {"syscall.entry", "syscall.before-commit"};

    /** Registers as the hart holds them. */
    record Regs(long[] x, long[] f, long pc, int fcsr) {
        static Regs of(Hart h) { return new Regs(h.x.clone(), h.f.clone(), h.pc, h.fcsr); }

        boolean same(Regs o) {
            long[] a = x.clone(), b = o.x.clone();
            a[0] = b[0] = 0;
            return Arrays.equals(a, b) && Arrays.equals(f, o.f) && pc == o.pc && fcsr == o.fcsr;
        }

        @Override public String toString() { return String.format("pc=0x%x a0=0x%x sp=0x%x", pc, x[10], x[2]); }
    }

    /** Hash of every user page mapped by satp: (va, bytes). Walks Sv39 in RAM like the hart does. */
    static long memoryHash(PhysicalMemory ram, long satp) {
        long root = (satp & ((1L << 44) - 1)) << 12;
        long[] h = {1125899906842597L};
        walk(ram, root, 2, 0, h);
        return h[0];
    }

    private static void walk(PhysicalMemory ram, long table, int level, long va, long[] h) {
        for (int i = 0; i < 512; i++) {
            long pte = ram.read64(table + 8L * i);
            if ((pte & 1) == 0) continue;
            long pa = (pte >>> 10) << 12;
            long v = va | ((long) i << (12 + 9 * level));
            if ((pte & 0xE) != 0) {
                h[0] = 31 * h[0] + v;
                for (int k = 0; k < 4096; k += 8) h[0] = 31 * h[0] + ram.read64(pa + k);
            } else {
                walk(ram, pa, level - 1, v, h);
            }
        }
    }

    /** Records, per pid, the registers at every dispatch and the last trap; crashes the kernel where told. */
    static final class Observer implements KernelHooks {
        final Machine m;
        final long crashCall;
        final int crashStep;
        final Map<Integer, List<Regs>> dispatches = new HashMap<>();
        final Map<Integer, Integer> traps = new HashMap<>();
        final Map<Integer, Regs> lastTrap = new HashMap<>();
        final Map<Integer, Long> satp = new HashMap<>();
        final Map<Integer, Long> firstMem = new HashMap<>();
        long calls;
        int pointsInCall;
        int lastPid;
        // Filled at the crash:
        boolean crashed;
        String crashPoint;
        int inflightPid;
        Map<Integer, Integer> trapsAtCrash;
        Map<Integer, Regs> trapAtCrash;
        final Map<Integer, Long> memAtCrash = new HashMap<>();
        final Map<Integer, Regs> firstAfter = new HashMap<>();
        final Map<Integer, Long> memAfter = new HashMap<>();

        Observer(Machine m, long crashCall, int crashStep) {
            this.m = m;
            this.crashCall = crashCall;
            this.crashStep = crashStep;
        }

        @Override public void dispatch(Hart hart, int pid) {
            if (crashed && !firstAfter.containsKey(pid)) {
                firstAfter.put(pid, Regs.of(hart));
                memAfter.put(pid, memoryHash(m.memory, hart.satp));
            }
            if (!dispatches.containsKey(pid)) firstMem.put(pid, memoryHash(m.memory, hart.satp));
            dispatches.computeIfAbsent(pid, k -> new ArrayList<>()).add(Regs.of(hart));
            satp.put(pid, hart.satp);
        }

        @Override public void trapped(Hart hart, int pid, TrapCause cause) {
            lastTrap.put(pid, Regs.of(hart));
            traps.merge(pid, 1, Integer::sum);
            lastPid = pid;
        }

        @Override public void syscallStarted(int nr) {
            calls++;
            pointsInCall = 0;
        }

        @Override public void point(String name) {
            if (crashed || calls != crashCall) return;
            if (pointsInCall++ == crashStep || name.equals("syscall.after-commit")) {
                crashed = true;
                crashPoint = name;
                inflightPid = lastPid;
                trapsAtCrash = new HashMap<>(traps);
                trapAtCrash = new HashMap<>(lastTrap);
                for (Map.Entry<Integer, Long> e : satp.entrySet()) {
                    memAtCrash.put(e.getKey(), memoryHash(m.memory, e.getValue()));
                }
                throw new KernelPanic("property crash at " + name);
            }
        }
    }

    static Scenario scenario(int quantum) {
        return new Scenario().add(Guests.program("checksum", "150")).add(Guests.program("kvstore"))
                .config(KernelConfig.defaults().withQuantum(quantum));
    }

    @Property(tries = 20)
    void resurrectedProcessesEqualTheirSelvesBeforeTheCrash(@ForAll @IntRange(min = 500, max = 40_000) int quantum,
                                                            @ForAll @IntRange(min = 1, max = 100_000) int pick,
                                                            @ForAll @IntRange(min = 0, max = 6) int step) {
        Observer[] ref = new Observer[1];
        Scenario.Result reference = scenario(quantum).probe(m -> ref[0] = new Observer(m, -1, 0)).run();
        long crashCall = 1 + pick % reference.syscalls();
        Observer[] obs = new Observer[1];
        Scenario.Result r = scenario(quantum).probe(m -> obs[0] = new Observer(m, crashCall, step)).run();
        Observer o = obs[0];
        assertTrue(o.crashed, "the crash happened");
        assertEquals(1, r.reports().size());

        for (Map.Entry<Integer, Regs> e : o.firstAfter.entrySet()) {
            int pid = e.getKey();
            Regs after = e.getValue();
            Regs expected;
            boolean inflight = pid == o.inflightPid;
            boolean beforeCommit = !o.crashPoint.equals("syscall.after-commit");
            if (inflight && beforeCommit) {
                Regs trap = o.trapAtCrash.get(pid);
                if (o.crashPoint.equals("write.tty-partial")) {
                    // Completed, not repeated: the bytes already on the console stay once.
                    long[] x = trap.x().clone();
                    x[10] = trap.x()[12];
                    expected = new Regs(x, trap.f(), trap.pc() + 4, trap.fcsr());
                } else {
                    expected = trap; // not yet made: resumes at the ecall with the same registers
                }
            } else {
                expected = ref[0].dispatches.get(pid).get(o.trapsAtCrash.getOrDefault(pid, 0));
            }
            assertTrue(expected.same(after), "pid " + pid + " after resurrection " + after + " expected " + expected
                    + " (crash at " + o.crashPoint + ", in flight: " + inflight + ")");
            // A process never dispatched before the crash is compared with its first dispatch in the reference run.
            Long before = o.memAtCrash.containsKey(pid) ? o.memAtCrash.get(pid) : ref[0].firstMem.get(pid);
            assertEquals(before, o.memAfter.get(pid), "pid " + pid + " memory through its page tables");
        }
        assertEquals(reference.outputs(), r.outputs());
        assertArrayEquals(reference.file("records.dat"), r.file("records.dat"));
        assertArrayEquals(reference.file("kv.log"), r.file("kv.log"));
    }
}
