package otherworld.checker;

import java.util.List;
import otherworld.model.Action;
import otherworld.model.Invariant;
import otherworld.model.Layout;
import otherworld.model.Machine;
import otherworld.model.State;
import otherworld.model.StateCodec;

/** The otherworld model as a {@link TransitionSystem}, with optional symmetry over process ids. */
public final class OtherworldSystem implements TransitionSystem<State, Action> {
    private final Machine machine;
    private final List<int[]> perms;

    public OtherworldSystem(Machine machine, boolean symmetry) {
        if (symmetry && machine.layout().family) {
            throw new IllegalArgumentException("symmetry is off for a program with fork or the pipe: a parent names"
                    + " a process slot, and fork takes the lowest free one");
        }
        if (symmetry && !machine.symmetric()) {
            throw new IllegalArgumentException(
                    "symmetry needs files == 1 or files == procs (got files=" + machine.config().files()
                    + ", procs=" + machine.config().procs() + ")");
        }
        this.machine = machine;
        this.perms = symmetry ? Machine.permutations(machine.config().procs()) : null;
    }

    public Machine machine() {
        return machine;
    }

    @Override
    public List<State> initialStates() {
        return List.of(machine.init());
    }

    @Override
    public List<Action> actions(State s) {
        return machine.actions(s);
    }

    @Override
    public State step(State s, Action a) {
        return machine.step(s, a);
    }

    /**
     * With symmetry, running states are kept and expanded as their canonical renaming (see
     * {@link #representative}), so their fingerprint is the same for every renaming. A state in the
     * middle of a resurrection is fingerprinted as it is: the crash kernel works in pid order, so a
     * renaming of such a state is in general not reachable, and its successors are not the renamings
     * of the original's successors.
     */
    @Override
    public long fingerprint(State s) {
        return nonZero(representative(s).fingerprint());
    }

    /** A representative is its own representative: its fingerprint is its own, no renaming searched. */
    @Override
    public long representativeFingerprint(State r) {
        return nonZero(r.fingerprint());
    }

    /**
     * The state the checker keeps and expands for s. Without symmetry, or while the crash kernel
     * runs, s itself. A running state is renamed to its canonical renaming: processes sorted by
     * their own words (with their file's blocks when each process has its own file); among
     * processes whose words are equal, every order is tried and the renaming with the smallest
     * fingerprint kept. The same state for every renaming of s, so what is explored does not depend
     * on which renaming was met first; and it is reachable: the running kernel's steps commute
     * with renaming, and so does every resurrection's outcome, so the running states reachable
     * are closed under renaming.
     */
    @Override
    public State representative(State s) {
        return renamed(s, null);
    }

    /** The renaming of s to its representative as a trace label suffix, or null for none. */
    @Override
    public String renaming(State s) {
        int[][] chosen = new int[1][];
        renamed(s, chosen);
        int[] perm = chosen[0];
        if (perm == null || isIdentity(perm)) {
            return null;
        }
        StringBuilder sb = new StringBuilder(RENAME);
        for (int p = 0; p < perm.length; p++) {
            sb.append(p == 0 ? "" : " ").append('p').append(p).append('>').append('p').append(perm[p]);
        }
        return sb.toString();
    }

    /** Separates an action's label from the renaming that follows it in a trace. */
    public static final String RENAME = " then rename ";

    /** The representative of s; the permutation that gives it in chosen[0] if chosen is not null. */
    private State renamed(State s, int[][] chosen) {
        if (perms == null || s.phase() != Layout.RUNNING) {
            return s;
        }
        int n = machine.config().procs();
        int[] sorted = new int[n];
        for (int i = 0; i < n; i++) {
            sorted[i] = i;
        }
        for (int i = 1; i < n; i++) {
            for (int j = i; j > 0 && compareProcs(s, sorted[j - 1], sorted[j]) > 0; j--) {
                int t = sorted[j];
                sorted[j] = sorted[j - 1];
                sorted[j - 1] = t;
            }
        }
        // the ranks a process may take: its run of equal neighbours in the sorted order
        int[] lo = new int[n];
        int[] hi = new int[n];
        for (int i = 0; i < n; ) {
            int j = i + 1;
            while (j < n && compareProcs(s, sorted[i], sorted[j]) == 0) {
                j++;
            }
            for (int k = i; k < j; k++) {
                lo[sorted[k]] = i;
                hi[sorted[k]] = j;
            }
            i = j;
        }
        long best = 0;
        State bestState = null;
        for (int[] perm : perms) {
            boolean fits = true;
            for (int p = 0; p < n && fits; p++) {
                fits = perm[p] >= lo[p] && perm[p] < hi[p];
            }
            if (!fits) {
                continue;
            }
            State t = isIdentity(perm) ? s : machine.permute(s, perm);
            long f = nonZero(t.fingerprint());
            if (bestState == null || Long.compareUnsigned(f, best) < 0) {
                best = f;
                bestState = t;
                if (chosen != null) {
                    chosen[0] = perm;
                }
            }
        }
        return bestState;
    }

