package otherworld.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The named invariants of spec/crash-resurrection.md, section "Invariants". State invariants
 * hold in every reachable state; step invariants hold on every transition (most of them only
 * constrain the commit of a resurrection). The checker checks them in this order and reports
 * the first that fails.
 */
public final class Invariants {
    public static final String AT_MOST_ONE_CALL_IN_FLIGHT = "AtMostOneCallInFlight";
    public static final String CONSOLE_OUTPUT_EXACTLY_ONCE = "ConsoleOutputExactlyOnce";
    public static final String FSYNCED_DATA_ON_DISK = "FsyncedDataOnDisk";
    public static final String FILE_CONTENTS_MATCH_COMMITTED_WRITES = "FileContentsMatchCommittedWrites";
    public static final String CLEAN_CACHE_MATCHES_DISK = "CleanCacheMatchesDisk";
    public static final String CRASH_KERNEL_CAN_PROCEED = "CrashKernelCanProceed";
    public static final String DEAD_KERNEL_MEMORY_READ_ONLY = "DeadKernelMemoryReadOnly";
    public static final String CORRUPT_PROCESS_NOT_RESURRECTED = "CorruptProcessNotResurrected";
    public static final String RESURRECTED_PROCESS_EQUALS_PRE_CRASH_SELF = "ResurrectedProcessEqualsPreCrashSelf";
    public static final String REPEATED_CRASH_SAME_OUTCOME = "RepeatedCrashSameOutcome";
    public static final String PIPE_DELIVERS_ONCE_IN_ORDER = "PipeDeliversOnceInOrder";
    public static final String EVERY_FORK_MAKES_ONE_PROCESS = "EveryForkMakesOneProcess";
    public static final String RECEIVE_GETS_THE_OLDEST_VALUE_SENT = "ReceiveGetsTheOldestValueSent";
    public static final String WAIT_GETS_THE_EXIT_STATUS = "WaitGetsTheExitStatus";

    private final Machine machine;
    private final Layout L;
    private final List<Invariant> all;

    // indices of the predicates, in checking order (see holds and holdsOn)
    private static final int I_AT_MOST_ONE = 0;
    private static final int I_CONSOLE = 1;
    private static final int I_FSYNCED = 2;
    private static final int I_FILE_CONTENTS = 3;
    private static final int I_CLEAN_CACHE = 4;
    private static final int I_CAN_PROCEED = 5;
    private static final int I_READ_ONLY = 6;
    private static final int I_CORRUPT = 7;
    private static final int I_EQUALS_PRE_CRASH = 8;
    private static final int I_SAME_OUTCOME = 9;
    private static final int I_PIPE = 10;
    private static final int I_FORKS = 11;
    private static final int I_RECEIVE = 12;
    private static final int I_WAIT = 13;

