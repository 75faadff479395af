package otherworld.emulator;

/**
 * A synchronous exception raised while executing one instruction. Thrown inside the hart only; {@link Hart#run}
 * catches it and reports {@link #cause} / {@link #value} to the kernel. No stack trace: traps are control flow.
 */
final class Trap extends RuntimeException {
    final TrapCause cause;
    final long value;

    Trap(TrapCause cause, long value) {
        super(null, null, false, false);
        this.cause = cause;
        this.value = value;
    }
}
