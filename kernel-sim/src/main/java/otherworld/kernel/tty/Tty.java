package otherworld.kernel.tty;

import static otherworld.kernel.layout.Layouts.*;

import otherworld.emulator.Console;
import otherworld.emulator.Machine;
import otherworld.kernel.mem.KMem;

/**
 * A terminal on a console device, and its line discipline.
 *
 * <p>Input: the device's bytes are moved into a ring in guest RAM as they were typed (xv6's pipe counters: nwrite −
 * nread bytes are waiting, index = counter mod size). The discipline then acts on each byte once, in order, at
 * {@code nproc}: a signal to the foreground group (ISIG), the echo (ECHO), and only then nproc moves. Line editing
 * (erase, kill, word erase, end of file) is not applied to the ring: a reader interprets the bytes after nread under
 * the termios ({@link #take}), and its tail moves nread past what it consumed. So a line being typed is just the
 * bytes after nread — a crash keeps it as it keeps any byte of the ring — and a read's commit is the read position.
 * An interrupt character flushes the input (without NOFLSH): the reader starts after the last one.
 *
 * <p>Output goes straight to the device (through OPOST); a write's tail, and each finished echo, records the
 * device's bytes_out in {@code out}, so that bytes_out − out is what a write or an echo in flight has already sent
 * — all a crash kernel needs to send each byte once (the echo of the byte at nproc it can compute again from the
 * ring: {@link #echoOf}).
 *
 * <p>Counters a crash kernel derives from the device: {@code out} = bytes_out, and {@code nwrite} = bytes_in, because
 * a byte is put in the ring before the device is told it was taken (so a byte taken is always in the ring).
 */
public final class Tty {
    private Tty() { }

    // asm-generic/termbits.h
    public static final int INLCR = 0100, IGNCR = 0200, ICRNL = 0400, IXON = 02000;
    public static final int OPOST = 1, ONLCR = 4, OCRNL = 010;
    public static final int ISIG = 1, ICANON = 2, ECHO = 010, ECHOE = 020, ECHOK = 040, ECHONL = 0100, NOFLSH = 0200,
            TOSTOP = 0400, ECHOCTL = 01000, ECHOKE = 04000, IEXTEN = 0100000;
    public static final int VINTR = 0, VQUIT = 1, VERASE = 2, VKILL = 3, VEOF = 4, VTIME = 5, VMIN = 6, VSUSP = 10,
            VEOL = 11, VWERASE = 14, VEOL2 = 16;
    public static final int NCCS = 19;
    public static final int SIGINT = 2, SIGQUIT = 3, SIGTSTP = 20, SIGWINCH = 28;
    /** B38400 | CS8 | CREAD. */
    static final int CFLAG = 0277;
    /** Linux's c_cc at a new terminal (^C ^\ ^? ^U ^D, VTIME 0, VMIN 1, ^Q ^S ^Z, ^R ^O ^W ^V). */
    static final byte[] DEFAULT_CC = {3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0, 0, 0};
    /** The window size a line that reports none gets: 24 rows, 80 columns. */
    public static final long DEFAULT_WINSIZE = 24 | 80L << 16;

    /** What the discipline does outside the ring: bytes to the device, signals to a process group. */
    public interface Line {
        void emit(int b);

        void signal(int pgrp, int sig);
    }

    public static long record(long ttysPa, int i) { return ttysPa + (long) i * TTY.size(); }

