package otherworld.kernel;

import otherworld.emulator.Hart;
import otherworld.emulator.TrapCause;

/**
 * What the world outside the kernel attaches to it: the fault injector, the kernel log (a serial line for kernel
 * messages), and probes on the hart for tests. None of it is kernel state; all of it survives a crash.
 */
public interface KernelHooks {
    /** A crash point in kernel code; the fault injector may throw a {@link KernelPanic} here. */
    default void point(String name) { }

    /**
     * Whether {@link #kernelWrite} must be called before every write of kernel code (asked once, when a kernel is
     * made: a kernel that need not tell pays nothing for it).
     */
    default boolean tracesWrites() { return false; }

    /** Kernel code is about to write len bytes at pa; the fault injector may throw a {@link KernelPanic} here. */
    default void kernelWrite(long pa, int len) { }

    /** A system call is about to be handled (the injector counts them). */
    default void syscallStarted(int nr) { }

    /** Kernel log line. */
    default void log(String line) { }

    /** The hart is about to run a process (its registers are loaded): observation from outside. */
    default void dispatch(Hart hart, int pid) { }

    /** The hart trapped while running process pid (registers as the process left them). */
    default void trapped(Hart hart, int pid, TrapCause cause) { }

    /** A crash kernel finished: the machine runs the resurrected kernel from the next instruction on. */
    default void resurrected(otherworld.kernel.resurrect.ResurrectionReport report) { }

    KernelHooks NONE = new KernelHooks() { };
}
