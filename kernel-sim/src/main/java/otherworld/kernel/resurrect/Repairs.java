package otherworld.kernel.resurrect;

import static otherworld.kernel.layout.Layouts.*;

import java.util.List;

import otherworld.kernel.fs.BlockCache;
import otherworld.kernel.mem.KMem;
import otherworld.kernel.verified.Bounds;

/**
 * The dead kernel's records that fail their own checks but that one flipped bit explains ({@link OneBit}), taken back
 * before anything is validated: the open files in use, the ttys, the page-cache slots, each task record's magic,
 * version and state (constants, and one of five states), a live task's trap cause (one of 19) and fd table (an fd
 * only if the open files' reference counts then agree with the fds that name them).
 * Each is read through an overlay that holds the crash kernel's copy with the bit undone (the dead memory is not
 * written, rule 3); every later reader of the view sees the record as it was before the flip, and the report says
 * which bit was undone. A record that is sound, or that no single flip or several flips would make sound, is left as
 * it is and meets the checks that refuse or distrust it, as before. A page-table entry's frame is taken back the same
 * way, as the walk reads it ({@link Validator#flippedFrameBit}); a pipe's counters (those of the pipes open files
 * name) by their own rule ({@link PipeImage#counters}); a leaf's frame or flags, a frame-bitmap bit and a task's satp
 * by the frames' counts ({@link LeafFrames}).
 */
final class Repairs {
    private Repairs() { }

    /** The dead kernel's memory v, seen with every record one flipped bit explains taken back; what was undone goes to notes. */
    static KMem apply(KMem v, long files, long pipes, long ttys, int nttys, long tasks, long cache, int slots,
                      long diskBlocks, long inodes, List<String> notes) {
        for (int f = 0; f < MAX_FILES; f++) {
            long fe = files + (long) f * FILE.size();
            if (v.r32(fe + F_REFS) <= 0) continue; // a free entry is not read
            v = undo(v, fe, FILE.size(), FILE_FIELDS, "open file " + f, notes, m -> fileAsOpened(m, fe, nttys, inodes));
        }
        java.util.Set<Integer> pipesNamed = new java.util.TreeSet<>();
        for (int f = 0; f < MAX_FILES; f++) {
            long fe = files + (long) f * FILE.size();
            int p = v.r32(fe + F_INO);
            if (v.r32(fe + F_REFS) > 0 && v.r32(fe + F_TYPE) == FT_PIPE && Bounds.indexOk(p, MAX_PIPES) && pipesNamed.add(p)) {
                v = pipe(v, pipes, p, notes);
            }
        }
        for (int i = 0; i < nttys; i++) {
            long rec = otherworld.kernel.tty.Tty.record(ttys, i);
            int tty = i;
            v = undo(v, rec, TTY_DATA, TTY_FIELDS, "tty " + i, notes, m -> TtyImage.check(m, rec, tty) == null);
        }
        for (int i = 0; i < slots && i < BlockCache.MAX_SLOTS; i++) {
            long s = BlockCache.slotAddr(cache, i);
            v = undo(v, s, BlockCache.S_FLAGS + 4, new int[] {BlockCache.S_BLOCK, BlockCache.S_FLAGS + 4},
                    "page-cache slot " + i, notes, m -> BlockCache.slotSound(m, s, diskBlocks));
        }
        for (int i = 0; i < MAX_TASKS; i++) {
            long t = tasks + (long) i * TASK.size();
            v = undo(v, t, 8, new int[] {0, 8}, "task slot " + i + "'s magic and version", notes,
                    m -> Bounds.magicOk(m.r32(t), TASK.magic, m.r32(t + 4), TASK.version, TASK.version));
            if (v.r32(t) == TASK.magic && v.r32(t + 4) == TASK.version) {
                v = undo(v, t + T_STATE, 4, new int[] {0, 4}, "task slot " + i + "'s state", notes,
                        m -> knownState(m.r32(t + T_STATE)));
            }
            int st = v.r32(t + T_STATE);
            if (v.r32(t) != TASK.magic || st != TASK_RUNNABLE && st != TASK_BLOCKED && st != TASK_STOPPED) continue;
            v = undo(v, t + T_FD, 4 * NOFILE, new int[] {0, 4 * NOFILE}, "task slot " + i + "'s fd table", notes,
                    m -> fdsOk(m, t + T_FD, files) && countsAgree(m, named(m, tasks), files));
            v = undo(v, t + T_CAUSE, 8, new int[] {0, 8}, "task slot " + i + "'s trap cause", notes,
                    m -> Validator.causeKnown(m.r64(t + T_CAUSE)));
        }
        return v;
    }

