package otherworld.model;

import java.util.Arrays;

/**
 * One state of the model: the machine's memory as words (see {@link Layout}), the bytes that
 * left through the console, and the ghost list of console bytes the processes were told were
 * written. Immutable and cheap to hash: the 64-bit {@link #fingerprint()} is computed once.
 */
public final class State {
    final Layout layout;
    final int[] m;
    final int[] console;
    final int[] expected;
    private long fp;
    private boolean fpDone;

    State(Layout layout, int[] m, int[] console, int[] expected) {
        this.layout = layout;
        this.m = m;
        this.console = console;
        this.expected = expected;
    }

    public Layout layout() {
        return layout;
    }

    /** The word at an address. */
    public int get(int addr) {
        return m[addr];
    }

    /** A per-process field. */
    public int proc(int pid, int field) {
        return m[layout.at(pid, field)];
    }

    public int page(int pid, int page) {
        return m[layout.page(pid, page)];
    }

    public int phase() {
        return m[layout.phase];
    }

    public int crashes() {
        return m[layout.crashes];
    }

    public int rstep() {
        return m[layout.rstep];
    }

    public int counter() {
        return m[layout.counter];
    }

    public int disk(int file, int block) {
        return m[layout.disk + layout.fb(file, block)];
    }

    public int cache(int file, int block) {
        return m[layout.cacheVal + layout.fb(file, block)];
    }

    public boolean dirty(int file, int block) {
        return m[layout.cacheDirty + layout.fb(file, block)] != 0;
    }

    /** Console output so far (a copy). */
    public int[] console() {
        return console.clone();
    }

    /** Ghost: console bytes of completed calls (a copy). */
    public int[] expectedConsole() {
        return expected.clone();
    }

    int consoleLength() {
        return console.length;
    }

    /** The process the running kernel is making a system call for, or -1 (the kernel is non-preemptive). */
    public int inKernel() {
        for (int p = 0; p < layout.procs; p++) {
            if (proc(p, Layout.STEP) != 0) {
                return p;
            }
        }
        return -1;
    }

    /** p's last trap was a system call that has not committed: its pc is still at the ecall. */
    public boolean callUncommitted(int p) {
        return proc(p, Layout.CAUSE) == Layout.ECALL && proc(p, Layout.PC) == proc(p, Layout.EPC);
    }

    /** p's last trap was a system call that committed (its pc moved past the ecall). */
    public boolean callCommitted(int p) {
        return proc(p, Layout.CAUSE) == Layout.ECALL && proc(p, Layout.PC) != proc(p, Layout.EPC);
    }

    /** A mutable copy for building a successor. */
    Mut mut() {
        return new Mut(layout, m.clone(), console, expected);
    }

    /** 64-bit fingerprint of the whole state (FNV-style mixing, then a finalizer). */
    public long fingerprint() {
        if (!fpDone) {
            long h = 0x9E3779B97F4A7C15L;
            h = mixAll(h, m);
            h = mix(h, 0x51ED27L ^ console.length);
            h = mixAll(h, console);
            h = mix(h, 0x7A11L ^ expected.length);
            h = mixAll(h, expected);
            fp = finish(h);
            fpDone = true;
        }
        return fp;
    }

    static long mixAll(long h, int[] a) {
        for (int x : a) {
            h = mix(h, x);
        }
        return h;
    }

    static long mix(long h, long x) {
        h ^= x + 0x9E3779B97F4A7C15L + (h << 6) + (h >>> 2);
        return h * 0xBF58476D1CE4E5B9L;
    }

