package otherworld.proofs;

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
 * mode, under Java integer semantics (overflow is modelled, not ignored).
 *
 * <p>Runs only with the {@code key} profile: {@code mvn -pl proofs -Pkey test}.
 * Writes one line per contract to target/key/report.txt. Fails if a contract does
 * not close, unless it is named in src/test/resources/open-contracts.txt (each
 * line a contract's method signature, e.g. {@code Bitmap::countSet(long[],int)}),
 * and fails too if a contract listed there now closes, so that the list stays true.
 */
class KeyProofTest {

    /** Rule-application budget per contract; every closing proof here needs far fewer. */
    static final int MAX_STEPS = Integer.getInteger("key.maxSteps", 100000);
    /** Wall-clock budget per contract, ms. */
    static final long TIMEOUT_MS = Long.getLong("key.timeoutMs", 300000L);

    /** Copies the verified sources into a package-shaped tree KeY can load on its own. */
    static Path stage() throws IOException {
        Path work = Path.of(System.getProperty("key.work", "target/key")).toAbsolutePath();
        Path pkg = work.resolve("src/otherworld/kernel/verified");
        Files.createDirectories(pkg);
        try (var old = Files.list(pkg)) {
            for (Path p : (Iterable<Path>) old::iterator) {
                Files.delete(p);
            }
        }
        for (Path p : KeySubsetTest.verifiedSources()) {
            Files.copy(p, pkg.resolve(p.getFileName()));
        }
        return work.resolve("src");
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

    /** -Dkey.only=Sv39::vpn,Bitmap:: proves only the contracts whose names contain one of these. */
    static boolean selected(Contract c) {
        String only = System.getProperty("key.only", "");
        if (only.isEmpty()) {
            return true;
        }
        for (String part : only.split(",")) {
            if (!part.isEmpty() && shortName(c).contains(part)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void everyContractClosesAutomatically() throws Exception {
        useJavaIntegerSemantics();
        File src = stage().toFile();
        long loadStart = System.currentTimeMillis();
        KeYEnvironment<?> env = KeYEnvironment.load(JavaProfile.getDefaultInstance(), src, null, null, null, true);
        List<String> report = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        Set<String> expected = expectedOpen();
        int closed = 0;
        int total = 0;
        long start = System.currentTimeMillis();
        System.out.println("[key] loaded in " + (start - loadStart) / 1000 + " s");
        try {
            List<Contract> contracts = new ArrayList<>();
            for (Contract c : env.getSpecificationRepository().getAllContracts()) {
                if (c.getKJT().getFullName().startsWith("otherworld.kernel.verified") && selected(c)) {
                    contracts.add(c);
                }
            }
            contracts.sort((a, b) -> a.getName().compareTo(b.getName()));
            assertFalse(contracts.isEmpty(), "KeY found no contracts in " + src);
            for (Contract c : contracts) {
                total++;
                long t0 = System.currentTimeMillis();
                ProofOblInput po = c.createProofObl(env.getInitConfig(), c);
                Proof proof = env.createProof(po);
                try {
                    proof.getSettings().getStrategySettings().setMaxSteps(MAX_STEPS);
                    proof.getSettings().getStrategySettings().setTimeout(TIMEOUT_MS);
                    StrategyProperties sp = proof.getSettings().getStrategySettings().getActiveStrategyProperties();
                    sp.setProperty(StrategyProperties.METHOD_OPTIONS_KEY, StrategyProperties.METHOD_CONTRACT);
                    sp.setProperty(StrategyProperties.LOOP_OPTIONS_KEY, StrategyProperties.LOOP_INVARIANT);
                    sp.setProperty(StrategyProperties.NON_LIN_ARITH_OPTIONS_KEY,
                            StrategyProperties.NON_LIN_ARITH_DEF_OPS);
                    sp.setProperty(StrategyProperties.QUANTIFIERS_OPTIONS_KEY,
                            StrategyProperties.QUANTIFIERS_NON_SPLITTING_WITH_PROGS);
                    sp.setProperty(StrategyProperties.OSS_OPTIONS_KEY, StrategyProperties.OSS_ON);
                    proof.getSettings().getStrategySettings().setActiveStrategyProperties(sp);
                    proof.setActiveStrategy(proof.getServices().getProfile().getDefaultStrategyFactory()
                            .create(proof, sp));
                    env.getUi().getProofControl().startAndWaitForAutoMode(proof);
                    boolean ok = proof.closed();
                    long ms = System.currentTimeMillis() - t0;
                    String name = shortName(c);
                    String line = String.format("%-7s %-60s nodes=%6d open=%3d %6d ms",
                            ok ? "CLOSED" : "OPEN", name, proof.countNodes(), proof.openGoals().size(), ms);
                    report.add(line);
                    System.out.println("[key] " + line);
                    if (ok) {
                        closed++;
                        if (expected.contains(name)) {
                            failures.add(name + " closes now: remove it from open-contracts.txt");
                        }
                    } else if (Boolean.getBoolean("key.debug")) {
                        Path dump = Path.of(System.getProperty("key.work", "target/key"),
                                name.replaceAll("[^A-Za-z0-9]", "_") + ".open.txt");
                        List<String> goals = new ArrayList<>();
                        for (Goal g : proof.openGoals()) {
                            goals.add("---- open goal " + g.node().serialNr());
                            goals.add(LogicPrinter.quickPrintSequent(g.sequent(), proof.getServices()));
                        }
                        Files.write(dump, goals, StandardCharsets.UTF_8);
                    }
                    if (!ok && !expected.contains(name)) {
                        failures.add(name + " did not close (" + proof.openGoals().size() + " open goals)");
                    }
                } finally {
                    proof.dispose();
                }
            }
        } finally {
            env.dispose();
        }
        long secs = (System.currentTimeMillis() - start) / 1000;
        String summary = closed + " of " + total + " contracts closed automatically in " + secs + " s";
        report.add(summary);
        System.out.println("[key] " + summary);
        Path out = Path.of(System.getProperty("key.work", "target/key"), "report.txt");
        Files.createDirectories(out.getParent());
        Files.write(out, report, StandardCharsets.UTF_8);
        if (System.getProperty("key.only", "").isEmpty()) {
            assertTrue(failures.isEmpty(), String.join("\n", failures));
        }
    }
}