    /**
     * Empty records, tty i on console i, counters at the devices' progress. A console a person is at starts in
     * Linux's default mode (ICRNL IXON; OPOST ONLCR; ISIG ICANON ECHO ECHOE ECHOK ECHOCTL ECHOKE IEXTEN); a scripted
     * one in canonical mode without echo, signals or output processing, so a script's bytes reach the program, and its
     * output the device, as they are.
     */
    public static void format(KMem mem, long ttysPa, Machine machine, int count) {
        for (int i = 0; i < MAX_TTYS; i++) {
            long t = record(ttysPa, i);
            TTY.init(mem, t);
            mem.w32(t + TTY_CONSOLE, i < count ? i : -1);
            if (i < count) {
                Console dev = machine.console(i);
                mem.w64(t + TTY_OUT, dev.bytesOut());
                mem.w64(t + TTY_NREAD, dev.bytesIn());
                mem.w64(t + TTY_NWRITE, dev.bytesIn());
                mem.w64(t + TTY_NPROC, dev.bytesIn());
                mem.w64(t + TTY_ECHO, echoMark(dev.bytesIn() - 1, 0)); // names no byte to come
                boolean person = dev.isTerminal();
                mem.w32(t + TTY_IFLAG, person ? ICRNL | IXON : 0);
                mem.w32(t + TTY_OFLAG, person ? OPOST | ONLCR : 0);
                mem.w32(t + TTY_CFLAG, CFLAG);
                mem.w32(t + TTY_LFLAG, person ? ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN : ICANON);
                mem.write(t + TTY_CC, DEFAULT_CC, 0, NCCS);
                mem.w64(t + TTY_WINSIZE, dev.winsize() != 0 ? dev.winsize() : DEFAULT_WINSIZE);
                mem.w64(t + TTY_DEV_WINSIZE, dev.winsize());
            }
        }
    }

    /** Move waiting device input into the ring: each byte written there before the device lets it go. */
    public static int receive(KMem mem, long t, Console dev) {
        long nread = mem.r64(t + TTY_NREAD);
        long start = mem.r64(t + TTY_NWRITE);
        long nwrite = start;
        while (nwrite - nread < TTY_BUF && dev.inputAvailable() > 0) {
            mem.w8(t + TTY_DATA + (nwrite % TTY_BUF), dev.peek());
            dev.take();
            nwrite++;
        }
        if (nwrite != start) mem.w64(t + TTY_NWRITE, nwrite);
        if (dev.ended() && mem.r32(t + TTY_EOF) == 0) mem.w32(t + TTY_EOF, 1);
        return (int) (nwrite - start);
    }

    /**
     * The discipline acts on every byte received and not yet acted on, in order: its signal to the foreground group
     * (posting again sets what is set), its echo, then nproc moves past it; at the end out := bytes_out. Order alone
     * cannot tell a crash kernel whether bytes_out moved for the byte at nproc or for the one before it (nproc and
     * the device's counter are two words), so an echo first writes one word, {@code echo}, naming its byte and where
     * bytes_out stood: a crash kernel that finds it naming the byte at nproc sends the rest of that echo
     * ({@link #echoOf}) and moves nproc; otherwise the byte is acted on again (its echo had not begun).
     */
    public static void process(KMem mem, long t, Console dev, Line line) {
        long nproc = mem.r64(t + TTY_NPROC);
        long nwrite = mem.r64(t + TTY_NWRITE);
        if (nproc >= nwrite) return;
        while (nproc < nwrite) {
            int sig = signalOf(mem, t, input(mem, t, at(mem, t, nproc)));
            int pgrp = mem.r32(t + TTY_PGRP);
            if (sig != 0 && pgrp > 0) line.signal(pgrp, sig);
            byte[] echo = echoOf(mem, t, nproc);
            if (echo.length > 0) {
                mem.w64(t + TTY_ECHO, echoMark(nproc, dev.bytesOut()));
                for (byte b : echo) line.emit(b & 0xFF);
            }
            nproc++;
            mem.w64(t + TTY_NPROC, nproc);
        }
        sent(mem, t, dev);
    }

    /** The echo word: byte index pos mod 2^32, then bytes_out mod 2^32. */
    public static long echoMark(long pos, long bytesOut) { return (pos & 0xFFFF_FFFFL) << 32 | (bytesOut & 0xFFFF_FFFFL); }

    /**
     * For a crash kernel: how many bytes of the echo of the byte at nproc had been sent, from the echo word and the
     * device's bytes_out; -1 if that echo had not begun.
     */
    public static long echoSent(KMem mem, long t, long bytesOut) {
        long nproc = mem.r64(t + TTY_NPROC), mark = mem.r64(t + TTY_ECHO);
        if (nproc >= mem.r64(t + TTY_NWRITE) || mark >>> 32 != (nproc & 0xFFFF_FFFFL)) return -1;
        return (bytesOut - mark) & 0xFFFF_FFFFL;
    }

