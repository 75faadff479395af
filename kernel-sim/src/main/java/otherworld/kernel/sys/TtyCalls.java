package otherworld.kernel.sys;

import static otherworld.kernel.Errno.*;
import static otherworld.kernel.layout.Layouts.*;

import otherworld.emulator.Console;
import otherworld.kernel.Kernel;
import otherworld.kernel.KernelConfig;
import otherworld.kernel.proc.Channels;
import otherworld.kernel.proc.Signals;
import otherworld.kernel.proc.Task;
import otherworld.kernel.tty.Tty;

/**
 * The terminal's side of read, write and ioctl (FileCalls hands ttys here), by the in-flight rule of
 * {@link Syscalls}. A read moves the device's input into the ring and lets the discipline act on it (both
 * restartable: a byte is in the ring before the device lets it go, and acted on once, at nproc), then interprets the
 * ring without consuming it; sysword := nread | skip ≪ 48; its tail records the position {@link Tty#take} gives for
 * a0 bytes from there. An ioctl that sets something checks and copies in before its commit; its tail writes the
 * record (absolute: the termios copied in again, the window size, group or session from sysword).
 */
final class TtyCalls {
    static final int TCGETS = 0x5401, TCSETS = 0x5402, TCSETSW = 0x5403, TCSETSF = 0x5404, TCSBRK = 0x5409,
            TCXONC = 0x540A, TCFLSH = 0x540B, TIOCSCTTY = 0x540E, TIOCGPGRP = 0x540F, TIOCSPGRP = 0x5410,
            TIOCOUTQ = 0x5411, TIOCGWINSZ = 0x5413, TIOCSWINSZ = 0x5414, FIONREAD = 0x541B, TIOCNOTTY = 0x5422,
            TIOCGSID = 0x5429;
    static final int O_NONBLOCK = 0x800;
    static final int SIGTTIN = 21, SIGTTOU = 22;
    /** Clock ticks (instructions) in VTIME's unit, a tenth of a second. */
    static final long DECISECOND = KernelConfig.CLOCK_HZ / 10;

    private final Kernel k;
    private final Syscalls sys;

    TtyCalls(Kernel k, Syscalls sys) {
        this.k = k;
        this.sys = sys;
    }

    private long rec(int f) { return k.ttyRecord(k.files.tty(f)); }

    private Console console(long rec) { return k.machine.console(Tty.console(k.mem, rec)); }

    private static boolean plain(Kernel k, int f) { return (k.files.flags(f) & FF_NOT_A_TERMINAL) != 0; }

    /**
     * read from tty file f, up to n bytes into tmp: the count, 0 at end of input, -EAGAIN, or BLOCK (no line yet in
     * canonical mode; fewer than VMIN bytes; VTIME's deadline, armed in the task's sleep record, not reached).
     */
    long read(Task t, int f, byte[] tmp, int n) {
        int tty = k.files.tty(f);
        long rec = rec(f);
        Console dev = console(rec);
        boolean plain = plain(k, f);
        Tty.receive(k.mem, rec, dev);
        Tty.process(k.mem, rec, dev, k.ttyLine(tty));
        if (!plain) {
            long bg = background(t, rec, SIGTTIN);
            if (bg != 0) return bg;
        }
        long nread = Tty.nread(k.mem, rec);
        int skip = Tty.skip(k.mem, rec);
        t.setSysword(nread | (long) skip << 48);
        long[] r = Tty.take(k.mem, rec, nread, skip, tmp, n, plain);
        boolean ended = k.mem.r32(rec + TTY_EOF) != 0;
        if (r != null && !plain && (Tty.lflag(k.mem, rec) & Tty.ICANON) == 0 && !ended && n > 0) {
            int got = (int) r[0], vmin = Tty.vmin(k.mem, rec), vtime = Tty.vtime(k.mem, rec);
            int want = Math.min(vmin, n);
            if (vtime == 0) {
                if (got < want) r = null;
            } else if (vmin == 0 ? got == 0 : got < want) {
                if (vmin > 0 && got == 0) {
                    r = null; // VMIN > 0: the timer runs from the first byte
                } else {
                    int nr = (int) t.x(17);
                    if (!k.sleeps.armedFor(t, nr)) k.sleeps.arm(t, nr, k.machine.clock() + vtime * DECISECOND);
                    if (k.machine.clock() < k.sleeps.deadline(t)) r = null; // else: the time is up, what there is
                }
            }
        }
        if (r != null) return r[0];
        if ((k.files.flags(f) & O_NONBLOCK) != 0) return -EAGAIN;
        return k.block(t, Channels.of(Channels.TTY, tty));
    }

