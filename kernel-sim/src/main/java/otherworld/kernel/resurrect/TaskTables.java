package otherworld.kernel.resurrect;

import static otherworld.kernel.layout.Layouts.*;

import java.util.List;

import otherworld.kernel.fs.FileLocks;
import otherworld.kernel.mem.DirectMem;
import otherworld.kernel.mem.KMem;
import otherworld.kernel.verified.Bounds;

/**
 * The per-task tables of the file-system and information calls (issue 9), each an image of its own kind (CRIU's
 * rule): a task's file-system context (FSCTX) and task information (TINFO), validated read-only against the dead
 * kernel with the task they belong to, and copied for the tasks that come back; and the lock table, whose records
 * come back with their owners (a POSIX lock with its process, an OFD or flock lock with its open file).
 */
final class TaskTables {
    private TaskTables() { }

    /** Problems of task slot's FSCTX and TINFO records in the dead kernel (added to the task's own). */
    static void validate(KMem v, long fsctx, long tinfo, int slot, int inodes, List<String> problems) {
        long f = fsctx + (long) slot * FSCTX.size();
        if (!Bounds.magicOk(v.r32(f), FSCTX.magic, v.r32(f + 4), FSCTX.version, FSCTX.version)) {
            problems.add("fs context: bad magic or version");
        } else {
            int cwd = v.r32(f + FS_CWD);
            if (cwd < 0 || (inodes > 0 && cwd > inodes)) problems.add("fs context: working directory inode " + cwd + " out of range");
            if ((v.r32(f + FS_UMASK) & ~0777) != 0) problems.add("fs context: umask " + Integer.toOctalString(v.r32(f + FS_UMASK)));
        }
        long t = tinfo + (long) slot * TINFO.size();
        if (!Bounds.magicOk(v.r32(t), TINFO.magic, v.r32(t + 4), TINFO.version, TINFO.version)) {
            problems.add("task information: bad magic or version");
        } else {
            int nice = v.r32(t + TI_NICE);
            if (nice < -20 || nice > 19) problems.add("task information: nice " + nice);
            if (v.r64(t + TI_UTIME) < 0) problems.add("task information: negative cpu time");
        }
    }

    /** A resurrected task's records, copied to the new kernel's tables at the same slot. */
    static void rebuild(KMem v, DirectMem own, long deadFsctx, long deadTinfo, long fsctx, long tinfo, int slot) {
        copy(v, own, deadFsctx + (long) slot * FSCTX.size(), fsctx + (long) slot * FSCTX.size(), FSCTX.size());
        copy(v, own, deadTinfo + (long) slot * TINFO.size(), tinfo + (long) slot * TINFO.size(), TINFO.size());
    }

    private static void copy(KMem v, DirectMem own, long from, long to, int size) {
        byte[] b = new byte[size];
        v.read(from, b, 0, size);
        own.write(to, b, 0, size);
    }

    /**
     * The locks that come back: a well-formed record (magic, kind, type, a range, an inode) whose owner comes back —
     * a POSIX lock's process is among livePids, an OFD or flock lock's open file has references (fileRefs).
     * Counts go to the report: kept, and dropped (their owner is gone, or the record is corrupt).
     */
    static void rebuildLocks(KMem v, DirectMem own, long deadLocks, long locks, java.util.Set<Integer> livePids,
                             int[] fileRefs, int inodes, ResurrectionReport report) {
        for (int i = 0; i < MAX_LOCKS; i++) {
            long r = FileLocks.record(deadLocks, i);
            int kind = v.r32(r + L_KIND);
            if (kind == 0 && v.r32(r) == LOCK.magic) continue;
            boolean ok = Bounds.magicOk(v.r32(r), LOCK.magic, v.r32(r + 4), LOCK.version, LOCK.version)
                    && kind >= LOCK_POSIX && kind <= LOCK_FLOCK
                    && (v.r32(r + L_TYPE) == FileLocks.READ || v.r32(r + L_TYPE) == FileLocks.WRITE)
                    && v.r64(r + L_START) >= 0 && v.r64(r + L_START) < v.r64(r + L_END)
                    && v.r32(r + L_INO) > 0 && (inodes <= 0 || v.r32(r + L_INO) <= inodes);
            int owner = v.r32(r + L_OWNER);
            boolean held = ok && (kind == LOCK_POSIX ? livePids.contains(owner)
                    : Bounds.indexOk(owner, MAX_FILES) && fileRefs[owner] > 0);
            if (!held) {
                report.locksDropped++;
                continue;
            }
            copy(v, own, r, FileLocks.record(locks, i), LOCK.size());
            report.locksKept++;
        }
    }
}
