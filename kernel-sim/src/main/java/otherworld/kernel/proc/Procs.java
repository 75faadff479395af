package otherworld.kernel.proc;

import static otherworld.kernel.layout.Layouts.*;

import otherworld.kernel.mem.KMem;

/**
 * The process table ({@code Layouts.PROC}, one record per task slot): the tree (ppid), process groups and sessions,
 * the close-on-exec flags of the fds, a vfork child's borrowed address space, and an execve's new image between its
 * commit and the end of its tail. A view: it holds nothing but addresses.
 */
public final class Procs {
    private final KMem mem;
    private final long base;
    private final long tasksPa;

    public Procs(KMem mem, long base, long tasksPa) {
        this.mem = mem;
        this.base = base;
        this.tasksPa = tasksPa;
    }

    public static void format(KMem mem, long base) {
        for (int i = 0; i < MAX_TASKS; i++) PROC.init(mem, base + (long) i * PROC.size());
    }

    public long record(int slot) { return base + (long) slot * PROC.size(); }

    public int ppid(int slot) { return mem.r32(record(slot) + P_PPID); }
    public int pgid(int slot) { return mem.r32(record(slot) + P_PGID); }
    public int sid(int slot) { return mem.r32(record(slot) + P_SID); }
    public int exitSignal(int slot) { return mem.r32(record(slot) + P_EXIT_SIGNAL); }
    /** The slot whose address space a vfork child borrows, or -1. */
    public int vmParent(int slot) { return mem.r32(record(slot) + P_VM_PARENT) - 1; }
    public long cloexec(int slot) { return mem.r64(record(slot) + P_CLOEXEC); }
    public boolean cloexec(int slot, int fd) { return (cloexec(slot) >>> fd & 1) != 0; }
    public int execState(int slot) { return mem.r32(record(slot) + P_EXEC_STATE); }

    /** Absolute writes, each skipped when the value is there already (so a tail made again writes nothing). */
    public void setPpid(int slot, int v) { set32(record(slot) + P_PPID, v); }
    public void setPgid(int slot, int v) { set32(record(slot) + P_PGID, v); }
    public void setSid(int slot, int v) { set32(record(slot) + P_SID, v); }
    public void setVmParent(int slot, int parentSlot) { set32(record(slot) + P_VM_PARENT, parentSlot + 1); }
    public void setExecState(int slot, int v) { set32(record(slot) + P_EXEC_STATE, v); }

    /** fd's close-on-exec flag := on (every install of an fd sets it, so a closed fd's stale bit never matters). */
    public void setCloexec(int slot, int fd, boolean on) {
        long m = cloexec(slot);
        long n = on ? m | 1L << fd : m & ~(1L << fd);
        if (n != m) mem.w64(record(slot) + P_CLOEXEC, n);
    }

    /** A new process in slot: its place in the tree, group, session, exit signal and fd flags. */
    public void create(int slot, int ppid, int pgid, int sid, int exitSignal, long cloexec, int vmParentSlot) {
        long r = record(slot);
        PROC.init(mem, r);
        mem.w32(r + P_PPID, ppid);
        mem.w32(r + P_PGID, pgid);
        mem.w32(r + P_SID, sid);
        mem.w32(r + P_EXIT_SIGNAL, exitSignal);
        mem.w32(r + P_VM_PARENT, vmParentSlot + 1);
        mem.w64(r + P_CLOEXEC, cloexec);
    }

    private void set32(long pa, int v) {
        if (mem.r32(pa) != v) mem.w32(pa, v);
    }

    // ---- the tree, read from the task table ------------------------------------------------------------------

    private long task(int slot) { return tasksPa + (long) slot * TASK.size(); }

    public int state(int slot) { return mem.r32(task(slot) + T_STATE); }
    public int pid(int slot) { return mem.r32(task(slot) + T_PID); }

    /** The slot of the live or zombie process pid, or -1. */
    public int slotOf(int pid) {
        if (pid <= 0) return -1;
        for (int i = 0; i < MAX_TASKS; i++) if (state(i) != TASK_FREE && pid(i) == pid) return i;
        return -1;
    }

    /** Whether some process other than except is in process group pgid (in session sid, if sid > 0). */
    public boolean groupExists(int pgid, int sid, int except) {
        for (int i = 0; i < MAX_TASKS; i++) {
            if (i == except || state(i) == TASK_FREE || state(i) == TASK_ZOMBIE) continue;
            if (pgid(i) == pgid && (sid <= 0 || sid(i) == sid)) return true;
        }
        return false;
    }

    // ---- execve's new image ----------------------------------------------------------------------------------

    public static final int EXEC_PENDING = 1;

    /** Record the new image of an execve (before its commit: nothing reads it until exec_state says so). */
    public void recordExec(int slot, Exec.Image img, int vmaList, byte[] name) {
        long r = record(slot);
        mem.w64(r + P_EXEC_SATP, img.pageTable().satp());
        mem.w64(r + P_EXEC_ENTRY, img.entry());
        mem.w64(r + P_EXEC_SP, img.sp());
        mem.w64(r + P_EXEC_BRK, img.brk());
        mem.w32(r + P_EXEC_VLIST, vmaList);
        byte[] n = new byte[NAME_LEN];
        System.arraycopy(name, 0, n, 0, Math.min(name.length, NAME_LEN - 1));
        mem.write(r + P_EXEC_NAME, n, 0, n.length);
    }

    /**
     * An execve's new image into the task record: name, break, address space, and the registers a new program
     * starts with (all zero but sp, at its entry point). Absolute writes from the process record: made again, the
     * same. The crash kernel applies it to its copy of a task whose execve had committed (on memory it owns). The new
     * image's VMAs wait in the list {@code exec_vlist} of the task's VMA table; the tail puts that list in force.
     */
    public static void applyExec(KMem mem, long taskPa, long procPa) {
        byte[] name = new byte[NAME_LEN];
        mem.read(procPa + P_EXEC_NAME, name, 0, NAME_LEN);
        mem.write(taskPa + T_NAME, name, 0, NAME_LEN);
        mem.w64(taskPa + T_BRK_BASE, mem.r64(procPa + P_EXEC_BRK));
        mem.w64(taskPa + T_BRK, mem.r64(procPa + P_EXEC_BRK));
        mem.w64(taskPa + T_SATP, mem.r64(procPa + P_EXEC_SATP));
        mem.zero(taskPa + T_X, 32 * 8);
        mem.zero(taskPa + T_F, 32 * 8);
        mem.w64(taskPa + T_FCSR, 0);
        mem.w64(taskPa + T_X + 8L * 2, mem.r64(procPa + P_EXEC_SP));
        mem.w64(taskPa + T_PC, mem.r64(procPa + P_EXEC_ENTRY));
    }
}
