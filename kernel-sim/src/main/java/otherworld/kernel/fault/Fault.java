package otherworld.kernel.fault;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

import otherworld.emulator.BlockDevice;
import otherworld.emulator.Hart;
import otherworld.emulator.Machine;
import otherworld.emulator.PhysicalMemory;
import otherworld.kernel.KernelHooks;
import otherworld.kernel.KernelPanic;

/**
 * One fault, fully described by its type, where it strikes and a seed for what it does there: the same fault on
 * the same run strikes the same way (rule 5). Where: system call {@code call} at its write {@code write} (the
 * kernel's write trace), or, for the disk faults, the disk's request number {@code call}. {@link #arm} turns it
 * into what a run needs: a {@link FaultPlan} and a disk wrapper, both bound to the machine once it exists.
 */
public record Fault(FaultType type, long call, int write, long seed, String crashPoint) {

    /** Points of the crash kernel where fault type 6 strikes (each reached once per resurrection, "task" per task). */
    public static final List<String> CRASH_KERNEL_POINTS = List.of("resurrect.validate", "resurrect.decided",
            "resurrect.flushed", "resurrect.task", "resurrect.built");

    /** Cycles a hung kernel spins between looks at the clock. */
    static final long HANG_SPIN = 4096;
    /** A hang with no watchdog armed ends after this many cycles, as a panic (never an endless host loop). */
    static final long HANG_LIMIT = 1L << 34;

    /**
     * What a reference run (no fault) showed: per system call (index n-1), the kernel writes it made; the disk's
     * reads and requests.
     */
    public record Profile(int[] writesPerCall, long diskReads, long diskRequests) {
        public long calls() { return writesPerCall.length; }

        /** From a reference run made with {@link FaultPlan#countingWrites()} and {@link FaultyDisk#counting}. */
        public static Profile of(FaultPlan counted, FaultyDisk disk) {
            int[] w = new int[(int) counted.callsCounted()];
            for (int i = 0; i < w.length; i++) w[i] = counted.writesIn(i + 1L);
            return new Profile(w, disk.reads(), disk.requests());
        }
    }

    /** A fault of this type, placed by seed on a run whose reference showed profile. */
    public static Fault choose(FaultType type, Profile p, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long targetSeed = r.nextLong();
        switch (type) {
            case DISK_CORRUPT -> {
                return new Fault(type, 1 + r.nextLong(Math.max(1, p.diskReads())), 0, targetSeed, null);
            }
            case DISK_ERROR -> {
                return new Fault(type, 1 + r.nextLong(Math.max(1, p.diskRequests())), 0, targetSeed, null);
            }
            default -> {
                List<Integer> calls = new ArrayList<>();
                for (int i = 0; i < p.writesPerCall().length; i++) if (p.writesPerCall()[i] > 0) calls.add(i);
                if (calls.isEmpty()) throw new IllegalArgumentException("the reference run made no system call with a write");
                int i = calls.get(r.nextInt(calls.size()));
                int k = r.nextInt(p.writesPerCall()[i]);
                String point = type == FaultType.CRASH_KERNEL ? CRASH_KERNEL_POINTS.get(r.nextInt(CRASH_KERNEL_POINTS.size())) : null;
                return new Fault(type, i + 1L, k, targetSeed, point);
            }
        }
    }

    public String describe() {
        return switch (type) {
            case DISK_CORRUPT -> "disk read " + call + " reads back with one bit flipped";
            case DISK_ERROR -> "disk request " + call + " fails";
            case CRASH_KERNEL -> "panic in system call " + call + " at write " + write + ", then the crash kernel at " + crashPoint;
            default -> type.id + " in system call " + call + " at write " + write;
        };
    }

    /** The fault, ready for one run: its plan, its disk, and what it did (filled as it strikes). */
    public static final class Armed {
        public final FaultPlan plan;
        public final UnaryOperator<BlockDevice> disk;
        /** What the fault did, in order: "flipped bit 3 of task at 0x…", the disk's request… */
        public final List<String> did = new ArrayList<>();
        private Machine machine;
        private FaultyDisk faulty;

        Armed(FaultPlan plan, UnaryOperator<BlockDevice> disk) {
            this.plan = plan;
            this.disk = disk;
        }

        /**
         * The hooks a run gives its computer for this fault (as its probe): they bind the machine (strikes act on its
         * RAM and devices) and start the disk's count when the first process is dispatched, after boot.
         */
        public KernelHooks hooks(Machine m) {
            this.machine = m;
            return new KernelHooks() {
                @Override public void dispatch(Hart hart, int pid) {
                    if (faulty != null) faulty.start();
                }
            };
        }

        /** After a run of {@link #reference()}: what it showed, to place faults. */
        public Profile profile() { return Profile.of(plan, faulty); }

        Machine machine() {
            if (machine == null) throw new IllegalStateException("fault struck before its machine was bound");
            return machine;
        }

        /** Whether the fault struck at all. */
        public boolean struck() { return plan.fired() || (faulty != null && faulty.struck() != null); }

        /** Where it struck: the kernel's crash points, or the disk's request. */
        public List<String> where() {
            List<String> w = new ArrayList<>(plan.firedAt());
            if (faulty != null && faulty.struck() != null) w.add(faulty.struck());
            return w;
        }
    }

