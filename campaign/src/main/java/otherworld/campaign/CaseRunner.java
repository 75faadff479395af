package otherworld.campaign;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import otherworld.kernel.Scenario;
import otherworld.kernel.fault.Fault;
import otherworld.kernel.fs.Fsck;
import otherworld.kernel.resurrect.ResurrectionReport;

/**
 * Runs one case and judges it: the oracle. The reference is the same workload run without a fault (runs are
 * deterministic, so it is computed once per workload and JVM); each process of the case ends in one
 * {@link Outcome}, e2fsck judges the disk.
 */
public final class CaseRunner {
    private CaseRunner() { }

    /** A workload's run without a fault: what it printed and wrote, and where faults can be placed. */
    static final class Reference {
        final Scenario.Result result;
        final Fault.Profile profile;
        /** Per process, the files it writes (from its run alone). */
        final List<List<String>> files;

        Reference(Scenario.Result result, Fault.Profile profile, List<List<String>> files) {
            this.result = result;
            this.profile = profile;
            this.files = files;
        }
    }

    private static final Map<String, Reference> REFERENCES = new ConcurrentHashMap<>();

    /** Instructions a case may run past its reference (a hang's stall, a restart) before it is called unfinished. */
    static long budget(Reference ref) { return ref.result.instructions() * 3 + 200_000_000L; }

    static Reference reference(Workload w, boolean enhanced) {
        return REFERENCES.computeIfAbsent((enhanced ? Case.ENHANCED : "") + w.name(), n -> {
            Fault.Armed count = Fault.reference();
            Scenario.Result r = run(w.scenario().enhanced(enhanced), count);
            if (!r.allExited()) throw new IllegalStateException("workload " + n + " does not end without a fault: " + tail(r.log()));
            Scenario.Result again = run(w.scenario().enhanced(enhanced), Fault.reference());
            if (!again.outputs().equals(r.outputs()) || !again.exitStatus().equals(r.exitStatus())
                    || !Arrays.equals(again.disk(), r.disk()) || again.instructions() != r.instructions()) {
                throw new IllegalStateException("workload " + n + " is not deterministic: two runs without a fault differ");
            }
            List<List<String>> files = new ArrayList<>();
            if (w.procs().size() == 1) {
                files.add(written(w, r));
            } else {
                for (int i = 0; i < w.procs().size(); i++) files.add(written(w, w.only(i).scenario().enhanced(enhanced).run()));
            }
            return new Reference(r, count.profile(), files);
        });
    }

    /**
     * The files a run wrote in the root directory: not lost+found, not the /dev the kernel makes at boot, not what the
     * workload put there before boot.
     */
    private static List<String> written(Workload w, Scenario.Result r) {
        List<String> f = new ArrayList<>(Scenario.listFiles(r.disk()));
        f.remove("lost+found");
        f.remove("dev");
        f.removeAll(w.preloaded());
        return f;
    }

    static Scenario.Result run(Scenario s, Fault.Armed a) {
        return s.faults(a.plan).diskFaults(a.disk).probe(a::hooks).run();
    }

    /** Run the case; the kernel log goes to log (null: nowhere). Never throws for what the machine does. */
    public static CaseResult run(Case c, Consumer<String> log) {
        long start = System.currentTimeMillis();
        CaseResult out = new CaseResult();
        out.id = c.id();
        out.index = c.index();
        out.workload = c.workload();
        out.type = c.type().id;
        Workload w = Workload.of(c.workload());
        Reference ref = reference(w, c.enhanced());
        Fault f = Fault.choose(c.type(), ref.profile, c.seed());
        out.fault = f.describe();
        Fault.Armed armed = f.arm();
        Scenario s = w.scenario().enhanced(c.enhanced()).maxInstructions(budget(ref));
        if (log != null) s.log(log);
        Scenario.Result r = null;
        try {
            r = run(s, armed);
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            out.hostException = e.toString() + (e.getStackTrace().length > 0 ? " at " + e.getStackTrace()[0] : "");
        }
        out.struck.addAll(armed.where());
        out.did.addAll(armed.did);
        judge(w, ref, r, out);
        out.wallMillis = System.currentTimeMillis() - start;
        return out;
    }

    /** The oracle: one class per process, e2fsck's verdict, the resurrections. */
    static void judge(Workload w, Reference ref, Scenario.Result r, CaseResult out) {
        List<String> names = w.names();
        if (r == null) {
            for (String n : names) out.processes.add(new CaseResult.Proc(n, Outcome.HOST_EXCEPTION, false, out.hostException));
            return;
        }
        out.instructions = r.instructions();
        for (ResurrectionReport rep : r.reports()) {
            out.resurrectionNanos.add(rep.nanos);
            out.crashKernelAttempts += rep.attempt;
        }
        for (int i = 0; i < names.size(); i++) {
            int pid = i + 1; // spawned in order at boot
            out.processes.add(judge(w.procs().get(i), names.get(i), pid, i, names.size(), ref, r));
        }
        if (Fsck.available()) {
            Fsck.Verdict v = Fsck.check(r.disk());
            out.fsck = v.clean() ? "clean" : v.ran() ? "errors: " + firstLines(v.summary(), 6) : v.summary();
        }
    }

