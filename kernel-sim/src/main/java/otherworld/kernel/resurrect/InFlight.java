package otherworld.kernel.resurrect;

import static otherworld.kernel.layout.Layouts.*;

import otherworld.kernel.mem.KMem;
import otherworld.kernel.sys.Sysno;

/**
 * The one word a committed call's tail trusts besides its registers, the task's {@code sysword}, checked read-only
 * against what the call's registers and the structures its tail writes allow (spec 5.1). The tail of a read or write
 * sets a counter from it — a file's offset, a tty's or a pipe's nread, a pipe's nwrite — to {@code sysword + a0}
 * (a pipe write: {@code sysword − 1 + a0}); before the tail that counter still holds where the call began, which is
 * what sysword says, and after it the counter holds the end. So at a crash anywhere in the tail the counter is one of
 * the two; any other value means the sysword (or the counter) is corrupt, and the tail made again would move the
 * counter somewhere the call never was. An O_APPEND write began at the file's size, not its offset: its sysword
 * is not checked here.
 */
final class InFlight {
    private InFlight() { }

    static final int O_APPEND = 0x400;

    /**
     * Whether task t's committed call has a sysword its tail can use: null if so (or the call's tail does not read
     * it), else the problem. fds: the task's validated fd table (file index or -1).
     */
    static String syswordProblem(KMem v, long t, int[] fds, long files, long ttys, int nttys, long pipes) {
        long nr = v.r64(t + T_X + 8L * 17);
        if (nr != Sysno.READ && nr != Sysno.READV && nr != Sysno.WRITE && nr != Sysno.WRITEV) return null;
        long a0 = v.r64(t + T_X + 8L * 10), fd = v.r64(t + T_ORIG_A0), sw = v.r64(t + T_SYSWORD);
        if (a0 <= 0 || fd < 0 || fd >= NOFILE || fds[(int) fd] < 0) return null; // the tail does nothing
        boolean read = nr == Sysno.READ || nr == Sysno.READV;
        long fe = files + (long) fds[(int) fd] * FILE.size();
        int type = v.r32(fe + F_TYPE);
        long counter;
        long from = sw;
        String what;
        if (type == FT_REG) {
            if (!read && (v.r32(fe + F_FLAGS) & O_APPEND) != 0) return null;
            counter = v.r64(fe + F_OFFSET);
            what = "the file's offset";
        } else if (type == FT_TTY) {
            int tty = v.r32(fe + F_TTY);
            if (!read || tty < 0 || tty >= nttys) return null; // a tty write's tail takes the device's counter
            counter = v.r64(ttys + (long) tty * TTY.size() + TTY_NREAD);
            what = "the tty's nread";
        } else if (type == FT_PIPE) {
            int pipe = v.r32(fe + F_INO);
            if (pipe < 0 || pipe >= MAX_PIPES) return null; // PipeImage refused it already
            long rec = pipes + (long) pipe * PIPE.size();
            if (read) {
                counter = v.r64(rec + PI_NREAD);
                what = "the pipe's nread";
            } else {
                if (sw == 0) return null; // a write of more than PIPE_BUF: its chunks moved nwrite, its tail does not
                from = sw - 1;
                counter = v.r64(rec + PI_NWRITE);
                what = "the pipe's nwrite";
            }
        } else {
            return null;
        }
        if (from >= 0 && (counter == from || counter == from + a0)) return null;
        return String.format("%s in flight (committed, %d bytes): sysword 0x%x does not fit %s, %d", Sysno.name((int) nr),
                a0, sw, what, counter);
    }
}
