package otherworld.kernel.resurrect;

import java.util.ArrayList;
import java.util.List;

/** What a crash kernel found and did: one line per process, and the machine-wide facts. */
public final class ResurrectionReport {
    /**
     * One process of the dead kernel. {@code exited}: it had already exited, its record is carried over as a zombie
     * and there was nothing to resurrect. {@code inflight}: what became of its system call in flight, or null.
     * {@code ppid}: its parent as its process record names it (0: none, or the record could not be read).
     */
    public record Process(int pid, int ppid, String name, boolean resurrected, boolean exited, int pages,
                          List<String> files, String inflight, List<String> problems) { }

    public final long generation;
    public final List<Process> processes = new ArrayList<>();
    public final List<String> machineProblems = new ArrayList<>();
    public int dirtyBlocksFlushed;
    /** File locks resurrected with their owners, and those dropped (owner gone, or the record corrupt). */
    public int locksKept, locksDropped;
    public int attempt;
    public long newHeader;
    public long newCrashRegion;
    /** Frames marked used in the new kernel's bitmap once it is built: its regions, the pages and their tables. */
    public int framesInUse;
    /** Host time the crash kernel took, from the panic to its commit (a measurement: not deterministic). */
    public long nanos;

    public ResurrectionReport(long generation) { this.generation = generation; }

    public int resurrectedCount() {
        int n = 0;
        for (Process p : processes) if (p.resurrected() && !p.exited()) n++;
        return n;
    }

    public List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add(String.format("crash kernel: generation %d, %d dirty page-cache blocks written to disk", generation,
                dirtyBlocksFlushed));
        for (String m : machineProblems) out.add("crash kernel: " + m);
        if (locksKept + locksDropped > 0) {
            out.add(String.format("crash kernel: %d file locks resurrected with their owners, %d dropped", locksKept, locksDropped));
        }
        for (Process p : processes) {
            if (p.exited()) {
                out.add(String.format("  pid %d (%s) had already exited: kept as a zombie", p.pid(), p.name()));
            } else if (p.resurrected()) {
                out.add(String.format("  resurrected pid %d (%s): %d pages, files %s%s", p.pid(), p.name(), p.pages(),
                        p.files(), p.inflight() == null ? "" : ", " + p.inflight()));
            } else {
                out.add(String.format("  NOT resurrected pid %d (%s): %s", p.pid(), p.name(), p.problems()));
            }
        }
        out.add(String.format("crash kernel: now the main kernel (header 0x%x), new crash region 0x%x, %d frames in use",
                newHeader, newCrashRegion, framesInUse));
        return out;
    }
}
