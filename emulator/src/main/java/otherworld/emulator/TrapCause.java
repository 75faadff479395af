package otherworld.emulator;

/** Why {@link Hart#run} returned to the host kernel. Codes follow the RISC-V mcause values where one exists. */
public enum TrapCause {
    INSTRUCTION_MISALIGNED(0),
    INSTRUCTION_ACCESS_FAULT(1),
    ILLEGAL_INSTRUCTION(2),
    BREAKPOINT(3),
    LOAD_ACCESS_FAULT(5),
    STORE_ACCESS_FAULT(7),
    ECALL_FROM_U(8),
    INSTRUCTION_PAGE_FAULT(12),
    LOAD_PAGE_FAULT(13),
    STORE_PAGE_FAULT(15),
    /** The instruction budget given to {@link Hart#run} ran out (the timer interrupt; time is instruction count). */
    TIMER(-1);

    public final int code;

    TrapCause(int code) { this.code = code; }
}
