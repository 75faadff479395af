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

import otherworld.emulator.DebugPort;
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

    static long memoryHash(PhysicalMemory ram, long satp) {
        return new DebugPort(ram).hashUserMemory(satp);
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
        long consoleOutAtEntry;
        long consoleOutAtCrash;

        long consoleOut() {
            long n = 0;
            for (otherworld.emulator.Console c : m.consoles()) n += c.bytesOut();
            return n;
        }
        final Map<Integer, Long> memAtCrash = new HashMap<>();
        final Map<Integer, Regs> firstAfter = new HashMap<>();
        final Map<Integer, Long> memAfter = new HashMap<>();
        /** Per pid: "nr=result" of every system call, read from a0 when the process resumes past its ecall. */
        final Map<Integer, List<String>> results = new HashMap<>();
        final Map<Integer, long[]> pendingCall = new HashMap<>(); // pid -> {nr, pc of the ecall}

        Observer(Machine m, long crashCall, int crashStep) {
            this.m = m;
            this.crashCall = crashCall;
            this.crashStep = crashStep;
        }

        @Override public void dispatch(Hart hart, int pid) {
            long[] call = pendingCall.get(pid);
            if (call != null && hart.pc != call[1]) { // resumed past the ecall (not restarted at it)
                results.computeIfAbsent(pid, k -> new ArrayList<>()).add(call[0] + "=" + hart.x[10]);
                pendingCall.remove(pid);
            }
            if (crashed && !firstAfter.containsKey(pid)) {
                firstAfter.put(pid, Regs.of(hart));
                memAfter.put(pid, memoryHash(m.memory, hart.satp));
            }
            if (!dispatches.containsKey(pid)) firstMem.put(pid, memoryHash(m.memory, hart.satp));
            dispatches.computeIfAbsent(pid, k -> new ArrayList<>()).add(Regs.of(hart));
            satp.put(pid, hart.satp);
        }

        @Override public void trapped(Hart hart, int pid, TrapCause cause) {
            if (cause == TrapCause.ECALL_FROM_U) pendingCall.put(pid, new long[] {hart.x[17], hart.pc});
            lastTrap.put(pid, Regs.of(hart));
            traps.merge(pid, 1, Integer::sum);
            lastPid = pid;
        }

        /** The call being made had passed its commit (tf_pc written) when the crash struck. */
        boolean committed;
        boolean crashedAfterCommit;

        @Override public void syscallStarted(int nr) {
            calls++;
            pointsInCall = 0;
            committed = false;
            if (calls == crashCall) {
                consoleOutAtEntry = consoleOut();
            }
        }

        @Override public void point(String name) {
            if (crashed || calls != crashCall) return;
            if (name.equals("syscall.after-commit")) committed = true;
            if (pointsInCall++ == crashStep || name.equals("syscall.done")) {
                crashed = true;
                crashPoint = name;
                crashedAfterCommit = committed;
                consoleOutAtCrash = consoleOut();
                inflightPid = lastPid;
                trapsAtCrash = new HashMap<>(traps);
                trapAtCrash = new HashMap<>(lastTrap);
                for (Map.Entry<Integer, Long> e : satp.entrySet()) {
                    memAtCrash.put(e.getKey(), memoryHash(m.memory, e.getValue()));
                }
                forgetRecoveryProcedures(m);
                throw new KernelPanic("property crash at " + name);
            }
        }
    }

    /**
     * kvstore registers a recovery procedure (spec 5.3), which a resurrection would run instead of resuming it; this
     * property is about resuming, so the registrations are forgotten at the crash, as if never made (RecoveryTest
     * covers the procedures).
     */
    static void forgetRecoveryProcedures(Machine m) {
        long h = m.memory.read64(otherworld.kernel.layout.Layouts.ROOT_PA + otherworld.kernel.layout.Layouts.ROOT_HEADER);
        long table = m.memory.read64(h + otherworld.kernel.layout.Layouts.KH_RECOVERY);
        for (int i = 0; i < otherworld.kernel.layout.Layouts.MAX_TASKS; i++) {
            m.memory.write64(table + (long) i * otherworld.kernel.layout.Layouts.RECOVERY.size()
                    + otherworld.kernel.layout.Layouts.RC_ENTRY, 0);
        }
    }

    static Scenario scenario(int quantum) {
        return new Scenario().add(Guests.program("checksum", "150")).add(Guests.program("kvstore"))
                .config(KernelConfig.defaults().withQuantum(quantum));
    }

    /**
     * regs keeps a distinct value in every x and f register and in fcsr whenever it is preempted or calls, and checks
     * brk; beside checksum, so that either can be the one in a call when the kernel crashes.
     */
    static Scenario registerScenario(int quantum) {
        return new Scenario().add(Guests.program("regs", "120", "700")).add(Guests.program("checksum", "60"))
                .config(KernelConfig.defaults().withQuantum(quantum));
    }

    /** A crash in the second system call (brk, before its commit): made again, it keeps the pages it had mapped. */
    @net.jqwik.api.Example
    void brkInterruptedIsMadeAgain() {
        resurrectedProcessesEqualTheirSelvesBeforeTheCrash(500, 1, 1);
    }

    @Property(tries = 40)
    void resurrectedProcessesEqualTheirSelvesBeforeTheCrash(@ForAll @IntRange(min = 500, max = 40_000) int quantum,
                                                            @ForAll @IntRange(min = 1, max = 100_000) int pick,
                                                            @ForAll @IntRange(min = 0, max = 6) int step) {
        check(() -> scenario(quantum), pick, step, "records.dat", "kv.log");
    }

    /** Found by the emulator engineer: the crash falls in exit_group, which commits by its state, not its pc. */
    @net.jqwik.api.Example
    void aCrashAskedForInAnExitStillHappens() {
        check(() -> registerScenario(300), 818, 2, "records.dat");
    }

    /** Every register of every kind, of the process in the call and of the one preempted, survives the crash. */
    @Property(tries = 25)
    void everyRegisterOfEveryProcessSurvives(@ForAll @IntRange(min = 300, max = 9_000) int quantum,
                                             @ForAll @IntRange(min = 1, max = 100_000) int pick,
                                             @ForAll @IntRange(min = 0, max = 6) int step) {
        check(() -> registerScenario(quantum), pick, step, "records.dat");
    }

    static void check(java.util.function.Supplier<Scenario> scenario, int pick, int step, String... files) {
        Observer[] ref = new Observer[1];
        Scenario.Result reference = scenario.get().probe(m -> ref[0] = new Observer(m, -1, 0)).run();
        assertEquals(List.of(), reference.audit());
        long crashCall = 1 + pick % reference.syscalls();
        Observer[] obs = new Observer[1];
        Scenario.Result r = scenario.get().probe(m -> obs[0] = new Observer(m, crashCall, step)).run();
        Observer o = obs[0];
        assertTrue(o.crashed, "the crash happened");
        assertEquals(1, r.reports().size());

        for (Map.Entry<Integer, Regs> e : o.firstAfter.entrySet()) {
            int pid = e.getKey();
            Regs after = e.getValue();
            Regs expected;
            boolean inflight = pid == o.inflightPid;
            boolean beforeCommit = !o.crashedAfterCommit;
            if (inflight && beforeCommit) {
                Regs trap = o.trapAtCrash.get(pid);
                if (o.consoleOutAtCrash > o.consoleOutAtEntry) {
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
            // Memory through the page tables is never rolled back: what each process sees after resurrection is
            // its memory at the crash (a call made again writes its output buffer again with the same bytes). A
            // process never dispatched before the crash is compared with its first dispatch in the reference run.
            long after2 = o.memAfter.get(pid);
            Long before = o.memAtCrash.containsKey(pid) ? o.memAtCrash.get(pid) : ref[0].firstMem.get(pid);
            assertEquals(before, after2, "pid " + pid + " memory through its page tables");
        }
        // What every system call returned, per process, as seen in a0 when the process resumes past its ecall:
        // a call restarted after the crash returns once, a completed one once, so the sequences are the reference's.
        assertEquals(ref[0].results, o.results, "system-call results per process");
        assertEquals(List.of(), r.audit(), "no frame, file reference or page table leaked or lost");
        CrashCampaign.assertDiskClean(r);
        assertEquals(reference.outputs(), r.outputs());
        for (String f : files) assertArrayEquals(reference.file(f), r.file(f), f);
    }
}
