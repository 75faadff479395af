package otherworld.kernel.layout;

import java.util.List;

/**
 * The layout table: every structure the kernel keeps in guest RAM, its magic, version and fields. Both kernels
 * (main and crash) and the tests take offsets from here and nowhere else. {@code ow layout} prints it.
 *
 * <p>Physical memory map (RAM starts at 0x8000_0000):
 * <pre>
 *   BASE + 0x0000   guard page (never mapped)
 *   BASE + 0x1000   ROOT: the root descriptor, at a fixed address known to every kernel
 *   BASE + 0x10000  the boot kernel's region (header, tables, cache, resurrection record; then a page-table pool)
 *   next            the crash region, reserved at boot for the crash kernel
 *   the rest        user frames (and page-table frames of the main kernel)
 * </pre>
 */
public final class Layouts {
    private Layouts() { }

    /** Fixed physical address of the root descriptor. */
    public static final long ROOT_PA = 0x8000_1000L;
    /** Where the boot kernel's region starts. */
    public static final long FIRST_REGION_PA = 0x8001_0000L;

    public static final int MAX_TASKS = 16;
    public static final int MAX_FILES = 64;
    public static final int NOFILE = 16;
    public static final int MAX_VMAS = 8;
    public static final int MAX_TTYS = 8;
    public static final int TTY_BUF = 4096;
    public static final int NAME_LEN = 64;

    /** The root descriptor: one pointer that says which kernel header is current. Writing it is the commit. */
    public static final Struct ROOT = new Struct("root", Struct.magic("OWRT"), 1);
    public static final int ROOT_HEADER = ROOT.field("header_pa", 8, "physical address of the current kernel header");

    /** The kernel header: where everything else is. Lives at the start of the kernel's region. */
    public static final Struct KHDR = new Struct("kernel_header", Struct.magic("KHDR"), 2);
    public static final int KH_GENERATION = KHDR.field("generation", 8, "number of crashes survived by this machine");
    public static final int KH_MODE = KHDR.field("mode", 4, "0 off, 1 default (Otherworld)");
    public static final int KH_NTTYS = KHDR.field("nttys", 4, "number of tty records");
    public static final int KH_RAM_BASE = KHDR.field("ram_base", 8, "first byte of RAM");
    public static final int KH_RAM_SIZE = KHDR.field("ram_size", 8, "RAM size in bytes");
    public static final int KH_REGION_BASE = KHDR.field("region_base", 8, "this kernel's region");
    public static final int KH_REGION_SIZE = KHDR.field("region_size", 8, "");
    public static final int KH_CRASH_BASE = KHDR.field("crash_base", 8, "region reserved for the crash kernel (0: none)");
    public static final int KH_CRASH_SIZE = KHDR.field("crash_size", 8, "");
    public static final int KH_BITMAP = KHDR.field("bitmap_pa", 8, "frame bitmap, one bit a frame of RAM, 1 = used");
    public static final int KH_NFRAMES = KHDR.field("nframes", 8, "frames in RAM");
    public static final int KH_TASKS = KHDR.field("tasks_pa", 8, "task table (MAX_TASKS records)");
    public static final int KH_FILES = KHDR.field("files_pa", 8, "open-file table (MAX_FILES records)");
    public static final int KH_TTYS = KHDR.field("ttys_pa", 8, "tty records (MAX_TTYS)");
    public static final int KH_CACHE = KHDR.field("cache_pa", 8, "block cache (see BlockCache layouts)");
    public static final int KH_CACHE_SLOTS = KHDR.field("cache_slots", 8, "");
    public static final int KH_PT_POOL = KHDR.field("pt_pool_pa", 8, "first frame of the region's page-table pool");
    public static final int KH_NEXT_PID = KHDR.field("next_pid", 8, "");
    public static final int KH_RANDOM = KHDR.field("random_state", 8, "getrandom's generator state (seeded)");
    public static final int KH_CURRENT = KHDR.field("current", 8,
            "task index dispatched last; after a system call the same task runs again before any other");
    public static final int KH_LAST_FLUSH = KHDR.field("last_flush", 8, "clock (instructions) of the last flusher run");
    public static final int KH_RECOVERY = KHDR.field("recovery_pa", 8, "recovery procedures (MAX_TASKS RECOVERY records)");