    Invariants(Machine machine) {
        this.machine = machine;
        this.L = machine.layout();
        List<Invariant> list = new ArrayList<>();
        list.add(new Invariant(this, I_AT_MOST_ONE, AT_MOST_ONE_CALL_IN_FLIGHT,
                "the kernel is non-preemptive: at most one process has a system call in flight", false));
        list.add(new Invariant(this, I_CONSOLE, CONSOLE_OUTPUT_EXACTLY_ONCE,
                "console output = bytes of completed calls, then a prefix of the one in flight", false));
        list.add(new Invariant(this, I_FSYNCED, FSYNCED_DATA_ON_DISK,
                "a block acknowledged by fsync and not rewritten since is on disk", false));
        list.add(new Invariant(this, I_FILE_CONTENTS, FILE_CONTENTS_MATCH_COMMITTED_WRITES,
                "kernel running, no call in flight: every file reads back its committed writes", false));
        list.add(new Invariant(this, I_CLEAN_CACHE, CLEAN_CACHE_MATCHES_DISK,
                "kernel running: a clean cache block equals its disk block", false));
        list.add(new Invariant(this, I_CAN_PROCEED, CRASH_KERNEL_CAN_PROCEED,
                "during resurrection the crash kernel always has a step to take", false));
        list.add(new Invariant(this, I_READ_ONLY, DEAD_KERNEL_MEMORY_READ_ONLY,
                "the crash kernel writes only its region and devices, never the dead kernel's memory", true));
        list.add(new Invariant(this, I_CORRUPT, CORRUPT_PROCESS_NOT_RESURRECTED,
                "a process whose structures were corrupt is reported (lost), not resurrected", true));
        list.add(new Invariant(this, I_EQUALS_PRE_CRASH, RESURRECTED_PROCESS_EQUALS_PRE_CRASH_SELF,
                "after resurrection each valid process equals its pre-crash self, its in-flight call not made or completed",
                true));
        list.add(new Invariant(this, I_SAME_OUTCOME, REPEATED_CRASH_SAME_OUTCOME,
                "resurrection reaches the same observable outcome however often the crash kernel crashed", true));
        list.add(new Invariant(this, I_PIPE, PIPE_DELIVERS_ONCE_IN_ORDER,
                "kernel running, no call in flight: the pipe holds exactly the values sent and not yet received, in"
                        + " the order they were sent (none twice, none lost)", false));
        list.add(new Invariant(this, I_FORKS, EVERY_FORK_MAKES_ONE_PROCESS,
                "kernel running, no call in flight: the processes are the first one and one per fork made, less those"
                        + " waited for (no process made or resurrected twice)", false));
        list.add(new Invariant(this, I_RECEIVE, RECEIVE_GETS_THE_OLDEST_VALUE_SENT,
                "a recv that commits has received the oldest value sent and not yet received", true));
        list.add(new Invariant(this, I_WAIT, WAIT_GETS_THE_EXIT_STATUS,
                "a wait that commits has the status its child exited with", true));
        this.all = List.copyOf(list);
    }

    /** The state predicate with the given index. */
    boolean holds(int index, State s) {
        switch (index) {
            case I_AT_MOST_ONE:
                return atMostOneInFlight(s);
            case I_CONSOLE:
                return consoleExactlyOnce(s);
            case I_FSYNCED:
                return fsyncedOnDisk(s);
            case I_FILE_CONTENTS:
                return fileContentsMatch(s);
            case I_CLEAN_CACHE:
                return cleanCacheMatchesDisk(s);
            case I_CAN_PROCEED:
                return s.phase() != Layout.RESURRECTING || !machine.actions(s).isEmpty();
            case I_PIPE:
                return pipeDeliversOnceInOrder(s);
            case I_FORKS:
                return everyForkMakesOneProcess(s);
            default:
                throw new IllegalArgumentException("no state invariant " + index);
        }
    }

    /** The step predicate with the given index. */
    boolean holdsOn(int index, State b, Action a, State t) {
        switch (index) {
            case I_READ_ONLY:
                return deadMemoryReadOnly(b, a, t);
            case I_CORRUPT:
                return corruptNotResurrected(b, a, t);
            case I_EQUALS_PRE_CRASH:
                return resurrectedEqualsPreCrash(b, a, t);
            case I_SAME_OUTCOME:
                return sameOutcome(b, a, t);
            case I_RECEIVE:
                return receiveGetsOldest(b, a, t);
            case I_WAIT:
                return waitGetsExitStatus(b, a, t);
            default:
                throw new IllegalArgumentException("no step invariant " + index);
        }
    }

    /** All invariants, in checking order. */
    public List<Invariant> all() {
        return all;
    }

    public Invariant byName(String name) {
        for (Invariant i : all) {
            if (i.name().equals(name)) {
                return i;
            }
        }
        return null;
    }

    /** The first state invariant violated by s, or null. */
    public Invariant firstViolated(State s) {
        for (Invariant i : all) {
            if (!i.isStepInvariant() && !i.holds(s)) {
                return i;
            }
        }
        return null;
    }

