package otherworld.emulator;

/**
 * Translated guest code: basic blocks of one 4 KiB code page, compiled together into one JVM method by {@link
 * Translator} (a hidden class extending this one). Inside, guest registers live in JVM locals, blocks jump to
 * each other directly, and every block first checks that its instructions fit in the budget.
 *
 * <p>{@link #run} contract: it starts at block {@code entry}, retires at most {@code budget} instructions, and
 * returns with {@code h.pc} the next instruction and {@code h.retired} increased by the number retired; the
 * result is the index of the constant exit taken ({@link #exitTarget}), or -1 (indirect jump, budget, an
 * instruction left to the interpreter, or a store to a code frame). A trap leaves exactly as the interpreter
 * would: registers written back, {@code h.pc} at the trapping instruction, the instructions before it counted.
 */
abstract class Region {
    /** Cleared when a write to the frame invalidates this translation. */
    boolean valid = true;
    /** The RAM frame and virtual page this was translated from (pc-relative values depend on the latter). */
    int frame;
    long vbase;
    /** Guest pc of each constant exit; the region and entry last reached from it (a direct link). */
    long[] exitTarget;
    Region[] link;
    int[] linkEntry;
    int[] linkEpoch;
    /** Block start offsets (in the page) by entry index; guest instructions; bytecode size. */
    int[] entryOffset;
    /** Offsets of every instruction translated here. */
    int[] instructionOffsets;
    int instructions;
    int bytecodeBytes;

    abstract int run(Hart h, int entry, long budget);
}
