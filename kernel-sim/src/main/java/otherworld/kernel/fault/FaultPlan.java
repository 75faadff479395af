package otherworld.kernel.fault;

import java.util.ArrayList;
import java.util.List;

import otherworld.kernel.KernelPanic;
import otherworld.kernel.sys.Sysno;

/**
 * Seeded, deterministic faults: panic the kernel at chosen crash points. The plan counts system calls and points
 * across every kernel of the machine (it is outside the kernel, like a hardware fault injector). Each trigger
 * fires once:
 * <ul>
 *   <li>{@link #atSyscall(long, int)}: during the n-th system call (1-based), at its k-th crash point (0-based; if
 *       the call passes fewer points, at "syscall.done", which every call reaches);</li>
 *   <li>{@link #atPoint(String, long)}: the n-th time the named point is reached (crash-kernel points too:
 *       "resurrect.validate", "resurrect.decided", "resurrect.flushed", "resurrect.built");</li>
 *   <li>{@link #atWrite(long, int)}: during the n-th system call (1-based), just before the kernel's k-th write of
 *       guest RAM since the call began (0-based), whatever that write is: the crash points of the kernel's own write
 *       trace. A plan with such a trigger makes the kernel trace its writes; one without costs nothing.</li>
 * </ul>
 */
public final class FaultPlan {
    /**
     * What a trigger does when it fires: by default the kernel panics there. A fault of another kind (a wild write,
     * a flipped bit, a hang: see {@link Faults}) does its harm first, then panics, or returns and lets the kernel run
     * on. {@code where} says where it struck, e.g. "system call 12 (write) at write 3 (0x80012340)".
     */
    public interface Strike {
        void strike(String where);
    }

    /** The default strike: the kernel panics. */
    public static final Strike PANIC = where -> {
        throw new KernelPanic("injected fault in " + where);
    };

    private static final class Trigger {
        final long syscall;
        final int step;
        final String point;
        final long occurrence;
        final int write;
        final Strike strike;
        boolean fired;

        Trigger(long syscall, int step, String point, long occurrence, int write, Strike strike) {
            this.syscall = syscall;
            this.step = step;
            this.point = point;
            this.occurrence = occurrence;
            this.write = write;
            this.strike = strike;
        }
    }

    private final List<Trigger> triggers = new ArrayList<>();
    private final List<String> firedAt = new ArrayList<>();
    private final java.util.Map<String, Long> hits = new java.util.HashMap<>();
    private long syscalls;
    private long pointsInCall;
    private int writesInCall;
    private boolean traceWrites;
    /** Most writes seen in one call, per call name (when counting): how many write crash points a call has. */
    private final java.util.Map<String, Integer> maxWrites = new java.util.TreeMap<>();
    /** When counting writes: per system call (index n-1), its name and the writes the kernel made in it. */
    private final List<String> callNames = new ArrayList<>();
    private final List<Integer> callWrites = new ArrayList<>();
    private String callName = "";

    private boolean counting;
    private boolean stopped;
    /** With {@link #everySyscall}: a crash in every n-th system call, at this step. */
    private long every;
    private int everyStep;

    /** No fault; costs nothing at the crash points. */
    public static FaultPlan none() { return new FaultPlan(); }

    /** No fault, but count how often each point is reached ({@link #hits}), to place crashes in a later run. */
    public static FaultPlan counting() {
        FaultPlan p = new FaultPlan();
        p.counting = true;
        return p;
    }

    public static FaultPlan atSyscall(long n, int step) { return new FaultPlan().andAtSyscall(n, step); }

    /** A crash in every n-th system call (n, 2n, 3n, ...), at its step-th crash point (as {@link #atSyscall}). */
    public static FaultPlan everySyscall(long n, int step) {
        if (n < 1 || step < 0) throw new IllegalArgumentException("crash every n >= 1 system calls, at step >= 0");
        FaultPlan p = new FaultPlan();
        p.every = n;
        p.everyStep = step;
        p.counting = true; // the calls are counted even before the first trigger exists
        return p;
    }

    public static FaultPlan atPoint(String name, long n) { return new FaultPlan().andAtPoint(name, n); }

    public static FaultPlan atWrite(long n, int write) { return new FaultPlan().andAtWrite(n, write); }

