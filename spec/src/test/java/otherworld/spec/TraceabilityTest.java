package otherworld.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the traceability tables in spec/*.md true: every model/checker class, every kernel
 * reference and every test class they name exists as a source file (a nested class as its outer
 * class's file, a package as its directory). A kernel reference that is not written yet must be
 * marked so in its cell, as {@code `otherworld.x.Y` (planned)}, and must really not exist: a
 * name that is neither present nor marked fails, and so does a "planned" one that has landed.
 * Also checks that every named invariant of the model is in the spec.
 */
class TraceabilityTest {
    private static final Pattern NAME = Pattern.compile("`(otherworld(?:\\.[A-Za-z0-9_]+)+)`");
    private static final Pattern PLANNED = Pattern.compile("`(otherworld(?:\\.[A-Za-z0-9_]+)+)`\\s*\\(planned\\)");

    /** One row of a traceability table. */
    static final class Row {
        final String clause;
        final List<String> model;
        final List<String> kernel;
        final List<String> planned;
        final List<String> tests;

        Row(String clause, List<String> model, List<String> kernel, List<String> planned, List<String> tests) {
            this.clause = clause;
            this.model = model;
            this.kernel = kernel;
            this.planned = planned;
            this.tests = tests;
        }
    }

    static Path root() {
        Path here = Path.of("").toAbsolutePath();
        return Files.isDirectory(here.resolve("spec")) ? here : here.getParent();
    }

    static List<Path> specFiles() throws IOException {
        try (Stream<Path> s = Files.list(root().resolve("spec"))) {
            List<Path> out = new ArrayList<>();
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(p -> out.add(p));
            return out;
        }
    }

    static List<String> names(String cell) {
        return names(NAME, cell);
    }

    static List<String> names(Pattern p, String cell) {
        List<String> out = new ArrayList<>();
        Matcher m = p.matcher(cell);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    static List<Row> rows() throws IOException {
        List<Row> rows = new ArrayList<>();
        for (Path md : specFiles()) {
            boolean inTable = false;
            for (String line : Files.readAllLines(md, StandardCharsets.UTF_8)) {
                String t = line.trim();
                if (t.startsWith("| clause |")) {
                    inTable = true;
                    continue;
                }
                if (!inTable) {
                    continue;
                }
                if (!t.startsWith("|")) {
                    inTable = false;
                    continue;
                }
                if (t.startsWith("|---")) {
                    continue;
                }
                String[] cells = t.split("\\|", -1);
                if (cells.length < 6) {
                    continue;
                }
                rows.add(new Row(cells[1].trim(), names(cells[2]), names(cells[3]), names(PLANNED, cells[3]),
                        names(cells[4])));
            }
        }
        return rows;
    }

    /**
     * A source file for a class in any module's src/{main,test}/java; a nested class (Outer.Inner) is found as
     * Outer's file, a package as its directory.
     */
    static boolean exists(String name, String sourceSet) throws IOException {
        String[] parts = name.split("\\.");
        try (Stream<Path> modules = Files.list(root())) {
            for (Path module : (Iterable<Path>) modules::iterator) {
                Path src = module.resolve("src").resolve(sourceSet).resolve("java");
                if (Files.isDirectory(src.resolve(name.replace('.', '/')))) {
                    return true;
                }
                for (int n = parts.length; n > 1; n--) {
                    if (!Character.isUpperCase(parts[n - 1].charAt(0))) {
                        break;
                    }
                    String rel = String.join("/", java.util.Arrays.copyOf(parts, n)) + ".java";
                    if (Files.isRegularFile(src.resolve(rel))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    static boolean existsIn(String module, String sourceSet, String className) {
        return Files.isRegularFile(root().resolve(module).resolve("src").resolve(sourceSet).resolve("java")
                .resolve(className.replace('.', '/') + ".java"));
    }

    @Test
    void theSpecHasATraceabilityTable() throws IOException {
        assertFalse(specFiles().isEmpty(), "no spec/*.md");
        assertTrue(rows().size() >= 10, "traceability table has " + rows().size() + " rows");
    }

    @Test
    void everyModelAndCheckerClassExists() throws IOException {
        List<String> missing = new ArrayList<>();
        for (Row r : rows()) {
            for (String c : r.model) {
                if (!existsIn("model", "main", c) && !existsIn("checker", "main", c)) {
                    missing.add(r.clause + ": " + c);
                }
            }
        }
        assertEquals(List.of(), missing, "model/checker classes named in the spec but not found");
    }

    @Test
    void everyTestClassExists() throws IOException {
        List<String> missing = new ArrayList<>();
        for (Row r : rows()) {
            assertFalse(r.tests.isEmpty(), "clause " + r.clause + " names no test");
            for (String c : r.tests) {
                if (!exists(c, "test")) {
                    missing.add(r.clause + ": " + c);
                }
            }
        }
        assertEquals(List.of(), missing, "test classes named in the spec but not found");
    }

    @Test
    void kernelReferencesArePresentOrMarkedPlanned() throws IOException {
        List<String> missing = new ArrayList<>();
        List<String> landed = new ArrayList<>();
        int present = 0;
        for (Row r : rows()) {
            for (String c : r.kernel) {
                boolean there = exists(c, "main");
                boolean planned = r.planned.contains(c);
                if (there && planned) {
                    landed.add(r.clause + " -> " + c);
                } else if (!there && !planned) {
                    missing.add(r.clause + " -> " + c);
                } else if (there) {
                    present++;
                } else {
                    System.out.println("traceability: planned: " + r.clause + " -> " + c);
                }
            }
        }
        assertEquals(List.of(), missing, "kernel references named in the spec but not found (mark them (planned)?)");
        assertEquals(List.of(), landed, "kernel references marked (planned) that exist now: drop the mark");
        assertTrue(present >= 20, "only " + present + " kernel references present");
    }

    @Test
    void aNameThatDoesNotExistIsFound() throws IOException {
        assertFalse(exists("otherworld.kernel.NoSuchClassAnywhere", "main"));
        assertTrue(exists("otherworld.kernel.Kernel", "main"));
        assertTrue(exists("otherworld.kernel.Scenario.Program", "main"), "a nested class is its outer class's file");
        assertTrue(exists("otherworld.kernel.fs", "main"), "a package is its directory");
        assertEquals(List.of("otherworld.a.B"), names(PLANNED, "`otherworld.a.B` (planned), `otherworld.c.D`"));
    }

    @Test
    void everyNamedInvariantOfTheModelIsSpecified() throws IOException {
        Path inv = root().resolve("model/src/main/java/otherworld/model/Invariants.java");
        assertTrue(Files.isRegularFile(inv), inv.toString());
        StringBuilder spec = new StringBuilder();
        for (Path md : specFiles()) {
            spec.append(Files.readString(md, StandardCharsets.UTF_8));
        }
        Matcher m = Pattern.compile("public static final String [A-Z_]+ = \"([A-Za-z]+)\"")
                .matcher(Files.readString(inv, StandardCharsets.UTF_8));
        int n = 0;
        while (m.find()) {
            n++;
            assertTrue(spec.indexOf("**" + m.group(1) + "**") >= 0, "invariant " + m.group(1) + " not in spec");
        }
        assertTrue(n >= 8, "found only " + n + " invariants");
    }
}
