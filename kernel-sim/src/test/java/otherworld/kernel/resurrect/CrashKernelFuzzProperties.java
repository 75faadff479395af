package otherworld.kernel.resurrect;

import static org.junit.jupiter.api.Assertions.*;
import static otherworld.kernel.layout.Layouts.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import otherworld.emulator.Machine;
import otherworld.emulator.PhysicalMemory;
import otherworld.kernel.Guests;
import otherworld.kernel.KernelAudit;
import otherworld.kernel.KernelHooks;
import otherworld.kernel.KernelPanic;
import otherworld.kernel.Scenario;

/**
 * The crash kernel against random and mutated dead-kernel images (issue 11's fuzzing): at a random system call the
 * dead kernel's memory is mutated (bits flipped anywhere in its region, random words in its tables or its
 * page-table pool, whole tables of random bytes, or the whole region random), then the kernel panics. Whatever it
 * finds, the crash kernel
 * <ul>
 *   <li>never throws anything but its own refusal (a KernelPanic that says why): an index out of bounds, a read
 *       outside RAM or any other exception would show in the log as "crash kernel failed: java...";</li>
 *   <li>never loops (every try ends within a wall-clock bound, the run within an instruction budget);</li>
 *   <li>never resurrects a structure that fails validation: right after a resurrection the new kernel passes
 *       KernelAudit, and a second crash at the next system call finds every process it resurrected valid (refuses
 *       none, reports no machine problem).</li>
 * </ul>
 */
@net.jqwik.api.lifecycle.AddLifecycleHook(otherworld.kernel.MutationTries.class) // fewer tries under -Pmutation only
class CrashKernelFuzzProperties {
    /** A crash kernel that failed by anything but its own KernelPanic: describe() prints the exception's class. */
    static final Pattern HOST_EXCEPTION = Pattern.compile("crash kernel failed: [a-z]\\w*(\\.\\w+)*\\.[A-Z][\\w$]*([: ].*)?");

    static Scenario two() {
        return new Scenario().add(Guests.program("checksum", "150")).add(Guests.program("kvstore")).maxInstructions(60_000_000L);
    }

    enum Mode { BITS_IN_REGION, WORDS_IN_TABLES, WORDS_IN_PAGE_TABLES, RANDOM_TABLES, RANDOM_REGION }

    static final class Mutator implements KernelHooks {
        final Machine m;
        final long crashCall;
        final Mode mode;
        final int count;
        final Random rnd;
        long calls;
        int resurrections;
        boolean mutated, secondCrash;
        final List<String> problems = new ArrayList<>();

        Mutator(Machine m, long crashCall, Mode mode, int count, long seed) {
            this.m = m;
            this.crashCall = crashCall;
            this.mode = mode;
            this.count = count;
            this.rnd = new Random(seed);
        }

        @Override public void syscallStarted(int nr) {
            calls++;
            if (calls == crashCall) {
                mutate(m.memory);
                mutated = true;
                throw new KernelPanic("fuzz: dead kernel mutated (" + mode + ", " + count + ")");
            }
            if (secondCrash) {
                secondCrash = false;
                throw new KernelPanic("fuzz: second crash, to validate what was resurrected");
            }
        }

        @Override public void resurrected(ResurrectionReport report) {
            if (!mutated) return;
            for (String a : KernelAudit.check(m.memory)) problems.add("after resurrection " + (resurrections + 1) + ": " + a);
            if (++resurrections == 1) secondCrash = true;
        }

        long pick(long from, long to) { return from + (long) (rnd.nextDouble() * (to - from)); }

