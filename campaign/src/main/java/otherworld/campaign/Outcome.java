package otherworld.campaign;

/** The one class each process of a case ends in (issue 11's oracle). */
public enum Outcome {
    /** Resurrected, and its output, exit status and files equal the run without a fault. */
    IDENTICAL("identical"),
    /** The validator reported it and did not resurrect it: lost, but said so. */
    REFUSED("refused"),
    /** Resurrected, but its output, exit status or files differ from the reference: silent corruption. */
    DIVERGED("diverged"),
    /** No kernel could go on: the machine stopped (no crash kernel succeeded, or Otherworld is off). */
    HALTED("halted"),
    /** Something escaped to the host (an exception out of the machine, a case that did not end): always a bug. */
    HOST_EXCEPTION("host-exception");

    public final String id;

    Outcome(String id) { this.id = id; }

    public static Outcome of(String id) {
        for (Outcome o : values()) if (o.id.equals(id)) return o;
        throw new IllegalArgumentException("no outcome " + id);
    }

    /** Survival: the process ended as in the reference (resurrected, or through its recovery procedure). */
    public boolean survived() { return this == IDENTICAL; }
}
