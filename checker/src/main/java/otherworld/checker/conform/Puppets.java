package otherworld.checker.conform;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import otherworld.emulator.BlockDevice;
import otherworld.emulator.Console;
import otherworld.emulator.Hart;
import otherworld.emulator.Machine;
import otherworld.emulator.MemoryDisk;
import otherworld.emulator.TrapCause;
import otherworld.kernel.Computer;
import otherworld.kernel.Disks;
import otherworld.kernel.KernelConfig;
import otherworld.kernel.KernelHooks;
import otherworld.kernel.KernelPanic;
import otherworld.kernel.Scenario;
import otherworld.kernel.proc.Exec;
import otherworld.userland.Programs;

/**
 * The kernel side of conformance: a machine running the real kernel with one {@code puppet} guest per model process,
 * each on its own console. The test types a command line into a puppet's console and runs the machine until the
 * puppet has answered. Everything this class reports is observed from outside the kernel (DESIGN.md rule 6): console
 * bytes, the hart's registers when the kernel hands it a process or when it traps ({@link KernelHooks#dispatch},
 * {@link KernelHooks#trapped}), user memory read through the page tables of the satp the hart was given, and the disk
 * device read host-side. The kernel's Java objects are never asked anything.
 *
 * <p>Input is typed one command at a time ({@link Console#type}); a puppet with nothing typed asks again (read
 * returns 0), so idle puppets make empty reads, which change nothing. The crash is injected by the probe: it throws a
 * {@link KernelPanic} at a named crash point of the next system call a given puppet makes with a given number and
 * first argument.
 */
public final class Puppets {
    /** Instructions per scheduling quantum: small, so that a typed command is answered within a few slices. */
    public static final long QUANTUM = 3_000;
    /** A puppet that has not answered after this many instructions is reported as hung. */
    public static final long STEP_LIMIT = 200_000_000L;
    static final long CHUNK = 4_000;
    static final int RAM = 64 << 20;

    /** One ecall as the hart showed it at the trap, and its result at the next dispatch. */
    public static final class Call {
        public final long nr;
        public final long a0;
        public final long a1;
        public final long a2;
        public final long pc;
        public final long t0;
        /** Result in a0 at the next dispatch past the ecall; valid when {@link #completed}. */
        public long result;
        public boolean completed;

        Call(Hart h) {
            nr = h.x[17];
            a0 = h.x[10];
            a1 = h.x[11];
            a2 = h.x[12];
            pc = h.pc;
            t0 = h.x[5];
        }

        @Override
        public String toString() {
            return "ecall " + nr + "(" + a0 + ", 0x" + Long.toHexString(a1) + ", " + a2 + ")"
                    + (completed ? " = " + result : "");
        }
    }

    /** The registers of a process at its first dispatch after a crash (observed, for the resurrection check). */
    public static final class AfterCrash {
        /** Bytes the interrupted call had sent to its console when the kernel crashed (the device's counter). */
        public long sentAtCrash;
        public long pcDelta;
        public long a0;
        public long satp;
        public long[] pageWords;
        public byte[] disk;
        public Call interrupted;
    }

    /** The kernel crash point before the k-th write (0-based) the kernel makes in a call: "write@k". */
    public static String writePoint(int k) { return "write@" + k; }

    /** k of a "write@k" point, or -1 for any other point. */
    public static int writeIndex(String point) {
        return point != null && point.startsWith("write@") ? Integer.parseInt(point.substring(6)) : -1;
    }

    /** What to crash: the next call (nr, first argument) of pid, at the named point or before its k-th write. */
    static final class Armed {
        final int pid;
        final long nr;
        final long a0;
        final String point;
        final String resurrectPoint;
        final String corrupt;

        Armed(int pid, long nr, long a0, String point, String resurrectPoint, String corrupt) {
            this.pid = pid;
            this.nr = nr;
            this.a0 = a0;
            this.point = point;
            this.resurrectPoint = resurrectPoint;
            this.corrupt = corrupt;
        }
    }

