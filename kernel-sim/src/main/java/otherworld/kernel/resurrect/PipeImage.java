package otherworld.kernel.resurrect;

import static otherworld.kernel.layout.Layouts.*;

import java.util.Set;

import otherworld.kernel.mem.DirectMem;
import otherworld.kernel.mem.KMem;
import otherworld.kernel.verified.Bounds;

/**
 * The pipes' image: each pipe an open file that comes back names is validated read-only (counters: between 0 and
 * PIPE_SIZE bytes waiting, an owner's progress within one write) and copied with its unread bytes to the same index.
 * Its magic and version are written anew rather than checked: every slot of the table is laid out at boot and a pipe
 * is named by its index, so the magic says nothing the index does not, and a flipped bit in it would refuse a
 * sound pipe (the open files' magic is treated the same way). Its readers and writers are the open files that name
 * it, counted, never kept; a blocked reader or writer is made runnable and makes its call again. A large write's owner that does not come back gives the write side up.
 */
final class PipeImage {
    private PipeImage() { }

    /** Whether nread and nwrite leave between 0 and PIPE_SIZE bytes waiting. */
    static boolean countersOk(long nread, long nwrite) {
        return nread >= 0 && nwrite >= nread && nwrite - nread <= PIPE_SIZE;
    }

    /**
     * The counters {nread, nwrite} of the pipe at pa as the crash kernel takes them ({@link Repairs}), and the bit
     * cleared (-1 if none). One bit
     * flipped at or above bit 14 of either counter moves the bytes waiting by at least 2 PIPE_SIZE, so it always shows;
     * and exactly one such bit, set in one counter and clear in the other, brings the pair back between 0 and
     * PIPE_SIZE waiting (two candidates would need the bytes waiting to be both at least 2^14 and below 0). Clearing
     * it gives the counters before the flip when the flip set the bit — every counter below 2^k, i.e. for every bit
     * above the bytes a pipe ever carried — and otherwise both counters less the same 2^k: the same ring positions
     * (2^k is a multiple of PIPE_SIZE) and the same bytes waiting, so the readers and writers see the same pipe; a
     * committed call's sysword would then no longer fit the counter, and InFlight refuses its process. A flip below
     * bit 14 is left as it is: it is either invalid (refused) or moves the bytes waiting by less than a buffer, which
     * nothing in the kernel can tell.
     */
    static long[] counters(KMem v, long pa) {
        long nread = v.r64(pa + PI_NREAD), nwrite = v.r64(pa + PI_NWRITE);
        if (countersOk(nread, nwrite)) return new long[] {nread, nwrite, -1};
        long[] found = null;
        for (int k = 14; k < 64; k++) {
            long bit = 1L << k;
            long[] c = (nwrite & bit) != 0 && (nread & bit) == 0 ? new long[] {nread, nwrite & ~bit, k}
                    : (nread & bit) != 0 && (nwrite & bit) == 0 ? new long[] {nread & ~bit, nwrite, k} : null;
            if (c != null && countersOk(c[0], c[1])) {
                if (found != null) return new long[] {nread, nwrite, -1}; // cannot happen (see above); not guessed
                found = c;
            }
        }
        return found != null ? found : new long[] {nread, nwrite, -1};
    }

    /** What is wrong with pipe p of the dead kernel, or null. */
    static String check(KMem v, long pipes, int p) {
        if (!Bounds.indexOk(p, MAX_PIPES)) return "pipe " + p + " outside the table";
        long pa = pipes + (long) p * PIPE.size();
        long nread = v.r64(pa + PI_NREAD), nwrite = v.r64(pa + PI_NWRITE), base = v.r64(pa + PI_BASE);
        if (!countersOk(nread, nwrite)) {
            return "pipe " + p + ": counters " + nread + ", " + nwrite + " invalid";
        }
        int owner = v.r32(pa + PI_OWNER);
        if (owner < 0 || owner > 0 && (base > nwrite || base < 0 || nwrite - base > otherworld.kernel.sys.Syscalls.MAX_IO)) {
            return "pipe " + p + ": a write's progress invalid";
        }
        return null;
    }

    /**
     * Pipe p copied to the new kernel with its magic and version written anew; its owner kept only if it comes back
     * (its pid in alive).
     */
    static void rebuild(KMem v, long pipes, DirectMem own, long newPipes, int p, Set<Integer> alive) {
        long pa = pipes + (long) p * PIPE.size();
        long np = newPipes + (long) p * PIPE.size();
        byte[] rec = new byte[PIPE.size()];
        v.read(pa, rec, 0, rec.length);
        own.write(np, rec, 0, rec.length);
        own.w32(np, PIPE.magic); // constants, written anew
        own.w32(np + 4, PIPE.version);
        if (!alive.contains(v.r32(pa + PI_OWNER))) own.w32(np + PI_OWNER, 0);
    }
}
