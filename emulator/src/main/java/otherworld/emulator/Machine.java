package otherworld.emulator;

import java.util.List;

/**
 * The hardware: RAM, one hart, serial consoles, a disk. A kernel receives a Machine; when the kernel dies the
 * Machine stays, with everything in it, for the crash kernel.
 */
public final class Machine {
    public final PhysicalMemory memory;
    public final Hart hart;
    private final List<Console> consoles;
    public final BlockDevice disk;
    /** The watchdog timer, armed by the kernel's scheduler tick. */
    public final Watchdog watchdog = new Watchdog();
    /** Cycles the hart spent without retiring an instruction (a kernel spinning: {@link #stall}). */
    private long stalled;

    /** A machine whose hart translates hot code unless {@value Hart#INTERPRET_PROPERTY} is set. */
    public Machine(int ramBytes, List<Console> consoles, BlockDevice disk) {
        this(ramBytes, consoles, disk, !Boolean.getBoolean(Hart.INTERPRET_PROPERTY));
    }

    /** translate = false: the hart interprets everything (the reference; same results, slower). */
    public Machine(int ramBytes, List<Console> consoles, BlockDevice disk, boolean translate) {
        this.memory = new PhysicalMemory(ramBytes);
        this.hart = new Hart(memory, translate);
        this.consoles = List.copyOf(consoles);
        this.disk = disk;
    }

    public Console console(int i) { return consoles.get(i); }

    public int consoleCount() { return consoles.size(); }

    public List<Console> consoles() { return consoles; }

    /**
     * Time: instructions retired since power-on (rule 5), plus the cycles of {@link #stall}, which only a kernel
     * that loops without returning to user mode spends (none in a run without such a fault).
     */
    public long clock() { return hart.instret + stalled; }

    /**
     * Kernel code spins for {@code cycles} without retiring a user instruction: time passes, and the watchdog, if
     * armed, may bite ({@link Watchdog.Bite}). Deterministic: time is counted, not measured.
     */
    public void stall(long cycles) {
        if (cycles < 0) throw new IllegalArgumentException("negative stall");
        stalled += cycles;
        watchdog.check(clock());
    }
}