    /** The probe: records calls and dispatches per pid, and injects the armed crash. */
    final class Probe implements KernelHooks {
        final Map<Integer, Call> pending = new HashMap<>();
        final Map<Integer, List<Call>> calls = new HashMap<>();
        final Map<Integer, Long> satp = new HashMap<>();
        final Map<Integer, Integer> dispatches = new HashMap<>();
        /** The dispatch counts when the armed crash fired. */
        Map<Integer, Integer> dispatchesAtCrash = new HashMap<>();
        final Map<String, Long> pointsReached = new HashMap<>();
        int currentPid = -1;
        Armed armed;
        boolean fired;
        boolean resurrectFired;
        String firedAt;
        int crashedPid = -1;
        Call crashedCall;
        AfterCrash after;
        /** Writes the kernel made in the armed call so far, or -1 when the armed call is not running. */
        int armedWrites = -1;
        /** The armed call has begun (once: a later call with the same number and argument is not the one armed). */
        boolean armedBegun;
        long outAtArmedCall;
        long sentAtCrash;
        final java.util.Set<Integer> lostPids = new java.util.HashSet<>();
        String lostDispatched;

        /**
         * Damage a structure of pid in the dead kernel's memory, from outside, as a fault injector does: the task
         * record's magic, the trap frame's pc (into the kernel half), or fd 3 (naming no open file).
         */
        void corrupt(int pid, String structure) {
            otherworld.emulator.PhysicalMemory ram = machine.memory;
            long h = ram.read64(otherworld.kernel.layout.Layouts.ROOT_PA + otherworld.kernel.layout.Layouts.ROOT_HEADER);
            long tasks = ram.read64(h + otherworld.kernel.layout.Layouts.KH_TASKS);
            for (int i = 0; i < otherworld.kernel.layout.Layouts.MAX_TASKS; i++) {
                long t = tasks + (long) i * otherworld.kernel.layout.Layouts.TASK.size();
                if (ram.read32(t + otherworld.kernel.layout.Layouts.T_PID) != pid
                        || ram.read32(t + otherworld.kernel.layout.Layouts.T_STATE) != otherworld.kernel.layout.Layouts.TASK_RUNNABLE) {
                    continue;
                }
                switch (structure) {
                    case "task" -> ram.write32(t, 0);
                    case "trapframe" -> ram.write64(t + otherworld.kernel.layout.Layouts.T_PC, 0xFFFF_FFC0_0000_0000L);
                    case "fdtable" -> ram.write32(t + otherworld.kernel.layout.Layouts.T_FD + 4L * 3, 4096);
                    default -> throw new IllegalArgumentException("unknown structure " + structure);
                }
                lostPids.add(pid);
                return;
            }
            throw new IllegalStateException("pid " + pid + " has no task record to corrupt");
        }

        /** Per system call (number, first argument): the most writes one call made (its write crash points). */
        final Map<String, Integer> maxWrites = new HashMap<>();
        String callKey = "";
        int callWrites;

        @Override
        public boolean tracesWrites() { return true; }

        @Override
        public void syscallStarted(int nr) {
            Call mine = pending.get(currentPid);
            callKey = nr + ":" + (mine == null ? 0 : mine.a0);
            callWrites = 0;
            Armed a = armed;
            Call c = a == null ? null : pending.get(a.pid);
            boolean match = a != null && !fired && !armedBegun && currentPid == a.pid && c != null && c.nr == a.nr
                    && c.a0 == a.a0 && writeIndex(a.point) >= 0;
            armedWrites = match ? 0 : -1;
            if (match) {
                armedBegun = true;
                outAtArmedCall = consoleOut();
            }
        }

        @Override
        public void kernelWrite(long pa, int len) {
            callWrites++;
            if (armedWrites < 0) {
                return;
            }
            int k = armedWrites++;
            if (writeIndex(armed.point) == k) {
                armedWrites = -1;
                sentAtCrash = consoleOut() - outAtArmedCall;
                if (armed.corrupt != null) corrupt(armed.pid, armed.corrupt);
                fired = true;
                dispatchesAtCrash = new HashMap<>(dispatches);
                firedAt = armed.point;
                crashedPid = armed.pid;
                crashedCall = pending.get(armed.pid);
                throw new KernelPanic("conformance: crash before write " + k + " of the call");
            }
        }

        @Override
        public void dispatch(Hart hart, int pid) {
            satp.put(pid, hart.satp);
            dispatches.merge(pid, 1, (a, b) -> a + b);
            Call c = pending.remove(pid);
            if (c != null && hart.pc == c.pc + 4) {
                c.completed = true;
                c.result = hart.x[10];
            }
            if (lostPids.contains(pid)) {
                lostDispatched = "pid " + pid + " was left corrupt at a crash and is running again";
            }
            if (fired && after == null && pid == crashedPid) {
                AfterCrash a = new AfterCrash();
                a.interrupted = crashedCall;
                a.pcDelta = crashedCall == null ? 0 : hart.pc - crashedCall.pc;
                a.a0 = hart.x[10];
                a.satp = hart.satp;
                a.pageWords = pageWords(hart.satp);
                a.disk = diskImage();
                a.sentAtCrash = sentAtCrash;
                after = a;
            }
        }

