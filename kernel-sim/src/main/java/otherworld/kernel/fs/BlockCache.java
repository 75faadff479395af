package otherworld.kernel.fs;

import otherworld.kernel.mem.CodedView;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;

import otherworld.emulator.BlockDevice;
import otherworld.kernel.layout.Struct;
import otherworld.kernel.mem.CodedView;
import otherworld.kernel.mem.KMem;

/**
 * The page cache: disk blocks of 4096 bytes held in frames of guest RAM, with dirty flags the crash kernel can read.
 *
 * <pre>
 *   base ──► HEADER                       (BlockCache.HEADER)
 *            SLOT[0] .. SLOT[slots-1]     (BlockCache.SLOT, one per frame)
 *            padding to a 4096-byte boundary (the "frames" offset in the header)
 *            FRAME[0] .. FRAME[slots-1]   4096 bytes each; FRAME[i] holds SLOT[i].block
 * </pre>
 *
 * Invariants (checked by {@link #validate}):
 * <ul>
 *   <li>DIRTY implies VALID; no other flag bits are set;</li>
 *   <li>no two VALID slots hold the same block, and every VALID block is below the header's disk block count;</li>
 *   <li>a VALID slot's frame is the current content of its block: the disk copy is stale exactly when DIRTY is set;</li>
 *   <li>every slot's lastUse is at most the header's use counter (the LRU clock, bumped on each access).</li>
 * </ul>
 *
 * All state is in guest RAM and every write goes through {@link KMem}. The Java fields are the immutable geometry
 * (base, slot count) and the devices. A crash kernel writes every VALID|DIRTY frame to its block ({@link #flushDirty}):
 * what a call in flight had written there is either what its restart writes again or what its tail completes.
 *
 * <p>Rule for callers: an address returned by {@link #get}/{@link #getZeroed}/{@link #modify} is valid only until the
 * next call of one of those (which may evict the frame). Eviction picks an invalid slot, else the least recently used
 * clean slot, else the least recently used dirty slot (written back first). Write-back order is slot order; ext2
 * without a journal gets no ordering guarantee from it: after a crash, the crash kernel writes back all that is
 * dirty and reconciles what the interrupted call could have left half made (Ext2.reconcile).
 */
public final class BlockCache {
    /** Bytes in a block and in a frame (one page). */
    public static final int BLOCK = 4096;
    public static final int VERSION = 1;
    /** Slot flags. */
    public static final int VALID = 1;
    public static final int DIRTY = 2;
    /** Bounds on the slot count the crash kernel accepts (1 GiB of frames). */
    public static final int MAX_SLOTS = 1 << 18;

    public static final Struct HEADER = new Struct("BlockCache", Struct.magic("BCAC"), VERSION);
    public static final int H_SLOTS = HEADER.field("slots", 4, "number of slots and frames");
    public static final int H_BLOCK = HEADER.field("blockSize", 4, "bytes per block and frame, 4096");
    public static final int H_CLOCK = HEADER.field("useClock", 8, "LRU clock: incremented on every access, copied to the slot");
    public static final int H_DISK_BLOCKS = HEADER.field("diskBlocks", 8, "blocks on the disk this cache serves");
    public static final int H_FRAMES = HEADER.field("frames", 8, "offset of FRAME[0] from the header, 4096-aligned");

    public static final Struct SLOT = new Struct("BlockCacheSlot", Struct.magic("BSLT"), VERSION);
    public static final int S_BLOCK = SLOT.field("block", 8, "disk block number held in this slot's frame");
    public static final int S_FLAGS = SLOT.field("flags", 4, "VALID=1, DIRTY=2 (DIRTY implies VALID)");
    public static final int S_LAST_USE = SLOT.field("lastUse", 8, "useClock value at the last access (LRU)");

    private final KMem mem;
    private final BlockDevice disk;
    private final long base;
    private final int slots;
    private final long frames;

