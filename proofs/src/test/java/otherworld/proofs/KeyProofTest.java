package otherworld.proofs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import de.uka.ilkd.key.control.KeYEnvironment;
import de.uka.ilkd.key.pp.LogicPrinter;
import de.uka.ilkd.key.proof.Goal;
import de.uka.ilkd.key.proof.Proof;
import de.uka.ilkd.key.proof.init.JavaProfile;
import de.uka.ilkd.key.proof.init.ProofOblInput;
import de.uka.ilkd.key.settings.ChoiceSettings;
import de.uka.ilkd.key.settings.ProofSettings;
import de.uka.ilkd.key.speclang.Contract;
import de.uka.ilkd.key.strategy.StrategyProperties;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Proves every JML contract of otherworld.kernel.verified with KeY's automatic
 * mode, under Java integer semantics (overflow is modelled, not ignored), and
 * checks that each broken variant of src/test/resources/broken stays open.
 *
 * <p>Runs only with the {@code key} profile: {@code mvn -pl proofs -Pkey test}.
 * A proof's budget is a number of rule applications (src/test/resources/key-budgets.txt),
 * not a time, so that its verdict does not depend on how loaded the machine is.
 * Writes one line per contract to target/key/report.txt and one per broken
 * variant to target/key/broken.txt. Fails if a contract does not close, unless
 * it is named in src/test/resources/open-contracts.txt (and fails too if a
 * contract listed there now closes, so that the list stays true); fails if a
 * broken variant closes. {@code -Dkey.only=Sv39::vpn,Bitmap::} proves only the
 * contracts (and runs only the variants) whose names contain one of the parts,
 * and still fails on a contract that stays open.
 */
class KeyProofTest {

    /**
     * Rule applications for a contract not listed in key-budgets.txt; -Dkey.maxSteps=N gives
     * every contract N instead (for experiments).
     */
    static final int DEFAULT_STEPS = 30000;

    /**
     * The step budget of a contract: its line in src/test/resources/key-budgets.txt (the steps
     * it took in a full run, with room to spare), else DEFAULT_STEPS. A broken variant gets the
     * budget of the contract it breaks.
     */
    static int budget(String contract) throws IOException {
        Integer forced = Integer.getInteger("key.maxSteps");
        if (forced != null) {
            return forced;
        }
        String steps = lineFor("key-budgets.txt", contract);
        return steps != null ? Integer.parseInt(steps) : DEFAULT_STEPS;
    }

