package otherworld.kernel.resurrect;

import static otherworld.kernel.layout.Layouts.*;

import java.util.List;

import otherworld.kernel.Kernel;
import otherworld.kernel.mem.DirectMem;
import otherworld.kernel.mem.KMem;
import otherworld.kernel.mm.UserMemory;
import otherworld.kernel.proc.Task;
import otherworld.kernel.sys.RecoveryCalls;
import otherworld.kernel.verified.Bounds;
import otherworld.kernel.verified.Sv39;

/**
 * Recovery procedures across a crash (spec section 5.3), one image of its own kind (CRIU's rule): the table of
 * registrations (Layouts.RECOVERY), validated read-only against the dead kernel with the task it belongs to and
 * rebuilt for the tasks that come back; and the two steps that send a task to its procedure:
 * <ol>
 *   <li>the crash kernel ({@link #rebuild}), before its commit: writes a recovery frame (Layouts.RFRAME: what
 *       happened, and the context the task would have resumed) at the top of the task's recovery stack, below
 *       the task's sp if it was already on it (a crash inside the procedure), and records the frame as pending.
 *       Writing the same bytes at the same place again is what a restarted crash kernel does, since it reads the
 *       same dead memory: idempotent;</li>
 *   <li>the new kernel ({@link #dispatch}), once the call in flight is finished and before any process runs:
 *       tf_cause := none (no call in flight any more), pc := entry, sp := a0 := frame, ra := 0, then pending := 0,
 *       the commit. A crash in between leaves pending set in the dead kernel: the next crash kernel carries it
 *       over, and the next kernel makes the same absolute writes.</li>
 * </ol>
 * A registration that fails validation (entry outside an executable mapping, a stack outside a writable one) is
 * dropped and reported: the task is resurrected and resumes where it was, as without a procedure.
 */
public final class Recovery {
    private Recovery() { }

    /** The procedure's view of the call in flight (RF_CALL_STATE). */
    static final long NONE = 0, NOT_MADE = 1, MADE = 2, COMPLETED = 3;
    static final long RESTORED_MEMORY = 1, RESTORED_REGISTERS = 2, RESTORED_FILES = 4, RESTORED_TTY = 8;

    /** The dead kernel's recovery table, if its header names one inside its structures; else -1. */
    static long deadTable(KMem v, long header, long regionBase, long structures) {
        long t = v.r64(header + KH_RECOVERY);
        return Bounds.inRegion(t, (long) MAX_TASKS * RECOVERY.size(), regionBase, structures) ? t : -1;
    }

    /** Whether the task was in ow_recovery_return (its record says so): no call of it is decided or made again. */
    static boolean returning(KMem v, long deadTable, CrashKernel.Image img) {
        if (deadTable < 0 || !img.problems.isEmpty()) return false;
        long old = deadTable + (long) img.slot * RECOVERY.size();
        return v.r32(old) == RECOVERY.magic && v.r32(old + RC_PID) == img.pid && v.r64(old + RC_RETURNING) != 0;
    }

