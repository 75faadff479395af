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

    // RAM accesses for translated code: shared by every region, so HotSpot compiles them early and once, and
    // a region still running in the JVM's interpreter calls compiled code instead of VarHandle linkage.
    static long ld64(byte[] ram, int off) { return (long) I64.get(ram, off); }
    static int ld32(byte[] ram, int off) { return (int) I32.get(ram, off); }
    static int ld16(byte[] ram, int off) { return (short) I16.get(ram, off); }
    static void st64(byte[] ram, int off, long v) { I64.set(ram, off, v); }
    static void st32(byte[] ram, int off, int v) { I32.set(ram, off, v); }
    static void st16(byte[] ram, int off, int v) { I16.set(ram, off, (short) v); }

    /** An illegal-instruction trap for the given bits (an FP instruction with an invalid dynamic rounding mode). */
    static Trap illegal(int bits) {
        return new Trap(TrapCause.ILLEGAL_INSTRUCTION, bits & 0xFFFF_FFFFL);
    }
}