        @Override
        public void trapped(Hart hart, int pid, TrapCause cause) {
            currentPid = pid;
            if (cause == TrapCause.ECALL_FROM_U) {
                Call c = new Call(hart);
                pending.put(pid, c);
                calls.computeIfAbsent(pid, k -> new ArrayList<>()).add(c);
            }
        }

        @Override
        public void point(String name) {
            pointsReached.merge(name, 1L, (a, b) -> a + b);
            if (name.equals("syscall.done")) {
                maxWrites.merge(callKey, callWrites, (x, y) -> Math.max(x, y));
                armedWrites = -1;
            }
            Armed a = armed;
            if (a == null) {
                return;
            }
            if (!fired && name.equals(a.point) && currentPid == a.pid) {
                Call c = pending.get(a.pid);
                if (c != null && c.nr == a.nr && c.a0 == a.a0) {
                    fired = true;
                    dispatchesAtCrash = new HashMap<>(dispatches);
                    firedAt = name;
                    crashedPid = a.pid;
                    crashedCall = c;
                    throw new KernelPanic("conformance: crash at " + name);
                }
            }
            if (fired && !resurrectFired && a.resurrectPoint != null && name.equals(a.resurrectPoint)) {
                resurrectFired = true;
                throw new KernelPanic("conformance: crash kernel crashes at " + name);
            }
        }
    }

    private final Machine machine;
    private final Computer computer;
    private final List<Console> consoles = new ArrayList<>();
    private final int[] pids;
    private final long[] pagesVa;
    private final int pages;
    private final Probe probe = new Probe();
    private final boolean[] exited;
    private long crashes;
    /** Family mode: slot p's lines are tagged "@PID " (a forked child) or untagged (puppet 0); all on console 0. */
    private final boolean family;
    /** Where slot p's next answer is looked for in its console's output (bytes). */
    private final int[] from;
    /** Slots whose puppet is blocked in a call (told by the harness): not waited for when another exits. */
    private final boolean[] blocked;
    /** A forked child's mailbox sequence word (the command count). */
    private final long[] mailSeq;
    /** The page after the puppet's NPAGES pages (userland/src/puppet.c). */
    static final int MAILBOX_PAGE = 4;

    /** Boots a machine with {@code procs} puppets; each opens its file {@code files[p]} (fd 3) before returning. */
    public Puppets(int procs, int pages, String[] files) {
        this(procs, pages, files, procs);
    }

    /**
     * Boots a machine with {@code procs} puppets and room for {@code slots} processes in all: with more slots than
     * puppets (family mode, one puppet), the others are filled by forked children ({@link #adopt}), which share
     * puppet 0's console and take their commands from their mailbox page.
     */
    public Puppets(int procs, int pages, String[] files, int slots) {
        this.pages = pages;
        this.family = slots > procs;
        this.from = new int[slots];
        this.blocked = new boolean[slots];
        this.mailSeq = new long[slots];
        for (int i = 0; i < procs; i++) {
            consoles.add(new Console("tty" + i));
        }
        machine = new Machine(RAM, consoles, Disks.blankExt2());
        KernelConfig cfg = KernelConfig.defaults().withQuantum(QUANTUM).withFlushInterval(0);
        computer = new Computer(machine, cfg).probe(probe).boot();
        byte[] elf = Programs.get("puppet").binary();
        pids = new int[slots];
        pagesVa = new long[slots];
        exited = new boolean[slots];
        java.util.Arrays.fill(pids, -1);
        for (int i = 0; i < procs; i++) {
            try {
                pids[i] = computer.spawn("/bin/puppet", elf, List.of("puppet"), i);
            } catch (Exec.ExecException e) {
                throw new IllegalStateException("cannot start puppet " + i + ": " + e.getMessage(), e);
            }
        }
        for (int i = 0; i < procs; i++) {
            String ready = awaitLine(i, 0);
            if (!ready.startsWith("ready 0x")) {
                throw new IllegalStateException("puppet " + i + " said '" + ready + "'");
            }
            pagesVa[i] = Long.parseUnsignedLong(ready.substring(8).trim(), 16);
        }
        for (int i = 0; i < procs; i++) {
            String r = command(i, "open " + files[i] + " 66");
            if (!r.equals("open = 3")) {
                throw new IllegalStateException("puppet " + i + " could not open " + files[i] + ": " + r);
            }
        }
    }

