package otherworld.kernel.fault;

/** The kinds of fault a campaign injects (issue 11), with the names the command line uses. */
public enum FaultType {
    /** 1: a panic at a random write of a random system call (the kernel's write trace). */
    PANIC("panic", "a panic at a random write of a random system call"),
    /** 2: a random word of the kernel's structures overwritten (random value or one bit); the kernel runs on. */
    WILD_WRITE("wild-write", "a wild write into the kernel's structures; the kernel runs on"),
    /** 3: one bit flipped in a live kernel structure, then a panic. */
    BIT_FLIP("bit-flip", "a flipped bit in a live kernel structure, then a panic"),
    /** 4: a wild write by the kernel into a process's memory, then a panic. */
    USER_WRITE("user-write", "a wild write into user memory, then a panic"),
    /** 5: the kernel loops inside a call; the watchdog bites. */
    HANG("hang", "the kernel loops inside a call until the watchdog bites"),
    /** 6: a panic, and the crash kernel crashes too, at a random point of resurrection. */
    CRASH_KERNEL("crash-kernel", "a panic, then a crash of the crash kernel during resurrection"),
    /** A disk read returns one flipped bit. */
    DISK_CORRUPT("disk-corrupt", "a disk read returns a block with one bit flipped"),
    /** A disk request fails with an I/O error. */
    DISK_ERROR("disk-error", "a disk request fails with an I/O error");

    public final String id;
    public final String description;

    FaultType(String id, String description) {
        this.id = id;
        this.description = description;
    }

    /** By command-line name ("panic", "bit-flip", ...) or number (1..6). */
    public static FaultType of(String name) {
        for (FaultType t : values()) {
            if (t.id.equals(name) || String.valueOf(t.ordinal() + 1).equals(name)) return t;
        }
        throw new IllegalArgumentException("no fault type '" + name + "'; types: " + names());
    }

    public static String names() {
        StringBuilder b = new StringBuilder();
        for (FaultType t : values()) b.append(b.length() == 0 ? "" : ", ").append(t.id);
        return b.toString();
    }
}
