package otherworld.kernel.resurrect;

import static otherworld.kernel.layout.Layouts.*;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import otherworld.kernel.mem.DirectMem;
import otherworld.kernel.mem.KMem;
import otherworld.kernel.proc.Channels;
import otherworld.kernel.proc.Procs;
import otherworld.kernel.verified.Bounds;

/**
 * The process tree's image (the PROC and SIGS tables): validated read-only against the dead kernel, then rebuilt in
 * the crash kernel's region for the processes that come back.
 *
 * <p>Refused: a record with a bad magic; a parent pid no record has (a child whose parent does not exist); a cycle of
 * parents; a vfork child whose lender is not its live parent sharing its address space; a bad signal record. A child
 * whose parent is refused is not harmed: it is re-parented, as an orphan is, to pid 1 (or to the host).
 */
final class ProcessTree {
    private ProcessTree() { }

    /** The dead PROC and SIGS records of one image (their own checks: magic, version, ranges). */
    static void validateRecords(KMem v, long procs, long sigs, CrashKernel.Image img) {
        long p = procs + (long) img.slot * PROC.size();
        long s = sigs + (long) img.slot * SIGS.size();
        if (!Bounds.magicOk(v.r32(p), PROC.magic, v.r32(p + 4), PROC.version, PROC.version)) {
            img.problems.add("process record: bad magic or version");
            return;
        }
        img.ppid = v.r32(p + P_PPID);
        img.vmLender = v.r32(p + P_VM_PARENT) - 1;
        if (v.r32(p + P_PGID) <= 0 || v.r32(p + P_SID) <= 0) img.problems.add("process group or session invalid");
        if (img.ppid < 0) img.problems.add("parent pid " + img.ppid + " invalid");
        if (img.vmLender < -1 || img.vmLender >= MAX_TASKS) img.problems.add("vfork lender slot " + img.vmLender + " invalid");
        int ex = v.r32(p + P_EXEC_STATE);
        if (ex != 0 && ex != Procs.EXEC_PENDING) img.problems.add("exec state " + ex + " unknown");
        if (!Bounds.magicOk(v.r32(s), SIGS.magic, v.r32(s + 4), SIGS.version, SIGS.version)) {
            img.problems.add("signal record: bad magic or version");
            return;
        }
        if ((v.r64(s + S_BLOCKED) & (1L << 8 | 1L << 18)) != 0) img.problems.add("signal record: SIGKILL or SIGSTOP blocked");
        int dsig = v.r32(s + S_DELIVER_SIG);
        if (dsig < 0 || dsig > NSIG) img.problems.add("signal record: signal " + dsig + " being delivered");
        if ((v.r32(s + S_ALT_FLAGS) & ~3) != 0) img.problems.add("signal record: alternate stack flags invalid");
    }

    /**
     * The checks between processes: every parent exists, no cycle, a vfork child borrows its live parent's address
     * space. Problems go to the child (it is the one whose record is wrong).
     */
    static void validateTree(KMem v, long tasks, List<CrashKernel.Image> images) {
        Map<Integer, CrashKernel.Image> byPid = new HashMap<>();
        for (CrashKernel.Image img : images) if (img.pid > 0) byPid.putIfAbsent(img.pid, img);
        for (CrashKernel.Image img : images) {
            if (img.ppid > 0 && !byPid.containsKey(img.ppid)) {
                img.problems.add("parent pid " + img.ppid + " does not exist");
            }
            int steps = 0;
            CrashKernel.Image up = img;
            while (up != null && up.ppid > 0 && steps <= images.size()) {
                up = byPid.get(up.ppid);
                steps++;
                if (up == img) {
                    img.problems.add("cycle in the process tree through pid " + img.pid);
                    break;
                }
            }
            if (img.vmLender >= 0 && img.state != TASK_ZOMBIE && !img.execApplied) {
                CrashKernel.Image lender = null;
                for (CrashKernel.Image o : images) if (o.slot == img.vmLender) lender = o;
                long t = tasks + (long) img.slot * TASK.size();
                if (lender == null || lender.pid != img.ppid || lender.state == TASK_ZOMBIE
                        || v.r64(tasks + (long) lender.slot * TASK.size() + T_SATP) != v.r64(t + T_SATP)) {
                    img.problems.add("vfork child: its address space is not its live parent's");
                }
            }
        }
        // a borrower of a refused lender has no address space of its own
        for (CrashKernel.Image img : images) {
            if (img.vmLender < 0 || img.execApplied || !img.problems.isEmpty()) continue;
            for (CrashKernel.Image o : images) {
                if (o.slot == img.vmLender && !o.problems.isEmpty()) img.problems.add("vfork child of a refused process");
            }
        }
    }

    /** Whether some resurrected vfork child (not an exec'd one) borrows lender's address space: its pid, or 0. */
    static int borrower(List<CrashKernel.Image> images, CrashKernel.Image lender) {
        for (CrashKernel.Image img : images) {
            if (img.problems.isEmpty() && img.state != TASK_ZOMBIE && !img.execApplied && img.vmLender == lender.slot) {
                return img.pid;
            }
        }
        return 0;
    }

    /**
     * The PROC and SIGS records of a process that comes back, copied; its parent re-parented if it does not come
     * back; a vfork child's loan kept only while it borrows; an exec applied by the crash kernel keeps PENDING (its
     * tail is made again) with exec_satp := the address space built for it; an exec not committed is forgotten.
     */
    static void rebuild(KMem v, long procs, long sigs, DirectMem own, long newProcs, long newSigs,
                        List<CrashKernel.Image> images, CrashKernel.Image img, long newSatp) {
        long p = procs + (long) img.slot * PROC.size();
        long np = newProcs + (long) img.slot * PROC.size();
        byte[] rec = new byte[PROC.size()];
        v.read(p, rec, 0, rec.length);
        own.write(np, rec, 0, rec.length);
        boolean parentBack = img.ppid == 0;
        boolean initBack = false;
        for (CrashKernel.Image o : images) {
            if (o.pid == img.ppid && o.problems.isEmpty()) parentBack = true; // a zombie parent too: it comes back to reap
            if (o.pid == 1 && o.problems.isEmpty() && o.state != TASK_ZOMBIE) initBack = true;
        }
        if (!parentBack) own.w32(np + P_PPID, initBack && img.pid != 1 ? 1 : 0);
        if (img.execApplied) {
            own.w64(np + P_EXEC_SATP, newSatp);
            own.w32(np + P_VM_PARENT, 0);
        } else {
            own.w32(np + P_EXEC_STATE, 0);
        }
        if (img.state == TASK_ZOMBIE) own.w32(np + P_VM_PARENT, 0);
        long s = sigs + (long) img.slot * SIGS.size();
        long ns = newSigs + (long) img.slot * SIGS.size();
        byte[] srec = new byte[SIGS.size()];
        v.read(s, srec, 0, srec.length);
        own.write(ns, srec, 0, srec.length);
    }

    /** A vfork lender whose child still borrows its address space waits for it, as before the crash. */
    static void blockLender(DirectMem own, long newTask, int borrowerPid) {
        own.w32(newTask + T_STATE, TASK_BLOCKED);
        own.w64(newTask + T_WAIT, Channels.of(Channels.VFORK, borrowerPid));
    }
}
