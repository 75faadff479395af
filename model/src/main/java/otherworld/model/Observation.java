package otherworld.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The observable abstraction of a state: what can be seen through the machine without the
 * kernel's own data structures (DESIGN.md rule 6) — each process's {@link ProcessView}, the disk
 * contents and the console output. Conformance compares these; the model checker uses them for
 * the resurrection theorem.
 */
public final class Observation {
    private final List<ProcessView> processes;
    private final int[] disk;
    private final int[] console;

    public Observation(List<ProcessView> processes, int[] disk, int[] console) {
        this.processes = List.copyOf(processes);
        this.disk = disk.clone();
        this.console = console.clone();
    }

    /** The observation of a state as it stands (registers from the trap frames). */
    public static Observation of(State s) {
        Layout L = s.layout();
        List<ProcessView> ps = new ArrayList<>();
        for (int p = 0; p < L.procs; p++) {
            ps.add(view(s, p));
        }
        int[] disk = new int[L.files * L.blocks];
        for (int i = 0; i < disk.length; i++) {
            disk[i] = s.get(L.disk + i);
        }
        return new Observation(ps, disk, s.console());
    }

    public static ProcessView view(State s, int p) {
        Layout L = s.layout();
        int[] pages = new int[L.pages];
        for (int g = 0; g < L.pages; g++) {
            pages[g] = s.page(p, g);
        }
        return new ProcessView(s.proc(p, Layout.STATUS), s.proc(p, Layout.PC), s.proc(p, Layout.A0),
                s.proc(p, Layout.T0), pages, new int[] {s.proc(p, Layout.FD_OFF)});
    }

    public List<ProcessView> processes() { return processes; }
    public int[] disk() { return disk.clone(); }
    public int[] console() { return console.clone(); }

    /**
     * A hash that does not depend on process numbering (a sum over processes, each with the disk
     * blocks of its own file when every process has one), so it survives symmetry reduction.
     */
    public long symmetricHash(int files, int blocks) {
        long sum = 0;
        boolean perProcessFiles = files == processes.size() && files > 1;
        for (int p = 0; p < processes.size(); p++) {
            long h = processes.get(p).hashCode();
            if (perProcessFiles) {
                for (int b = 0; b < blocks; b++) {
                    h = State.mix(h, disk[p * blocks + b]);
                }
            }
            sum += State.finish(h);
        }
        long g = State.mixAll(sum, console);
        if (!perProcessFiles) {
            g = State.mixAll(g, disk);
        }
        return State.finish(g);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Observation)) {
            return false;
        }
        Observation v = (Observation) o;
        return processes.equals(v.processes) && Arrays.equals(disk, v.disk) && Arrays.equals(console, v.console);
    }

    @Override
    public int hashCode() {
        return (processes.hashCode() * 31 + Arrays.hashCode(disk)) * 31 + Arrays.hashCode(console);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int p = 0; p < processes.size(); p++) {
            sb.append("p").append(p).append(": ").append(processes.get(p)).append('\n');
        }
        return sb.append("disk=").append(Arrays.toString(disk)).append(" console=").append(State.bytes(console)).toString();
    }
}