        void mutate(PhysicalMemory ram) {
            long h = ram.read64(ROOT_PA + ROOT_HEADER);
            long base = ram.read64(h + KH_REGION_BASE), end = base + ram.read64(h + KH_REGION_SIZE);
            long tables = ram.read64(h + KH_TASKS), pool = ram.read64(h + KH_PT_POOL);
            switch (mode) {
                case BITS_IN_REGION -> {
                    for (int i = 0; i < count; i++) {
                        long a = pick(base, end);
                        ram.write8(a, ram.read8(a) ^ (1 << rnd.nextInt(8)));
                    }
                }
                case WORDS_IN_TABLES -> {
                    for (int i = 0; i < count; i++) ram.write64(pick(tables, pool) & ~7L, word());
                }
                case WORDS_IN_PAGE_TABLES -> {
                    for (int i = 0; i < count; i++) ram.write64(pick(pool, end) & ~7L, word());
                }
                case RANDOM_TABLES -> {
                    for (long a = tables; a + 8 <= pool; a += 8) ram.write64(a, rnd.nextLong());
                }
                case RANDOM_REGION -> {
                    for (long a = base; a + 8 <= end; a += 8) ram.write64(a, rnd.nextLong());
                }
            }
        }

        /** A random word, often one that looks like something: a small number, an address in RAM, a PTE. */
        long word() {
            return switch (rnd.nextInt(5)) {
                case 0 -> rnd.nextLong();
                case 1 -> rnd.nextInt(64) - 8;
                case 2 -> m.memory.base() + (rnd.nextLong() & (m.memory.size() - 1) & ~7L);
                case 3 -> ((m.memory.base() + (rnd.nextLong() & (m.memory.size() - 1))) >>> 12 << 10) | (rnd.nextInt(256));
                default -> -1L;
            };
        }
    }

    @Property(tries = 40)
    void theCrashKernelRefusesOrResurrectsSoundlyWhateverItFinds(@ForAll @IntRange(min = 1, max = 400) int crashCall,
                                                                @ForAll Mode mode,
                                                                @ForAll @IntRange(min = 1, max = 64) int count,
                                                                @ForAll long seed) {
        Mutator[] mut = new Mutator[1];
        Scenario.Result r = assertTimeoutPreemptively(Duration.ofMinutes(3),
                () -> two().probe(m -> mut[0] = new Mutator(m, crashCall, mode, count, seed)).run(),
                "the crash kernel or the kernel after it loops");
        Mutator mu = mut[0];
        if (!mu.mutated) return; // the workload made fewer calls: nothing to judge
        List<String> failures = new ArrayList<>(mu.problems);
        for (String l : r.log()) if (HOST_EXCEPTION.matcher(l).matches()) failures.add(l);
        if (r.reports().size() >= 2) {
            ResurrectionReport second = r.reports().get(1);
            for (ResurrectionReport.Process p : second.processes) {
                if (!p.resurrected()) failures.add("resurrected, then refused by the next crash kernel: pid " + p.pid() + " " + p.problems());
            }
            if (!second.machineProblems.isEmpty()) failures.add("next crash kernel: " + second.machineProblems);
        }
        if (!r.halted()) failures.addAll(r.audit());
        net.jqwik.api.statistics.Statistics.collect(mode, r.halted() ? "halted, refused" : r.reports().size() >= 2
                ? "resurrected, then crashed again" : "resurrected");
        if (mode == Mode.RANDOM_REGION) assertTrue(r.halted(), "a random header is refused: " + r.log());
        assertEquals(List.of(), failures, mode + " x" + count + " at call " + crashCall + ": " + tail(r.log()));
    }

    /** The check above can fail: it tells an exception out of the crash kernel from the crash kernel's refusal. */
    @net.jqwik.api.Example
    void theHostExceptionPatternTellsAnExceptionFromARefusal() {
        assertTrue(HOST_EXCEPTION.matcher("crash kernel failed: java.lang.ArrayIndexOutOfBoundsException: Index 9 out of"
                + " bounds for length 4 (otherworld.kernel.resurrect.CrashKernel.build(CrashKernel.java:1))").matches());
        assertTrue(HOST_EXCEPTION.matcher("crash kernel failed: otherworld.emulator.BusError: pa 0x0").matches());
        assertTrue(HOST_EXCEPTION.matcher("crash kernel failed: otherworld.emulator.Watchdog$Bite").matches());
        assertFalse(HOST_EXCEPTION.matcher("crash kernel failed: dead kernel header is corrupt").matches());
        assertFalse(HOST_EXCEPTION.matcher("crash kernel failed: dead kernel header: region out of bounds").matches());
    }

    static List<String> tail(List<String> log) { return log.subList(Math.max(0, log.size() - 12), log.size()); }
}