    /**
     * Blocks whose data lives outside the cache while processes map them shared (the memory manager's file pages):
     * while a block is there, {@link #get} and {@link #modify} give its frame, so read(2), write(2) and the mappings
     * see the same bytes; the cache keeps no copy of such a block. {@link #writeBack} writes them too.
     */
    public interface Overlay {
        /** The frame holding block, or -1 when the block is not mapped. */
        long frameOf(long block);

        /** A write through the cache changed the block's frame: it is dirty. */
        void written(long block);

        /** Write the dirty mapped blocks whose number satisfies which to the disk; how many. */
        int writeBack(LongPredicate which);
    }

    private Overlay overlay;

    /** Set by the memory manager when the kernel starts (a view: the table it reads is in guest RAM). */
    public void overlay(Overlay o) { this.overlay = o; }

    private long overlaid(long blockNo) { return overlay == null ? -1 : overlay.frameOf(blockNo); }

    /**
     * Drop the cached copy of a block that is about to be mapped shared: written back first if dirty. Afterwards the
     * block is read and written in its mapped frame (Overlay).
     */
    public void forget(long blockNo) {
        int i = find(blockNo);
        if (i < 0) return;
        if (mem.r32(slot(i) + S_FLAGS) == (VALID | DIRTY)) writeSlot(i);
        mem.w32(slot(i) + S_FLAGS, 0);
    }

    /**
     * Write every dirty block back, then drop every cached copy: the cache as a freshly booted kernel has it. Boot's
     * own file-system work (the orphans released, the /dev nodes made) leaves nothing cached, so a program's first
     * accesses read the disk as they did before boot did any (the fault campaign places disk faults on those reads).
     */
    public void writeBackAndEmpty() {
        writeBack();
        for (int i = 0; i < slots; i++) mem.w32(slot(i) + S_FLAGS, 0);
    }

    private BlockCache(KMem mem, BlockDevice disk, long base, int slots) {
        this.mem = mem;
        this.disk = disk;
        this.base = base;
        this.slots = slots;
        this.frames = base + framesOffset(slots);
    }

    private static long framesOffset(int slots) {
        long table = HEADER.size() + (long) slots * SLOT.size();
        return (table + BLOCK - 1) / BLOCK * BLOCK;
    }

    /** Bytes of guest RAM a cache of this many slots occupies (header, slot table, padding, frames). */
    public static long bytesNeeded(int slots) {
        if (slots < 1 || slots > MAX_SLOTS) throw new IllegalArgumentException("slot count out of range: " + slots);
        return framesOffset(slots) + (long) slots * BLOCK;
    }

    /** Initialise an empty cache at base (4096-aligned) for this disk. */
    public static BlockCache format(KMem mem, BlockDevice disk, long base, int slots) {
        long bytes = bytesNeeded(slots);
        if (base % BLOCK != 0) throw new IllegalArgumentException("block cache base not page-aligned: 0x" + Long.toHexString(base));
        if (!mem.contains(base, bytes)) throw new IllegalArgumentException("block cache does not fit in RAM at 0x" + Long.toHexString(base));
        mem.zero(base, (int) framesOffset(slots));
        HEADER.init(mem, base);
        mem.w32(base + H_SLOTS, slots);
        mem.w32(base + H_BLOCK, BLOCK);
        mem.w64(base + H_CLOCK, 0);
        mem.w64(base + H_DISK_BLOCKS, disk.sizeBytes() / BLOCK);
        mem.w64(base + H_FRAMES, framesOffset(slots));
        for (int i = 0; i < slots; i++) {
            long s = slotAddr(base, i);
            SLOT.init(mem, s);
        }
        return new BlockCache(mem, disk, base, slots);
    }

