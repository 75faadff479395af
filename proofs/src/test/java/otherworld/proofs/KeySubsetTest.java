package otherworld.proofs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The verified package stays in KeY's Java subset and every public method has a contract. */
class KeySubsetTest {

    /** kernel-sim/src/main/java/otherworld/kernel/verified, read as files (set by the pom). */
    static Path verifiedDir() {
        String dir = System.getProperty("verified.src",
                "../kernel-sim/src/main/java/otherworld/kernel/verified");
        return Path.of(dir).toAbsolutePath().normalize();
    }

    static List<Path> verifiedSources() throws IOException {
        try (Stream<Path> files = Files.walk(verifiedDir())) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void verifiedPackageIsInKeySubset() throws IOException {
        List<Path> sources = verifiedSources();
        assertFalse(sources.isEmpty(), "no sources under " + verifiedDir());
        List<String> all = new ArrayList<>();
        for (Path p : sources) {
            String name = verifiedDir().getParent().getParent().getParent().relativize(p).toString();
            all.addAll(KeySubset.violations(name, Files.readString(p, StandardCharsets.UTF_8)));
        }
        assertTrue(all.isEmpty(), "outside KeY's subset:\n" + String.join("\n", all));
    }

    @Test
    void expectedClassesArePresent() throws IOException {
        List<String> names = new ArrayList<>();
        for (Path p : verifiedSources()) {
            names.add(p.getFileName().toString());
        }
        for (String n : List.of("Sv39.java", "Bitmap.java", "Bounds.java", "DirentWalk.java", "ElfCheck.java",
                "LittleEndian.java", "PageWalk.java", "PhysWords.java")) {
            assertTrue(names.contains(n), n + " missing from " + verifiedDir());
        }
    }

    private static List<String> check(String body) {
        return KeySubset.violations("X.java", body);
    }

    private static void assertFlags(String message, String body) {
        List<String> v = check(body);
        assertTrue(v.stream().anyMatch(s -> s.contains(message)), message + " not found in " + v + " for:\n" + body);
    }

    @Test
    void detectsEachConstruct() {
        assertFlags("generic type", "class X {\n  java.util.List<String> xs;\n}\n");
        assertFlags("diamond", "class X {\n  Object o = new java.util.ArrayList<>();\n}\n");
        assertFlags("generic method", "class X {\n  static <T> T id(T t) { return t; }\n}\n");
        assertFlags("lambda", "class X {\n  Runnable r = () -> {};\n}\n");
        assertFlags("method reference", "class X {\n  Object f = String::length;\n}\n");
        assertFlags("record", "record P(int x) {}\n");
        assertFlags("sealed", "sealed interface S permits A {}\n");
        assertFlags("var", "class X {\n  void f() { var x = 1; }\n}\n");
        assertFlags("switch expression", "class X {\n  int f(int k) { int y = switch (k) { default: yield 1; }; return y; }\n}\n");
        assertFlags("text block", "class X {\n  String s = \"\"\"\n    hi\n    \"\"\";\n}\n");
        assertFlags("instanceof pattern", "class X {\n  boolean f(Object o) { return o instanceof String s; }\n}\n");
        assertFlags("try-with-resources", "class X {\n  void f() throws Exception { try (java.io.InputStream in = null) { } }\n}\n");
        assertFlags("multi-catch", "class X {\n  void f() { try { } catch (RuntimeException | Error e) { } }\n}\n");
        assertFlags("numeric literal", "class X {\n  long m = 1_000;\n}\n");
        assertFlags("numeric literal", "class X {\n  long m = 0x8000_0000L;\n}\n");
        assertFlags("@Override", "class X {\n  @Override public String toString() { return \"\"; }\n}\n");
        assertFlags("StringBuilder", "class X {\n  Object b = new StringBuilder();\n}\n");
        assertFlags("default method", "interface X {\n  default int f() { return 1; }\n}\n");
        assertFlags("enhanced for", "class X {\n  void f(int[] a) {\n    for (int x : a) { }\n  }\n}\n");
        assertFlags("synchronized", "class X {\n  synchronized void f() { }\n}\n");
        assertFlags("anonymous class", "class X {\n  Object o = new Object() { };\n}\n");
        assertFlags("loop without", "class X {\n  void f() {\n    for (int i = 0; i < 3; i++) { }\n  }\n}\n");
        assertFlags("has no JML contract", "class X {\n  public static int f() { return 1; }\n}\n");
        assertFlags("has no JML contract", "abstract class X {\n  public abstract long r(long a);\n}\n");
    }

    @Test
    void reportsFileAndLine() {
        List<String> v = check("class X {\n\n  long m = 1_000;\n}\n");
        assertEquals(List.of("X.java:3: _ in a numeric literal (rejected by KeY)"), v);
    }

    @Test
    void acceptsTheSubset() {
        String ok = "package p;\n"
                + "/** Doc with List<String> and a -> b and for (x : y). */\n"
                + "public final class X {\n"
                + "    public static final long M = 0x80000000L;\n"
                + "    /*@ public normal_behavior\n"
                + "      @   requires a != null;\n"
                + "      @   ensures \\result >= 0 <==> (a.length > 0 ==> true);\n"
                + "      @   assignable \\nothing;\n"
                + "      @*/\n"
                + "    public static int f(int[] a) {\n"
                + "        int s = 0; // a -> b\n"
                + "        String t = \"x -> y :: List<String> 1_0\";\n"
                + "        /*@ loop_invariant 0 <= i && i <= a.length;\n"
                + "          @ decreases a.length - i;\n"
                + "          @*/\n"
                + "        for (int i = 0; i < a.length; i++) {\n"
                + "            switch (a[i]) { case 1: s++; break; default: break; }\n"
                + "        }\n"
                + "        return s < M ? 1 : 0;\n"
                + "    }\n"
                + "}\n";
        assertEquals(List.of(), check(ok));
    }
}
