package otherworld.checker.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import otherworld.model.Machine;

/**
 * The model and everything that runs under Java PathFinder (the harnesses, the choice API and
 * its JPF binding) stay inside the Java subset JPF's java-17 line handles. Runs in the default
 * build, so a change that would break the jpf profile fails CI where JPF is not installed.
 */
class JpfSubsetTest {
    /**
     * Source trees that JPF executes; paths relative to checker/ (surefire's working directory).
     * src/jpf's otherworld.checker.jpf is JPF's host side (listener, driver), not run inside JPF.
     */
    static final List<Path> UNDER_JPF = List.of(
            Path.of("..", "model", "src", "main", "java"),
            Path.of("src", "main", "java", "otherworld", "checker", "harness"),
            Path.of("src", "main", "java", "otherworld", "checker", "choice"),
            Path.of("src", "jpf", "java", "otherworld", "checker", "choice"));

    @Test
    void modelAndHarnessesStayInTheSubset() throws Exception {
        List<String> bad = JpfSubset.check(UNDER_JPF);
        assertEquals(List.of(), bad, "outside the Java subset JPF runs (shared/STYLE.md)");
    }

    /** The compiled model and harnesses: no JPF function-object class takes a javac class's name. */
    @Test
    void noInvokedynamicClassNameClashesInTheCompiledClasses() throws Exception {
        Path model = Path.of(Machine.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertEquals(List.of(), JpfClassNames.clashes(model, "otherworld.model."));
        Path checker = Path.of(ResurrectionHarness.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertEquals(List.of(), JpfClassNames.clashes(checker, "otherworld.checker.harness.", "otherworld.checker.choice."));
    }

    /** Two concatenations and an enum switch clash, unless concatenation is compiled inline. */
    @Test
    void theClassNameClashIsFoundAndInlineConcatenationAvoidsIt(@TempDir Path dir) throws Exception {
        String source = """
                package clash;
                class X {
                    enum E { A, B }
                    String f(E e, int i) {
                        switch (e) {
                            case A: return "a" + i;
                            default: return i + "b";
                        }
                    }
                }
                """;
        compile(source, dir.resolve("indy"), List.of());
        assertEquals(List.of("clash.X: 2 invokedynamic bootstrap methods; JPF's class for #1 takes the name of "
                + "javac's clash.X$1 (an enum switch map or anonymous class)"), JpfClassNames.clashes(dir.resolve("indy"), "clash."));
        compile(source, dir.resolve("inline"), List.of("-XDstringConcat=inline"));
        assertEquals(List.of(), JpfClassNames.clashes(dir.resolve("inline"), "clash."));
    }

    private static void compile(String source, Path out, List<String> options) throws Exception {
        Path src = out.resolve("src/clash/X.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, source);
        List<String> args = new ArrayList<>(List.of("--release", "17", "-d", out.toString()));
        args.addAll(options);
        args.add(src.toString());
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(new String[0])));
    }

    @Test
    void lambdasAndMethodReferencesAreFlagged() throws Exception {
        List<String> bad = JpfSubset.checkText("A.java", """
                class A {
                    Runnable r = () -> { };
                    java.util.function.ToIntFunction<String> f = String::length;
                    int g(String s) {
                        return switch (s) { case "x" -> 1; default -> 2; };
                    }
                }
                """);
        assertEquals(2, bad.size(), bad.toString());
        assertTrue(bad.get(0).startsWith("A.java:2: lambda"), bad.toString());
        assertTrue(bad.get(1).startsWith("A.java:3: method reference String::length"), bad.toString());
    }

    @Test
    void recordsMustWriteTheirObjectMethods() throws Exception {
        List<String> bad = JpfSubset.checkText("R.java", """
                record R(int x) {
                    @Override public boolean equals(Object o) { return o instanceof R && ((R) o).x == x; }
                    @Override public int hashCode() { return x; }
                }
                """);
        assertEquals(List.of("R.java:1: record R uses the generated toString()"), bad);
        assertEquals(List.of(), JpfSubset.checkText("S.java", """
                record S(int x) {
                    @Override public boolean equals(Object o) { return o instanceof S && ((S) o).x == x; }
                    @Override public int hashCode() { return x; }
                    @Override public String toString() { return "S" + x; }
                }
                """));
    }

    @Test
    void brokenLibraryCallsAndStreamOpsAreFlagged() throws Exception {
        List<String> bad = JpfSubset.checkText("B.java", """
                import java.util.List;
                import java.util.stream.Collectors;
                class B {
                    String a(List<String> xs) { return String.join(",", xs); }
                    String b(String s) { return s.strip(); }
                    Object c(List<String> xs) { return xs.stream().collect(Collectors.joining()); }
                    Object d(List<String> xs) { return xs.stream().sorted().collect(Collectors.toList()); }
                    Object e(List<String> xs) { return xs.stream().map(null).collect(Collectors.toList()); }
                    Object f() { return java.util.stream.IntStream.range(0, 3).boxed(); }
                }
                """);
        assertEquals(List.of(
                "B.java:4: call of String.join()",
                "B.java:5: call of strip()",
                "B.java:6: call of joining()",
                "B.java:7: stream operation sorted()",
                "B.java:9: call of boxed()"), bad);
    }

    @Test
    void aMissingSourceTreeIsAnErrorNotAPass() {
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> JpfSubset.check(List.of(Path.of("no", "such", "dir"))));
        assertTrue(e.getMessage().startsWith("no source directory"), e.getMessage());
    }
}
