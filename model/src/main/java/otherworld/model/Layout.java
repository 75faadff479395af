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
 *   CAUSE EPC ORIG_A0  trap frame: the last trap (ECALL 1, else 0), its pc, a0 at the trap
 *   SYSWORD       the one word a call keeps besides its registers (write: its position)
 *   FD_FILE FD_OFF  fd table: fd 0 names a file and holds its offset (in blocks)
 *   STEP          the running kernel's place in the call it is making (0 = none): control state
 *                 of the dead kernel, which no crash kernel reads
 *   CORRUPT       which structure a crash corrupted (Structure code; 0 = none)
 *   G_OFF         ghost: fd offset at call entry (checker-only history variable)
 *   R_*           crash region: the crash kernel's verdict and rebuilt process
 *   PAGES[g]      user memory (physical frames, survive the kernel)
 *  global
 *   PHASE CRASHES RSTEP  kernel phase, crashes so far, crash-kernel progress
 *   COUNTER       console device progress counter (bytes ever written)
 *   TTY_OUT       the tty's count of bytes its committed writes sent (derived from COUNTER after a crash)
 *   CURRENT       the process the kernel ran last
 *   CACHE_VAL[f*B+b] CACHE_DIRTY[f*B+b]  page cache
 *   DISK[f*B+b]   the disk (a device: survives everything)
 *   G_COMMITTED[] ghost: file contents by committed writes
 *   G_FSYNCED[]   ghost: contents acknowledged by fsync (NONE after a later write)
 *   G_OUTCOME_HI G_OUTCOME_LO  ghost: fingerprint of the crash-free resurrection outcome
 * </pre>
 *
 * <p>Only when the program forks, uses the pipe or waits ({@link Config#family()}), so that every other program keeps
 * its layout and its state counts:
 * <pre>
 *  per process, after its pages
 *   PPID          the parent's slot + 1 (0: none, or re-parented to init)
 *   XSTATUS       the exit status (the value exit was given), read by the parent's wait
 *   G_EXIT        ghost: the status the process exited with, recorded at its commit
 *  global
 *   NREAD NWRITE PIPE[CAP]  the pipe: two ever-growing counters (xv6's), values at index mod CAP
 *   G_SENT_N G_RECV_N G_QUEUE[CAP+1]  ghost: values by committed sends and recvs, the ones not yet received
 *   G_CREATED G_FREED  ghost: processes made by forks, freed by waits
 * </pre>
 * Statuses: a process blocked in a call (a recv on an empty pipe, a send to a full one, a wait with no dead child)
 * is BLOCKED 4: its frame says ecall, pc at the ecall, and the call had no effect; woken, it makes it again.
 */
public final class Layout {
    public static final int STATUS = 0;
    public static final int PC = 1;
    public static final int A0 = 2;
    public static final int T0 = 3;
    public static final int CAUSE = 4;
    public static final int EPC = 5;
    public static final int ORIG_A0 = 6;
    public static final int SYSWORD = 7;
    public static final int FD_FILE = 8;
    public static final int FD_OFF = 9;
    public static final int STEP = 10;
    public static final int CORRUPT = 11;
    public static final int G_OFF = 12;
    public static final int R_VERDICT = 13;
    public static final int R_STATUS = 14;
    public static final int R_PC = 15;
    public static final int R_A0 = 16;
    public static final int R_T0 = 17;
    public static final int R_OFF = 18;
    public static final int PAGES = 19;

    public static final int FREE = 0;
    public static final int RUNNABLE = 1;
    public static final int EXITED = 2;
    public static final int LOST = 3;
    /** Waiting in a call that had no effect (family programs only); made again when woken or resurrected. */
    public static final int BLOCKED = 4;

    /** Values the model's pipe holds. */
    public static final int PIPE_CAP = 2;

    /** CAUSE: the last trap was a system call (ecall). */
    public static final int ECALL = 1;

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
    public final int procSize;
    public final int phase;
    public final int crashes;
    public final int rstep;
    public final int counter;
    public final int ttyOut;
    public final int current;
    public final int cacheVal;
    public final int cacheDirty;
    public final int disk;
    public final int gCommitted;
    public final int gFsynced;
    public final int gOutcomeHi;
    public final int gOutcomeLo;
    /** Family programs: per-process field offsets (-1 otherwise). */
    public final int ppid;
    public final int xstatus;
    public final int gExit;
    /** Family programs: global addresses (-1 otherwise). */
    public final int nread;
    public final int nwrite;
    public final int pipe;
    public final int gSentN;
    public final int gRecvN;
    public final int gQueue;
    public final int gCreated;
    public final int gFreed;
    public final boolean family;
    public final int size;

    public Layout(Config c) {
        procs = c.procs();
        pages = c.pages();
        files = c.files();
        blocks = c.blocks();
        family = c.family();
        ppid = family ? PAGES + pages : -1;
        xstatus = family ? PAGES + pages + 1 : -1;
        gExit = family ? PAGES + pages + 2 : -1;
        procSize = PAGES + pages + (family ? 3 : 0);
        int g = procs * procSize;
        phase = g++;
        crashes = g++;
        rstep = g++;
        counter = g++;
        ttyOut = g++;
        current = g++;
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
        if (family) {
            nread = g++;
            nwrite = g++;
            pipe = g;
            g += PIPE_CAP;
            gSentN = g++;
            gRecvN = g++;
            gQueue = g;
            g += PIPE_CAP + 1;
            gCreated = g++;
            gFreed = g++;
        } else {
            nread = -1;
            nwrite = -1;
            pipe = -1;
            gSentN = -1;
            gRecvN = -1;
            gQueue = -1;
            gCreated = -1;
            gFreed = -1;
        }
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

    /** Index of block b of file f in the per-block global arrays. */
    public int fb(int file, int block) {
        return file * blocks + block;
    }

    /** Which process block an address falls in, or -1 for a global address. */
    public int procOf(int addr) {
        return addr < procs * procSize ? addr / procSize : -1;
    }

    /** A readable name for an address, used in traces. */
    public String name(int addr) {
        int p = procOf(addr);
        if (p >= 0) {
            int f = addr - procBase(p);
            String field;
            if (family && f == ppid) {
                field = "ppid";
            } else if (family && f == xstatus) {
                field = "xstatus";
            } else if (family && f == gExit) {
                field = "ghostExit";
            } else if (f >= PAGES) {
                field = "page" + (f - PAGES);
            } else {
                String[] names = {"status", "pc", "a0", "t0", "cause", "epc", "origA0", "sysword", "fdFile",
                    "fdOff", "step", "corrupt", "ghostOff", "rVerdict", "rStatus", "rPc", "rA0", "rT0", "rOff"};
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
        if (family && addr == nread) {
            return "pipe.nread";
        }
        if (family && addr == nwrite) {
            return "pipe.nwrite";
        }
        if (family && addr >= pipe && addr < pipe + PIPE_CAP) {
            return "pipe[" + (addr - pipe) + "]";
        }
        return "@" + addr;
    }
}
