package otherworld.kernel.file;

import static otherworld.kernel.layout.Layouts.*;

import otherworld.kernel.mem.KMem;

/**
 * A pipe's ring ({@code Layouts.PIPE}): xv6's counters, nwrite − nread bytes waiting at index counter mod size.
 * Bytes are put in the ring past nwrite (invisible) before nwrite moves; bytes are copied out before nread moves. A
 * view on one record.
 */
public final class Pipe {
    private final KMem mem;
    public final long pa;
    public final int index;

    public Pipe(KMem mem, long pipesPa, int index) {
        this.mem = mem;
        this.index = index;
        this.pa = pipesPa + (long) index * PIPE.size();
    }

    public long nread() { return mem.r64(pa + PI_NREAD); }
    public long nwrite() { return mem.r64(pa + PI_NWRITE); }
    public int owner() { return mem.r32(pa + PI_OWNER); }
    public long base() { return mem.r64(pa + PI_BASE); }
    public int waiting() { return (int) (nwrite() - nread()); }
    public int room() { return PIPE_SIZE - waiting(); }

    public void setNread(long v) { if (nread() != v) mem.w64(pa + PI_NREAD, v); }
    public void setNwrite(long v) { if (nwrite() != v) mem.w64(pa + PI_NWRITE, v); }
    public void setOwner(int pid) { if (owner() != pid) mem.w32(pa + PI_OWNER, pid); }
    public void setBase(long v) { if (base() != v) mem.w64(pa + PI_BASE, v); }

    /** A fresh pipe (no file names it yet: nothing sees these writes). */
    public void reset() {
        setNread(0);
        setNwrite(0);
        setOwner(0);
        setBase(0);
    }

    /** Copy n bytes starting at counter from into dst (they must be waiting). */
    public void peek(long from, byte[] dst, int off, int n) {
        for (int done = 0; done < n; ) {
            int at = (int) ((from + done) % PIPE_SIZE);
            int c = Math.min(n - done, PIPE_SIZE - at);
            mem.scrub(pa + PI_DATA + at, c); // the enhanced mode: bytes in transit checked before a reader gets them
            mem.read(pa + PI_DATA + at, dst, off + done, c);
            done += c;
        }
    }

    /** Put n bytes at counter at (past nwrite: invisible until nwrite moves). */
    public void put(long at, byte[] src, int off, int n) {
        for (int done = 0; done < n; ) {
            int i = (int) ((at + done) % PIPE_SIZE);
            int c = Math.min(n - done, PIPE_SIZE - i);
            mem.write(pa + PI_DATA + i, src, off + done, c);
            done += c;
        }
    }
}