    /** read's tail on a tty: nread and skip := where reading a0 bytes from sysword's position ends; VTIME disarmed. */
    void readTail(Task t, int f) {
        k.sleeps.disarm(t); // whatever the result: a deadline left armed would wake the next read for nothing
        if (t.x(10) < 0) return;
        long rec = rec(f);
        long sw = t.sysword();
        long nread = sw & 0xFFFF_FFFF_FFFFL;
        int skip = (int) (sw >>> 48);
        long[] r = Tty.take(k.mem, rec, nread, skip, null, (int) t.x(10), plain(k, f));
        if (r != null) Tty.consumed(k.mem, rec, r[1], (int) r[2]);
    }

    /** write to tty file f: through OPOST (unless it stands for a host pipe), each byte to the device. */
    long write(Task t, int f, byte[] tmp, int n) {
        long rec = rec(f);
        if (!plain(k, f) && (Tty.lflag(k.mem, rec) & Tty.TOSTOP) != 0) {
            long bg = background(t, rec, SIGTTOU);
            if (bg != 0) return bg;
        }
        Console dev = console(rec);
        byte[] out = plain(k, f) ? java.util.Arrays.copyOf(tmp, n) : Tty.post(k.mem, rec, java.util.Arrays.copyOf(tmp, n));
        for (int i = 0; i < out.length; i++) {
            k.emit(dev, out[i]);
            if (i == out.length / 2) k.hooks.point("write.tty-partial");
        }
        return n;
    }

    /**
     * Job control: a process of a background group of the tty's session that reads (SIGTTIN), or sets the terminal
     * or writes under TOSTOP (SIGTTOU), stops its group: the signal is posted to the group (again: idempotent) and
     * the call is made again after it. Ignored or blocked: a read gets EIO, the rest go on. 0 when in the foreground.
     */
    private long background(Task t, long rec, int sig) {
        int sid = k.mem.r32(rec + TTY_SID), fg = k.mem.r32(rec + TTY_PGRP);
        int pgid = k.procs.pgid(t.index);
        if (sid == 0 || fg == 0 || k.procs.sid(t.index) != sid || pgid == fg) return 0;
        if ((k.signals.blocked(t.index) & Signals.bit(sig)) != 0 || k.signals.handler(t.index, sig) == Signals.SIG_IGN) {
            return sig == SIGTTIN ? -EIO : 0;
        }
        sys.signalGroup(pgid, sig);
        return Syscalls.RESTART;
    }

    /** Whether tty record rec is the controlling tty of t's session. */
    private boolean controlling(Task t, long rec) {
        int sid = k.mem.r32(rec + TTY_SID);
        return sid != 0 && sid == k.procs.sid(t.index);
    }

