package otherworld.model;

/**
 * Where every variable of the model lives in a {@link State}'s word array. The model keeps its
 * state the way the kernel does (DESIGN.md rule 1): as words at fixed offsets, one block per
 * process, then the global structures. A student can draw it:
 *
 * <pre>
 *  per process p (block at procBase(p), procSize words)
 *   STATUS        FREE 0 | RUNNABLE 1 | EXITED 2 | LOST 3 (reported corrupt)
 *   PC A0 T0      trap frame: the user registers (PC = index into the program)
 *   FD_FILE FD_OFF  fd table: fd 0 names a file and holds its offset (in blocks)
 *   INFL INFL_STEP INFL_CONSTART  in-flight record: a call is running, its micro-step,
 *                 the console progress counter at call entry
 *   CORRUPT       which structure a crash corrupted (Structure code; 0 = none)
 *   G_OFF         ghost: fd offset at call entry (checker-only history variable)
 *   R_*           crash region: the crash kernel's verdict and rebuilt process
 *   PAGES[g]      user memory (physical frames, survive the kernel)
 *   G_PAGES[g]    ghost: user memory at call entry
 *  global
 *   PHASE CRASHES RSTEP  kernel phase, crashes so far, crash-kernel progress
 *   COUNTER       console device progress counter (bytes ever written)
 *   LOG_LEN LOG[2*logCap]  undo log of the running call: (address, old value) pairs
 *   CACHE_VAL[f*B+b] CACHE_DIRTY[f*B+b]  page cache
 *   DISK[f*B+b]   the disk (a device: survives everything)
 *   G_COMMITTED[] ghost: file contents by committed writes
 *   G_FSYNCED[]   ghost: contents acknowledged by fsync (NONE after a later write)
 *   G_OUTCOME_HI G_OUTCOME_LO  ghost: fingerprint of the crash-free resurrection outcome
 * </pre>
 */
public final class Layout {
    public static final int STATUS = 0;
    public static final int PC = 1;
    public static final int A0 = 2;
    public static final int T0 = 3;
    public static final int FD_FILE = 4;
    public static final int FD_OFF = 5;
    public static final int INFL = 6;
    public static final int INFL_STEP = 7;
    public static final int INFL_CONSTART = 8;
    public static final int CORRUPT = 9;
    public static final int G_OFF = 10;
    public static final int R_VERDICT = 11;
    public static final int R_STATUS = 12;
    public static final int R_PC = 13;
    public static final int R_A0 = 14;
    public static final int R_T0 = 15;
    public static final int R_OFF = 16;
    public static final int PAGES = 17;

    public static final int FREE = 0;
    public static final int RUNNABLE = 1;
    public static final int EXITED = 2;
    public static final int LOST = 3;

    public static final int VERDICT_NONE = 0;
    public static final int VERDICT_VALID = 1;
    public static final int VERDICT_CORRUPT = 2;

    public static final int RUNNING = 0;
    public static final int RESURRECTING = 1;

    /** Ghost marker: no fsync acknowledgement stands for this block. */
    public static final int NONE = -1;

    public final int procs;
    public final int pages;
    public final int files;
    public final int blocks;
    public final int logCap;
    public final int procSize;
    public final int phase;
    public final int crashes;
    public final int rstep;
    public final int counter;
    public final int logLen;
    public final int log;
    public final int cacheVal;
    public final int cacheDirty;
    public final int disk;
    public final int gCommitted;
    public final int gFsynced;
    public final int gOutcomeHi;
    public final int gOutcomeLo;
    public final int size;

    public Layout(Config c) {
        procs = c.procs();
        pages = c.pages();
        files = c.files();
        blocks = c.blocks();
        logCap = Math.max(3, blocks);
        procSize = PAGES + 2 * pages;
        int g = procs * procSize;
        phase = g++;
        crashes = g++;
        rstep = g++;
        counter = g++;
        logLen = g++;
        log = g;
        g += 2 * logCap;
        int fb = files * blocks;
        cacheVal = g;
        g += fb;
        cacheDirty = g;
        g += fb;
        disk = g;
        g += fb;
        gCommitted = g;
        g += fb;
        gFsynced = g;
        g += fb;
        gOutcomeHi = g++;
        gOutcomeLo = g++;
        size = g;
    }

    public int procBase(int pid) {
        return pid * procSize;
    }

    /** Address of a per-process field. */
    public int at(int pid, int field) {
        return pid * procSize + field;
    }

    public int page(int pid, int page) {
        return pid * procSize + PAGES + page;
    }

    public int ghostPage(int pid, int page) {
        return pid * procSize + PAGES + pages + page;
    }

    /** Index of block b of file f in the per-block global arrays. */
    public int fb(int file, int block) {
        return file * blocks + block;
    }

    /** Which process block an address falls in, or -1 for a global address. */
    public int procOf(int addr) {
        return addr < procs * procSize ? addr / procSize : -1;
    }

    /** A readable name for an address, used in traces and undo-log dumps. */
    public String name(int addr) {
        int p = procOf(addr);
        if (p >= 0) {
            int f = addr - procBase(p);
            String field;
            if (f >= PAGES + pages) {
                field = "ghostPage" + (f - PAGES - pages);
            } else if (f >= PAGES) {
                field = "page" + (f - PAGES);
            } else {
                String[] names = {"status", "pc", "a0", "t0", "fdFile", "fdOff", "inflight",
                    "inflightStep", "inflightConsoleStart", "corrupt", "ghostOff", "rVerdict",
                    "rStatus", "rPc", "rA0", "rT0", "rOff"};
                field = names[f];
            }
            return "p" + p + "." + field;
        }
        if (addr >= cacheVal && addr < cacheVal + files * blocks) {
            int i = addr - cacheVal;
            return "cache[f" + (i / blocks) + "." + (i % blocks) + "]";
        }
        if (addr >= cacheDirty && addr < cacheDirty + files * blocks) {
            int i = addr - cacheDirty;
            return "dirty[f" + (i / blocks) + "." + (i % blocks) + "]";
        }
        return "@" + addr;
    }
}