    /** The first step invariant violated by the transition, or null. */
    public Invariant firstViolated(State before, Action a, State after) {
        for (Invariant i : all) {
            if (i.isStepInvariant() && !i.holdsOn(before, a, after)) {
                return i;
            }
        }
        return null;
    }

    boolean atMostOneInFlight(State s) {
        int n = 0;
        for (int p = 0; p < L.procs; p++) {
            if (s.proc(p, Layout.STEP) != 0) {
                n++;
            }
        }
        return n <= 1;
    }

    boolean consoleExactlyOnce(State s) {
        int[] c = s.console;
        int[] e = s.expected;
        if (c.length < e.length) {
            return false;
        }
        for (int i = 0; i < e.length; i++) {
            if (c[i] != e[i]) {
                return false;
            }
        }
        int extra = c.length - e.length;
        if (extra == 0) {
            return true;
        }
        int p = s.inKernel();
        if (p < 0) {
            return false;
        }
        Instr in = machine.program().get(s.proc(p, Layout.EPC));
        if (in.kind() != Instr.Kind.CONWRITE || extra > machine.config().consoleBytes()) {
            return false;
        }
        int v = s.page(p, in.page());
        for (int k = 0; k < extra; k++) {
            if (c[e.length + k] != Syscalls.consoleByte(v, k)) {
                return false;
            }
        }
        return true;
    }

