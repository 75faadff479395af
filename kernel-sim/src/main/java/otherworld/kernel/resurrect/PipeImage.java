package otherworld.kernel.resurrect;

import static otherworld.kernel.layout.Layouts.*;

import java.util.Set;

import otherworld.kernel.mem.DirectMem;
import otherworld.kernel.mem.KMem;
import otherworld.kernel.verified.Bounds;

/**
 * The pipes' image: each pipe an open file that comes back names is validated read-only (magic, counters: between
 * 0 and PIPE_SIZE bytes waiting, an owner's progress within one write) and copied with its unread bytes to the same
 * index. Its readers and writers are the open files that name it, counted, never kept; a blocked reader or writer is
 * made runnable and makes its call again. A large write's owner that does not come back gives the write side up.
 */
final class PipeImage {
    private PipeImage() { }

    /** What is wrong with pipe p of the dead kernel, or null. */
    static String check(KMem v, long pipes, int p) {
        if (!Bounds.indexOk(p, MAX_PIPES)) return "pipe " + p + " outside the table";
        long pa = pipes + (long) p * PIPE.size();
        if (!Bounds.magicOk(v.r32(pa), PIPE.magic, v.r32(pa + 4), PIPE.version, PIPE.version)) {
            return "pipe " + p + ": bad magic or version";
        }
        long nread = v.r64(pa + PI_NREAD), nwrite = v.r64(pa + PI_NWRITE), base = v.r64(pa + PI_BASE);
        if (nread < 0 || nwrite < nread || nwrite - nread > PIPE_SIZE) {
            return "pipe " + p + ": counters " + nread + ", " + nwrite + " invalid";
        }
        int owner = v.r32(pa + PI_OWNER);
        if (owner < 0 || owner > 0 && (base > nwrite || base < 0 || nwrite - base > otherworld.kernel.sys.Syscalls.MAX_IO)) {
            return "pipe " + p + ": a write's progress invalid";
        }
        return null;
    }

    /** Pipe p copied to the new kernel; its owner kept only if it comes back (its pid in alive). */
    static void rebuild(KMem v, long pipes, DirectMem own, long newPipes, int p, Set<Integer> alive) {
        long pa = pipes + (long) p * PIPE.size();
        long np = newPipes + (long) p * PIPE.size();
        byte[] rec = new byte[PIPE.size()];
        v.read(pa, rec, 0, rec.length);
        own.write(np, rec, 0, rec.length);
        if (!alive.contains(v.r32(pa + PI_OWNER))) own.w32(np + PI_OWNER, 0);
    }
}