    private static boolean isIdentity(int[] perm) {
        for (int i = 0; i < perm.length; i++) {
            if (perm[i] != i) {
                return false;
            }
        }
        return true;
    }

    /** Orders two processes by the words a renaming carries with them (fd file number aside). */
    private int compareProcs(State s, int p, int q) {
        Layout L = machine.layout();
        for (int f = 0; f < L.procSize; f++) {
            if (f == Layout.FD_FILE) {
                continue;
            }
            int c = Integer.compare(s.get(L.procBase(p) + f), s.get(L.procBase(q) + f));
            if (c != 0) {
                return c;
            }
        }
        if (L.files == L.procs && L.files > 1) {
            int[] bases = {L.cacheVal, L.cacheDirty, L.disk, L.gCommitted, L.gFsynced};
            for (int base : bases) {
                for (int b = 0; b < L.blocks; b++) {
                    int c = Integer.compare(s.get(base + L.fb(p, b)), s.get(base + L.fb(q, b)));
                    if (c != 0) {
                        return c;
                    }
                }
            }
        }
        return 0;
    }

    private static long nonZero(long f) {
        return f == 0 || f == Long.MIN_VALUE ? 1 : f;
    }

    @Override
    public String violatedInvariant(State s) {
        Invariant i = machine.invariants().firstViolated(s);
        return i == null ? null : i.name();
    }

    @Override
    public String violatedStepInvariant(State before, Action a, State after) {
        Invariant i = machine.invariants().firstViolated(before, a, after);
        return i == null ? null : i.name();
    }

    @Override
    public boolean isTerminal(State s) {
        return machine.isTerminal(s);
    }

    @Override
    public String label(Action a) {
        return a.label();
    }

    @Override
    public String describe(State s) {
        return s.toString();
    }

    @Override
    public int[] encode(State s) {
        return StateCodec.encode(s);
    }

    @Override
    public State decode(int[] words) {
        return StateCodec.decode(machine.layout(), words);
    }

    /**
     * With symmetry: for a running state the smallest encoding (lexicographic) among its renamings,
     * for a state in a resurrection its own encoding (as {@link #fingerprint}).
     */
    @Override
    public int[] canonical(State s) {
        int[] best = StateCodec.encode(s);
        if (perms != null && s.phase() == Layout.RUNNING) {
            for (int i = 1; i < perms.size(); i++) {
                int[] w = StateCodec.encode(machine.permute(s, perms.get(i)));
                if (java.util.Arrays.compare(w, best) < 0) {
                    best = w;
                }
            }
        }
        return best;
    }

    public static final String RESURRECTION_FINISHES = "ResurrectionFinishes";
    public static final String CRASH_LEADS_TO_EVERY_VALID_PROCESS_DONE = "CrashLeadsToEveryValidProcessDone";

    /** The liveness properties of crash and resurrection, as "P leads to Q". */
    public List<LivenessChecker.Property<State>> livenessProperties() {
        return List.of(
                new LivenessChecker.Property<>(RESURRECTION_FINISHES,
                        "a resurrection that starts finishes: the crash kernel commits and the kernel runs again",
                        s -> s.phase() == Layout.RESURRECTING, s -> s.phase() == Layout.RUNNING),
                new LivenessChecker.Property<>(CRASH_LEADS_TO_EVERY_VALID_PROCESS_DONE,
                        "after a crash every process that passes validation runs again, to its exit "
                                + "(the kernel running, every process exited or lost to a failed validation)",
                        s -> s.phase() == Layout.RESURRECTING, s -> machine.isTerminal(s)));
    }

    /**
     * Weak fairness: each process's own instructions ("p0", "p1", ...), the running kernel's
     * system-call steps ("kernel") and the crash kernel's steps ("crash kernel"). Crashes and the
     * background flusher are the environment's choices and need not happen.
     */
    @Override
    public String fairness(Action a) {
        switch (a.kind()) {
            case USER_STORE:
            case SYSCALL_ENTRY:
                return "p" + a.pid();
            case SYSCALL_STEP:
                return "kernel";
            case VALIDATE:
            case FLUSH_CACHE:
            case FINISH_CONSOLE_WRITE:
            case REBUILD:
            case COMMIT:
                return "crash kernel";
            default:
                return null;
        }
    }
}
