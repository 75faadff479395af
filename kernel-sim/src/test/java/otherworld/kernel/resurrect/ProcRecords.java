package otherworld.kernel.resurrect;

import static org.junit.jupiter.api.Assertions.*;
import static otherworld.kernel.layout.Layouts.*;

import otherworld.emulator.Machine;
import otherworld.emulator.PhysicalMemory;
import otherworld.kernel.layout.Struct;

/**
 * The records of one process in the kernel the root descriptor names (the dead one before a revival, the new one
 * after): its task slot and the entries of that slot in each per-task table. For the direct tests of the crash
 * kernel's per-process images (Recovery, ProcessTree, TaskTables, InFlight).
 */
final class ProcRecords {
    /**
     * checksum (pid 1) and kvstore (pid 2) crashed just after the commit of a call: checksum's write(3, buf, 64) to
     * records.dat, its tail (the file's offset := sysword + a0) not made; kvstore interrupted by the timer, with its
     * recovery procedure registered. Captured once for all the direct tests (~3 s).
     */
    static final DeadKernels.Dead TWO = DeadKernels.two();

    /**
     * The machine's RAM made the dead kernel's again, for the next case of a test (cheaper than a new machine). Its disk
     * keeps what a revival flushed: the dead kernel's dirty blocks, which the next revival flushes again alike.
     */
    static Machine reset(Machine m) {
        m.memory.write(PhysicalMemory.BASE, TWO.ram, 0, TWO.ram.length);
        return m;
    }

    private static Machine shared;

    /**
     * One machine for the cases that only revive, holding the dead kernel's RAM again (a new machine costs 64 MiB a
     * case). A case that runs the new kernel, or looks at a console, takes a new one ({@link DeadKernels.Dead#machine}).
     */
    static synchronized Machine machine() {
        if (shared == null) shared = TWO.machine();
        return reset(shared);
    }

    final PhysicalMemory ram;
    final long header;
    final int pid;
    final int slot;
    final long task;

    ProcRecords(Machine m, int pid) {
        this.ram = m.memory;
        this.header = DeadKernels.Dead.header(ram);
        this.pid = pid;
        this.task = DeadKernels.Dead.task(ram, pid);
        this.slot = (int) ((task - table(KH_TASKS)) / TASK.size());
    }

    /** The table the header's field names. */
    long table(int headerField) { return ram.read64(header + headerField); }

    /** This process's entry in the per-task table the header's field names. */
    long entry(int headerField, Struct s) { return table(headerField) + (long) slot * s.size(); }

    long proc() { return entry(KH_PROCS, PROC); }
    long sigs() { return entry(KH_SIGNALS, SIGS); }
    long fsctx() { return entry(KH_FSCTX, FSCTX); }
    long tinfo() { return entry(KH_TINFO, TINFO); }
    long recovery() { return entry(KH_RECOVERY, RECOVERY); }

    /** The open file fd names. */
    long file(int fd) { return table(KH_FILES) + (long) ram.read32(task + T_FD + 4L * fd) * FILE.size(); }

    long x(int r) { return ram.read64(task + T_X + 8L * r); }
    void setX(int r, long value) { ram.write64(task + T_X + 8L * r, value); }

    /** The bytes of [pa, pa+len). */
    byte[] bytes(long pa, int len) {
        byte[] b = new byte[len];
        ram.read(pa, b, 0, len);
        return b;
    }

    /** The resurrected process pid of the revival, which must have come back. */
    static ResurrectionReport.Process back(DeadKernels.Revived r, int pid) {
        assertNull(r.failure());
        ResurrectionReport.Process p = r.process(pid);
        assertNotNull(p, r.report().lines().toString());
        assertTrue(p.resurrected(), r.report().lines().toString());
        return p;
    }

    /**
     * The revival refused pid, and only it: its problems name {@code what}; the other process of TWO came back;
     * nothing leaked.
     */
    static void refusedAlone(DeadKernels.Revived r, int pid, String what) {
        ResurrectionReport.Process p = InFlightKernels.refusedOnly(r, pid);
        assertNotNull(p, r.report().lines().toString());
        assertTrue(p.problems().toString().contains(what), "problem should name '" + what + "': " + p.problems());
        back(r, 3 - pid);
    }
}