    public int procs() { return pids.length; }
    public int pid(int p) { return pids[p]; }
    public long pageVa(int p, int g) { return pagesVa[p] + 4096L * g; }
    public boolean exited(int p) { return exited[p]; }
    /** Puppet p was left corrupt at a crash: the crash kernel must not bring it back. */
    public boolean lost(int p) { return probe.lostPids.contains(pids[p]); }
    /** What went wrong with a lost puppet (it ran again), or null. */
    public String lostDispatched() { return probe.lostDispatched; }
    public boolean halted() { return computer.halted(); }
    public long instructions() { return machine.clock(); }
    public long crashes() { return crashes; }
    public Map<String, Long> pointsReached() { return probe.pointsReached; }

    /** The most kernel writes one call (number nr, first argument a0) has made so far (0 if none was seen). */
    public int maxWrites(long nr, long a0) { return probe.maxWrites.getOrDefault(nr + ":" + a0, 0); }
    public List<String> kernelLog() { return log; }

    private final List<String> log = new ArrayList<>();

    /** Bytes sent so far on every console. */
    long consoleOut() {
        long n = 0;
        for (Console c : consoles) n += c.bytesOut();
        return n;
    }

    /** Console bytes of puppet p so far. */
    public byte[] output(int p) { return consoles.get(p).output(); }

    /**
     * Types one line into puppet p's console and runs the machine until the puppet has printed one more line; returns
     * everything printed since (without the final newline), or null if the puppet was left corrupt at a crash (it
     * will never answer).
     */
    public String command(int p, String line) {
        give(p, line);
        return await(p);
    }