    /** Whether state is one a task slot can be in (free, runnable, zombie, blocked, stopped). */
    static boolean knownState(int state) {
        return state == TASK_FREE || state == TASK_RUNNABLE || state == TASK_ZOMBIE || state == TASK_BLOCKED
                || state == TASK_STOPPED;
    }

    /** An open file's type, inode and tty fields: the ones whose sound values are few (not its flags or offset). */
    static final int[] FILE_FIELDS = {F_TYPE, F_TYPE + 4, F_INO, F_TTY + 4};

    /** A tty's magic, version, counters and termios flags (not its process group and session: any non-negative fits). */
    static final int[] TTY_FIELDS = {0, 8, TTY_NREAD, TTY_NWRITE + 8, TTY_SKIP, TTY_NPROC + 8, TTY_IFLAG, TTY_LFLAG + 4};

    /**
     * Open file fe as an open writes it (FileTable.prepare): the validator's checks, and the field its type does not use
     * zero (a regular file's or a pipe's tty, a tty's inode), so that a type flipped into another is seldom sound.
     */
    static boolean fileAsOpened(KMem m, long fe, int nttys, long inodes) {
        if (!Validator.fileFieldsOk(m, fe, nttys, inodes)) return false;
        int type = m.r32(fe + F_TYPE);
        return switch (type) {
            case FT_REG -> m.r32(fe + F_TTY) == 0;
            case FT_PIPE -> m.r32(fe + F_TTY) == 0 && Bounds.indexOk(m.r32(fe + F_INO), MAX_PIPES);
            case FT_TTY -> m.r32(fe + F_INO) == 0;
            default -> true;
        };
    }

    /** Whether every fd of the table at pa is closed (-1) or names an entry of the open-file table that is in use. */
    static boolean fdsOk(KMem m, long pa, long files) {
        for (int fd = 0; fd < NOFILE; fd++) {
            int f = m.r32(pa + 4L * fd);
            if (f != -1 && (!Bounds.indexOk(f, MAX_FILES) || m.r32(files + (long) f * FILE.size() + F_REFS) <= 0)) return false;
        }
        return true;
    }

    /**
     * Pipe p of the table at pipes, its counters as {@link PipeImage#counters} takes them: a high bit flipped in one of
     * them is cleared (not by {@link OneBit}: flipping that bit in the other counter would make the pair sound too).
     */
    static KMem pipe(KMem v, long pipes, int p, List<String> notes) {
        long pa = pipes + (long) p * PIPE.size();
        if (!v.contains(pa, PIPE.size())) return v;
        long[] c = PipeImage.counters(v, pa);
        if (c[2] < 0) return v;
        OverlayMem copy = new OverlayMem(v, pa + PI_NREAD, 16);
        copy.w64(pa + PI_NREAD, c[0]);
        copy.w64(pa + PI_NWRITE, c[1]);
        notes.add(String.format("pipe %d: counters %d, %d had bit %d flipped (more than a buffer waiting); now %d, %d", p,
                v.r64(pa + PI_NREAD), v.r64(pa + PI_NWRITE), c[2], c[0], c[1]));
        return copy;
    }

    /** How many fds of live tasks name each open file. */
    static int[] named(KMem m, long tasks) {
        int[] named = new int[MAX_FILES];
        for (int i = 0; i < MAX_TASKS; i++) {
            long t = tasks + (long) i * TASK.size();
            int st = m.r32(t + T_STATE);
            if (st != TASK_RUNNABLE && st != TASK_BLOCKED && st != TASK_STOPPED) continue;
            for (int fd = 0; fd < NOFILE; fd++) {
                int f = m.r32(t + T_FD + 4L * fd);
                if (Bounds.indexOk(f, MAX_FILES)) named[f]++;
            }
        }
        return named;
    }

    /**
     * Whether every open file is named by as many fds as it counts (true outside a dup, close or fork): an fd taken
     * back must name a file that is one reference short, not any file in use (CrashKernel.strayFds decides the same way).
     */
    static boolean countsAgree(KMem m, int[] named, long files) {
        for (int f = 0; f < MAX_FILES; f++) {
            if (named[f] != Math.max(0, m.r32(files + (long) f * FILE.size() + F_REFS))) return false;
        }
        return true;
    }

    private static KMem undo(KMem v, long rec, int len, int[] fields, String what, List<String> notes,
                             java.util.function.Predicate<KMem> ok) {
        if (!v.contains(rec, len) || ok.test(v)) return v;
        OverlayMem copy = new OverlayMem(v, rec, len);
        int bit = OneBit.undo(copy, rec, fields, ok);
        if (bit < 0) return v;
        notes.add(String.format("%s: bit %d of byte %d flipped back (the one flip that makes it sound)", what, bit % 8, bit / 8));
        return copy;
    }
}
