package otherworld.kernel.tty;

import static otherworld.kernel.layout.Layouts.*;

import otherworld.emulator.Console;
import otherworld.kernel.mem.KMem;

/**
 * A terminal on a console device. Input: the device's bytes are moved into a ring in guest RAM (xv6's pipe
 * counters: nwrite − nread bytes are waiting, index = counter mod size) before a read's system call begins, so
 * that no byte the device has given up is ever held only by a call that may be rolled back. Output goes straight
 * to the device, whose bytes_out counter survives any kernel.
 */
public final class Tty {
    private Tty() { }

    public static long record(long ttysPa, int i) { return ttysPa + (long) i * TTY.size(); }

    public static void format(KMem mem, long ttysPa, int count) {
        for (int i = 0; i < MAX_TTYS; i++) {
            long t = record(ttysPa, i);
            TTY.init(mem, t);
            mem.w32(t + TTY_CONSOLE, i < count ? i : -1);
        }
    }

    /** Move waiting device input into the ring (outside any system call's undo scope). */
    public static void receive(KMem mem, long t, Console dev) {
        long nread = mem.r64(t + TTY_NREAD);
        long nwrite = mem.r64(t + TTY_NWRITE);
        while (nwrite - nread < TTY_BUF && dev.inputAvailable() > 0) {
            mem.w8(t + TTY_DATA + (nwrite % TTY_BUF), dev.take());
            nwrite++;
        }
        mem.w64(t + TTY_NWRITE, nwrite);
        if (dev.inputAvailable() == 0 && mem.r32(t + TTY_EOF) == 0) mem.w32(t + TTY_EOF, 1);
    }

    /** Canonical read: up to n bytes, stopping after a newline. 0 at end of input. */
    public static int read(KMem mem, long t, byte[] dst, int n) {
        long nread = mem.r64(t + TTY_NREAD);
        long nwrite = mem.r64(t + TTY_NWRITE);
        int k = 0;
        while (k < n && nread < nwrite) {
            byte c = (byte) mem.r8(t + TTY_DATA + (nread % TTY_BUF));
            dst[k++] = c;
            nread++;
            if (c == '\n') break;
        }
        mem.w64(t + TTY_NREAD, nread);
        return k;
    }

    public static int console(KMem mem, long t) { return mem.r32(t + TTY_CONSOLE); }
}
