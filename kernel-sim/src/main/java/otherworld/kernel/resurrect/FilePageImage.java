package otherworld.kernel.resurrect;

import static otherworld.kernel.layout.Layouts.*;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import otherworld.emulator.BlockDevice;
import otherworld.kernel.mem.DirectMem;
import otherworld.kernel.mem.KMem;
import otherworld.kernel.mm.FilePages;
import otherworld.kernel.verified.Bounds;
import otherworld.kernel.verified.PageWalk;
import otherworld.kernel.verified.Sv39;

/**
 * The file pages mapped shared, read from the dead kernel (read-only), flushed, and rebuilt. An entry in use is valid
 * when its frame is a frame a process may own (as a page walk checks a leaf), its block is on the disk, and no other
 * entry names the same frame or block or page; an invalid entry is dropped and reported (its data is not written).
 * Flush: every valid entry's frame written to its block ({@link #flush}). Rebuilt: the entries whose frame a
 * resurrected task maps, clean, compacted; the others' frames are free in the new kernel.
 */
final class FilePageImage {
    /** Valid entries in use: frame → {ino, index, block, dirty}. */
    final Map<Long, long[]> byFrame = new LinkedHashMap<>();
    final List<String> problems = new ArrayList<>();

    static FilePageImage validate(KMem v, long pa, long diskBlocks, java.util.function.LongPredicate userFrame) {
        FilePageImage img = new FilePageImage();
        if (!Bounds.magicOk(v.r32(pa), FPAGES.magic, v.r32(pa + 4), FPAGES.version, FPAGES.version)) {
            img.problems.add("file-page table: bad magic or version: shared file pages not flushed");
            return img;
        }
        int hwm = v.r32(pa + FP_HWM);
        if (hwm < 0 || hwm > MAX_FPAGES) {
            img.problems.add("file-page table: hwm " + hwm + " invalid: shared file pages not flushed");
            return img;
        }
        Map<Long, Integer> blocks = new HashMap<>();
        Map<String, Integer> pages = new HashMap<>();
        for (int i = 0; i < hwm; i++) {
            long e = FilePages.entry(pa, i);
            int state = v.r32(e + FE_STATE);
            if (state == FPAGE_FREE) continue;
            long frame = v.r64(e + FE_FRAME), block = v.r64(e + FE_BLOCK), index = v.r64(e + FE_INDEX);
            int ino = v.r32(e + FE_INO);
            String bad = null;
            if (state != FPAGE_USED && state != (FPAGE_USED | FPAGE_DIRTY)) bad = "state " + state;
            else if (!userFrame.test(frame)) {
                bad = String.format("frame 0x%x not a user frame", frame);
            } else if (block <= 0 || block >= diskBlocks) bad = "block " + block + " outside the disk";
            else if (ino <= 0 || index < 0) bad = "inode " + ino + " page " + index;
            else if (img.byFrame.containsKey(frame) || blocks.containsKey(block) || pages.containsKey(ino + ":" + index)) {
                bad = "frame, block or page named twice";
            }
            if (bad != null) {
                img.problems.add("file page " + i + " dropped: " + bad);
                continue;
            }
            blocks.put(block, i);
            pages.put(ino + ":" + index, i);
            img.byFrame.put(frame, new long[] {ino, index, block, (state & FPAGE_DIRTY) != 0 ? 1 : 0});
        }
        return img;
    }

    boolean isFilePage(long frame) { return byFrame.containsKey(frame); }

    /**
     * Write every valid page to its block, dirty or not: the D bit that says a page is dirty may be in the tables of a
     * task that is not resurrected (corrupt, or a zombie), which are not read; writing a clean page writes what is on
     * disk already. Idempotent: a crash kernel that crashes writes them again.
     */
    int flush(KMem v, BlockDevice disk) {
        byte[] buf = new byte[(int) Sv39.PAGE_SIZE];
        for (var e : byFrame.entrySet()) {
            v.read(e.getKey(), buf, 0, buf.length);
            disk.write(e.getValue()[2] * Sv39.PAGE_SIZE, buf, 0, buf.length);
        }
        return byFrame.size();
    }

    /** The new table: the entries whose frame is in kept (mapped by a resurrected task), clean. */
    void rebuild(DirectMem own, long newPa, Set<Long> kept) {
        FPAGES.init(own, newPa);
        int i = 0;
        for (var e : byFrame.entrySet()) {
            if (!kept.contains(e.getKey())) continue;
            long a = FilePages.entry(newPa, i++);
            long[] x = e.getValue();
            own.w32(a + FE_INO, (int) x[0]);
            own.w64(a + FE_INDEX, x[1]);
            own.w64(a + FE_BLOCK, x[2]);
            own.w64(a + FE_FRAME, e.getKey());
            own.w32(a + FE_STATE, FPAGE_USED);
        }
        own.w32(newPa + FP_HWM, i);
    }
}