    /**
     * The crash kernel, for a task that comes back (its new record at newTask is complete): carry its registration
     * over and, if it has one, prepare its procedure. Returns a line for the report, or null. tables: the dead
     * memory as page tables are read (through their check bytes in the enhanced mode).
     */
    static String rebuild(KMem v, KMem tables, DirectMem own, long deadTable, long newTable, CrashKernel.Image img, long deadTask,
                          long newTask, long generation) {
        if (deadTable < 0) return "recovery table out of bounds: no procedure runs";
        long old = deadTable + (long) img.slot * RECOVERY.size();
        long rec = newTable + (long) img.slot * RECOVERY.size();
        if (!Bounds.magicOk(v.r32(old), RECOVERY.magic, v.r32(old + 4), RECOVERY.version, RECOVERY.version)) {
            return "recovery record corrupt: no procedure runs";
        }
        long entry = v.r64(old + RC_ENTRY), stack = v.r64(old + RC_STACK), size = v.r64(old + RC_SIZE);
        if (v.r32(old + RC_PID) != img.pid || entry == 0) return null;
        if (size < RFRAME.size() || size > (1L << 30) || stack + size < stack
                || !inVma(img.vmas, entry, 4, Sv39.PTE_X) || !inVma(img.vmas, stack, size, Sv39.PTE_W)) {
            return String.format("recovery procedure 0x%x (stack 0x%x, %d bytes) fails validation: dropped", entry, stack, size);
        }
        own.w32(rec + RC_PID, img.pid);
        own.w64(rec + RC_ENTRY, entry);
        own.w64(rec + RC_STACK, stack);
        own.w64(rec + RC_SIZE, size);
        own.w32(rec + RC_RUNS, v.r32(old + RC_RUNS));
        long returning = v.r64(old + RC_RETURNING);
        if (returning != 0) { // ow_recovery_return had begun: it is completed here, from its frame
            byte[] f = new byte[RFRAME.size()];
            if (!new UserMemory(new DeadTables(tables), v).copyIn(Sv39.satpRootPa(v.r64(deadTask + T_SATP)), returning, f, 0, f.length)
                    || (int) RecoveryCalls.get(f, 0, 4) != RFRAME.magic) {
                return "its recovery frame is gone while it was returning: it resumes where it was";
            }
            RecoveryCalls.restore(own, newTask, f);
            return String.format("was returning from its recovery procedure: the return is completed (pc 0x%x)",
                    RecoveryCalls.get(f, RF_PC, 8));
        }
        long pending = v.r64(old + RC_PENDING);
        if (pending != 0) {
            // pending - stack, not pending + a frame's size: a corrupt pending near 2^63 would wrap around
            if (pending < stack || pending - stack > size - RFRAME.size()) return "recovery frame pending out of its stack: dropped";
            own.w64(rec + RC_PENDING, pending);
            return String.format("recovery procedure 0x%x still pending from the crash before (frame 0x%x)", entry, pending);
        }
        boolean ecall = v.r64(deadTask + T_CAUSE) == CAUSE_ECALL;
        long nr = ecall ? v.r64(deadTask + T_X + 8L * 17) : -1;
        if (nr == RecoveryCalls.OW_RECOVERY_RETURN) return "was returning from its recovery procedure: it is made again";
        long sp = own.r64(newTask + T_X + 16);
        long top = sp > stack && sp <= stack + size ? sp : stack + size;
        long frame = (top - RFRAME.size()) & ~15L;
        if (frame < stack) return "no room for a frame on its recovery stack: it resumes instead";
        byte[] f = new byte[RFRAME.size()];
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(f).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, RFRAME.magic).putInt(4, RFRAME.version);
        b.putLong(RF_GENERATION, generation);
        b.putLong(RF_SYSCALL, nr);
        b.putLong(RF_CALL_STATE, !ecall ? NONE : img.restart ? NOT_MADE : img.completeWrite != null ? COMPLETED : MADE);
        int nfds = 0;
        for (int fd : img.fds) if (fd >= 0) nfds++;
        b.putLong(RF_RESTORED, RESTORED_MEMORY | RESTORED_REGISTERS | (nfds > 0 ? RESTORED_FILES : 0) | RESTORED_TTY);
        b.putLong(RF_NFDS, nfds);
        b.putLong(RF_PC, own.r64(newTask + T_PC));
        for (int r = 1; r < 32; r++) b.putLong(RF_X + 8 * r, own.r64(newTask + T_X + 8L * r));
        for (int r = 0; r < 32; r++) b.putLong(RF_F + 8 * r, own.r64(newTask + T_F + 8L * r));
        b.putLong(RF_FCSR, own.r64(newTask + T_FCSR));
        if (!new UserMemory(new DeadTables(tables), own).copyOut(Sv39.satpRootPa(v.r64(deadTask + T_SATP)), frame, f, 0, f.length)) {
            return "recovery stack not mapped writable: it resumes instead";
        }
        own.w32(rec + RC_RUNS, v.r32(old + RC_RUNS) + 1);
        own.w64(rec + RC_PENDING, frame);
        return String.format("recovery procedure 0x%x will run (frame 0x%x)", entry, frame);
    }

    /** Whether [va, va+len) lies inside one VMA of vmas that allows prot (PTE bits R/W/X). */
    public static boolean inVma(java.util.List<otherworld.kernel.mm.Vma> vmas, long va, long len, long prot) {
        int want = otherworld.kernel.mm.Vma.protOf(prot);
        for (otherworld.kernel.mm.Vma m : vmas) {
            if (va >= m.start() && va + len <= m.end() && va + len >= va && (m.prot() & want) != 0) return true;
        }
        return false;
    }

    /**
     * The new kernel, after the call in flight is finished and before any process runs: every task with a pending
     * frame goes to its procedure. Idempotent (absolute writes, pending cleared last). Returns what it did, or null.
     */
    public static String dispatch(Kernel k) {
        long table = k.ram.read64(k.header + KH_RECOVERY);
        StringBuilder did = new StringBuilder();
        for (int i = 0; i < MAX_TASKS; i++) {
            long rec = table + (long) i * RECOVERY.size();
            long frame = k.mem.r64(rec + RC_PENDING);
            if (frame == 0) continue;
            Task t = k.task(i);
            if (t.state() == TASK_RUNNABLE && t.pid() == k.mem.r32(rec + RC_PID)) {
                k.mem.w64(t.pa + T_CAUSE, -1); // no call in flight: the frame holds how to make it
                t.setPc(k.mem.r64(rec + RC_ENTRY));
                t.setX(1, 0);
                t.setX(2, frame);
                t.setX(10, frame);
                k.log("pid " + t.pid() + ": recovery procedure at 0x" + Long.toHexString(t.pc()) + ", frame 0x" + Long.toHexString(frame));
                did.append(did.length() == 0 ? "" : "; ").append("pid ").append(t.pid()).append(" sent to its recovery procedure");
            }
            k.mem.w64(rec + RC_PENDING, 0);
        }
        return did.length() == 0 ? null : did.toString();
    }

    /** For tests and the report: the registrations of the current kernel, as "pid entry stack size runs". */
    public static List<long[]> registrations(KMem m, long header) {
        List<long[]> out = new java.util.ArrayList<>();
        long table = m.r64(header + KH_RECOVERY);
        for (int i = 0; i < MAX_TASKS; i++) {
            long rec = table + (long) i * RECOVERY.size();
            if (m.r32(rec + RC_PID) != 0) {
                out.add(new long[] {m.r32(rec + RC_PID), m.r64(rec + RC_ENTRY), m.r64(rec + RC_STACK), m.r64(rec + RC_SIZE),
                        m.r32(rec + RC_RUNS)});
            }
        }
        return out;
    }
}