    /** A view on an existing cache; throws IllegalStateException listing the problems if it is not a sane cache. */
    public static BlockCache attach(KMem mem, BlockDevice disk, long base) {
        List<String> problems = validate(mem, base);
        if (problems.isEmpty() && mem.r64(base + H_DISK_BLOCKS) != disk.sizeBytes() / BLOCK) {
            problems.add("header says " + mem.r64(base + H_DISK_BLOCKS) + " disk blocks, disk has " + disk.sizeBytes() / BLOCK);
        }
        if (!problems.isEmpty()) throw new IllegalStateException("corrupt block cache at 0x" + Long.toHexString(base) + ": " + problems);
        return new BlockCache(mem, disk, base, mem.r32(base + H_SLOTS));
    }

    public KMem mem() { return mem; }
    public BlockDevice disk() { return disk; }
    public long base() { return base; }
    public int slots() { return slots; }
    public long diskBlocks() { return mem.r64(base + H_DISK_BLOCKS); }

    /** Slot i of the cache at base. */
    public static long slotAddr(long base, int i) { return base + HEADER.size() + (long) i * SLOT.size(); }
    private long slot(int i) { return slotAddr(base, i); }
    private long frame(int i) { return frames + (long) i * BLOCK; }

    /** The slot holding blockNo, or -1. */
    private int find(long blockNo) {
        for (int i = 0; i < slots; i++) {
            long s = slot(i);
            if ((mem.r32(s + S_FLAGS) & VALID) != 0 && mem.r64(s + S_BLOCK) == blockNo) return i;
        }
        return -1;
    }

    private void touch(int i) {
        long now = mem.r64(base + H_CLOCK) + 1;
        mem.w64(base + H_CLOCK, now);
        mem.w64(slot(i) + S_LAST_USE, now);
    }

    /** An invalid slot, else the LRU clean slot, else the LRU dirty slot after writing it back. */
    private int victim() {
        int clean = -1, dirty = -1;
        long cleanUse = Long.MAX_VALUE, dirtyUse = Long.MAX_VALUE;
        for (int i = 0; i < slots; i++) {
            long s = slot(i);
            int flags = mem.r32(s + S_FLAGS);
            if ((flags & VALID) == 0) return i;
            long use = mem.r64(s + S_LAST_USE);
            if ((flags & DIRTY) == 0) {
                if (use < cleanUse) { cleanUse = use; clean = i; }
            } else if (use < dirtyUse) {
                dirtyUse = use; dirty = i;
            }
        }
        if (clean >= 0) return clean;
        writeSlot(dirty);
        return dirty;
    }

    private void checkBlock(long blockNo) {
        if (blockNo < 0 || blockNo >= diskBlocks()) {
            throw new IllegalArgumentException("block " + blockNo + " outside the disk (" + diskBlocks() + " blocks)");
        }
    }

    /** Physical address of the frame holding blockNo, read from disk on a miss. Valid until the next get. */
    public long get(long blockNo) {
        checkBlock(blockNo);
        long o = overlaid(blockNo);
        if (o >= 0) return o;
        int i = find(blockNo);
        if (i < 0) {
            i = victim();
            byte[] buf = new byte[BLOCK];
            readChecked(disk, blockNo * BLOCK, buf, BLOCK);
            mem.write(frame(i), buf, 0, BLOCK);
            mem.w64(slot(i) + S_BLOCK, blockNo);
            mem.w32(slot(i) + S_FLAGS, VALID);
        }
        touch(i);
        return frame(i);
    }

    /** How {@link #flushSound} reports a dirty block it does not write because its data is corrupt (enhanced mode). */
    public static final String CORRUPT_DATA = " holds a word its check byte says is corrupt: not flushed";

    /** Reads of a sector that fails its guard tag before the kernel gives up (and panics). */
    static final int READ_TRIES = 3;

