package otherworld.model;

/**
 * Seeded bugs: deliberate mistakes in the crash kernel, selectable in {@link Config}, used to
 * show that the checker finds what it must find. {@link #NONE} is the design.
 */
public enum Bug {
    /** The design. */
    NONE("none"),
    /** The crash kernel commits without flushing the dead kernel's dirty page-cache pages. */
    RESURRECT_BEFORE_FLUSH("resurrect-before-flush"),
    /** The crash kernel ignores the console progress counter and restarts every interrupted call. */
    REEXECUTE_COMPLETED_CALL("reexecute-completed-call"),
    /** The crash kernel does not validate structures and resurrects corrupt processes. */
    SKIP_VALIDATION("skip-validation"),
    /** A file write commits (pc := pc + 1) before its data is in the page cache: the commit moved earlier. */
    EARLY_COMMIT("early-commit"),
    /** A file write moves its offset before it commits: a restart writes the block a second time. */
    OFFSET_BEFORE_COMMIT("offset-before-commit"),
    /**
     * The crash kernel counts its restarts in its own region, which a restart clears: it can
     * restart forever, and resurrection never finishes (a liveness bug; every invariant holds).
     */
    RESTART_FOREVER("restart-forever"),
    /** A pipe send moves the pipe's nwrite before its commit: a restart puts the value in the pipe a second time. */
    PIPE_NWRITE_BEFORE_COMMIT("pipe-nwrite-before-commit"),
    /**
     * The crash kernel ignores the child a fork interrupted before its commit had already made runnable (named by the
     * parent's sysword) and makes the fork again: a second child.
     */
    FORK_MADE_AGAIN("fork-made-again"),
    /** exit makes the process a zombie (its commit) before it writes its exit status: a crash between, and the parent's
     * wait reads a status the child never exited with. */
    ZOMBIE_BEFORE_STATUS("zombie-before-status");

    private final String cliName;

    Bug(String cliName) {
        this.cliName = cliName;
    }

    /** The name used on the command line and in trace files. */
    public String cliName() {
        return cliName;
    }

    /** Parses a command-line name (or the enum constant's name); null if unknown. */
    public static Bug parse(String s) {
        for (Bug b : values()) {
            if (b.cliName.equalsIgnoreCase(s) || b.name().equalsIgnoreCase(s)) {
                return b;
            }
        }
        return null;
    }
}