    /**
     * A block acknowledged by fsync and not rewritten since (by a committed write) is on disk — or holds the bytes of
     * a write to it that has not committed, which the crash kernel may have flushed and the write, made again, puts
     * there anyway.
     */
    boolean fsyncedOnDisk(State s) {
        for (int i = 0; i < L.files * L.blocks; i++) {
            int ack = s.get(L.gFsynced + i);
            int d = s.get(L.disk + i);
            if (ack != Layout.NONE && d != ack && !pendingWriteOf(s, i, d)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Every block reads back its committed writes — or, at the position of a file write interrupted before its
     * commit and not yet made again, the bytes that write puts there (they may have reached the cache and the disk
     * before the crash; the write, made again, puts the same bytes).
     */
    boolean fileContentsMatch(State s) {
        if (s.phase() != Layout.RUNNING || s.inKernel() >= 0) {
            return true;
        }
        for (int i = 0; i < L.files * L.blocks; i++) {
            int v = s.get(L.cacheVal + i);
            if (v != s.get(L.gCommitted + i) && !pendingWriteOf(s, i, v)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Some process has a file write not committed, to block i, of value v: a runnable one will make it again; one
     * refused as corrupt (lost) never will, and what it had put in the cache may have been flushed, as a write
     * interrupted by any crash may leave its bytes.
     */
    private boolean pendingWriteOf(State s, int i, int v) {
        for (int p = 0; p < L.procs; p++) {
            int st = s.proc(p, Layout.STATUS);
            if (st != Layout.RUNNABLE && st != Layout.LOST || !s.callUncommitted(p)) {
                continue;
            }
            Instr in = machine.program().get(s.proc(p, Layout.EPC));
            if (in.kind() == Instr.Kind.WRITE && L.fb(s.proc(p, Layout.FD_FILE), s.proc(p, Layout.FD_OFF)) == i
                    && s.page(p, in.page()) == v) {
                return true;
            }
        }
        return false;
    }

    boolean cleanCacheMatchesDisk(State s) {
        if (s.phase() != Layout.RUNNING) {
            return true;
        }
        for (int i = 0; i < L.files * L.blocks; i++) {
            if (s.get(L.cacheDirty + i) == 0 && s.get(L.cacheVal + i) != s.get(L.disk + i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isCrashKernelStep(State before, Action a) {
        return before.phase() == Layout.RESURRECTING && a.kind() != Action.Kind.COMMIT
                && a.kind() != Action.Kind.CRASH_DURING_RESURRECTION;
    }

    private static boolean isCommit(State before, Action a, State after) {
        return before.phase() == Layout.RESURRECTING && after.phase() == Layout.RUNNING;
    }

    boolean deadMemoryReadOnly(State b, Action a, State t) {
        if (!isCrashKernelStep(b, a)) {
            return true;
        }
        for (int addr = 0; addr < L.size; addr++) {
            int p = L.procOf(addr);
            if (p >= 0) {
                int f = addr - L.procBase(p);
                if (f >= Layout.R_VERDICT && f <= Layout.R_OFF) {
                    continue; // the crash region
                }
            } else if (addr == L.rstep || addr == L.counter
                    || (addr >= L.disk && addr < L.disk + L.files * L.blocks)) {
                continue; // crash-kernel progress and devices
            }
            if (b.get(addr) != t.get(addr)) {
                return false;
            }
        }
        return true;
    }

    boolean corruptNotResurrected(State b, Action a, State t) {
        if (!isCommit(b, a, t)) {
            return true;
        }
        for (int p = 0; p < L.procs; p++) {
            if (b.proc(p, Layout.CORRUPT) != 0 && t.proc(p, Layout.STATUS) != Layout.LOST) {
                return false;
            }
        }
        return true;
    }

    /**
     * The resurrection theorem at the commit: for each process that was runnable and valid, its
     * view after resurrection equals its pre-crash self — with the call it was making either not
     * made (as at its ecall) or made (its result, its offset moved), never a mix. A call that had
     * committed stays made; one that had not is not made, except a console write whose bytes had
     * begun to leave the machine, which is completed. A process not in a call is unchanged.
     */
    boolean resurrectedEqualsPreCrash(State b, Action a, State t) {
        if (!isCommit(b, a, t)) {
            return true;
        }
        for (int p = 0; p < L.procs; p++) {
            int status = b.proc(p, Layout.STATUS);
            if (b.proc(p, Layout.CORRUPT) != 0) {
                continue;
            }
            ProcessView after = Observation.view(t, p);
            if (status == Layout.BLOCKED) {
                // its call had no effect: it comes back runnable, to make the call again from its ecall
                if (!after.equals(notMade(b, p))) {
                    return false;
                }
                continue;
            }
            if (status != Layout.RUNNABLE) {
                if (after.status() != status && !(status == Layout.EXITED && after.status() == Layout.FREE
                        && reapedByCommittedWait(b, p))) {
                    return false;
                }
                continue;
            }
            ProcessView self = Observation.view(b, p);
            if (b.proc(p, Layout.STEP) == 0) {
                if (!after.equals(self)) {
                    return false;
                }
                continue;
            }
            Instr in = machine.program().get(b.proc(p, Layout.EPC));
            ProcessView notMade = notMade(b, p);
            ProcessView made = switch (in.kind()) {
                case WRITE -> notMade.completed(1, 1);
                case FSYNC -> notMade.completed(0, 0);
                case CONWRITE -> notMade.completed(machine.config().consoleBytes(), 0);
                case SEND, RECV, WAIT -> notMade.completed(b.proc(p, Layout.A0), 0);
                case FORK -> notMade.completed(b.proc(p, Layout.SYSWORD) - 1, 0);
                default -> null;
            };
            boolean committed = b.callCommitted(p);
            boolean completable = in.kind() == Instr.Kind.CONWRITE || in.kind() == Instr.Kind.FORK;
            boolean ok = committed ? after.equals(made)
                    : after.equals(notMade) || (completable && after.equals(made));
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** A process in a call, as at its ecall: pc there, a0 as it made the call, the offset at entry (ghost). */
    ProcessView notMade(State s, int p) {
        int[] pages = new int[L.pages];
        for (int g = 0; g < L.pages; g++) {
            pages[g] = s.page(p, g);
        }
        return new ProcessView(Layout.RUNNABLE, s.proc(p, Layout.EPC), s.proc(p, Layout.ORIG_A0),
                s.proc(p, Layout.T0), pages, new int[] {s.proc(p, Layout.G_OFF)});
    }

    /** p is a zombie the committed wait of the process that ran last names: its tail (made again) frees p. */
    private boolean reapedByCommittedWait(State b, int p) {
        int cur = b.get(L.current);
        return L.family && b.callCommitted(cur) && machine.program().get(b.proc(cur, Layout.EPC)).kind() == Instr.Kind.WAIT
                && b.proc(cur, Layout.A0) == p && b.proc(p, L.ppid) == cur + 1;
    }

    /**
     * The pipe holds exactly the values sent by committed sends and not yet received by committed recvs, in order:
     * {@code nwrite - nread = sent - received <= CAP} and {@code pipe[(nread + i) mod CAP] = queue[received + i]}.
     */
    boolean pipeDeliversOnceInOrder(State s) {
        if (!L.family || s.phase() != Layout.RUNNING || s.inKernel() >= 0) {
            return true;
        }
        int n = s.get(L.nwrite) - s.get(L.nread);
        int sent = s.get(L.gSentN);
        int received = s.get(L.gRecvN);
        if (n != sent - received || n < 0 || n > Layout.PIPE_CAP) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (s.get(L.pipe + (s.get(L.nread) + i) % Layout.PIPE_CAP)
                    != s.get(L.gQueue + (received + i) % (Layout.PIPE_CAP + 1))) {
                return false;
            }
        }
        return true;
    }

    /** |processes not free| = (1 if the program forks, else P) + forks made - children waited for. */
    boolean everyForkMakesOneProcess(State s) {
        if (!L.family || s.phase() != Layout.RUNNING || s.inKernel() >= 0) {
            return true;
        }
        int n = 0;
        for (int p = 0; p < L.procs; p++) {
            if (s.proc(p, Layout.STATUS) != Layout.FREE) {
                n++;
            }
        }
        int first = machine.config().forks() ? 1 : L.procs;
        return n == first + s.get(L.gCreated) - s.get(L.gFreed);
    }

    /** The running kernel's step that commits p's call of the given kind (pc moves past the ecall). */
    private boolean commits(State b, Action a, State t, Instr.Kind kind) {
        if (a.kind() != Action.Kind.SYSCALL_STEP || b.phase() != Layout.RUNNING) {
            return false;
        }
        int p = a.pid();
        return b.callUncommitted(p) && t.callCommitted(p) && machine.program().get(b.proc(p, Layout.EPC)).kind() == kind;
    }

    boolean receiveGetsOldest(State b, Action a, State t) {
        if (!L.family || !commits(b, a, t, Instr.Kind.RECV)) {
            return true;
        }
        int p = a.pid();
        int received = b.get(L.gRecvN);
        int g = machine.program().get(b.proc(p, Layout.EPC)).page();
        return received < b.get(L.gSentN)
                && t.page(p, g) == b.get(L.gQueue + received % (Layout.PIPE_CAP + 1));
    }

    boolean waitGetsExitStatus(State b, Action a, State t) {
        if (!L.family || !commits(b, a, t, Instr.Kind.WAIT)) {
            return true;
        }
        int p = a.pid();
        int z = t.proc(p, Layout.A0);
        if (z < 0) {
            return true; // ECHILD
        }
        int g = machine.program().get(b.proc(p, Layout.EPC)).page();
        return z < L.procs && b.proc(z, Layout.STATUS) == Layout.EXITED && t.page(p, g) == b.proc(z, L.gExit);
    }

    boolean sameOutcome(State b, Action a, State t) {
        if (!isCommit(b, a, t)) {
            return true;
        }
        long expected = ((long) b.get(L.gOutcomeHi) << 32) | (b.get(L.gOutcomeLo) & 0xFFFFFFFFL);
        return machine.outcomeHash(t) == expected;
    }
}
