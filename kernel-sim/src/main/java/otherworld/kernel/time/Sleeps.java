package otherworld.kernel.time;

import static otherworld.kernel.layout.Layouts.*;

import otherworld.kernel.mem.KMem;
import otherworld.kernel.proc.Task;

/**
 * A view on the tasks' sleep records ({@code Layouts.SLEEP}, one per task slot). A call that waits for a time
 * (nanosleep, clock_nanosleep, a poll's timeout) arms its task's record with the deadline on the clock (instructions)
 * and blocks; it is made again each time it is woken, finds its record armed by the same ecall, and compares the clock
 * with the deadline it armed the first time — so a sleep lasts as asked however often the call is made again, and
 * after a crash too (the record is resurrected with the task). The call's tail disarms it.
 */
public final class Sleeps {
    /** Wait channel of a task blocked until its deadline. */
    public static final long CHAN_SLEEP = 0x534C_4550L;
    /** Wait channel of a task blocked in ppoll/pselect6: woken when a file it waits for is ready, or at its deadline. */
    public static final long CHAN_POLL = 0x504F_4C4CL;

    private final KMem mem;
    private final long pa;

    public Sleeps(KMem mem, long pa) {
        this.mem = mem;
        this.pa = pa;
    }

    public static void format(KMem mem, long pa) {
        for (int i = 0; i < MAX_TASKS; i++) SLEEP.init(mem, pa + (long) i * SLEEP.size());
    }

    private long rec(Task t) { return pa + (long) t.index * SLEEP.size(); }

    public boolean armed(Task t) { return mem.r32(rec(t) + SL_ARMED) != 0; }

    /** Whether t's record was armed by the call t is making now (the same system call at the same ecall). */
    public boolean armedFor(Task t, int nr) {
        long r = rec(t);
        return mem.r32(r + SL_ARMED) != 0 && mem.r32(r + SL_NR) == nr && mem.r64(r + SL_EPC) == t.epc();
    }

    public long deadline(Task t) { return mem.r64(rec(t) + SL_DEADLINE); }

    /** Arm t's record for its current call: the fields, then armed (the write that makes it count). */
    public void arm(Task t, int nr, long deadline) {
        long r = rec(t);
        mem.w32(r + SL_NR, nr);
        mem.w64(r + SL_EPC, t.epc());
        mem.w64(r + SL_DEADLINE, deadline);
        mem.w32(r + SL_ARMED, 1);
    }

    /** Idempotent: a tail, and what exec, exit and an interrupted wait do. */
    public void disarm(Task t) {
        if (armed(t)) mem.w32(rec(t) + SL_ARMED, 0);
    }
}