    static int at(KMem mem, long t, long pos) {
        long a = t + TTY_DATA + (pos % TTY_BUF);
        mem.scrub(a, 1); // the enhanced mode: a typed byte checked before the discipline or a reader takes it
        return mem.r8(a) & 0xFF;
    }

    private static int cc(KMem mem, long t, int i) { return mem.r8(t + TTY_CC + i) & 0xFF; }

    private static boolean is(KMem mem, long t, int c, int i) {
        int v = cc(mem, t, i);
        return v != 0 && c == v; // _POSIX_VDISABLE is 0
    }

    /** A received byte after the input flags (IGNCR, ICRNL, INLCR); -1 if it is ignored. */
    static int input(KMem mem, long t, int c) {
        int iflag = mem.r32(t + TTY_IFLAG);
        if (c == '\r') {
            if ((iflag & IGNCR) != 0) return -1;
            if ((iflag & ICRNL) != 0) return '\n';
        } else if (c == '\n' && (iflag & INLCR) != 0) {
            return '\r';
        }
        return c;
    }

    /** The signal byte c sends under ISIG (SIGINT, SIGQUIT, SIGTSTP), or 0. */
    static int signalOf(KMem mem, long t, int c) {
        if (c < 0 || (mem.r32(t + TTY_LFLAG) & ISIG) == 0) return 0;
        if (is(mem, t, c, VINTR)) return SIGINT;
        if (is(mem, t, c, VQUIT)) return SIGQUIT;
        if (is(mem, t, c, VSUSP)) return SIGTSTP;
        return 0;
    }

    /** Where a reader starts: after the last interrupt character in [from, to) (it flushed the input), or from. */
    static long flushPoint(KMem mem, long t, long from, long to) {
        if ((mem.r32(t + TTY_LFLAG) & NOFLSH) != 0) return from;
        for (long p = to - 1; p >= from; p--) {
            if (signalOf(mem, t, input(mem, t, at(mem, t, p))) != 0) return p + 1;
        }
        return from;
    }

    /** Canonical line editing: the line being built from the bytes fed to it. */
    private static final class Editor {
        final byte[] buf = new byte[TTY_BUF + 1];
        int len;

        /** Feed c: 0 it edited or extended the line; 1 it ended the line and is part of it; 2 it ended it (EOF). */
        int feed(KMem mem, long t, int c) {
            boolean ext = (mem.r32(t + TTY_LFLAG) & IEXTEN) != 0;
            if (is(mem, t, c, VERASE)) {
                if (len > 0) len--;
            } else if (is(mem, t, c, VKILL)) {
                len = 0;
            } else if (ext && is(mem, t, c, VWERASE)) {
                while (len > 0 && (buf[len - 1] == ' ' || buf[len - 1] == '\t')) len--;
                while (len > 0 && buf[len - 1] != ' ' && buf[len - 1] != '\t') len--;
            } else if (is(mem, t, c, VEOF)) {
                return 2;
            } else {
                buf[len++] = (byte) c;
                if (c == '\n' || is(mem, t, c, VEOL) || ext && is(mem, t, c, VEOL2)) return 1;
            }
            return 0;
        }
    }

