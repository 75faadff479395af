package otherworld.emulator;

/**
 * A watchdog timer: a device, so it outlives every kernel. The kernel arms it at each tick of its scheduler with a
 * deadline in instructions ({@link Machine#clock}); a kernel that stops ticking (it loops inside a call) lets the
 * deadline pass, and the device bites: {@link #check} throws {@link Bite}, which is a panic of the machine (the
 * host catches it as it catches any panic and starts the crash kernel). Armed or not, it changes nothing else:
 * a kernel that ticks never sees it.
 */
public final class Watchdog {
    /** Thrown by the device when its deadline has passed: the kernel did not tick in time. */
    public static final class Bite extends RuntimeException {
        public final long clock;
        public final long deadline;

        Bite(long clock, long deadline) {
            super("watchdog: no scheduler tick since the deadline " + deadline + " (clock " + clock + ")");
            this.clock = clock;
            this.deadline = deadline;
        }
    }

    private long deadline = Long.MAX_VALUE;
    private long bites;

    /** Device register: bite once the clock reaches deadline (absolute, in instructions). */
    public void arm(long deadline) { this.deadline = deadline; }

    public void disarm() { deadline = Long.MAX_VALUE; }

    public long deadline() { return deadline; }

    public boolean armed() { return deadline != Long.MAX_VALUE; }

    /** Device register: how many times it has bitten since power-on. */
    public long bites() { return bites; }

    /** Time has passed: bite (and disarm) if the deadline is behind now. */
    public void check(long now) {
        if (now >= deadline) {
            long d = deadline;
            deadline = Long.MAX_VALUE;
            bites++;
            throw new Bite(now, d);
        }
    }
}