    /**
     * A task: one process with one thread. The trap frame is written at every trap, in every mode, as Linux's
     * pt_regs is: the registers, the pc to resume at, and the trap's epc, cause and a0 (orig_a0). A system call
     * commits by writing tf_pc (epc + 4, after a0 = result): until then tf_pc == tf_epc and the call can be made
     * again from orig_a0 and the other registers; after it, its tail (writes after the commit) can be redone from
     * the same registers, a0 and sysword.
     */
    public static final Struct TASK = new Struct("task", Struct.magic("TASK"), 2);
    public static final int T_STATE = TASK.field("state", 4, "0 free, 1 runnable, 2 zombie, 3 blocked");
    public static final int T_WAIT = TASK.field("wait_channel", 8, "what a blocked task waits for (Kernel.block)");
    public static final int T_PID = TASK.field("pid", 4, "");
    public static final int T_EXIT = TASK.field("exit_status", 4, "wait status once a zombie");
    public static final int T_TTY = TASK.field("tty", 4, "controlling tty index");
    public static final int T_SATP = TASK.field("satp", 8, "Sv39 satp of the address space");
    public static final int T_BRK_BASE = TASK.field("brk_base", 8, "start of the heap");
    public static final int T_BRK = TASK.field("brk", 8, "current program break");
    public static final int T_TID_ADDR = TASK.field("tid_address", 8, "set_tid_address");
    public static final int T_ROBUST = TASK.field("robust_list", 8, "set_robust_list head");
    public static final int T_NVMA = TASK.field("nvma", 4, "number of VMAs in use");
    public static final int T_NAME = TASK.field("name", NAME_LEN, "executable path, NUL-terminated");
    public static final int T_VMAS = TASK.field("vmas", MAX_VMAS * 24, "VMAs: {start u64, end u64, prot u64}");
    public static final int T_FD = TASK.field("fd", NOFILE * 4, "fd table: open-file index, -1 closed");
    public static final int T_SYSWORD = TASK.field("sysword", 8,
            "the one word some system calls need besides their registers to redo their tail (spec: in-flight rule)");
    public static final int T_PC = TASK.field("tf_pc", 8, "trap frame: pc to resume at");
    public static final int T_EPC = TASK.field("tf_epc", 8, "trap frame: pc of the trapping instruction");
    public static final int T_CAUSE = TASK.field("tf_cause", 8, "trap frame: RISC-V cause code of the trap (timer: -1)");
    public static final int T_ORIG_A0 = TASK.field("tf_orig_a0", 8, "trap frame: a0 at the trap (a system call's first argument)");
    public static final int T_FCSR = TASK.field("tf_fcsr", 8, "trap frame: fcsr");
    public static final int T_X = TASK.field("tf_x", 32 * 8, "trap frame: x0..x31");
    public static final int T_F = TASK.field("tf_f", 32 * 8, "trap frame: f0..f31 raw bits");

    /** tf_cause of a system call (RISC-V: environment call from U-mode). */
    public static final long CAUSE_ECALL = 8;

    public static final int TASK_FREE = 0;
    public static final int TASK_RUNNABLE = 1;
    public static final int TASK_ZOMBIE = 2;
    /** Waiting in a system call that could not proceed; woken, it makes the call again from its ecall. */
    public static final int TASK_BLOCKED = 3;

    /** An open file description, shared by the fds that point to it. */
    public static final Struct FILE = new Struct("file", Struct.magic("FILE"), 1);
    public static final int F_REFS = FILE.field("refs", 4, "fds pointing here; 0 = free");
    public static final int F_TYPE = FILE.field("type", 4, "1 regular file, 2 tty");
    public static final int F_FLAGS = FILE.field("flags", 4, "open flags (O_ACCMODE, O_APPEND)");
    public static final int F_INO = FILE.field("ino", 4, "ext2 inode number (regular files)");
    public static final int F_TTY = FILE.field("tty", 4, "tty index (ttys)");
    public static final int F_OFFSET = FILE.field("offset", 8, "file offset");

    public static final int FT_REG = 1;
    public static final int FT_TTY = 2;