    long ioctl(Task t, int f, int req, long arg) {
        long rec = rec(f);
        switch (req) {
            case TCGETS -> {
                byte[] tio = new byte[TERMIOS_SIZE];
                k.mem.read(rec + TTY_TERMIOS, tio, 0, tio.length);
                return copyOut(t, arg, tio);
            }
            case TCSETS, TCSETSW, TCSETSF -> {
                byte[] tio = new byte[TERMIOS_SIZE];
                if (!k.user.copyIn(t.rootPa(), arg, tio, 0, tio.length)) return -EFAULT;
                return background(t, rec, SIGTTOU);
            }
            case TIOCGWINSZ -> {
                byte[] ws = new byte[8];
                k.mem.read(rec + TTY_WINSIZE, ws, 0, 8);
                return copyOut(t, arg, ws);
            }
            case TIOCSWINSZ -> {
                byte[] ws = new byte[8];
                if (!k.user.copyIn(t.rootPa(), arg, ws, 0, 8)) return -EFAULT;
                t.setSysword(java.nio.ByteBuffer.wrap(ws).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong());
                return 0;
            }
            case TIOCGPGRP, TIOCGSID -> {
                if (!controlling(t, rec)) return -ENOTTY;
                int v = k.mem.r32(rec + (req == TIOCGPGRP ? TTY_PGRP : TTY_SID));
                return copyOut(t, arg, new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)});
            }
            case TIOCSPGRP -> {
                byte[] b = new byte[4];
                if (!k.user.copyIn(t.rootPa(), arg, b, 0, 4)) return -EFAULT;
                if (!controlling(t, rec)) return -ENOTTY;
                int pgrp = FileCalls.get32(b, 0);
                if (pgrp < 0) return -EINVAL;
                if (!k.procs.groupExists(pgrp, k.procs.sid(t.index), -1)) return -EPERM;
                long bg = background(t, rec, SIGTTOU);
                if (bg != 0) return bg;
                t.setSysword(pgrp);
                return 0;
            }
            case TIOCSCTTY -> {
                int sid = k.procs.sid(t.index);
                if (controlling(t, rec)) return 0; // already its own: nothing changes (sysword 0)
                if (sid != t.pid() || k.mem.r32(rec + TTY_SID) != 0 && arg != 1) return -EPERM;
                t.setSysword(1); // the tail takes the tty for the caller's session
                return 0;
            }
            case TIOCNOTTY -> {
                return controlling(t, rec) ? 0 : -ENOTTY;
            }
            case FIONREAD -> {
                Tty.receive(k.mem, rec, console(rec));
                Tty.process(k.mem, rec, console(rec), k.ttyLine(k.files.tty(f)));
                int n = Tty.available(k.mem, rec, plain(k, f));
                return copyOut(t, arg, new byte[] {(byte) n, (byte) (n >> 8), (byte) (n >> 16), (byte) (n >> 24)});
            }
            case TIOCOUTQ -> {
                return copyOut(t, arg, new byte[4]); // output leaves at once
            }
            case TCFLSH -> {
                return arg >= 0 && arg <= 2 ? 0 : -EINVAL;
            }
            case TCSBRK, TCXONC -> {
                return 0; // output is never held back
            }
            default -> {
                return -ENOTTY;
            }
        }
    }

    private long copyOut(Task t, long va, byte[] b) { return k.user.copyOut(t.rootPa(), va, b, 0, b.length) ? 0 : -EFAULT; }

    /** ioctl's tail on a tty: what a setting call decided, written to the record (each write absolute). */
    void ioctlTail(Task t, int f) {
        if (t.x(10) != 0) return;
        long rec = rec(f);
        int req = (int) t.x(11);
        switch (req) {
            case TCSETS, TCSETSW, TCSETSF -> {
                byte[] tio = new byte[TERMIOS_SIZE];
                if (!k.user.copyIn(t.rootPa(), t.x(12), tio, 0, tio.length)) return;
                if (req == TCSETSF) Tty.flushInput(k.mem, rec);
                byte[] now = new byte[TERMIOS_SIZE];
                k.mem.read(rec + TTY_TERMIOS, now, 0, now.length);
                if (!java.util.Arrays.equals(now, tio)) k.mem.write(rec + TTY_TERMIOS, tio, 0, tio.length);
            }
            case TIOCSWINSZ -> {
                long ws = t.sysword();
                int pgrp = k.mem.r32(rec + TTY_PGRP);
                if (k.mem.r64(rec + TTY_WINSIZE) != ws) {
                    if (pgrp > 0) sys.signalGroup(pgrp, Tty.SIGWINCH); // first: posting again sets what is set
                    k.mem.w64(rec + TTY_WINSIZE, ws);
                }
            }
            case TIOCSPGRP -> {
                if (k.mem.r32(rec + TTY_PGRP) != (int) t.sysword()) k.mem.w32(rec + TTY_PGRP, (int) t.sysword());
            }
            case TIOCSCTTY -> {
                if (t.sysword() != 1) return;
                int sid = k.procs.sid(t.index), pgid = k.procs.pgid(t.index);
                if (k.mem.r32(rec + TTY_PGRP) != pgid) k.mem.w32(rec + TTY_PGRP, pgid);
                if (k.mem.r32(rec + TTY_SID) != sid) k.mem.w32(rec + TTY_SID, sid);
            }
            case TIOCNOTTY -> {
                if (k.procs.sid(t.index) != t.pid()) return; // only the session leader gives the tty up
                if (k.mem.r32(rec + TTY_PGRP) != 0) k.mem.w32(rec + TTY_PGRP, 0);
                if (k.mem.r32(rec + TTY_SID) != 0) k.mem.w32(rec + TTY_SID, 0);
            }
            case TCFLSH -> {
                if (t.x(12) != 1) Tty.flushInput(k.mem, rec);
            }
            default -> { }
        }
    }

    /** Whether a read of tty file f would not wait (ppoll, pselect6): a line, bytes, or end of input. Reads only. */
    static boolean readable(Kernel k, int f) {
        long rec = k.ttyRecord(k.files.tty(f));
        int con = Tty.console(k.mem, rec);
        if (con < 0 || con >= k.machine.consoleCount()) return true;
        Console dev = k.machine.console(con);
        if (dev.inputAvailable() > 0 || dev.ended() || k.mem.r32(rec + TTY_EOF) != 0) return true;
        return k.mem.r64(rec + TTY_NWRITE) > k.mem.r64(rec + TTY_NPROC) // not yet acted on: a read will tell
                || Tty.take(k.mem, rec, Tty.nread(k.mem, rec), Tty.skip(k.mem, rec), null, 1, plain(k, f)) != null
                && (Tty.available(k.mem, rec, plain(k, f)) > 0 || (Tty.lflag(k.mem, rec) & Tty.ICANON) != 0);
    }
}