    /**
     * Read len bytes at offset into buf and check every sector against the guard tag the disk gives with it
     * ({@link BlockDevice#guard}): a sector corrupted on its way is read again, and a read that fails its tags
     * {@value #READ_TRIES} times is a panic, never data handed on wrong. The block layer of every mode (off, default and
     * enhanced alike) does this.
     */
    public static void readChecked(BlockDevice disk, long offset, byte[] buf, int len) {
        for (int tries = 1; ; tries++) {
            disk.read(offset, buf, 0, len);
            int bad = -1;
            for (int s = 0; s < len && bad < 0; s += BlockDevice.SECTOR) {
                if (BlockDevice.guardOf(buf, s) != disk.guard(offset + s)) bad = s;
            }
            if (bad < 0) return;
            if (tries == READ_TRIES) {
                throw new otherworld.kernel.KernelPanic("disk read at offset " + (offset + bad) + ": the sector fails its guard tag "
                        + READ_TRIES + " times");
            }
        }
    }

    /** Frame for a block whose old content does not matter (newly allocated): zero-filled, DIRTY, no disk read. */
    public long getZeroed(long blockNo) {
        checkBlock(blockNo);
        long o = overlaid(blockNo);
        if (o >= 0) {
            mem.zero(o, BLOCK);
            overlay.written(blockNo);
            return o;
        }
        int i = find(blockNo);
        if (i < 0) {
            i = victim();
            mem.w64(slot(i) + S_BLOCK, blockNo);
        }
        mem.zero(frame(i), BLOCK);
        mem.w32(slot(i) + S_FLAGS, VALID | DIRTY);
        touch(i);
        return frame(i);
    }

    /** get(blockNo) and mark it dirty: the caller is about to write the frame. */
    public long modify(long blockNo) {
        long a = get(blockNo);
        markDirty(blockNo);
        return a;
    }

    /** Mark a cached block dirty. The block must be in the cache (just returned by get). */
    public void markDirty(long blockNo) {
        if (overlaid(blockNo) >= 0) {
            overlay.written(blockNo);
            return;
        }
        int i = find(blockNo);
        if (i < 0) throw new IllegalStateException("markDirty: block " + blockNo + " is not in the cache");
        long s = slot(i);
        mem.w32(s + S_FLAGS, mem.r32(s + S_FLAGS) | DIRTY);
    }

    private void writeSlot(int i) {
        byte[] buf = new byte[BLOCK];
        mem.scrub(frame(i), BLOCK);
        mem.read(frame(i), buf, 0, BLOCK);
        disk.write(mem.r64(slot(i) + S_BLOCK) * BLOCK, buf, 0, BLOCK);
        mem.w32(slot(i) + S_FLAGS, VALID);
    }

    /** Write every dirty block to disk and clear DIRTY; returns how many were written. */
    public int writeBack() { return writeBack(b -> true); }

    /** Write the dirty blocks whose number satisfies which (e.g. one file's blocks for fsync). */
    public int writeBack(LongPredicate which) {
        int n = overlay == null ? 0 : overlay.writeBack(which);
        for (int i = 0; i < slots; i++) {
            long s = slot(i);
            if (mem.r32(s + S_FLAGS) == (VALID | DIRTY) && which.test(mem.r64(s + S_BLOCK))) {
                writeSlot(i);
                n++;
            }
        }
        return n;
    }

    public int dirtyCount() {
        int n = 0;
        for (int i = 0; i < slots; i++) if ((mem.r32(slot(i) + S_FLAGS) & DIRTY) != 0) n++;
        return n;
    }

    /** True when blockNo is cached and dirty (for tests and fsync decisions). */
    public boolean isDirty(long blockNo) {
        int i = find(blockNo);
        return i >= 0 && (mem.r32(slot(i) + S_FLAGS) & DIRTY) != 0;
    }

    // ---- crash kernel: static and read-only on memory ----

