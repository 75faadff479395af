package otherworld.kernel.sys;

import static otherworld.kernel.Errno.*;
import static otherworld.kernel.layout.Layouts.*;

import otherworld.kernel.Kernel;
import otherworld.kernel.proc.Task;
import otherworld.kernel.verified.Sv39;

/**
 * Recovery procedures (the Otherworld paper's second path), two calls from Linux's unused range 295..402
 * (spec section 5.3):
 * <ul>
 *   <li>{@code ow_recovery(entry, stack, size)} ({@value #OW_RECOVERY}): after a crash, a resurrected process runs
 *       {@code entry} on {@code [stack, stack+size)} instead of continuing, with a0 = sp = a {@code recovery_frame}
 *       (Layouts.RFRAME) that says what happened. entry 0 unregisters. 0, or -EINVAL (entry not in an executable
 *       mapping, a stack not writable or smaller than a frame and 4 KiB).</li>
 *   <li>{@code ow_recovery_return(frame)} ({@value #OW_RECOVERY_RETURN}): the procedure is done; the task resumes the
 *       context the frame holds (all registers and pc, as rt_sigreturn does): a call that was not made is made
 *       then. -EFAULT if the frame cannot be read, -EINVAL if it is not one.</li>
 * </ul>
 * Both by the in-flight rule. ow_recovery: nothing before the commit; its tail writes the record of the task's slot
 * from the registers. ow_recovery_return: before the commit, the record's returning := frame (a restart writes the
 * same); its tail restores the context, then clears returning. Its tail rewrites a7, by which a committed call is
 * known, so it cannot be redone as other tails are: a crash kernel that finds returning set completes the return
 * itself, from the frame (resurrect.Recovery), and the call counts as made.
 */
public final class RecoveryCalls {
    public static final int OW_RECOVERY = 400;
    public static final int OW_RECOVERY_RETURN = 401;

    private final Kernel k;

    RecoveryCalls(Kernel k) { this.k = k; }

    void register(Syscalls s) {
        s.define(OW_RECOVERY, this::register, this::registerTail);
        s.define(OW_RECOVERY_RETURN, this::ret, this::retTail);
    }

    long register(Task t) {
        long entry = t.x(10), stack = t.x(11), size = t.x(12);
        if (entry == 0) return 0;
        if (size < 4096 || size > (1L << 30) || stack <= 0 || stack + size < stack) return -EINVAL;
        java.util.List<otherworld.kernel.mm.Vma> l = k.mm.vmas(t).list();
        if (!otherworld.kernel.resurrect.Recovery.inVma(l, entry, 4, Sv39.PTE_X)
                || !otherworld.kernel.resurrect.Recovery.inVma(l, stack, size, Sv39.PTE_W)) return -EINVAL;
        return 0;
    }

    /** The record of the task's slot: absolute values from the registers (a0 is the result now: entry is orig_a0). */
    void registerTail(Task t) {
        if (t.x(10) != 0) return;
        long rec = k.ram.read64(k.header + KH_RECOVERY) + (long) t.index * RECOVERY.size();
        long entry = t.origA0();
        k.mem.w64(rec + RC_ENTRY, entry);
        k.mem.w64(rec + RC_STACK, entry == 0 ? 0 : t.x(11));
        k.mem.w64(rec + RC_SIZE, entry == 0 ? 0 : t.x(12));
        k.mem.w64(rec + RC_PENDING, 0);
        k.mem.w64(rec + RC_RETURNING, 0);
        k.mem.w32(rec + RC_PID, entry == 0 ? 0 : t.pid());
    }

    /**
     * Checks the frame; then returning := frame in the task's recovery record, before the commit (a restart writes
     * the same). From that write on, a crash kernel completes the return from the frame itself: the registers this
     * call's tail restores include a7, by which a committed call is known, so a half-made tail cannot be redone.
     */
    long ret(Task t) {
        byte[] f = new byte[RFRAME.size()];
        long frame = t.x(10);
        if (frame == 0 || !k.user.copyIn(t.rootPa(), frame, f, 0, f.length)) return -EFAULT;
        if ((int) get(f, 0, 4) != RFRAME.magic || (int) get(f, 4, 4) != RFRAME.version) return -EINVAL;
        k.mem.w64(record(t) + RC_RETURNING, frame);
        return 0;
    }

    /** Every register and pc from the frame; tf_cause := none (nothing in flight); then returning := 0, the end. */
    void retTail(Task t) {
        long rec = record(t);
        long frame = k.mem.r64(rec + RC_RETURNING);
        if (frame == 0) return;
        byte[] f = new byte[RFRAME.size()];
        if (k.user.copyIn(t.rootPa(), frame, f, 0, f.length)) {
            restore(k.mem, t.pa, f);
        }
        k.mem.w64(rec + RC_RETURNING, 0);
    }

    /** The context of a recovery frame into a task record: registers, pc, and no call in flight. */
    public static void restore(otherworld.kernel.mem.KMem m, long task, byte[] f) {
        for (int r = 1; r < 32; r++) m.w64(task + T_X + 8L * r, get(f, RF_X + 8 * r, 8));
        for (int r = 0; r < 32; r++) m.w64(task + T_F + 8L * r, get(f, RF_F + 8 * r, 8));
        m.w64(task + T_FCSR, get(f, RF_FCSR, 8));
        m.w64(task + T_PC, get(f, RF_PC, 8));
        m.w64(task + T_CAUSE, -1);
    }

    private long record(Task t) { return k.ram.read64(k.header + KH_RECOVERY) + (long) t.index * RECOVERY.size(); }

    /** Little-endian value of {@code bytes} bytes at off. */
    public static long get(byte[] b, int off, int bytes) {
        long v = 0;
        for (int i = bytes - 1; i >= 0; i--) v = v << 8 | (b[off + i] & 0xFF);
        return v;
    }
}