    /**
     * What a read of up to n bytes from (nread, skip) gets now, without consuming it: {count, nread', skip'} (the
     * position its tail records), with the bytes in dst (if not null); or null if the reader must wait for more.
     * Canonical: a whole line (or, at end of input or with the ring full, what is typed), the part past skip; at
     * VEOF on an empty line, 0. Non-canonical: what is waiting, up to n (VMIN and VTIME are the caller's). A
     * description that is not a terminal (a host pipe) reads the ring's bytes as they are. Pure: a tail made again
     * after a crash computes the same from the same ring.
     */
    public static long[] take(KMem mem, long t, long nread, int skip, byte[] dst, int n, boolean plain) {
        long nproc = mem.r64(t + TTY_NPROC);
        boolean ended = mem.r32(t + TTY_EOF) != 0 || mem.r64(t + TTY_NWRITE) - nread >= TTY_BUF;
        if (plain) {
            int k = (int) Math.min(n, nproc - nread);
            for (int i = 0; i < k && dst != null; i++) dst[i] = (byte) at(mem, t, nread + i);
            return k == 0 && !ended && n > 0 ? null : new long[] {k, nread + k, 0};
        }
        long start = flushPoint(mem, t, nread, nproc);
        if (start != nread) skip = 0;
        if ((mem.r32(t + TTY_LFLAG) & ICANON) == 0) {
            int k = 0;
            long p = start;
            for (; p < nproc && k < n; p++) {
                int c = input(mem, t, at(mem, t, p));
                if (c < 0 || signalOf(mem, t, c) != 0) continue;
                if (dst != null) dst[k] = (byte) c;
                k++;
            }
            return new long[] {k, p, 0};
        }
        Editor ed = new Editor();
        long p = start;
        boolean complete = false;
        for (; p < nproc && !complete; p++) {
            int c = input(mem, t, at(mem, t, p));
            if (c < 0 || signalOf(mem, t, c) != 0) continue;
            complete = ed.feed(mem, t, c) != 0;
        }
        if (!complete && !ended) return null;
        int count = Math.max(0, Math.min(n, ed.len - skip));
        if (dst != null) System.arraycopy(ed.buf, skip, dst, 0, count);
        if (skip + count >= ed.len) return new long[] {count, p, 0};
        return new long[] {count, start, skip + count};
    }

    /** Bytes a reader could take now without waiting (FIONREAD; non-canonical VMIN). */
    public static int available(KMem mem, long t, boolean plain) {
        long[] r = take(mem, t, mem.r64(t + TTY_NREAD), mem.r32(t + TTY_SKIP), null, TTY_BUF, plain);
        return r == null ? 0 : (int) r[0];
    }

    /** A read's tail: the position its call computed, recorded (absolute, so that redoing it changes nothing). */
    public static void consumed(KMem mem, long t, long nread, int skip) {
        if (mem.r32(t + TTY_SKIP) != skip) mem.w32(t + TTY_SKIP, skip);
        if (mem.r64(t + TTY_NREAD) != nread) mem.w64(t + TTY_NREAD, nread);
    }

    /** Unread input discarded (TCSETSF, TCFLSH): the reader starts at what the discipline has acted on. */
    public static void flushInput(KMem mem, long t) { consumed(mem, t, mem.r64(t + TTY_NPROC), 0); }

    /**
     * The bytes the discipline echoes for the byte at pos (nothing without ECHO but a newline under ECHONL):
     * control characters as ^X under ECHOCTL, an erase as "\b \b" under ECHOE, a kill as one "\b \b" per character
     * under ECHOKE (else the kill character and, under ECHOK, a newline); nothing for VEOF. The line it edits is
     * the one being typed at pos, interpreted from the ring as a reader would. Through OPOST.
     */
    public static byte[] echoOf(KMem mem, long t, long pos) {
        int lflag = mem.r32(t + TTY_LFLAG);
        int c = input(mem, t, at(mem, t, pos));
        java.io.ByteArrayOutputStream e = new java.io.ByteArrayOutputStream();
        if (c < 0) return new byte[0];
        boolean canon = (lflag & ICANON) != 0;
        if ((lflag & ECHO) == 0) {
            if (canon && c == '\n' && (lflag & ECHONL) != 0) e.write('\n');
            return post(mem, t, e.toByteArray());
        }
        if (canon && signalOf(mem, t, c) == 0) {
            boolean erase = is(mem, t, c, VERASE), kill = is(mem, t, c, VKILL);
            boolean werase = (lflag & IEXTEN) != 0 && is(mem, t, c, VWERASE);
            if (is(mem, t, c, VEOF)) return new byte[0];
            if (erase || kill || werase) {
                Editor before = lineAt(mem, t, pos);
                Editor after = lineAt(mem, t, pos);
                after.feed(mem, t, c);
                if (kill && (lflag & ECHOKE) == 0) {
                    echoChar(e, c, lflag);
                    if ((lflag & ECHOK) != 0) e.write('\n');
                } else if ((lflag & ECHOE) != 0 || !erase && !kill) {
                    for (int i = after.len; i < before.len; i++) {
                        int w = control(before.buf[i] & 0xFF) && (lflag & ECHOCTL) != 0 ? 2 : 1;
                        for (int j = 0; j < w; j++) e.writeBytes(new byte[] {'\b', ' ', '\b'});
                    }
                } else {
                    echoChar(e, c, lflag);
                }
                return post(mem, t, e.toByteArray());
            }
        }
        echoChar(e, c, lflag);
        return post(mem, t, e.toByteArray());
    }