    /** Gives slot p a command line without waiting for its answer: typed into its console, or into its mailbox. */
    public void give(int p, String line) {
        Console con = consoles.get(consoleOf(p));
        from[p] = (int) con.bytesOut();
        if (family && p > 0) {
            mail(p, line);
        } else {
            con.type((line + "\n").getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    /** Runs the machine until slot p has answered the command it was given; its line (without the tag). */
    public String await(int p) {
        return awaitLine(p, from[p]);
    }

    private int consoleOf(int p) {
        return family ? 0 : p;
    }

    /** A forked child's command: the line from byte 8 of its mailbox page, then the page's word 0 moved on. */
    private void mail(int p, String line) {
        Long satp = probe.satp.get(pids[p]);
        otherworld.emulator.DebugPort port = new otherworld.emulator.DebugPort(machine.memory);
        long pa = satp == null ? otherworld.emulator.DebugPort.UNMAPPED
                : port.translate(satp, pagesVa[p] + 4096L * MAILBOX_PAGE);
        if (pa == otherworld.emulator.DebugPort.UNMAPPED) {
            throw new IllegalStateException("slot " + p + " (pid " + pids[p] + ") has no mailbox page");
        }
        byte[] b = (line + "\0").getBytes(StandardCharsets.ISO_8859_1);
        machine.memory.write(pa + 8, b, 0, b.length);
        machine.memory.write64(pa, ++mailSeq[p]);
    }

    /** Family mode: slot p is the child pid that a fork just made; waits for its "@PID ready". */
    public void adopt(int p, int pid) {
        if (pids[p] >= 0 && !exited[p]) {
            throw new IllegalStateException("slot " + p + " is still pid " + pids[p]);
        }
        pids[p] = pid;
        pagesVa[p] = pagesVa[0];
        exited[p] = false;
        blocked[p] = false;
        mailSeq[p] = 0;
        from[p] = from[0];
        String r = await(p);
        if (!"ready".equals(r)) {
            throw new IllegalStateException("child pid " + pid + " said '" + r + "'");
        }
    }

    /** The slot of a kernel pid, or -1. */
    public int slotOf(long pid) {
        for (int p = 0; p < pids.length; p++) {
            if (pids[p] == pid) {
                return p;
            }
        }
        return -1;
    }

    /**
     * After a crash: runs until each of the given slots has been dispatched since the crash (a resurrected process
     * runs under page tables the crash kernel built: its memory is read through them, not the dead kernel's).
     */
    public void awaitRedispatch(List<Integer> slots) {
        long stop = machine.clock() + STEP_LIMIT;
        for (int p : slots) {
            int pid = pids[p];
            while (probe.dispatches.getOrDefault(pid, 0) <= probe.dispatchesAtCrash.getOrDefault(pid, 0)) {
                if (computer.halted() || machine.clock() >= stop) {
                    throw new IllegalStateException("slot " + p + " (pid " + pid + ") was not dispatched after the crash");
                }
                computer.run(CHUNK);
            }
        }
    }

    /** The harness says slot p is blocked in a call (or no longer). */
    public void setBlocked(int p, boolean b) {
        blocked[p] = b;
    }

    /**
     * Slot p was given a command that blocks: runs until its call (number nr, first argument a0) has trapped, then a
     * while longer, so that a call that would not block has answered. Returns the answer if there was one, else null.
     */
    public String settle(int p, int callsBefore, long nr, long a0) {
        long stop = machine.clock() + STEP_LIMIT;
        while (true) {
            List<Call> c = calls(p);
            boolean seen = false;
            for (int i = callsBefore; i < c.size(); i++) {
                seen |= c.get(i).nr == nr && c.get(i).a0 == a0;
            }
            if (seen) {
                break;
            }
            if (computer.halted() || machine.clock() >= stop) {
                throw new IllegalStateException("slot " + p + " never made call " + nr + "(" + a0 + ")");
            }
            computer.run(CHUNK);
        }
        computer.run(8 * CHUNK);
        return lineAfter(p, from[p]);
    }

    /** Arms a crash for the next call (nr, first argument a0) of puppet p at point; optionally also the crash kernel. */
    public void arm(int p, long nr, long a0, String point, String resurrectPoint) {
        arm(p, nr, a0, point, resurrectPoint, null);
    }

    /** As {@link #arm(int, long, long, String, String)}, leaving structure corrupt at the crash (or null). */
    public void arm(int p, long nr, long a0, String point, String resurrectPoint, String corrupt) {
        probe.armed = new Armed(pids[p], nr, a0, point, resurrectPoint, corrupt);
        probe.armedWrites = -1;
        probe.armedBegun = false;
        probe.fired = false;
        probe.resurrectFired = false;
        probe.after = null;
        probe.crashedCall = null;
        probe.crashedPid = -1;
    }

    /** True if the armed crash fired; the observation at the crashed puppet's first dispatch after it (or null). */
    public boolean fired() { return probe.fired; }
    public boolean resurrectFired() { return probe.resurrectFired; }
    public AfterCrash afterCrash() { return probe.after; }

    public void disarm() {
        if (probe.fired) {
            crashes++;
        }
        if (probe.resurrectFired) {
            crashes++;
        }
        probe.armed = null;
    }

    /** Types "exit 0" into puppet p and runs until it has gone (no dispatch in two rounds of the others). */
    public void exit(int p) {
        exit(p, 0);
    }

    /** Gives slot p "exit CODE" and runs until it has gone (no dispatch in two rounds of the others not blocked). */
    public void exit(int p, int code) {
        give(p, "exit " + code);
        int pid = pids[p];
        long stop = machine.clock() + STEP_LIMIT;
        while (machine.clock() < stop && !computer.halted()) {
            Call c = lastCall(p);
            if (c != null && (c.nr == 94 || c.nr == 93) && probe.pending.get(pid) == c) {
                // the exit ecall trapped; gone once every other live puppet has been dispatched twice since
                Map<Integer, Integer> base = new HashMap<>(probe.dispatches);
                int baseSelf = probe.dispatches.getOrDefault(pid, 0);
                boolean all = false;
                while (machine.clock() < stop && !computer.halted()) {
                    all = computer.run(CHUNK);
                    if (probe.dispatches.getOrDefault(pid, 0) != baseSelf) {
                        break; // dispatched again: the exit was undone by a crash and will be made again
                    }
                    boolean rounds = true;
                    for (int q = 0; q < pids.length; q++) {
                        if (q != p && pids[q] >= 0 && !exited[q] && !blocked[q] && !lost(q)
                                && probe.dispatches.getOrDefault(pids[q], 0) - base.getOrDefault(pids[q], 0) < 2) {
                            rounds = false;
                        }
                    }
                    if (all || rounds) {
                        exited[p] = true;
                        return;
                    }
                }
                continue;
            }
            computer.run(CHUNK);
        }
        throw new IllegalStateException(computer.halted() ? "machine halted" : "puppet " + p + " did not exit");
    }

    /**
     * Slot p's first line in its console's output from byte {@code from}, without its tag (null if none yet); in family
     * mode, lines of other slots are passed over.
     */
    private String lineAfter(int p, int from) {
        byte[] out = consoles.get(consoleOf(p)).output();
        String tag = family && p > 0 ? "@" + pids[p] + " " : null;
        int start = from;
        for (int i = from; i < out.length; i++) {
            if (out[i] != '\n') {
                continue;
            }
            String line = new String(out, start, i - start, StandardCharsets.ISO_8859_1);
            start = i + 1;
            if (!family) {
                return line;
            }
            if (tag == null ? !line.startsWith("@") : line.startsWith(tag)) {
                return tag == null ? line : line.substring(tag.length());
            }
        }
        return null;
    }

    private String awaitLine(int p, int from) {
        long stop = machine.clock() + STEP_LIMIT;
        while (true) {
            String line = lineAfter(p, from);
            if (line != null) {
                return line;
            }
            if (computer.halted()) {
                throw new IllegalStateException("machine halted: no crash kernel succeeded");
            }
            if (lost(p)) {
                computer.run(4 * CHUNK); // long enough for a puppet wrongly brought back to show itself
                return null;
            }
            if (machine.clock() >= stop) {
                throw new IllegalStateException("puppet " + p + " did not answer within " + STEP_LIMIT + " instructions");
            }
            computer.run(CHUNK);
        }
    }

    /** The calls puppet p made, as the hart showed them. */
    public List<Call> calls(int p) {
        List<Call> c = probe.calls.get(pids[p]);
        return c == null ? List.of() : c;
    }

    Call lastCall(int p) {
        List<Call> c = calls(p);
        return c.isEmpty() ? null : c.get(c.size() - 1);
    }

    /** The first completed call of puppet p, from index {@code from} of {@link #calls}, with number nr and first argument a0. */
    public Call firstCompleted(int p, int from, long nr, long a0) {
        List<Call> c = calls(p);
        for (int i = from; i < c.size(); i++) {
            Call k = c.get(i);
            if (k.completed && k.nr == nr && k.a0 == a0) {
                return k;
            }
        }
        return null;
    }

    /** Family mode: slot p's process has been waited for (its pid is gone). */
    public void reaped(int p) {
        exited[p] = true;
    }

    /** Word 0 of each page of puppet p, read through the page tables of the satp it was last dispatched with. */
    public long[] pageWords(int p) {
        Long s = probe.satp.get(pids[p]);
        if (s == null) {
            throw new IllegalStateException("puppet " + p + " never dispatched");
        }
        long[] w = new long[pages];
        for (int g = 0; g < pages; g++) {
            w[g] = readUser(s, pageVa(p, g));
        }
        return w;
    }

    long[] pageWords(long satp) {
        int p = -1;
        for (int i = 0; i < pids.length; i++) {
            if (pids[i] == probe.crashedPid) {
                p = i;
            }
        }
        long[] w = new long[pages];
        for (int g = 0; g < pages && p >= 0; g++) {
            w[g] = readUser(satp, pageVa(p, g));
        }
        return w;
    }

    /** A 64-bit word at a user virtual address, through the machine's debug port; Long.MIN_VALUE if unmapped. */
    long readUser(long satp, long va) {
        Long w = new otherworld.emulator.DebugPort(machine.memory).read64(satp, va);
        return w == null ? Long.MIN_VALUE : w;
    }

    /** A copy of the disk device as it stands (reading it does not touch the machine). */
    public byte[] diskImage() {
        BlockDevice d = machine.disk;
        if (d instanceof MemoryDisk) {
            return ((MemoryDisk) d).image();
        }
        byte[] b = new byte[(int) d.sizeBytes()];
        d.read(0, b, 0, b.length);
        return b;
    }

    /** A file read host-side from a disk image (null if absent). */
    public static byte[] file(byte[] image, String path) {
        return Scenario.readFile(image, path);
    }

    /** Ends the run: the dirty page cache goes to disk, as at the end of every scenario. */
    public void sync() {
        if (computer.kernel() != null) {
            computer.kernel().sync();
        }
    }
}