    /** Problems found in the cache at base, read-only; empty when it is sane. Never throws on garbage. */
    public static List<String> validate(KMem view, long base) {
        List<String> p = new ArrayList<>();
        if (!view.contains(base, HEADER.size())) {
            p.add("header at 0x" + Long.toHexString(base) + " is not in RAM");
            return p;
        }
        int magic = view.r32(base + HEADER.offset("magic"));
        if (magic != HEADER.magic) p.add("bad magic 0x" + Integer.toHexString(magic));
        int version = view.r32(base + HEADER.offset("version"));
        if (version != VERSION) p.add("unknown version " + version);
        int slots = view.r32(base + H_SLOTS);
        if (slots < 1 || slots > MAX_SLOTS) p.add("slot count out of range: " + slots);
        int bs = view.r32(base + H_BLOCK);
        if (bs != BLOCK) p.add("block size " + bs + ", expected " + BLOCK);
        if (!p.isEmpty()) return p;
        long framesOff = view.r64(base + H_FRAMES);
        if (framesOff != framesOffset(slots)) p.add("frames offset " + framesOff + ", expected " + framesOffset(slots));
        if (!view.contains(base, bytesNeeded(slots))) {
            p.add("cache of " + slots + " slots does not fit in RAM at 0x" + Long.toHexString(base));
            return p;
        }
        long clock = view.r64(base + H_CLOCK);
        long diskBlocks = view.r64(base + H_DISK_BLOCKS);
        if (diskBlocks <= 0) p.add("disk block count " + diskBlocks);
        java.util.Map<Long, Integer> owner = new java.util.HashMap<>();
        for (int i = 0; i < slots; i++) {
            long s = slotAddr(base, i);
            if (view.r32(s + SLOT.offset("magic")) != SLOT.magic || view.r32(s + SLOT.offset("version")) != VERSION) {
                p.add("slot " + i + ": bad magic or version");
                continue;
            }
            int flags = view.r32(s + S_FLAGS);
            if ((flags & ~(VALID | DIRTY)) != 0 || flags == DIRTY) p.add("slot " + i + ": bad flags " + flags);
            if (view.r64(s + S_LAST_USE) > clock) p.add("slot " + i + ": lastUse beyond the use clock");
            if ((flags & VALID) == 0) continue;
            long b = view.r64(s + S_BLOCK);
            if (b < 0 || b >= diskBlocks) p.add("slot " + i + ": block " + b + " outside the disk (" + diskBlocks + " blocks)");
            Integer other = owner.put(b, i);
            if (other != null) p.add("slots " + other + " and " + i + " both hold block " + b);
        }
        return p;
    }

    /**
     * {@link #validate}, and the disk it would be flushed to has as many blocks as its header says it serves: what
     * {@link #flushDirty} requires (a crash kernel that validated less than that would fail in the flush; found by
     * the campaign, ow replay hello:bit-flip:54c562cb4dd2b8b0).
     */
    public static List<String> validate(KMem view, long base, BlockDevice disk) {
        List<String> problems = validate(view, base);
        if (problems.isEmpty() && view.r64(base + H_DISK_BLOCKS) > disk.sizeBytes() / BLOCK) {
            problems.add("disk has " + disk.sizeBytes() / BLOCK + " blocks, fewer than the cache's " + view.r64(base + H_DISK_BLOCKS));
        }
        return problems;
    }

    /**
     * The crash kernel's flush: every dirty frame of the dead cache at base written to its block, trusting only what
     * a block's place on the disk depends on — each slot's flags and block number. Everything else is derived, not
     * read: the slot count from the configuration both kernels share ({@code slots}), where the frames lie from it,
     * the disk's size from the disk, the magics and versions are constants, and the LRU fields play no part. A slot
     * whose flags are not one of free, clean or dirty, or whose block is outside the disk or held by another valid
     * slot too, is not flushed and is reported in problems (what it held may be lost: which file it belonged to the
     * slot no longer says); every other dirty slot is. Read-only on memory; never throws on garbage. Returns the number
     * of blocks written.
     */
    /** Whether slot s reads as the kernel leaves every slot: free, or clean or dirty with a block of the disk. */
    public static boolean slotSound(KMem view, long s, long diskBlocks) {
        int flags = view.r32(s + S_FLAGS);
        long b = view.r64(s + S_BLOCK);
        return flags == 0 || (flags == VALID || flags == (VALID | DIRTY)) && b >= 0 && b < diskBlocks;
    }

