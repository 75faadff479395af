package otherworld.kernel.sys;

/** System-call numbers, named and numbered as in Linux's include/uapi/asm-generic/unistd.h (RISC-V uses these). */
public final class Sysno {
    private Sysno() { }

    public static final int GETCWD = 17;
    public static final int IOCTL = 29;
    public static final int UNLINKAT = 35;
    public static final int OPENAT = 56;
    public static final int CLOSE = 57;
    public static final int LSEEK = 62;
    public static final int READ = 63;
    public static final int WRITE = 64;
    public static final int READLINKAT = 78;
    public static final int NEWFSTATAT = 79;
    public static final int FSTAT = 80;
    public static final int FSYNC = 82;
    public static final int EXIT = 93;
    public static final int EXIT_GROUP = 94;
    public static final int SET_TID_ADDRESS = 96;
    public static final int SET_ROBUST_LIST = 99;
    public static final int GETPID = 172;
    public static final int GETPPID = 173;
    public static final int GETUID = 174;
    public static final int GETEUID = 175;
    public static final int GETGID = 176;
    public static final int GETEGID = 177;
    public static final int GETTID = 178;
    public static final int BRK = 214;
    public static final int MPROTECT = 226;
    public static final int PRLIMIT64 = 261;
    public static final int GETRANDOM = 278;

    public static String name(int nr) {
        return switch (nr) {
            case GETCWD -> "getcwd";
            case IOCTL -> "ioctl";
            case UNLINKAT -> "unlinkat";
            case OPENAT -> "openat";
            case CLOSE -> "close";
            case LSEEK -> "lseek";
            case READ -> "read";
            case WRITE -> "write";
            case READLINKAT -> "readlinkat";
            case NEWFSTATAT -> "newfstatat";
            case FSTAT -> "fstat";
            case FSYNC -> "fsync";
            case EXIT -> "exit";
            case EXIT_GROUP -> "exit_group";
            case SET_TID_ADDRESS -> "set_tid_address";
            case SET_ROBUST_LIST -> "set_robust_list";
            case GETPID -> "getpid";
            case GETPPID -> "getppid";
            case GETUID -> "getuid";
            case GETEUID -> "geteuid";
            case GETGID -> "getgid";
            case GETEGID -> "getegid";
            case GETTID -> "gettid";
            case BRK -> "brk";
            case MPROTECT -> "mprotect";
            case PRLIMIT64 -> "prlimit64";
            case GETRANDOM -> "getrandom";
            default -> "syscall_" + nr;
        };
    }
}
