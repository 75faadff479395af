package otherworld.kernel.sys;

import otherworld.kernel.Kernel;

/**
 * What ppoll and pselect6 ask of an open file: which of the poll bits it has now (POLLIN: a read would not block;
 * POLLOUT: a write would not block; POLLHUP, POLLERR). Read-only: it may be asked at any time, of a blocked poller's
 * files too (Kernel: a poller is woken when one is ready). One per kind of open file, given to
 * {@link Syscalls#readiness}; regular files and ttys have theirs ({@link PollCalls}), pipes add their own.
 */
public interface Readiness {
    int POLLIN = 0x001;
    int POLLPRI = 0x002;
    int POLLOUT = 0x004;
    int POLLERR = 0x008;
    int POLLHUP = 0x010;
    int POLLNVAL = 0x020;
    int POLLRDNORM = 0x040;
    int POLLWRNORM = 0x100;

    /** The bits open file f (an index of the open-file table) has now. */
    int poll(Kernel k, int f);
}
