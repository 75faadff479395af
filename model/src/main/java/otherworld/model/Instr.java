package otherworld.model;

/**
 * One instruction of a process's program. User instructions ({@link Kind#STORE}) are a single
 * atomic step; the others are system calls, made with {@code ecall} and run by the kernel as
 * micro-steps.
 */
public final class Instr {
    /** What an instruction does. */
    public enum Kind {
        /** User: {@code t0 := v; page[p] := t0} for a value v chosen nondeterministically. */
        STORE("store", false),
        /** write(fd0, page p, one block): into the page cache at the fd's offset; offset += 1. */
        WRITE("write", true),
        /** fsync(fd0): dirty cache blocks of the file to disk; acknowledges durability. */
        FSYNC("fsync", true),
        /** write(console, page p): W bytes leave the machine through the console device. */
        CONWRITE("conwrite", true),
        /** exit(0); in a program with fork or the pipe, exit(page p's value): the status its parent's wait gets. */
        EXIT("exit", true),
        /** fork: a child in the lowest free slot, a copy of the caller, starts at the program index the operand names. */
        FORK("fork", true),
        /** write(pipe, page p, one value): the value into the pipe (blocks while the pipe is full). */
        SEND("send", true),
        /** read(pipe, page p, one value): the oldest value in the pipe into page p (blocks while it is empty). */
        RECV("recv", true),
        /** wait4(-1, page p): a zombie child's exit status into page p, the child freed (blocks while none is dead). */
        WAIT("wait", true);

        private final String word;
        private final boolean syscall;

        Kind(String word, boolean syscall) {
            this.word = word;
            this.syscall = syscall;
        }

        public String word() {
            return word;
        }

        public boolean isSyscall() {
            return syscall;
        }
    }

    private final Kind kind;
    private final int page;

    public Instr(Kind kind, int page) {
        this.kind = kind;
        this.page = page;
    }

    public Kind kind() {
        return kind;
    }

    /** The page operand (STORE, WRITE, CONWRITE, SEND, RECV, WAIT, EXIT); FORK: the child's first program index. */
    public int page() {
        return page;
    }

    /** True for the instructions of processes and the pipe (fork, send, recv, wait). */
    public boolean isFamily() {
        return kind == Kind.FORK || kind == Kind.SEND || kind == Kind.RECV || kind == Kind.WAIT;
    }

    /** Parses {@code store0}, {@code write1}, {@code fsync}, {@code conwrite0}, {@code exit}, {@code fork4}, {@code send0}, {@code recv0}, {@code wait0}. */
    public static Instr parse(String text) {
        String t = text.trim().toLowerCase();
        for (Kind k : Kind.values()) {
            if (t.startsWith(k.word)) {
                String rest = t.substring(k.word.length());
                int page = 0;
                if (!rest.isEmpty()) {
                    try {
                        page = Integer.parseInt(rest);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("bad instruction '" + text + "'");
                    }
                }
                return new Instr(k, page);
            }
        }
        throw new IllegalArgumentException("unknown instruction '" + text
                + "' (expected storeN, writeN, fsync, conwriteN, exit[N], forkN, sendN, recvN, waitN)");
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Instr)) {
            return false;
        }
        Instr other = (Instr) o;
        return kind == other.kind && page == other.page;
    }

    @Override
    public int hashCode() {
        return kind.ordinal() * 31 + page;
    }

    @Override
    public String toString() {
        return kind == Kind.FSYNC || kind == Kind.EXIT && page == 0 ? kind.word : kind.word + page;
    }
}
