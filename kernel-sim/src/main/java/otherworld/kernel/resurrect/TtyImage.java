package otherworld.kernel.resurrect;

import static otherworld.kernel.layout.Layouts.*;

import otherworld.emulator.Console;
import otherworld.kernel.mem.DirectMem;
import otherworld.kernel.mem.KMem;
import otherworld.kernel.tty.Tty;
import otherworld.kernel.verified.Bounds;

/**
 * The ttys' image: each record validated read-only (magic, version, counters nread ≤ nproc ≤ nwrite within one
 * ring, skip within a line, groups not negative) and copied whole — mode (termios), unread input and the line being
 * typed (the ring's bytes after nread), window size, foreground group and session. What the devices also keep comes
 * from the devices: out = bytes_out, nwrite = bytes_in (a byte is in the ring before the device lets it go); the
 * console index is tty i's own, i. An echo in flight (the echo word names the byte at nproc: {@link Tty#echoSent}) is
 * finished here: its bytes computed again from the ring ({@link Tty#echoOf}), the ones not yet sent sent, and nproc
 * moved past the byte. A record that fails validation is
 * not trusted: the tty starts afresh (its unread input lost) and the report says so; its processes are not refused,
 * since a terminal's state is what a person retypes.
 */
final class TtyImage {
    private TtyImage() { }

    /** What is wrong with the dead tty record at rec, or null. */
    static String check(KMem v, long rec, int i) {
        if (!Bounds.magicOk(v.r32(rec), TTY.magic, v.r32(rec + 4), TTY.version, TTY.version)) {
            return "tty " + i + ": bad magic or version";
        }
        long nread = v.r64(rec + TTY_NREAD), nproc = v.r64(rec + TTY_NPROC), nwrite = v.r64(rec + TTY_NWRITE);
        int skip = v.r32(rec + TTY_SKIP);
        if (nread < 0 || nproc < nread || nwrite < nproc || nwrite - nread > TTY_BUF || skip < 0 || skip > TTY_BUF) {
            return "tty " + i + ": counters " + nread + ", " + nproc + ", " + nwrite + " (skip " + skip + ") invalid";
        }
        if (v.r32(rec + TTY_PGRP) < 0 || v.r32(rec + TTY_SID) < 0) return "tty " + i + ": process group or session invalid";
        // flags Linux does not define: a termios no TCSETS could have set (a flip of a defined bit is not caught)
        if ((v.r32(rec + TTY_IFLAG) & ~077777) != 0 || (v.r32(rec + TTY_OFLAG) & ~0177777) != 0
                || (v.r32(rec + TTY_LFLAG) & ~0377777) != 0) {
            return "tty " + i + ": termios flags invalid";
        }
        return null;
    }

    /**
     * The rest of the echo the discipline was making for the byte at nproc, each byte once (what bytes_out says was
     * sent is not sent again: an earlier crash kernel's too). True if an echo was in flight: the byte is done.
     */
    static boolean completeEcho(KMem v, long rec, Console dev) {
        long sent = Tty.echoSent(v, rec, dev.bytesOut());
        if (sent < 0) return false;
        byte[] echo = Tty.echoOf(v, rec, v.r64(rec + TTY_NPROC));
        for (long k = sent; k < echo.length; k++) dev.put(echo[(int) k] & 0xFF);
        return true;
    }

    /**
     * Tty record old copied to nt (already laid out afresh for console con) unless it is corrupt; counters from the
     * device; nproc past a byte whose echo was completed.
     */
    static void rebuild(KMem v, long old, DirectMem own, long nt, Console dev, int con, boolean echoed) {
        byte[] rec = new byte[TTY.size()];
        v.read(old, rec, 0, rec.length);
        own.write(nt, rec, 0, rec.length);
        // the console index is derived, as Tty.format lays it (tty i on console i), not trusted: a corrupt one
        // made every later kernel panic on the tty's first write (found by the campaign: ow replay
        // kvstore:bit-flip:88947a707bebeab4 resurrected, panicked and ran its recovery procedure for ever)
        own.w32(nt + TTY_CONSOLE, con);
        if (con < 0) return;
        own.w64(nt + TTY_OUT, dev.bytesOut());
        long nread = v.r64(old + TTY_NREAD);
        if (dev.bytesIn() >= v.r64(old + TTY_NWRITE) && dev.bytesIn() - nread <= TTY_BUF) {
            own.w64(nt + TTY_NWRITE, dev.bytesIn());
        }
        if (echoed) own.w64(nt + TTY_NPROC, v.r64(old + TTY_NPROC) + 1);
    }
}
