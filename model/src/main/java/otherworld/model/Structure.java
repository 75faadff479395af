package otherworld.model;

/**
 * Kernel structures of a process that a crash may leave corrupt. Validation (magic, bounds,
 * cross-references) detects each of them; undetectable corruption is out of scope (it is what
 * the enhanced mode's checksums are for).
 */
public enum Structure {
    /** No corruption (code 0 in the model's memory). */
    NONE("none"),
    /** The task record: status, in-flight record, links. */
    TASK("task"),
    /** The trap frame holding the user registers. */
    TRAPFRAME("trapframe"),
    /** The file-descriptor table with its offsets. */
    FDTABLE("fdtable");

    private final String label;

    Structure(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The code stored in the model's memory. */
    public int code() {
        return ordinal();
    }

    public static Structure ofCode(int code) {
        return values()[code];
    }
}
