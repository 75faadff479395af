package otherworld.emulator;

import static otherworld.emulator.Asm.*;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Prints the hart's speed in millions of guest instructions per second (MIPS) on two tight loops: an integer
 * loop (add/xor/shift/branch) and a load/store loop over a 64 KiB array. Not a test; run with
 * {@code java -cp target/classes:target/test-classes otherworld.emulator.Speed}.
 */
public final class Speed {
    public static void main(String[] args) {
        double[] i = measure(integerLoop(), 0);
        double[] m = measure(memoryLoop(), 16);
        System.out.printf("integer loop:    %.0f MIPS wall clock, %.0f MIPS per CPU second%n", i[0], i[1]);
        System.out.printf("load/store loop: %.0f MIPS wall clock, %.0f MIPS per CPU second%n", m[0], m[1]);
    }

    /** 6 instructions per iteration, runs forever. */
    static Asm integerLoop() {
        return new Asm().li(A0, 0).li(A1, 1).li(A2, 0)
                .add(A0, A0, A1)      // loop:
                .op(0, 4, A2, A2, A0) // xor
                .slli(A3, A2, 3)
                .srli(A3, A3, 1)
                .addi(A1, A1, 1)
                .jal(ZERO, -20);
    }

    /** Sums and rewrites a 64 KiB array, 8 bytes at a time; wraps around forever. */
    static Asm memoryLoop() {
        return new Asm().li(S0, 0x100000).li(S1, 0x110000).li(T0, 0x100000).li(A0, 0)
                .ld(A1, T0, 0)        // loop:
                .add(A0, A0, A1)
                .addi(A1, A1, 3)
                .sd(A1, T0, 0)
                .addi(T0, T0, 8)
                .bltu(T0, S1, -20)
                .addi(T0, S0, 0)
                .jal(ZERO, -28);
    }

    /** Best of 5 rounds of 50M instructions after warm-up: {wall-clock MIPS, thread-CPU-time MIPS}. */
    static double[] measure(Asm asm, int dataPages) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        TestMachine m = new TestMachine();
        for (int p = 0; p < dataPages; p++) m.map(0x100000 + 4096L * p, TestMachine.R | TestMachine.W | TestMachine.U);
        m.loadCode(asm.bytes());
        Hart h = m.hart;
        long budget = 50_000_000;
        for (int warm = 0; warm < 5; warm++) h.run(budget);
        double best = 0, bestCpu = 0;
        for (int round = 0; round < 5; round++) {
            long c0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            TrapCause c = h.run(budget);
            long t1 = System.nanoTime();
            long c1 = threads.getCurrentThreadCpuTime();
            if (c != TrapCause.TIMER) throw new IllegalStateException("unexpected trap " + c);
            best = Math.max(best, budget / ((t1 - t0) / 1e3));
            bestCpu = Math.max(bestCpu, budget / ((c1 - c0) / 1e3));
        }
        return new double[] {best, bestCpu};
    }
}