    /**
     * The value of contract's line in src/test/resources/FILE (lines "prefix value", the first prefix of the
     * contract's name that matches; # starts a comment), or null.
     */
    static String lineFor(String file, String contract) throws IOException {
        Path f = Path.of("src/test/resources", file);
        if (!Files.exists(f)) {
            return null;
        }
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            String[] parts = t.split("\\s+");
            if (parts.length == 2 && contract.startsWith(parts[0])) {
                return parts[1];
            }
        }
        return null;
    }

    /**
     * The strategy settings of a contract that departs from the common ones: its line in
     * src/test/resources/key-strategy.txt (a prefix of the contract's name, then KEY=VALUE,... as for
     * -Dkey.strategy), else none. A broken variant is proved with the settings of the contract it breaks.
     */
    static String strategyOf(String contract) throws IOException {
        String settings = lineFor("key-strategy.txt", contract);
        return settings != null ? settings : "";
    }

    /** Sets each KEY=VALUE of a comma-separated list in sp. */
    static void override(StrategyProperties sp, String settings) {
        for (String kv : settings.split(",")) {
            if (kv.contains("=")) {
                sp.setProperty(kv.substring(0, kv.indexOf('=')).trim(), kv.substring(kv.indexOf('=') + 1).trim());
            }
        }
    }

    /** Wall-clock limit per contract, ms; none unless set (a safety net for local runs only). */
    static final long TIMEOUT_MS = Long.getLong("key.timeoutMs", -1L);

    static Path work() {
        return Path.of(System.getProperty("key.work", "target/key")).toAbsolutePath();
    }

    /** Copies the verified sources into a package-shaped tree under dir that KeY can load on its own. */
    static Path stage(String dir) throws IOException {
        Path root = work().resolve(dir);
        Path pkg = root.resolve("otherworld/kernel/verified");
        Files.createDirectories(pkg);
        try (var old = Files.list(pkg)) {
            for (Path p : (Iterable<Path>) old::iterator) {
                Files.delete(p);
            }
        }
        for (Path p : KeySubsetTest.verifiedSources()) {
            Files.copy(p, pkg.resolve(p.getFileName()));
        }
        return root;
    }

    static void useJavaIntegerSemantics() {
        ChoiceSettings choices = ProofSettings.DEFAULT_SETTINGS.getChoiceSettings();
        Map<String, String> c = new HashMap<>(choices.getDefaultChoices());
        c.put("intRules", "intRules:javaSemantics");
        c.put("runtimeExceptions", "runtimeExceptions:ban");
        choices.setDefaultChoices(c);
    }

    static Set<String> expectedOpen() throws IOException {
        Path f = Path.of("src/test/resources/open-contracts.txt");
        Set<String> out = new TreeSet<>();
        if (Files.exists(f)) {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                String t = line.strip();
                if (!t.isEmpty() && !t.startsWith("#")) {
                    out.add(t);
                }
            }
        }
        return out;
    }

    /** "Sv39::vpn(long,int)" out of KeY's contract name. */
    static String shortName(Contract c) {
        String n = c.getName();
        int open = n.indexOf('[');
        int close = n.indexOf(']');
        String target = open >= 0 && close > open ? n.substring(open + 1, close) : n;
        return target.replace("otherworld.kernel.verified.", "");
    }

    static String only() {
        return System.getProperty("key.only", "");
    }

    /** Whether name contains one of the comma-separated parts of -Dkey.only (all when it is not set). */
    static boolean selected(String name) {
        if (only().isEmpty()) {
            return true;
        }
        for (String part : only().split(",")) {
            if (!part.isEmpty() && name.contains(part)) {
                return true;
            }
        }
        return false;
    }

    /** What one proof attempt came to. */
    record Outcome(String name, boolean closed, int steps, int budget, int nodes, int open, long ms, long cpuMs) {
        String line(String tag) {
            return String.format("%-7s %-62s steps=%7d of %7d nodes=%6d open=%3d %8d ms %8d cpu-ms",
                    tag, name, steps, budget, nodes, open, ms, cpuMs);
        }
    }

    static List<Contract> contracts(KeYEnvironment<?> env) {
        List<Contract> out = new ArrayList<>();
        for (Contract c : env.getSpecificationRepository().getAllContracts()) {
            if (c.getKJT().getFullName().startsWith("otherworld.kernel.verified")) {
                out.add(c);
            }
        }
        out.sort((a, b) -> a.getName().compareTo(b.getName()));
        return out;
    }

    /** Runs c's proof obligation through auto mode within the step budget. */
    static Outcome prove(KeYEnvironment<?> env, Contract c, String dumpTag, int maxSteps) throws Exception {
        long t0 = System.currentTimeMillis();
        long cpu0 = processCpuMs();
        ProofOblInput po = c.createProofObl(env.getInitConfig(), c);
        Proof proof = env.createProof(po);
        try {
            proof.getSettings().getStrategySettings().setMaxSteps(maxSteps);
            proof.getSettings().getStrategySettings().setTimeout(TIMEOUT_MS);
            // KeY's defaults, not the settings KeY saved in ~/.key/proof-settings.json (where each run, with its
            // -Dkey.strategy overrides, leaves its own), so that no earlier run changes this one.
            StrategyProperties sp = new StrategyProperties();
            sp.setProperty(StrategyProperties.METHOD_OPTIONS_KEY, StrategyProperties.METHOD_CONTRACT);
            sp.setProperty(StrategyProperties.LOOP_OPTIONS_KEY, StrategyProperties.LOOP_INVARIANT);
            sp.setProperty(StrategyProperties.NON_LIN_ARITH_OPTIONS_KEY, StrategyProperties.NON_LIN_ARITH_DEF_OPS);
            sp.setProperty(StrategyProperties.QUANTIFIERS_OPTIONS_KEY,
                    StrategyProperties.QUANTIFIERS_NON_SPLITTING_WITH_PROGS);
            sp.setProperty(StrategyProperties.OSS_OPTIONS_KEY, StrategyProperties.OSS_ON);
            override(sp, strategyOf(shortName(c)));
            override(sp, System.getProperty("key.strategy", ""));
            proof.getSettings().getStrategySettings().setActiveStrategyProperties(sp);
            proof.setActiveStrategy(proof.getServices().getProfile().getDefaultStrategyFactory().create(proof, sp));
            int every = Integer.getInteger("key.progress", 0);
            if (every > 0) {
                int[] apps = {0};
                proof.addRuleAppListener(e -> {
                    if (++apps[0] % every == 0) {
                        System.out.println("[key]   " + shortName(c) + ": " + apps[0] + " rules applied, "
                                + proof.openGoals().size() + " open goals, "
                                + (System.currentTimeMillis() - t0) / 1000 + " s");
                    }
                });
            }
            env.getUi().getProofControl().startAndWaitForAutoMode(proof);
            boolean ok = proof.closed();
            Outcome out = new Outcome(shortName(c), ok, proof.getStatistics().totalRuleApps, maxSteps,
                    proof.countNodes(), proof.openGoals().size(), System.currentTimeMillis() - t0,
                    processCpuMs() - cpu0);
            if (!ok && Boolean.getBoolean("key.debug")) {
                List<String> goals = new ArrayList<>();
                for (Goal g : proof.openGoals()) {
                    goals.add("---- open goal " + g.node().serialNr());
                    goals.add(LogicPrinter.quickPrintSequent(g.sequent(), proof.getServices()));
                }
                java.util.Map<String, Integer> rules = new java.util.TreeMap<>();
                java.util.Iterator<de.uka.ilkd.key.proof.Node> it = proof.root().subtreeIterator();
                while (it.hasNext()) {
                    de.uka.ilkd.key.proof.Node node = it.next();
                    if (node.getAppliedRuleApp() != null) {
                        rules.merge(node.getAppliedRuleApp().rule().name().toString(), 1, Integer::sum);
                    }
                }
                List<String> top = new ArrayList<>();
                rules.entrySet().stream().sorted((x, y) -> y.getValue() - x.getValue()).limit(40)
                        .forEach(e -> top.add(e.getValue() + " " + e.getKey()));
                goals.add(0, "---- rules applied most: " + String.join(", ", top));
                Files.write(work().resolve(dumpTag + "-" + out.name().replaceAll("[^A-Za-z0-9]", "_") + ".open.txt"),
                        goals, StandardCharsets.UTF_8);
            }
            return out;
        } finally {
            proof.dispose();
        }
    }

    /**
     * CPU time of this JVM, ms (all its threads: KeY's, the JIT's, the collector's): on a shared machine, closer to
     * what a proof costs on an idle one than the wall-clock time is.
     */
    static long processCpuMs() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime() / 1_000_000L;
        }
        return -1;
    }

    static KeYEnvironment<?> load(Path src) throws Exception {
        long t0 = System.currentTimeMillis();
        KeYEnvironment<?> env = KeYEnvironment.load(JavaProfile.getDefaultInstance(), src.toFile(), null, null, null,
                true);
        System.out.println("[key] loaded " + src.getFileName() + " in " + (System.currentTimeMillis() - t0) + " ms");
        return env;
    }

    static void writeReport(String file, List<String> lines) throws IOException {
        Path out = work().resolve(file);
        Files.createDirectories(out.getParent());
        Files.write(out, lines, StandardCharsets.UTF_8);
    }

    @Test
    void everyContractClosesAutomatically() throws Exception {
        useJavaIntegerSemantics();
        Path src = stage("src");
        KeYEnvironment<?> env = load(src);
        List<String> report = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        Set<String> expected = expectedOpen();
        int closed = 0;
        int total = 0;
        long steps = 0;
        long start = System.currentTimeMillis();
        try {
            List<Contract> all = contracts(env);
            assertFalse(all.isEmpty(), "KeY found no contracts in " + src);
            for (Contract c : all) {
                String name = shortName(c);
                if (!selected(name)) {
                    continue;
                }
                total++;
                int steps0 = budget(name);
                Outcome o = prove(env, c, "contract", steps0);
                steps += o.steps();
                report.add(o.line(o.closed() ? "CLOSED" : "OPEN"));
                System.out.println("[key] " + o.line(o.closed() ? "CLOSED" : "OPEN"));
                if (o.closed()) {
                    closed++;
                    if (expected.contains(name)) {
                        failures.add(name + " closes now: remove it from open-contracts.txt");
                    }
                } else if (!expected.contains(name)) {
                    failures.add(name + " did not close within " + steps0 + " steps (" + o.open() + " open goals)");
                }
            }
        } finally {
            env.dispose();
        }
        long secs = (System.currentTimeMillis() - start) / 1000;
        String summary = closed + " of " + total + " contracts closed automatically, " + steps + " steps, in "
                + secs + " s";
        report.add(summary);
        System.out.println("[key] " + summary);
        writeReport("report.txt", report);
        assertTrue(total > 0, "-Dkey.only=" + only() + " selects no contract");
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void everyBrokenVariantStaysOpen() throws Exception {
        useJavaIntegerSemantics();
        List<BrokenVariant> variants = new ArrayList<>();
        for (BrokenVariant v : BrokenVariant.all()) {
            if (selected(v.contract()) || selected(v.name())) {
                variants.add(v);
            }
        }
        if (!only().isEmpty() && variants.isEmpty()) {
            return; // -Dkey.only names contracts without a broken variant
        }
        assertFalse(variants.isEmpty(), "no broken variants in " + BrokenVariant.DIR);
        List<String> report = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        List<List<BrokenVariant>> batches = BrokenVariant.batches(variants);
        for (int b = 0; b < batches.size(); b++) {
            List<BrokenVariant> batch = batches.get(b);
            Path src = stage("broken-" + b);
            for (BrokenVariant v : batch) {
                v.applyTo(src.resolve("otherworld/kernel/verified"));
            }
            KeYEnvironment<?> env = load(src);
            try {
                List<Contract> all = contracts(env);
                for (BrokenVariant v : batch) {
                    List<Contract> matching = new ArrayList<>();
                    for (Contract c : all) {
                        if (shortName(c).startsWith(v.contract())) {
                            matching.add(c);
                        }
                    }
                    assertEquals(1, matching.size(), v.name() + ": contract " + v.contract() + " must name one contract");
                    Outcome o = prove(env, matching.get(0), "broken-" + v.name(), budget(v.contract()));
                    String line = o.line(o.closed() ? "CLOSED!" : "OPEN") + "  " + v.name();
                    report.add(line);
                    System.out.println("[key] broken " + line);
                    if (o.closed()) {
                        failures.add("broken variant " + v.name() + " (" + v.what() + ") closes: the contract of "
                                + v.contract() + " does not catch it");
                    }
                }
            } finally {
                env.dispose();
            }
        }
        writeReport("broken.txt", report);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }
}
