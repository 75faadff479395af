package otherworld.model;

/**
 * One named action of the next-state relation, with its parameters. The label says what the
 * action does in words; labels are unique among the actions enabled in a state, so a trace of
 * labels can be replayed.
 */
public final class Action {
    /** The action families of the spec (spec/crash-resurrection.md, section Actions). */
    public enum Kind {
        /** A user instruction: store a value to a page. */
        USER_STORE,
        /** ecall: a system call enters the kernel. */
        SYSCALL_ENTRY,
        /** The next micro-step of the system call in flight. */
        SYSCALL_STEP,
        /** The flusher writes one dirty page-cache block back (no call in flight). */
        FLUSHER,
        /** The running kernel crashes, optionally leaving one structure corrupt. */
        CRASH,
        /** The crash kernel itself crashes and is started again from the root descriptor. */
        CRASH_DURING_RESURRECTION,
        /** Crash kernel: validate one process's structures, read-only. */
        VALIDATE,
        /** Crash kernel: write every logically dirty cache block to disk. */
        FLUSH_CACHE,
        /** Crash kernel: emit one remaining byte of a partly emitted console write. */
        FINISH_CONSOLE_WRITE,
        /** Crash kernel: rebuild one process in the crash region. */
        REBUILD,
        /** Crash kernel: switch the root pointer; the rebuilt kernel runs. */
        COMMIT
    }

    private final Kind kind;
    private final int pid;
    private final int arg;
    private final int arg2;
    private final String label;

    public Action(Kind kind, int pid, int arg, int arg2, String label) {
        this.kind = kind;
        this.pid = pid;
        this.arg = arg;
        this.arg2 = arg2;
        this.label = label;
    }

    public Kind kind() {
        return kind;
    }

    /** The process concerned, or -1. */
    public int pid() {
        return pid;
    }

    /** USER_STORE: the value; FLUSHER: file*blocks+block; CRASH: Structure code. */
    public int arg() {
        return arg;
    }

    public int arg2() {
        return arg2;
    }

    public String label() {
        return label;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Action)) {
            return false;
        }
        Action a = (Action) o;
        return kind == a.kind && pid == a.pid && arg == a.arg && arg2 == a.arg2 && label.equals(a.label);
    }

    @Override
    public int hashCode() {
        return ((kind.ordinal() * 31 + pid) * 31 + arg) * 31 + arg2;
    }

    @Override
    public String toString() {
        return label;
    }
}
