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

    public static final int MAX_TASKS = 64;
    public static final int MAX_FILES = 128;
    public static final int NOFILE = 64;
    /** VMAs a task may have (Linux allows 65530; real programs use tens). */
    public static final int MAX_VMAS = 128;
    /** File pages mapped shared, machine-wide (16 MiB of shared file mappings). */
    public static final int MAX_FPAGES = 4096;
    public static final int MAX_TTYS = 8;
    public static final int TTY_BUF = 4096;
    public static final int NAME_LEN = 64;
    public static final int NSIG = 64;
    public static final int MAX_PIPES = 32;
    /** Bytes a pipe buffers. */
    public static final int PIPE_SIZE = 8192;
    /** A pipe write of at most this many bytes is atomic (POSIX PIPE_BUF). */
    public static final int PIPE_BUF = 4096;

    /** The root descriptor: one pointer that says which kernel header is current. Writing it is the commit. */
    public static final Struct ROOT = new Struct("root", Struct.magic("OWRT"), 1);
    public static final int ROOT_HEADER = ROOT.field("header_pa", 8, "physical address of the current kernel header");

    /** The kernel header: where everything else is. Lives at the start of the kernel's region. */
    public static final Struct KHDR = new Struct("kernel_header", Struct.magic("KHDR"), 4);
    public static final int KH_GENERATION = KHDR.field("generation", 8, "number of crashes survived by this machine");
    public static final int KH_MODE = KHDR.field("mode", 4, "0 off, 1 default (Otherworld), 2 enhanced");
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
    public static final int KH_PROCS = KHDR.field("procs_pa", 8, "process table (MAX_TASKS records, one per task slot)");
    public static final int KH_SIGNALS = KHDR.field("signals_pa", 8, "signal table (MAX_TASKS records, one per task slot)");
    public static final int KH_PIPES = KHDR.field("pipes_pa", 8, "pipe table (MAX_PIPES records)");
    public static final int KH_FRAME_REFS = KHDR.field("frame_refs_pa", 8,
            "u16 per frame of RAM: mappings of a user frame beyond the first (copy-on-write sharing); derived after a crash");
    public static final int KH_VMAS = KHDR.field("vmas_pa", 8, "VMA tables (MAX_TASKS records, one per task slot)");
    public static final int KH_FPAGES = KHDR.field("fpages_pa", 8, "shared file pages (one FPAGES table)");
    public static final int KH_SLEEPS = KHDR.field("sleeps_pa", 8, "sleep deadlines (MAX_TASKS records, one per task slot)");
    public static final int KH_FSCTX = KHDR.field("fsctx_pa", 8, "file-system contexts (MAX_TASKS FSCTX records)");
    public static final int KH_TINFO = KHDR.field("tinfo_pa", 8, "task information (MAX_TASKS TINFO records)");
    public static final int KH_LOCKS = KHDR.field("locks_pa", 8, "file locks (MAX_LOCKS LOCK records)");
    public static final int KH_RECOVERY = KHDR.field("recovery_pa", 8, "recovery procedures (MAX_TASKS RECOVERY records)");
    public static final int KH_CODES = KHDR.field("codes_pa", 8,
            "enhanced mode: check bytes, one per word from region_base up to here (CheckBits); 0 in default mode");
    public static final int KH_TABLE_CODES = KHDR.field("table_codes_pa", 8,
            "enhanced mode: check bytes of page tables, one per word of RAM (A and D bits left out), at the top of RAM; 0 in default mode");

    /**
     * A task: one process with one thread. The trap frame is written at every trap, in every mode, as Linux's
     * pt_regs is: the registers, the pc to resume at, and the trap's epc, cause and a0 (orig_a0). A system call
     * commits by writing tf_pc (epc + 4, after a0 = result): until then tf_pc == tf_epc and the call can be made
     * again from orig_a0 and the other registers; after it, its tail (writes after the commit) can be redone from
     * the same registers, a0 and sysword.
     */
    public static final Struct TASK = new Struct("task", Struct.magic("TASK"), 3);
    public static final int T_STATE = TASK.field("state", 4, "0 free, 1 runnable, 2 zombie, 3 blocked, 4 stopped");
    public static final int T_WAIT = TASK.field("wait_channel", 8, "what a blocked task waits for (Kernel.block)");
    public static final int T_PID = TASK.field("pid", 4, "");
    public static final int T_EXIT = TASK.field("exit_status", 4, "wait status once a zombie");
    public static final int T_TTY = TASK.field("tty", 4, "controlling tty index");
    public static final int T_SATP = TASK.field("satp", 8, "Sv39 satp of the address space");
    public static final int T_BRK_BASE = TASK.field("brk_base", 8, "start of the heap");
    public static final int T_BRK = TASK.field("brk", 8, "current program break");
    public static final int T_TID_ADDR = TASK.field("tid_address", 8, "set_tid_address");
    public static final int T_ROBUST = TASK.field("robust_list", 8, "set_robust_list head");
    public static final int T_NAME = TASK.field("name", NAME_LEN, "executable path, NUL-terminated");
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
    /**
     * tf_cause once a signal's delivery has committed (its frame is on the user stack): until the process runs, a
     * resurrected kernel makes the delivery's tail again (registers for the handler, mask, pending bit).
     */
    public static final long CAUSE_SIGNAL = -2;
    /** tf_cause once rt_sigreturn's tail began: its registers are restored again from the frame at sysword. */
    public static final long CAUSE_SIGRETURN = -3;

    public static final int TASK_FREE = 0;
    public static final int TASK_RUNNABLE = 1;
    public static final int TASK_ZOMBIE = 2;
    /** Waiting in a system call that could not proceed; woken, it makes the call again from its ecall. */
    public static final int TASK_BLOCKED = 3;
    /** Stopped by a signal (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU) until SIGCONT or SIGKILL. */
    public static final int TASK_STOPPED = 4;

    /**
     * A process (one per task slot, the same index): its place in the tree, its group and session, its fds'
     * close-on-exec flags, and the new image of an execve between its commit and the end of its tail.
     */
    public static final Struct PROC = new Struct("proc", Struct.magic("PROC"), 2);
    public static final int P_PPID = PROC.field("ppid", 4, "parent's pid; 0: started by the host (never reaped)");
    public static final int P_PGID = PROC.field("pgid", 4, "process group");
    public static final int P_SID = PROC.field("sid", 4, "session");
    public static final int P_EXIT_SIGNAL = PROC.field("exit_signal", 4, "signal the parent gets at exit (clone's low byte)");
    public static final int P_VM_PARENT = PROC.field("vm_parent", 4,
            "vfork child: 1 + the slot whose address space it borrows until it execs or exits; 0: its own");
    public static final int P_EXEC_STATE = PROC.field("exec_state", 4, "1: an execve committed, its tail not finished");
    public static final int P_JOBCTL = PROC.field("jobctl", 4,
            "wait4's news of a stop or continue: 0 none, signal<<8|1 stopped not yet reported, 2 continued not reported");
    public static final int P_CLOEXEC = PROC.field("cloexec", 8, "bit fd set: fd is closed on execve (FD_CLOEXEC)");
    public static final int P_EXEC_SATP = PROC.field("exec_satp", 8, "execve: the new address space");
    public static final int P_EXEC_ENTRY = PROC.field("exec_entry", 8, "execve: the new image's entry point");
    public static final int P_EXEC_SP = PROC.field("exec_sp", 8, "execve: the new stack pointer");
    public static final int P_EXEC_BRK = PROC.field("exec_brk", 8, "execve: the new program break");
    public static final int P_EXEC_VLIST = PROC.field("exec_vlist", 4,
            "execve: the list of its VMA table (VMAT) where the new image's VMAs are staged, put in force by its tail");
    public static final int P_EXEC_NAME = PROC.field("exec_name", NAME_LEN, "execve: the new image's path");

    /**
     * A process's signal state (one per task slot): what it blocks and has pending, what each signal does, its
     * alternate stack, and the delivery in progress (from its commit, tf_cause := CAUSE_SIGNAL, to the end of its tail).
     */
    public static final Struct SIGS = new Struct("signals", Struct.magic("SIGS"), 1);
    public static final int S_BLOCKED = SIGS.field("blocked", 8, "bit s-1: signal s blocked");
    public static final int S_PENDING = SIGS.field("pending", 8, "bit s-1: signal s pending");
    public static final int S_DELIVER_SIG = SIGS.field("deliver_sig", 4, "the signal being delivered (see tf_cause)");
    public static final int S_ALT_FLAGS = SIGS.field("altstack_flags", 4, "sigaltstack ss_flags (SS_DISABLE)");
    public static final int S_DELIVER_SP = SIGS.field("deliver_sp", 8, "the signal frame's address on the user stack");
    public static final int S_ALT_SP = SIGS.field("altstack_sp", 8, "sigaltstack ss_sp");
    public static final int S_ALT_SIZE = SIGS.field("altstack_size", 8, "sigaltstack ss_size");
    public static final int S_ACTIONS = SIGS.field("actions", NSIG * 24, "per signal: {handler u64, flags u64, mask u64}");
    public static final int S_INFO = SIGS.field("info", NSIG * 16,
            "per pending signal: {si_code i32, si_pid i32, si_status or si_addr u64}");

    /**
     * A pipe: xv6's two ever-growing counters (nwrite − nread bytes are waiting, index = counter mod size). Its
     * readers and writers are the open files that name it (counted, never kept). A write of more than PIPE_BUF bytes
     * owns the write side until it ends: its progress is nwrite − base, advanced by the same write that shows its bytes.
     */
    public static final Struct PIPE = new Struct("pipe", Struct.magic("PIPE"), 1);
    public static final int PI_NREAD = PIPE.field("nread", 8, "bytes ever read");
    public static final int PI_NWRITE = PIPE.field("nwrite", 8, "bytes ever written");
    public static final int PI_OWNER = PIPE.field("owner", 4, "pid of the writer of more than PIPE_BUF bytes in progress, or 0");
    public static final int PI_BASE = PIPE.field("base", 8, "nwrite when the owner's write began");
    public static final int PI_DATA = PIPE.field("buf", PIPE_SIZE, "ring buffer, index = counter % size");

    /** An open file description, shared by the fds that point to it. */
    public static final Struct FILE = new Struct("file", Struct.magic("FILE"), 1);
    public static final int F_REFS = FILE.field("refs", 4, "fds pointing here; 0 = free");
    public static final int F_TYPE = FILE.field("type", 4, "1 regular file, 2 tty, 3 pipe, 4 memory device");
    public static final int F_FLAGS = FILE.field("flags", 4, "open flags (O_ACCMODE, O_APPEND, O_NONBLOCK)");
    public static final int F_INO = FILE.field("ino", 4, "ext2 inode number (regular files, devices), pipe index (pipes)");
    public static final int F_TTY = FILE.field("tty", 4, "tty index (ttys), minor (devices)");
    public static final int F_OFFSET = FILE.field("offset", 8, "file offset");

    public static final int FT_REG = 1;
    public static final int FT_TTY = 2;
    /** A pipe end: F_INO is the pipe's index, F_FLAGS's access mode says which end. */
    public static final int FT_PIPE = 3;
    /**
     * A memory character device (null, zero, full, random, urandom: major 1) opened through its node: F_INO is the
     * node's inode, F_TTY the minor (sys.Devices).
     */
    public static final int FT_DEV = 4;

    /**
     * F_FLAGS bit of a tty description that stands for a host pipe or file (ow run with a redirected stream): the
     * guest sees no terminal there (ioctl ENOTTY, fstat S_IFIFO), as under qemu-riscv64.
     */
    public static final int FF_NOT_A_TERMINAL = 1 << 30;
    /** F_FLAGS bit of a description opened with O_PATH-like intent to a directory (getdents, fchdir, *at calls). */
    public static final int FF_DIRECTORY = 1 << 29;
    /**
     * F_FLAGS bit of an O_TMPFILE description opened without O_EXCL: linkat with AT_EMPTY_PATH may give its inode a
     * name while it has none (Linux's I_LINKABLE); cleared when it gets one.
     */
    public static final int FF_LINKABLE = 1 << 28;

    /**
     * A task's file-system context, one record per task slot (index = task slot), in its own table so that the
     * task record does not grow (issue 9): working directory and umask. Validated and rebuilt by
     * {@code resurrect.TaskTables}; a fork copies the parent's record.
     */
    public static final Struct FSCTX = new Struct("fs_context", Struct.magic("FSCX"), 1);
    public static final int FS_CWD = FSCTX.field("cwd_ino", 4, "ext2 inode of the working directory (0: the root)");
    public static final int FS_UMASK = FSCTX.field("umask", 4, "file mode creation mask (022 at spawn)");

    /**
     * What the information calls report about a task, one record per task slot: credentials (getuid family,
     * setres[ug]id), scheduling priority (getpriority/setpriority), the name prctl(PR_SET_NAME) gives, and the
     * instructions it ran (times, getrusage, the CPU-time clocks; charged by the run loop).
     */
    public static final Struct TINFO = new Struct("task_info", Struct.magic("TINF"), 1);
    public static final int TI_UID = TINFO.field("uid", 4, "real user id");
    public static final int TI_EUID = TINFO.field("euid", 4, "effective user id");
    public static final int TI_SUID = TINFO.field("suid", 4, "saved user id");
    public static final int TI_GID = TINFO.field("gid", 4, "real group id");
    public static final int TI_EGID = TINFO.field("egid", 4, "effective group id");
    public static final int TI_SGID = TINFO.field("sgid", 4, "saved group id");
    public static final int TI_NICE = TINFO.field("nice", 4, "nice value, -20..19");
    public static final int TI_COMM = TINFO.field("comm", 16, "name (prctl PR_SET_NAME), NUL-terminated");
    public static final int TI_UTIME = TINFO.field("utime", 8, "instructions retired in user mode");
    public static final int TI_START = TINFO.field("start", 8, "clock (instructions) when the task started");

    /**
     * File locks, one table for the machine: POSIX record locks (owned by a process), open-file-description locks
     * and flock locks (owned by an open file). A lock covers [start, end) of an inode; end = Long.MAX_VALUE is
     * "to the end of the file, however long". Released on close and exit; resurrected with their owners.
     */
    public static final Struct LOCK = new Struct("file_lock", Struct.magic("FLCK"), 1);
    public static final int L_KIND = LOCK.field("kind", 4, "0 free, 1 POSIX (owner: pid), 2 OFD, 3 flock (owner: open file)");
    public static final int L_TYPE = LOCK.field("type", 4, "1 read (shared), 2 write (exclusive)");
    public static final int L_OWNER = LOCK.field("owner", 4, "pid (POSIX) or open-file index (OFD, flock)");
    public static final int L_INO = LOCK.field("ino", 4, "ext2 inode locked");
    public static final int L_START = LOCK.field("start", 8, "first byte");
    public static final int L_END = LOCK.field("end", 8, "one past the last byte; Long.MAX_VALUE: to EOF");
    public static final int MAX_LOCKS = 64;
    public static final int LOCK_POSIX = 1, LOCK_OFD = 2, LOCK_FLOCK = 3;

    /**
     * A terminal: the input ring (xv6-style counters) fed from its console device, holding the bytes as they were
     * typed; the line discipline's state (termios, window size, foreground group) beside it. Editing is interpreted
     * from the ring by the reader (tty.Tty), so a partly typed line is the bytes after nread and survives as they do.
     * nread <= nproc <= nwrite, nwrite - nread <= TTY_BUF.
     */
    public static final Struct TTY = new Struct("tty", Struct.magic("TTY "), 3);
    public static final int TTY_CONSOLE = TTY.field("console", 4, "console device index");
    public static final int TTY_OUT = TTY.field("out", 8,
            "bytes handed to the device by committed writes (and echoes): the device's bytes_out minus this is a write in flight");
    public static final int TTY_NREAD = TTY.field("nread", 8, "bytes of the ring ever consumed by readers");
    public static final int TTY_NWRITE = TTY.field("nwrite", 8, "bytes ever received from the device");
    public static final int TTY_EOF = TTY.field("eof", 4, "device reported end of input (no more will come)");
    public static final int TTY_SKIP = TTY.field("skip", 4,
            "bytes of the line at nread already returned to a canonical reader that asked for fewer");
    public static final int TTY_NPROC = TTY.field("nproc", 8,
            "bytes of the ring the discipline has acted on (echoed, signals sent); the byte at nproc is echoed before nproc moves");
    public static final int TTY_ECHO = TTY.field("echo", 8,
            "the echo under way: (its byte's index mod 2^32) << 32 | (bytes_out mod 2^32 when it began); written before its first byte");
    /** The kernel's struct termios of the Linux RISC-V ABI (asm-generic/termbits.h), as TCGETS copies it. */
    public static final int TTY_TERMIOS = TTY.field("termios", 36,
            "struct termios: c_iflag u32, c_oflag u32, c_cflag u32, c_lflag u32, c_line u8, c_cc[19] u8");
    public static final int TERMIOS_SIZE = 36;
    public static final int TTY_IFLAG = TTY_TERMIOS;
    public static final int TTY_OFLAG = TTY_TERMIOS + 4;
    public static final int TTY_CFLAG = TTY_TERMIOS + 8;
    public static final int TTY_LFLAG = TTY_TERMIOS + 12;
    public static final int TTY_LINE = TTY_TERMIOS + 16;
    public static final int TTY_CC = TTY_TERMIOS + 17;
    public static final int TTY_WINSIZE = TTY.field("winsize", 8,
            "struct winsize: ws_row, ws_col, ws_xpixel, ws_ypixel (u16 each), written as one word");
    public static final int TTY_PGRP = TTY.field("pgrp", 4, "foreground process group; 0: none");
    public static final int TTY_SID = TTY.field("sid", 4, "session this is the controlling tty of; 0: none");
    public static final int TTY_DEV_WINSIZE = TTY.field("dev_winsize", 8,
            "the console's window size last taken into winsize (a change of the device's is a SIGWINCH)");
    public static final int TTY_DATA = TTY.field("buf", TTY_BUF, "ring buffer, index = counter % size");

    /**
     * A task's VMAs: its address space as a list of mappings, sorted by address, not overlapping. Two lists, of
     * which {@code active} is in force: a call that changes the mappings writes the new list into the other one
     * (invisible), and one write of {@code active}, in its tail, makes it the task's (spec 5.1: the VMA calls).
     * Every page mapped in the task's page table lies inside a VMA of the active list, at every write.
     */
    public static final Struct VMAT = new Struct("vma_table", Struct.magic("VMAT"), 1);
    public static final int VT_ACTIVE = VMAT.field("active", 4, "the list in force: 0 or 1");
    public static final int VT_COUNT = VMAT.field("count", 8, "VMAs in list 0 (u32), then in list 1 (u32)");
    /** One VMA: a range of pages and what backs them. */
    public static final Struct VMA = Struct.entry("vma");
    public static final int V_START = VMA.field("start", 8, "first byte, page aligned");
    public static final int V_END = VMA.field("end", 8, "byte after the last, page aligned, > start");
    public static final int V_PGOFF = VMA.field("offset", 8, "file offset of start (file mappings), page aligned");
    public static final int V_PROT = VMA.field("prot", 4, "PROT_READ 1, PROT_WRITE 2, PROT_EXEC 4");
    public static final int V_FLAGS = VMA.field("flags", 4, "VM_SHARED 1, VM_FILE 2, VM_HEAP 4, VM_STACK 8, VM_GUARD 16");
    public static final int V_INO = VMA.field("ino", 4, "ext2 inode of a file mapping, else 0");
    public static final int VT_LISTS = VMAT.field("lists", 2 * MAX_VMAS * VMA.size(),
            "list 0 then list 1, MAX_VMAS entries each");

    public static final int VM_SHARED = 1;
    public static final int VM_FILE = 2;
    public static final int VM_HEAP = 4;
    public static final int VM_STACK = 8;
    public static final int VM_GUARD = 16;
    public static final int VM_ALL = VM_SHARED | VM_FILE | VM_HEAP | VM_STACK | VM_GUARD;

    /**
     * File pages mapped shared: for each, the frame that holds the block's data while any process maps it (spec 5.1,
     * shared file mappings). The page cache reads and writes such a block in this frame, not in a slot of its own
     * (BlockCache.Overlay), so read(2), write(2) and every mapping of the page see the same bytes. A page is dirty
     * when its DIRTY flag or the D bit of any PTE that maps it is set; a crash kernel writes dirty pages to disk.
     */
    public static final Struct FPAGES = new Struct("file_pages", Struct.magic("FPGS"), 1);
    public static final int FP_HWM = FPAGES.field("hwm", 4, "entries below this may be in use (a scan stops there)");
    public static final Struct FPAGE = Struct.entry("file_page");
    public static final int FE_STATE = FPAGE.field("state", 4, "0 free, 1 in use, 3 in use and dirty");
    public static final int FE_INO = FPAGE.field("ino", 4, "ext2 inode");
    public static final int FE_INDEX = FPAGE.field("index", 8, "page index in the file (offset / 4096)");
    public static final int FE_BLOCK = FPAGE.field("block", 8, "disk block holding that page");
    public static final int FE_FRAME = FPAGE.field("frame", 8, "physical frame holding the page's data");
    public static final int FP_ENTRIES = FPAGES.field("entries", MAX_FPAGES * FPAGE.size(), "MAX_FPAGES entries");

    public static final int FPAGE_FREE = 0;
    public static final int FPAGE_USED = 1;
    public static final int FPAGE_DIRTY = 2;

    /**
     * A sleeping task's deadline (nanosleep, clock_nanosleep, ppoll and pselect6 timeouts): armed by the call, kept
     * while it blocks and is made again, disarmed in its tail. One record per task slot.
     */
    public static final Struct SLEEP = new Struct("sleep", Struct.magic("SLEP"), 1);
    public static final int SL_ARMED = SLEEP.field("armed", 4, "1 while a call of this task waits for the deadline");
    public static final int SL_NR = SLEEP.field("nr", 4, "the system call that armed it");
    public static final int SL_EPC = SLEEP.field("epc", 8, "pc of that call's ecall");
    public static final int SL_DEADLINE = SLEEP.field("deadline", 8, "clock (instructions) at which it wakes");

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
        return List.of(ROOT, KHDR, TASK, PROC, SIGS, FILE, PIPE, TTY, FSCTX, TINFO, LOCK, VMAT, VMA, FPAGES, FPAGE, SLEEP,
                RECOVERY, RFRAME, RREC);
    }
}