    private static CaseResult.Proc judge(Workload.Proc proc, String name, int pid, int i, int bootProcs, Reference ref,
                                         Scenario.Result r) {
        boolean recovered = ranRecovery(r.log(), pid);
        String refused = refusedInTree(pid, bootProcs, r.reports());
        if (refused != null) return new CaseResult.Proc(name, Outcome.REFUSED, false, refused);
        String diff = difference(i, ref, r);
        if (diff == null && recovered) diff = recoveryFileDifference(proc, i, ref, r);
        if (diff == null) return new CaseResult.Proc(name, Outcome.IDENTICAL, recovered, null);
        if (r.halted()) return new CaseResult.Proc(name, Outcome.HALTED, false, "machine halted; " + diff);
        return new CaseResult.Proc(name, Outcome.DIVERGED, recovered, diff);
    }

    /** How process i's run differs from the reference, or null if it does not. */
    static String difference(int i, Reference ref, Scenario.Result r) {
        if (r.exitStatus().get(i) == -1) return "did not exit (killed, blocked or out of budget); " + tail(r.log());
        String want = ref.result.outputs().get(i), got = r.outputs().get(i);
        if (!want.equals(got)) {
            int k = 0;
            while (k < Math.min(want.length(), got.length()) && want.charAt(k) == got.charAt(k)) k++;
            return "output differs at byte " + k + ": expected " + excerpt(want, k) + ", got " + excerpt(got, k);
        }
        if (!ref.result.exitStatus().get(i).equals(r.exitStatus().get(i))) {
            return "exit status " + r.exitStatus().get(i) + ", expected " + ref.result.exitStatus().get(i);
        }
        for (String f : ref.files.get(i)) {
            byte[] a = ref.result.file(f), b;
            try {
                b = r.file(f);
            } catch (RuntimeException e) {
                return "file " + f + " unreadable: " + e.getMessage();
            }
            if (!Arrays.equals(a, b)) return "file " + f + (b == null ? " missing" : " differs (" + b.length + " bytes, expected " + a.length + ")");
        }
        return null;
    }

    /**
     * Whether the process, or a process it started (its descendants, by the parents the crash kernels reported), was
     * refused: the loss was reported, so the boot process's class is refused, not diverged. A refused process whose
     * parent is unknown (its record unreadable) and that was not started at boot belongs to the one boot process, if
     * there is one. Null if none was.
     */
    static String refusedInTree(int pid, int bootProcs, List<ResurrectionReport> reports) {
        Map<Integer, Integer> parent = new java.util.HashMap<>();
        for (ResurrectionReport rep : reports) for (ResurrectionReport.Process p : rep.processes) parent.putIfAbsent(p.pid(), p.ppid());
        for (ResurrectionReport rep : reports) {
            for (ResurrectionReport.Process p : rep.processes) {
                if (p.resurrected()) continue;
                int up = p.pid();
                for (int steps = 0; up > 0 && up != pid && steps <= parent.size(); steps++) up = parent.getOrDefault(up, 0);
                if (up == pid || up == 0 && bootProcs == 1 && p.pid() > bootProcs) {
                    return (p.pid() == pid ? "not resurrected: " : "pid " + p.pid() + " (" + p.name() + ", started by it) not resurrected: ")
                            + p.problems();
                }
            }
        }
        return null;
    }

    /**
     * A process whose recovery procedure saves its buffer ran it: the file it saved must hold a buffer the reference
     * run had — whole lines, a prefix of the buffer the reference ended with (the script only appends). Null if so.
     */
    static String recoveryFileDifference(Workload.Proc proc, int i, Reference ref, Scenario.Result r) {
        if (proc.recoveryFile() == null) return null;
        byte[] saved, buffer = ref.result.file(proc.bufferFile());
        try {
            saved = r.file(proc.recoveryFile());
        } catch (RuntimeException e) {
            return "recovery file " + proc.recoveryFile() + " unreadable: " + e.getMessage();
        }
        if (saved == null) return "its recovery procedure ran but " + proc.recoveryFile() + " is missing";
        boolean prefix = buffer != null && saved.length <= buffer.length
                && Arrays.equals(saved, 0, saved.length, buffer, 0, saved.length)
                && (saved.length == 0 || saved[saved.length - 1] == '\n');
        return prefix ? null : "recovery file " + proc.recoveryFile() + " (" + saved.length
                + " bytes) does not hold a buffer of the reference run";
    }

    /** The kernel logs "pid N: recovery procedure" when it sends a resurrected process to its procedure. */
    static boolean ranRecovery(List<String> log, int pid) {
        String mark = "pid " + pid + ": recovery procedure";
        for (String l : log) if (l.contains(mark)) return true;
        return false;
    }

    static String excerpt(String s, int k) {
        int a = Math.max(0, k - 10), b = Math.min(s.length(), k + 30);
        return "\"" + s.substring(a, b).replace("\n", "\\n") + "\"";
    }

    static String tail(List<String> log) {
        return log.isEmpty() ? "" : log.subList(Math.max(0, log.size() - 2), log.size()).toString();
    }

    static String firstLines(String s, int n) {
        String[] l = s.split("\n");
        return String.join(" | ", Arrays.asList(l).subList(0, Math.min(n, l.length)));
    }
}
