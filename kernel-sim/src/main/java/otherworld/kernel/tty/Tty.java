package otherworld.kernel.tty;

import static otherworld.kernel.layout.Layouts.*;

import otherworld.emulator.Console;
import otherworld.emulator.Machine;
import otherworld.kernel.mem.KMem;

/**
 * A terminal on a console device. Input: the device's bytes are moved into a ring in guest RAM (xv6's pipe counters:
 * nwrite − nread bytes are waiting, index = counter mod size); a read copies out what is waiting and its tail moves
 * nread. Output goes straight to the device; a write's tail records the device's bytes_out in {@code out}, so that
 * bytes_out − out is what a write in flight has already sent — all a crash kernel needs to send each byte once.
 *
 * <p>Counters a crash kernel derives from the device: {@code out} = bytes_out, and {@code nwrite} = bytes_in, because
 * a byte is put in the ring before the device is told it was taken (so a byte taken is always in the ring).
 */
public final class Tty {
    private Tty() { }

    public static long record(long ttysPa, int i) { return ttysPa + (long) i * TTY.size(); }

    /** Empty records, tty i on console i, counters at the devices' progress. */
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
            }
        }
    }

    /** Move waiting device input into the ring: each byte written there before the device lets it go. */
    public static void receive(KMem mem, long t, Console dev) {
        long nread = mem.r64(t + TTY_NREAD);
        long start = mem.r64(t + TTY_NWRITE);
        long nwrite = start;
        while (nwrite - nread < TTY_BUF && dev.inputAvailable() > 0) {
            mem.w8(t + TTY_DATA + (nwrite % TTY_BUF), dev.peek());
            dev.take();
            nwrite++;
        }
        if (nwrite != start) mem.w64(t + TTY_NWRITE, nwrite);
        if (dev.inputAvailable() == 0 && mem.r32(t + TTY_EOF) == 0) mem.w32(t + TTY_EOF, 1);
    }

    /** Canonical read without consuming: up to n bytes of what is waiting, stopping after a newline. 0 at end of input. */
    public static int peek(KMem mem, long t, byte[] dst, int n) {
        long nread = mem.r64(t + TTY_NREAD);
        long nwrite = mem.r64(t + TTY_NWRITE);
        int k = 0;
        while (k < n && nread + k < nwrite) {
            byte c = (byte) mem.r8(t + TTY_DATA + ((nread + k) % TTY_BUF));
            dst[k++] = c;
            if (c == '\n') break;
        }
        return k;
    }

    public static long nread(KMem mem, long t) { return mem.r64(t + TTY_NREAD); }

    /** A read's tail: the bytes it returned are consumed (absolute, so that redoing it changes nothing). */
    public static void consumedTo(KMem mem, long t, long nread) {
        if (mem.r64(t + TTY_NREAD) != nread) mem.w64(t + TTY_NREAD, nread);
    }

    /** A write's tail: every byte the device has sent so far belongs to committed writes. */
    public static void sent(KMem mem, long t, Console dev) {
        long out = dev.bytesOut();
        if (mem.r64(t + TTY_OUT) != out) mem.w64(t + TTY_OUT, out);
    }

    public static int console(KMem mem, long t) { return mem.r32(t + TTY_CONSOLE); }
}
