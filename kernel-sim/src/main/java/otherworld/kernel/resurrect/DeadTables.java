package otherworld.kernel.resurrect;

import otherworld.kernel.mem.KMem;

/**
 * The dead kernel's page tables as the crash kernel takes them, for a {@link otherworld.kernel.mm.UserMemory} that reads
 * a dead process's memory before its new tables exist: every word read as {@link Validator#flippedFrameBit} takes it,
 * so that such a read follows the frames the validated walk accepted. Writes go to the dead view, which refuses them.
 */
final class DeadTables extends otherworld.kernel.mem.ForwardingMem {
    DeadTables(KMem dead) { super(dead); }

    @Override public long r64(long pa) { return Validator.flippedFrameBit(inner, inner.r64(pa)); }
}