    static long finish(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof State)) {
            return false;
        }
        State s = (State) o;
        return Arrays.equals(m, s.m) && Arrays.equals(console, s.console)
                && Arrays.equals(expected, s.expected);
    }

    @Override
    public int hashCode() {
        long f = fingerprint();
        return (int) (f ^ (f >>> 32));
    }

    /** A readable multi-line dump: processes, cache, disk, console, phase. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append("  kernel ").append(phase() == Layout.RUNNING ? "running" : "resurrecting (step " + rstep() + ")")
                .append(", crashes ").append(crashes()).append('\n');
        for (int p = 0; p < layout.procs; p++) {
            sb.append("  p").append(p).append(' ').append(statusName(proc(p, Layout.STATUS)))
                    .append(" pc=").append(proc(p, Layout.PC)).append(" a0=").append(proc(p, Layout.A0))
                    .append(" t0=").append(proc(p, Layout.T0)).append(" pages=[");
            for (int g = 0; g < layout.pages; g++) {
                sb.append(g == 0 ? "" : ",").append(page(p, g));
            }
            sb.append("] fd0=f").append(proc(p, Layout.FD_FILE)).append("@").append(proc(p, Layout.FD_OFF));
            if (proc(p, Layout.CAUSE) == Layout.ECALL) {
                sb.append(" ecall@").append(proc(p, Layout.EPC)).append(callCommitted(p) ? " committed" : " not committed")
                        .append(" sysword=").append(proc(p, Layout.SYSWORD));
            }
            if (proc(p, Layout.STEP) != 0) {
                sb.append(" kernel at step ").append(proc(p, Layout.STEP));
            }
            if (proc(p, Layout.CORRUPT) != 0) {
                sb.append(" CORRUPT ").append(Structure.ofCode(proc(p, Layout.CORRUPT)).label());
            }
            if (proc(p, Layout.R_VERDICT) != 0) {
                sb.append(" verdict=").append(proc(p, Layout.R_VERDICT) == Layout.VERDICT_VALID ? "valid" : "corrupt");
            }
            if (layout.family) {
                sb.append(" ppid=").append(proc(p, layout.ppid) - 1).append(" xstatus=").append(proc(p, layout.xstatus));
            }
            sb.append('\n');
        }
        if (layout.family) {
            sb.append("  pipe nread=").append(m[layout.nread]).append(" nwrite=").append(m[layout.nwrite]).append(" [");
            for (int i = 0; i < Layout.PIPE_CAP; i++) {
                sb.append(i == 0 ? "" : ",").append(m[layout.pipe + i]);
            }
            sb.append("] sent=").append(m[layout.gSentN]).append(" received=").append(m[layout.gRecvN])
                    .append(" created=").append(m[layout.gCreated]).append(" freed=").append(m[layout.gFreed]).append('\n');
        }
        sb.append("  cache=").append(blocks(layout.cacheVal, true)).append(" disk=").append(blocks(layout.disk, false))
                .append(" console=").append(bytes(console)).append(" counter=").append(counter())
                .append(" ttyOut=").append(m[layout.ttyOut]).append(" current=p").append(m[layout.current]);
        return sb.toString();
    }

    private String blocks(int base, boolean withDirty) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < layout.files * layout.blocks; i++) {
            sb.append(i == 0 ? "" : ",").append(m[base + i]);
            if (withDirty && m[layout.cacheDirty + i] != 0) {
                sb.append('*');
            }
        }
        return sb.append(']').toString();
    }

    /** Console bytes as v.k (page value v, byte k of the call). */
    public static String bytes(int[] b) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < b.length; i++) {
            sb.append(i == 0 ? "" : ",").append(b[i] >> 4).append('.').append(b[i] & 15);
        }
        return sb.append(']').toString();
    }

    public static String statusName(int status) {
        return switch (status) {
            case Layout.RUNNABLE -> "runnable";
            case Layout.EXITED -> "exited";
            case Layout.LOST -> "lost";
            case Layout.BLOCKED -> "blocked";
            default -> "free";
        };
    }

    /** The mutable twin of State used while computing one successor. */
    static final class Mut {
        final Layout layout;
        final int[] m;
        int[] console;
        int[] expected;

        Mut(Layout layout, int[] m, int[] console, int[] expected) {
            this.layout = layout;
            this.m = m;
            this.console = console;
            this.expected = expected;
        }

        int get(int addr) {
            return m[addr];
        }

        void set(int addr, int v) {
            m[addr] = v;
        }

        int proc(int pid, int field) {
            return m[layout.at(pid, field)];
        }

        void setProc(int pid, int field, int v) {
            m[layout.at(pid, field)] = v;
        }

        /** The console device emits one byte; its progress counter counts it. */
        void emit(int b) {
            int[] c = Arrays.copyOf(console, console.length + 1);
            c[console.length] = b;
            console = c;
            m[layout.counter] = m[layout.counter] + 1;
        }

        void expect(int b) {
            int[] c = Arrays.copyOf(expected, expected.length + 1);
            c[expected.length] = b;
            expected = c;
        }

        State build() {
            return new State(layout, m, console, expected);
        }
    }
}
