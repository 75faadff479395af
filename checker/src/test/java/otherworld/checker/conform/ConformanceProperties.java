package otherworld.checker.conform;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;

import otherworld.model.Config;
import otherworld.model.Instr;

/**
 * Conformance as a jqwik stateful property: a random program for every puppet, then a chain of steps — process p
 * executes its next instruction, optionally with the kernel crashed before one of its writes in the call (and
 * sometimes the crash kernel too, and sometimes leaving one structure of the process corrupt) — applied to the model
 * and to the kernel, compared after every step and after the final sync.
 * A failure shrinks (fewer steps, fewer crashes, a smaller program) and its message holds the replayable sequence
 * (save it to a file, then {@code ow conform --replay FILE}).
 */
class ConformanceProperties {
    static final Stats STATS = new Stats();

    @Property(tries = 30)
    void modelAndKernelAgreeAfterEveryStep(@ForAll("chains") ActionChain<Conformance> chain) {
        Conformance c = chain.run();
        c.finish();
    }

    /** The same with fork and the pipe (issue 8): a parent, its children, the pipe between them, waits. */
    @Property(tries = 8)
    void modelAndKernelAgreeWithForkAndAPipe(@ForAll("familyChains") ActionChain<Conformance> chain) {
        Conformance c = chain.run();
        c.finish();
    }

    @Provide
    Arbitrary<ActionChain<Conformance>> familyChains() {
        // issue 8's program with one or two children, or a random program of a parent and a child (Runner)
        Arbitrary<Config> configs = Combinators.combine(Arbitraries.integers().between(1, 3),
                Arbitraries.integers().between(1, 3), Arbitraries.integers().between(1, 3), Arbitraries.longs())
                .as((shape, values, crashes, seed) -> {
                    Config c = Config.defaults().withValues(values).withCrashes(crashes);
                    if (shape == 3) {
                        java.util.Random rnd = new java.util.Random(seed);
                        int pages = 1 + rnd.nextInt(2);
                        c = c.withProcs(2).withPages(pages).withProgram(Runner.randomForkProgram(rnd, pages));
                    } else {
                        c = c.withProcs(shape + 1).withProgram(Config.forkPipeProgram(shape));
                    }
                    return Conformance.normalize(c);
                });
        return configs.flatMap(config -> ActionChain.<Conformance>startWith(() -> new Conformance(config, STATS))
                .withAction(new StepAction())
                .withAction(new EndAction())
                .withMaxTransformations(30));
    }

    @Provide
    Arbitrary<ActionChain<Conformance>> chains() {
        return configs().flatMap(config -> ActionChain.<Conformance>startWith(() -> new Conformance(config, STATS))
                .withAction(new StepAction())
                .withAction(new EndAction())
                .withMaxTransformations(20));
    }

    Arbitrary<Config> configs() {
        Arbitrary<Instr.Kind> kinds = Arbitraries.of(Instr.Kind.STORE, Instr.Kind.STORE, Instr.Kind.WRITE,
                Instr.Kind.WRITE, Instr.Kind.FSYNC, Instr.Kind.CONWRITE);
        return Combinators.combine(Arbitraries.integers().between(1, 2), Arbitraries.integers().between(1, 2),
                Arbitraries.integers().between(1, 3), Arbitraries.of(true, false),
                kinds.list().ofMinSize(1).ofMaxSize(5), Arbitraries.integers().between(0, 1))
                .as((procs, pages, values, ownFiles, ks, pageBit) -> {
                    List<Instr> prog = new java.util.ArrayList<>();
                    int i = 0;
                    for (Instr.Kind k : ks) {
                        int g = k == Instr.Kind.FSYNC ? 0 : (i++ + pageBit) % pages;
                        prog.add(new Instr(k, g));
                    }
                    prog.add(new Instr(Instr.Kind.EXIT, 0));
                    return Conformance.normalize(Config.defaults().withProcs(procs).withPages(pages).withValues(values)
                            .withFiles(ownFiles ? procs : 1).withCrashes(3).withProgram(prog));
                });
    }

    /** Some process steps, perhaps with a crash of the kernel (and of the crash kernel). */
    static final class StepAction implements Action.Dependent<Conformance> {
        @Override
        public boolean precondition(Conformance c) {
            return !c.runnable().isEmpty();
        }

        @Override
        public Arbitrary<Transformer<Conformance>> transformer(Conformance c) {
            List<Integer> ps = c.runnable();
            return Arbitraries.of(ps).flatMap(p -> {
                int values = c.config().values();
                boolean store = c.next(p).kind() == Instr.Kind.STORE;
                Arbitrary<Integer> vs = store ? Arbitraries.integers().between(1, values) : Arbitraries.just(0);
                List<String> points = c.crashPoints(p);
                Arbitrary<String> point = points.isEmpty() ? Arbitraries.just(null)
                        : Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(7, Arbitraries.just((String) null)),
                                net.jqwik.api.Tuple.of(3, Arbitraries.of(points)));
                Arbitrary<String> rpoint = c.resurrectCrashAllowed()
                        ? Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, Arbitraries.just((String) null)),
                                net.jqwik.api.Tuple.of(1, Arbitraries.of(Conformance.RESURRECT_POINTS)))
                        : Arbitraries.just(null);
                Arbitrary<String> corrupt = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, Arbitraries.just((String) null)),
                        net.jqwik.api.Tuple.of(1, Arbitraries.of(Conformance.STRUCTURES)));
                return Combinators.combine(vs, point, rpoint, corrupt).as((v, pt, rp, bad) -> {
                    Step s = new Step(p, pt, pt == null ? null : rp, v, pt == null ? null : bad);
                    return Transformer.mutate(s.toString(), (Conformance h) -> h.apply(s));
                });
            });
        }
    }

    /** Every process has exited: the chain ends. */
    static final class EndAction implements Action.Independent<Conformance> {
        @Override
        public boolean precondition(Conformance c) {
            return c.runnable().isEmpty();
        }

        @Override
        public Arbitrary<Transformer<Conformance>> transformer() {
            return Arbitraries.just(Transformer.endOfChain());
        }
    }

    @AfterContainer
    static void report() {
        System.out.println("conformance (jqwik): " + STATS.line() + "\n" + STATS.pointsTable());
        assertTrue(STATS.runs() > 0);
    }
}
