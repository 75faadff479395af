package otherworld.kernel.fault;

import otherworld.kernel.KernelPanic;

/**
 * A seeded, deterministic fault: panic the kernel at a chosen crash point. It counts system calls across every
 * kernel of the machine (it is outside the kernel, like a hardware fault injector).
 *
 * <ul>
 *   <li>{@link #atSyscall(long, int)}: during the n-th system call (1-based), at its k-th crash point (0-based;
 *       if the call passes fewer points, at its last: "syscall.after-commit" is reached by every call).</li>
 *   <li>{@link #atPoint(String, long)}: at the n-th time the named point is reached.</li>
 *   <li>{@link #inCrashKernel(String, long)}: at the n-th time a crash-kernel point is reached.</li>
 * </ul>
 * A plan fires once; {@link #fired()} says whether it did.
 */
public final class FaultPlan {
    private final long syscall;
    private final int step;
    private final String point;
    private final long occurrence;
    private long syscalls;
    private long pointsInCall;
    private long hits;
    private boolean fired;
    private String firedAt;

    private FaultPlan(long syscall, int step, String point, long occurrence) {
        this.syscall = syscall;
        this.step = step;
        this.point = point;
        this.occurrence = occurrence;
    }

    public static FaultPlan none() { return new FaultPlan(-1, 0, null, 0); }

    public static FaultPlan atSyscall(long n, int step) { return new FaultPlan(n, step, null, 0); }

    public static FaultPlan atPoint(String name, long n) { return new FaultPlan(-1, 0, name, n); }

    public static FaultPlan inCrashKernel(String name, long n) { return atPoint(name, n); }

    public boolean fired() { return fired; }

    /** Where it fired: "syscall 123 (write) at write.tty-partial". */
    public String firedAt() { return firedAt; }

    public long syscallsSeen() { return syscalls; }

    private String callName = "";

    public void syscallStarted(int nr) {
        syscalls++;
        pointsInCall = 0;
        callName = otherworld.kernel.sys.Sysno.name(nr);
    }

    public void point(String name) {
        if (fired) return;
        if (point != null) {
            if (name.equals(point) && ++hits == occurrence) fire(name);
            return;
        }
        if (syscall > 0 && syscalls == syscall) {
            long i = pointsInCall++;
            if (i == step || name.equals("syscall.after-commit")) fire(name);
        }
    }

    private void fire(String name) {
        fired = true;
        firedAt = (syscall > 0 ? "system call " + syscalls + " (" + callName + ") at " : "") + name;
        throw new KernelPanic("injected fault at " + firedAt);
    }
}
