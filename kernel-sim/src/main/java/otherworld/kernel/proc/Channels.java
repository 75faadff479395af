package otherworld.kernel.proc;

/**
 * Wait channels ({@code Kernel.block}/{@code wakeup}): a kind in the high half, an id (a pid, a pipe, a tty) in the
 * low half. A task blocked on one is woken by the event it names; every blocked call but a vfork parent's is made
 * again from its ecall when woken, so a crash kernel may wake them all.
 */
public final class Channels {
    private Channels() { }

    /** A parent in wait4/waitid: one of its children changed state. id: the parent's pid. */
    public static final int CHILD = 1;
    /** A vfork parent: its child, which borrows its address space, exec'd or exited. id: the child's pid. */
    public static final int VFORK = 2;
    /** A pipe's reader (data or end of file) or writer (room or no reader). id: the pipe index. */
    public static final int PIPE = 3;
    /** rt_sigsuspend, pause: a signal arrived. id: the pid. */
    public static final int SIGNAL = 4;
    /** A tty reader: input arrived. id: the tty index. */
    public static final int TTY = 5;

    public static long of(int kind, int id) { return (long) kind << 32 | (id & 0xFFFF_FFFFL); }

    public static int kind(long channel) { return (int) (channel >>> 32); }

    public static int id(long channel) { return (int) channel; }
}
