package otherworld.kernel.info;

import static otherworld.kernel.layout.Layouts.*;

import java.nio.charset.StandardCharsets;

import otherworld.kernel.mem.KMem;

/**
 * What the information calls report about each task ({@code Layouts.TINFO}, one record per task slot): credentials,
 * nice value, the name prctl sets, and the instructions it has run. A view on guest RAM.
 */
public final class TaskInfo {
    private final KMem mem;
    private final long base;

    public TaskInfo(KMem mem, long base) {
        this.mem = mem;
        this.base = base;
    }

    public static long record(long base, int slot) { return base + (long) slot * TINFO.size(); }

    public long record(int slot) { return record(base, slot); }

    public static void format(KMem d, long base) {
        for (int i = 0; i < MAX_TASKS; i++) TINFO.init(d, record(base, i));
    }

    /** A task started from the host: ids uid/gid, nice 0, its name the last component of path, started now. */
    public void spawned(int slot, String path, int uid, int gid, long now) {
        long r = record(base, slot);
        TINFO.init(mem, r);
        for (int f : new int[] {TI_UID, TI_EUID, TI_SUID}) mem.w32(r + f, uid);
        for (int f : new int[] {TI_GID, TI_EGID, TI_SGID}) mem.w32(r + f, gid);
        String name = path.substring(path.lastIndexOf('/') + 1);
        setComm(slot, name.getBytes(StandardCharsets.UTF_8));
        mem.w64(r + TI_START, now);
    }

    /** A fork: the child has the parent's ids, nice and name; its own times from now. */
    public void copy(int fromSlot, int toSlot, long now) {
        long from = record(base, fromSlot), to = record(base, toSlot);
        byte[] b = new byte[TINFO.size()];
        mem.read(from, b, 0, b.length);
        mem.write(to, b, 0, b.length);
        mem.w64(to + TI_UTIME, 0);
        mem.w64(to + TI_START, now);
    }

    public int get(int slot, int field) { return mem.r32(record(base, slot) + field); }

    /** An absolute write of one 32-bit field (skipped when it already holds v: a redone tail writes nothing). */
    public void set(int slot, int field, int v) {
        long a = record(base, slot) + field;
        if (mem.r32(a) != v) mem.w32(a, v);
    }

    public long utime(int slot) { return mem.r64(record(base, slot) + TI_UTIME); }

    public long start(int slot) { return mem.r64(record(base, slot) + TI_START); }

    /**
     * The run loop, at the trap entry (with the trap entry's untraced access, like the trap frame): the task in slot
     * ran n more instructions.
     */
    public static void charge(KMem direct, long base, int slot, long n) {
        long a = record(base, slot) + TI_UTIME;
        direct.w64(a, direct.r64(a) + n);
    }

    /** The name, up to 15 bytes and a NUL. */
    public byte[] comm(int slot) {
        byte[] b = new byte[16];
        mem.read(record(base, slot) + TI_COMM, b, 0, 16);
        b[15] = 0;
        return b;
    }

    public void setComm(int slot, byte[] name) {
        byte[] b = new byte[16];
        int n = 0;
        while (n < name.length && n < 15 && name[n] != 0) {
            b[n] = name[n];
            n++;
        }
        byte[] old = comm(slot);
        if (!java.util.Arrays.equals(old, b)) mem.write(record(base, slot) + TI_COMM, b, 0, 16);
    }
}
