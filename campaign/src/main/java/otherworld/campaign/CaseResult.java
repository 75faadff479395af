package otherworld.campaign;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * What one case did: its fault, where it struck, the class of each process, e2fsck's verdict on the disk, and the
 * resurrections it took. One JSON line each ({@link #json}); {@link #parse} reads it back.
 */
public final class CaseResult implements Serializable {
    private static final long serialVersionUID = 1L;

    /** One process of the case. {@code recovered}: it survived through the recovery procedure it registered. */
    public static final class Proc implements Serializable {
        private static final long serialVersionUID = 1L;
        public String name;
        public Outcome outcome;
        public boolean recovered;
        public String detail;

        public Proc() { }

        public Proc(String name, Outcome outcome, boolean recovered, String detail) {
            this.name = name;
            this.outcome = outcome;
            this.recovered = recovered;
            this.detail = detail;
        }
    }

    public String id;
    public long index;
    public String workload;
    public String type;
    public String fault;
    /** Where it struck (the kernel's crash points, the disk request), and what it did there. */
    public List<String> struck = new ArrayList<>();
    public List<String> did = new ArrayList<>();
    public List<Proc> processes = new ArrayList<>();
    /** e2fsck -fn on the final disk: "clean", "errors: …", or "not run" (no e2fsck, or no disk). */
    public String fsck = "not run";
    /** Resurrections (crash kernels that committed) and the host time each took, in nanoseconds. */
    public List<Long> resurrectionNanos = new ArrayList<>();
    public int crashKernelAttempts;
    public long instructions;
    public String hostException;
    public long wallMillis;
    public String member;

    /** The worst class of its processes (the case's own class in tables). */
    public Outcome outcome() {
        Outcome worst = Outcome.IDENTICAL;
        for (Proc p : processes) if (p.outcome.ordinal() > worst.ordinal()) worst = p.outcome;
        return worst;
    }

    /** A silent corruption: some process was resurrected and diverged. */
    public boolean silentCorruption() {
        for (Proc p : processes) if (p.outcome == Outcome.DIVERGED) return true;
        return false;
    }

    public String replayCommand() { return "ow replay " + id; }

    public String json() {
        Json.Writer w = new Json.Writer();
        w.field("case", id).field("index", index).field("workload", workload).field("type", type).field("fault", fault)
                .field("struck", struck).field("did", did);
        StringBuilder ps = new StringBuilder("[");
        for (Proc p : processes) {
            if (ps.length() > 1) ps.append(',');
            ps.append(new Json.Writer().field("name", p.name).field("outcome", p.outcome.id).field("recovered", p.recovered)
                    .field("detail", p.detail).end());
        }
        w.raw("processes", ps.append(']').toString());
        w.field("fsck", fsck).field("resurrection_ns", resurrectionNanos).field("crash_kernel_attempts", crashKernelAttempts)
                .field("instructions", instructions).field("host_exception", hostException).field("wall_ms", wallMillis)
                .field("member", member).field("replay", replayCommand());
        return w.end();
    }

    @SuppressWarnings("unchecked")
    public static CaseResult parse(String line) {
        java.util.Map<String, Object> m = (java.util.Map<String, Object>) Json.parse(line);
        CaseResult r = new CaseResult();
        r.id = (String) m.get("case");
        r.index = ((Number) m.get("index")).longValue();
        r.workload = (String) m.get("workload");
        r.type = (String) m.get("type");
        r.fault = (String) m.get("fault");
        for (Object o : (List<Object>) m.get("struck")) r.struck.add((String) o);
        for (Object o : (List<Object>) m.get("did")) r.did.add((String) o);
        for (Object o : (List<Object>) m.get("processes")) {
            java.util.Map<String, Object> p = (java.util.Map<String, Object>) o;
            r.processes.add(new Proc((String) p.get("name"), Outcome.of((String) p.get("outcome")),
                    (Boolean) p.get("recovered"), (String) p.get("detail")));
        }
        r.fsck = (String) m.get("fsck");
        for (Object o : (List<Object>) m.get("resurrection_ns")) r.resurrectionNanos.add(((Number) o).longValue());
        r.crashKernelAttempts = ((Number) m.get("crash_kernel_attempts")).intValue();
        r.instructions = ((Number) m.get("instructions")).longValue();
        r.hostException = (String) m.get("host_exception");
        r.wallMillis = ((Number) m.get("wall_ms")).longValue();
        r.member = (String) m.get("member");
        return r;
    }

    /** The same case, the same results (what does not depend on the host: no times, no member). */
    public String deterministicPart() {
        CaseResult c = parse(json());
        c.resurrectionNanos = new ArrayList<>();
        c.wallMillis = 0;
        c.member = null;
        return c.json();
    }
}
