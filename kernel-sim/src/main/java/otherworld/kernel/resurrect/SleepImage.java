package otherworld.kernel.resurrect;

import static otherworld.kernel.layout.Layouts.*;

import otherworld.kernel.mem.DirectMem;
import otherworld.kernel.mem.KMem;
import otherworld.kernel.verified.Bounds;

/**
 * A task's sleep record: copied as it is when well formed (a sleeping call made again keeps its deadline: the clock
 * is the machine's and goes on), disarmed otherwise and for a task that holds nothing. A bad record costs the task
 * nothing but a sleep begun again.
 */
final class SleepImage {
    private SleepImage() { }

    static void rebuild(KMem v, DirectMem own, long deadPa, long newPa, int slot, boolean empty) {
        long old = deadPa + (long) slot * SLEEP.size();
        long nt = newPa + (long) slot * SLEEP.size();
        SLEEP.init(own, nt);
        int armed = v.r32(old + SL_ARMED);
        if (empty || !Bounds.magicOk(v.r32(old), SLEEP.magic, v.r32(old + 4), SLEEP.version, SLEEP.version) || armed != 1) {
            return;
        }
        own.w32(nt + SL_NR, v.r32(old + SL_NR));
        own.w64(nt + SL_EPC, v.r64(old + SL_EPC));
        own.w64(nt + SL_DEADLINE, v.r64(old + SL_DEADLINE));
        own.w32(nt + SL_ARMED, 1);
    }
}