    /** The line being typed when the byte at pos arrives: the bytes from the reader's start (or the last line end). */
    private static Editor lineAt(KMem mem, long t, long pos) {
        long nread = mem.r64(t + TTY_NREAD);
        Editor ed = new Editor();
        for (long p = flushPoint(mem, t, nread, pos); p < pos; p++) {
            int c = input(mem, t, at(mem, t, p));
            if (c < 0 || signalOf(mem, t, c) != 0) continue;
            if (ed.feed(mem, t, c) != 0) ed.len = 0;
        }
        return ed;
    }

    private static boolean control(int c) { return c < 32 && c != '\t' && c != '\n' || c == 127; }

    private static void echoChar(java.io.ByteArrayOutputStream e, int c, int lflag) {
        if (control(c) && (lflag & ECHOCTL) != 0) {
            e.write('^');
            e.write(c ^ 0x40);
        } else {
            e.write(c);
        }
    }

    /** Output processing (OPOST): ONLCR turns \n into \r\n, OCRNL \r into \n; without OPOST the bytes as they are. */
    public static byte[] post(KMem mem, long t, byte[] b) {
        int oflag = mem.r32(t + TTY_OFLAG);
        if ((oflag & OPOST) == 0 || (oflag & (ONLCR | OCRNL)) == 0) return b;
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream(b.length + 8);
        for (byte x : b) {
            if (x == '\n' && (oflag & ONLCR) != 0) {
                o.write('\r');
                o.write('\n');
            } else if (x == '\r' && (oflag & OCRNL) != 0) {
                o.write('\n');
            } else {
                o.write(x);
            }
        }
        return o.toByteArray();
    }

    /**
     * The console's window size changed (a device register): SIGWINCH to the foreground group first (posting again
     * sets what is set), then the record's size, then the device size it was taken from. True if it changed.
     */
    public static boolean resized(KMem mem, long t, Console dev, Line line) {
        long ws = dev.winsize();
        if (ws == 0 || ws == mem.r64(t + TTY_DEV_WINSIZE)) return false;
        int pgrp = mem.r32(t + TTY_PGRP);
        if (pgrp > 0 && mem.r64(t + TTY_WINSIZE) != ws) line.signal(pgrp, SIGWINCH);
        mem.w64(t + TTY_WINSIZE, ws);
        mem.w64(t + TTY_DEV_WINSIZE, ws);
        return true;
    }

    public static long nread(KMem mem, long t) { return mem.r64(t + TTY_NREAD); }

    public static int skip(KMem mem, long t) { return mem.r32(t + TTY_SKIP); }

    public static int lflag(KMem mem, long t) { return mem.r32(t + TTY_LFLAG); }

    /** VMIN and VTIME. */
    public static int vmin(KMem mem, long t) { return cc(mem, t, VMIN); }

    public static int vtime(KMem mem, long t) { return cc(mem, t, VTIME); }

    /** A write's tail (and each finished echo): every byte the device has sent so far belongs to finished output. */
    public static void sent(KMem mem, long t, Console dev) {
        long out = dev.bytesOut();
        if (mem.r64(t + TTY_OUT) != out) mem.w64(t + TTY_OUT, out);
    }

    public static int console(KMem mem, long t) { return mem.r32(t + TTY_CONSOLE); }
}