    /** No fault, but count the kernel's writes in each call too ({@link #maxWrites}). */
    public static FaultPlan countingWrites() {
        FaultPlan p = counting();
        p.traceWrites = true;
        return p;
    }

    public FaultPlan andAtSyscall(long n, int step) {
        if (n < 1 || step < 0) throw new IllegalArgumentException("system call numbers start at 1, steps at 0");
        triggers.add(new Trigger(n, step, null, 0, -1, PANIC));
        return this;
    }

    public FaultPlan andAtPoint(String name, long n) { return andAtPoint(name, n, PANIC); }

    /** The n-th time the named point is reached, strike. */
    public FaultPlan andAtPoint(String name, long n, Strike strike) {
        if (n < 1) throw new IllegalArgumentException("occurrences start at 1");
        triggers.add(new Trigger(-1, 0, name, n, -1, strike));
        return this;
    }

    public FaultPlan andAtWrite(long n, int write) { return andAtWrite(n, write, PANIC); }

    /** During system call n, just before the kernel's write number {@code write} of it, strike. */
    public FaultPlan andAtWrite(long n, int write, Strike strike) {
        if (n < 1 || write < 0) throw new IllegalArgumentException("system call numbers start at 1, writes at 0");
        triggers.add(new Trigger(n, 0, null, 0, write, strike));
        traceWrites = true;
        return this;
    }

    public boolean tracesWrites() { return traceWrites; }

    /** Per call name, the most kernel writes one call made (with {@link #countingWrites()}). */
    public java.util.Map<String, Integer> maxWrites() { return maxWrites; }

    /** With {@link #countingWrites()}: the name of system call n (1-based) and the kernel writes made in it. */
    public String callName(long n) { return callNames.get((int) n - 1); }

    public int writesIn(long n) { return callWrites.get((int) n - 1); }

    public long callsCounted() { return callNames.size(); }

    /** The run is over: what the harness makes the kernel do afterwards (a final sync) is no crash point. */
    public void stop() {
        stopped = true;
    }

    /** System calls started so far (counted once the plan has a trigger or counts). */
    public long syscalls() { return syscalls; }

    public void kernelWrite(long pa, int len) {
        if (!traceWrites || syscalls == 0 || stopped) return;
        int i = writesInCall++;
        if (counting) {
            maxWrites.merge(callName, writesInCall, Math::max);
            callWrites.set(callWrites.size() - 1, writesInCall);
        }
        for (Trigger t : triggers) {
            if (t.fired || t.write < 0 || t.syscall != syscalls || t.write != i) continue;
            t.fired = true;
            String where = String.format("system call %d (%s) at write %d (0x%x)", syscalls, callName, i, pa);
            firedAt.add(where);
            t.strike.strike(where);
        }
    }

    public boolean fired() { return !firedAt.isEmpty(); }

    /** Where each fault fired, e.g. "system call 123 (write) at write.tty-partial". */
    public List<String> firedAt() { return firedAt; }

    /** How often each point was reached, when the plan has triggers or was made {@link #counting()}. */
    public long hits(String point) { return hits.getOrDefault(point, 0L); }

    public void syscallStarted(int nr) {
        if (triggers.isEmpty() && !counting) return;
        syscalls++;
        if (every > 0 && syscalls % every == 0) triggers.add(new Trigger(syscalls, everyStep, null, 0, -1, PANIC));
        pointsInCall = 0;
        writesInCall = 0;
        callName = Sysno.name(nr);
        if (counting && traceWrites) {
            callNames.add(callName);
            callWrites.add(0);
        }
    }

    public void point(String name) {
        if (triggers.isEmpty() && !counting || stopped) return;
        long h = hits.merge(name, 1L, Long::sum);
        long i = pointsInCall++;
        for (Trigger t : triggers) {
            if (t.fired || t.write >= 0) continue;
            boolean fire = t.point != null
                    ? name.equals(t.point) && h == t.occurrence
                    : syscalls == t.syscall && (i == t.step || name.equals("syscall.done"));
            if (fire) {
                t.fired = true;
                String where = (name.startsWith("resurrect.") ? "crash kernel" : "system call " + syscalls + " (" + callName + ")")
                        + " at " + name;
                firedAt.add(where);
                t.strike.strike(where);
            }
        }
    }
}
