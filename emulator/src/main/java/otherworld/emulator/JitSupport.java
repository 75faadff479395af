package otherworld.emulator;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** What translated code calls or reads: little-endian RAM views, and the traps it raises itself. */
final class JitSupport {
    private JitSupport() {}

    static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** An illegal-instruction trap for the given bits (an FP instruction with an invalid dynamic rounding mode). */
    static Trap illegal(int bits) {
        return new Trap(TrapCause.ILLEGAL_INSTRUCTION, bits & 0xFFFF_FFFFL);
    }
}