    /** No fault: a reference run that counts the kernel's writes per call and the disk's requests. */
    public static Armed reference() {
        Armed[] self = new Armed[1];
        self[0] = new Armed(FaultPlan.countingWrites(), d -> self[0].faulty = FaultyDisk.counting(d));
        return self[0];
    }

    /** This fault, armed for one run. */
    public Armed arm() {
        SplittableRandom r = new SplittableRandom(seed);
        FaultPlan plan = new FaultPlan();
        Armed[] self = new Armed[1];
        switch (type) {
            case PANIC -> plan.andAtWrite(call, write);
            case CRASH_KERNEL -> plan.andAtWrite(call, write).andAtPoint(crashPoint, 1);
            case WILD_WRITE -> plan.andAtWrite(call, write, where -> wildWrite(self[0], r));
            case BIT_FLIP -> plan.andAtWrite(call, write, where -> {
                bitFlip(self[0], r);
                FaultPlan.PANIC.strike(where);
            });
            case USER_WRITE -> plan.andAtWrite(call, write, where -> {
                userWrite(self[0], r);
                FaultPlan.PANIC.strike(where);
            });
            case HANG -> plan.andAtWrite(call, write, where -> hang(self[0]));
            case DISK_CORRUPT, DISK_ERROR -> { }
        }
        FaultyDisk.Mode mode = type == FaultType.DISK_CORRUPT ? FaultyDisk.Mode.CORRUPT_READ
                : type == FaultType.DISK_ERROR ? FaultyDisk.Mode.IO_ERROR : FaultyDisk.Mode.NONE;
        long bit = r.nextLong();
        Armed a = new Armed(plan, mode == FaultyDisk.Mode.NONE ? d -> d : d -> {
            FaultyDisk f = new FaultyDisk(d, mode, call, bit);
            self[0].faulty = f;
            return f;
        });
        self[0] = a;
        return a;
    }

    /** Fault type 2: a random word of the kernel's structures gets a random value or one flipped bit. */
    static void wildWrite(Armed a, SplittableRandom r) {
        PhysicalMemory ram = a.machine().memory;
        long[] k = Targets.kernelStructures(ram);
        if (k == null) {
            a.did.add("wild write: no kernel header to aim at");
            return;
        }
        long pa = k[0] + 8 * r.nextLong(k[1] / 8);
        long old = ram.read64(pa);
        long v = r.nextBoolean() ? r.nextLong() : old ^ (1L << r.nextInt(64));
        ram.write64(pa, v);
        a.did.add(String.format("wild write at 0x%x: 0x%x -> 0x%x", pa, old, v));
    }

    /** Fault type 3: one bit of a live structure of a random kind flips. */
    static void bitFlip(Armed a, SplittableRandom r) {
        PhysicalMemory ram = a.machine().memory;
        List<String> kinds = new ArrayList<>(Targets.KINDS);
        while (!kinds.isEmpty()) {
            String kind = kinds.remove(r.nextInt(kinds.size()));
            List<Targets.Range> ranges = Targets.of(ram, kind);
            if (ranges.isEmpty()) continue;
            Targets.Range t = ranges.get(r.nextInt(ranges.size()));
            int bit = r.nextInt(t.len() * 8);
            long pa = t.pa() + bit / 8;
            int old = ram.read8(pa);
            ram.write8(pa, old ^ (1 << (bit % 8)));
            a.did.add(String.format("bit flip in %s: bit %d of the byte at 0x%x (+%d of the structure at 0x%x)", kind,
                    bit % 8, pa, bit / 8, t.pa()));
            return;
        }
        a.did.add("bit flip: no live structure found");
    }

    /** Fault type 4: a random word of a random live process's memory gets a random value. */
    static void userWrite(Armed a, SplittableRandom r) {
        PhysicalMemory ram = a.machine().memory;
        List<Long> tasks = Targets.liveTasks(ram);
        if (tasks.isEmpty()) {
            a.did.add("user write: no live process");
            return;
        }
        long t = tasks.get(r.nextInt(tasks.size()));
        List<long[]> pages = Targets.userPages(ram, t);
        if (pages.isEmpty()) {
            a.did.add("user write: the process has no user page");
            return;
        }
        long[] p = pages.get(r.nextInt(pages.size()));
        long off = 8L * r.nextInt(512);
        long v = r.nextLong();
        ram.write64(p[1] + off, v);
        a.did.add(String.format("user write: va 0x%x (pa 0x%x) := 0x%x", p[0] + off, p[1] + off, v));
    }

    /** Fault type 5: the kernel spins where it is; only the watchdog gets the machine out. */
    static void hang(Armed a) {
        Machine m = a.machine();
        a.did.add("hang: the kernel loops" + (m.watchdog.armed() ? ", the watchdog armed for " + m.watchdog.deadline() : ", no watchdog armed"));
        for (long spun = 0; spun < HANG_LIMIT; spun += HANG_SPIN) m.stall(HANG_SPIN);
        throw new KernelPanic("hang: no watchdog bit after " + HANG_LIMIT + " cycles");
    }
}
