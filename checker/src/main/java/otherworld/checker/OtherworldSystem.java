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

    @Override
    public long fingerprint(State s) {
        long best = nonZero(s.fingerprint());
        if (perms != null) {
            for (int i = 1; i < perms.size(); i++) {
                long f = nonZero(machine.permute(s, perms.get(i)).fingerprint());
                if (Long.compareUnsigned(f, best) < 0) {
                    best = f;
                }
            }
        }
        return best;
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

    /** With symmetry: the smallest encoding (lexicographic) among the renamings of s. */
    @Override
    public int[] canonical(State s) {
        int[] best = StateCodec.encode(s);
        if (perms != null) {
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