    public static int flushSound(KMem view, BlockDevice disk, long base, int slots, List<String> problems) {
        if (slots < 1 || slots > MAX_SLOTS || !view.contains(base, bytesNeeded(slots))) {
            problems.add("page cache of " + slots + " slots at 0x" + Long.toHexString(base) + " is not in RAM: not flushed");
            return 0;
        }
        long diskBlocks = disk.sizeBytes() / BLOCK;
        java.util.Map<Long, Integer> holder = new java.util.HashMap<>();
        java.util.Set<Integer> bad = new java.util.HashSet<>();
        for (int i = 0; i < slots; i++) {
            long s = slotAddr(base, i);
            int flags = view.r32(s + S_FLAGS);
            if (flags == 0) continue;
            long b = view.r64(s + S_BLOCK);
            if (flags != VALID && flags != (VALID | DIRTY)) {
                problems.add("page-cache slot " + i + ": flags " + flags + " (block " + b + "): not flushed");
                bad.add(i);
            } else if (b < 0 || b >= diskBlocks) {
                if (flags != VALID) problems.add("page-cache slot " + i + ": block " + b + " outside the disk: not flushed");
                bad.add(i);
            } else {
                Integer other = holder.put(b, i);
                if (other != null) {
                    if (flags == (VALID | DIRTY) || view.r32(slotAddr(base, other) + S_FLAGS) == (VALID | DIRTY)) {
                        problems.add("page-cache slots " + other + " and " + i + " both hold block " + b + ": neither flushed");
                    }
                    bad.add(i);
                    bad.add(other);
                }
            }
        }
        long frames = base + framesOffset(slots);
        byte[] buf = new byte[BLOCK];
        int n = 0;
        for (int i = 0; i < slots; i++) {
            long s = slotAddr(base, i);
            if (bad.contains(i) || view.r32(s + S_FLAGS) != (VALID | DIRTY)) continue;
            if (view instanceof CodedView coded && coded.corrupt(frames + (long) i * BLOCK, BLOCK)) { // enhanced mode
                problems.add("page-cache slot " + i + ": block " + view.r64(s + S_BLOCK) + CORRUPT_DATA);
                continue;
            }
            view.read(frames + (long) i * BLOCK, buf, 0, BLOCK);
            disk.write(view.r64(s + S_BLOCK) * BLOCK, buf, 0, BLOCK);
            n++;
        }
        return n;
    }

    /**
     * Write every VALID|DIRTY frame of the cache at base to its disk block, without writing memory (the flags stay
     * set). Refuses, with IllegalStateException, a cache that fails {@link #validate} or a disk smaller than the
     * header says: better no flush than a wrong one. Returns the number of blocks written.
     */
    public static int flushDirty(KMem view, BlockDevice disk, long base) {
        List<String> problems = validate(view, base, disk);
        if (!problems.isEmpty()) throw new IllegalStateException("not flushing corrupt block cache: " + problems);
        int slots = view.r32(base + H_SLOTS);
        long frames = base + framesOffset(slots);
        byte[] buf = new byte[BLOCK];
        int n = 0;
        for (int i = 0; i < slots; i++) {
            long s = slotAddr(base, i);
            if (view.r32(s + S_FLAGS) != (VALID | DIRTY)) continue;
            view.read(frames + (long) i * BLOCK, buf, 0, BLOCK);
            disk.write(view.r64(s + S_BLOCK) * BLOCK, buf, 0, BLOCK);
            n++;
        }
        return n;
    }
}