    /** A terminal: the input ring (xv6-style counters) fed from its console device. */
    public static final Struct TTY = new Struct("tty", Struct.magic("TTY "), 2);
    public static final int TTY_CONSOLE = TTY.field("console", 4, "console device index");
    public static final int TTY_OUT = TTY.field("out", 8,
            "bytes handed to the device by committed writes: the device's bytes_out minus this is a write in flight");
    public static final int TTY_NREAD = TTY.field("nread", 8, "bytes ever read by processes");
    public static final int TTY_NWRITE = TTY.field("nwrite", 8, "bytes ever received from the device");
    public static final int TTY_EOF = TTY.field("eof", 4, "device reported end of input");
    public static final int TTY_DATA = TTY.field("buf", TTY_BUF, "ring buffer, index = counter % size");

    /**
     * A registered recovery procedure, one record per task slot (index = task slot), in its own table (issue 11): what
     * ow_recovery registered, and whether a resurrection has sent the task to it. Valid for the task whose pid it
     * names (pids are never reused). Validated and rebuilt by {@code resurrect.Recovery}.
     */
    public static final Struct RECOVERY = new Struct("recovery", Struct.magic("RCVY"), 1);
    public static final int RC_PID = RECOVERY.field("pid", 4, "the task that registered it; 0: none");
    public static final int RC_RUNS = RECOVERY.field("runs", 4, "times a resurrection sent the task to its procedure");
    public static final int RC_ENTRY = RECOVERY.field("entry", 8, "user address of the procedure; 0: none");
    public static final int RC_STACK = RECOVERY.field("stack", 8, "lowest user address of its stack");
    public static final int RC_SIZE = RECOVERY.field("stack_size", 8, "bytes of its stack");
    public static final int RC_PENDING = RECOVERY.field("pending_frame", 8,
            "user address of the frame a crash kernel wrote for it; the new kernel sends the task there, then clears it");
    public static final int RC_RETURNING = RECOVERY.field("returning_frame", 8,
            "user address of the frame ow_recovery_return is restoring; cleared when done (a crash kernel completes it)");

    /**
     * The frame a resurrected task finds at a0 (and sp) when its recovery procedure starts, in its recovery stack
     * (user ABI, spec section 5.3): what happened, and the context it was in, which ow_recovery_return resumes.
     */
    public static final Struct RFRAME = new Struct("recovery_frame", Struct.magic("RFRM"), 1);
    public static final int RF_GENERATION = RFRAME.field("generation", 8, "crashes the machine has survived");
    public static final int RF_SYSCALL = RFRAME.field("syscall", 8, "number of the system call in flight, or -1");
    public static final int RF_CALL_STATE = RFRAME.field("call_state", 8,
            "0 no call in flight; 1 not made (made again on return); 2 made (its tail redone); 3 completed");
    public static final int RF_RESTORED = RFRAME.field("restored", 8, "bits: 1 memory, 2 registers, 4 files, 8 tty");
    public static final int RF_NFDS = RFRAME.field("nfds", 8, "open fds restored");
    public static final int RF_PC = RFRAME.field("pc", 8, "where the task resumes on ow_recovery_return");
    public static final int RF_X = RFRAME.field("x", 32 * 8, "its integer registers (x0 unused)");
    public static final int RF_F = RFRAME.field("f", 32 * 8, "its floating-point registers, raw bits");
    public static final int RF_FCSR = RFRAME.field("fcsr", 8, "its fcsr");

    /** The crash kernel's progress record, in its own page of the crash region's structures (Region.rrec). */
    public static final Struct RREC = new Struct("resurrection_record", Struct.magic("RREC"), 1);
    public static final int R_DEAD_HEADER = RREC.field("dead_header_pa", 8, "header of the kernel being resurrected");
    public static final int R_ATTEMPT = RREC.field("attempt", 4, "crash-kernel starts for this crash");
    public static final int R_PHASE = RREC.field("phase", 4, "1 validating, 2 flushing, 3 building, 4 committed");

    public static List<Struct> all() {
        return List.of(ROOT, KHDR, TASK, FILE, TTY, RECOVERY, RFRAME, RREC);
    }
}
