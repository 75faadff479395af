package otherworld.checker.harness;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.SourcePositions;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

/**
 * The Java that Java PathFinder's {@code java-17} line runs (shared/STYLE.md, "Java that Java
 * PathFinder can run"), checked on the source with javac's own parser, so that a change that
 * would break the model under JPF fails the default build even where JPF is not installed.
 *
 * <p>Rules: no lambda (JPF names its lambda classes {@code Outer$n}, which collides with javac's
 * enum switch-map class {@code Outer$1}; {@link JpfClassNames} checks the same clash, string
 * concatenation included, on the compiled classes); no method reference; a record declares its own
 * {@code equals}, {@code hashCode} and {@code toString}; no {@code IntStream.boxed},
 * {@code Collectors.joining}, {@code String.join}, {@code String.strip*}; on a stream, only
 * {@code filter}, {@code map}, {@code collect(toList())}, {@code mapToInt} and {@code sum}.
 */
final class JpfSubset {
    /** Stream operations STYLE.md lists as working under JPF. */
    static final Set<String> STREAM_OPS = Set.of("filter", "map", "collect", "mapToInt", "sum");
    /** Calls that break under JPF whatever their receiver. */
    static final Set<String> BROKEN_CALLS = Set.of("boxed", "joining", "strip", "stripLeading", "stripTrailing");
    private static final Set<String> RECORD_METHODS = Set.of("equals", "hashCode", "toString");

    private JpfSubset() {
    }

    /** Violations in every .java file under the given roots, as "file:line: what". */
    static List<String> check(List<Path> roots) throws IOException {
        List<JavaFileObject> files = new ArrayList<>();
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                throw new IOException("no source directory " + root.toAbsolutePath().normalize());
            }
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path p : (Iterable<Path>) walk.filter(x -> x.toString().endsWith(".java")).sorted()::iterator) {
                    files.add(source(root.relativize(p).toString(), Files.readString(p, StandardCharsets.UTF_8)));
                }
            }
        }
        return checkFiles(files);
    }

    /** Violations in one piece of source text (for the checker's own tests). */
    static List<String> checkText(String name, String text) throws IOException {
        return checkFiles(List.of(source(name, text)));
    }

    private static JavaFileObject source(String name, String text) {
        return new SimpleJavaFileObject(URI.create("string:///" + name.replace('\\', '/')), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return text;
            }
        };
    }

    private static List<String> checkFiles(List<JavaFileObject> files) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter diagnostics = new StringWriter();
        JavacTask task = (JavacTask) javac.getTask(diagnostics, null, null, List.of("--release", "17"), null, files);
        List<String> out = new ArrayList<>();
        SourcePositions positions = Trees.instance(task).getSourcePositions();
        for (CompilationUnitTree unit : task.parse()) {
            new Rules(unit, positions, out).scan(unit, null);
        }
        if (!diagnostics.toString().isEmpty()) {
            out.add("javac could not parse: " + diagnostics);
        }
        return out;
    }

    private static final class Rules extends TreePathScanner<Void, Void> {
        private final CompilationUnitTree unit;
        private final SourcePositions positions;
        private final List<String> out;

        Rules(CompilationUnitTree unit, SourcePositions positions, List<String> out) {
            this.unit = unit;
            this.positions = positions;
            this.out = out;
        }

        private void report(Tree t, String what) {
            long line = unit.getLineMap().getLineNumber(positions.getStartPosition(unit, t));
            String file = unit.getSourceFile().getName();
            out.add(file.substring(file.lastIndexOf('/') + 1) + ":" + line + ": " + what);
        }

        @Override
        public Void visitLambdaExpression(LambdaExpressionTree t, Void v) {
            report(t, "lambda (JPF names its class Outer$n, a name javac gives enum switch maps and anonymous classes)");
            return super.visitLambdaExpression(t, v);
        }

        @Override
        public Void visitMemberReference(MemberReferenceTree t, Void v) {
            report(t, "method reference " + t.getQualifierExpression() + "::" + t.getName());
            return super.visitMemberReference(t, v);
        }

        @Override
        public Void visitClass(ClassTree t, Void v) {
            if (t.getKind() == Tree.Kind.RECORD) {
                List<String> declared = new ArrayList<>();
                for (Tree m : t.getMembers()) {
                    if (m instanceof MethodTree) {
                        declared.add(((MethodTree) m).getName().toString());
                    }
                }
                for (String name : RECORD_METHODS) {
                    if (!declared.contains(name)) {
                        report(t, "record " + t.getSimpleName() + " uses the generated " + name + "()");
                    }
                }
            }
            return super.visitClass(t, v);
        }

        @Override
        public Void visitMethodInvocation(MethodInvocationTree t, Void v) {
            ExpressionTree callee = t.getMethodSelect();
            if (callee instanceof MemberSelectTree) {
                MemberSelectTree sel = (MemberSelectTree) callee;
                String name = sel.getIdentifier().toString();
                if (BROKEN_CALLS.contains(name)) {
                    report(t, "call of " + name + "()");
                } else if (name.equals("join") && isIdentifier(sel.getExpression(), "String")) {
                    report(t, "call of String.join()");
                } else if (isStream(sel.getExpression()) && !STREAM_OPS.contains(name)) {
                    report(t, "stream operation " + name + "()");
                }
            } else if (callee instanceof IdentifierTree && BROKEN_CALLS.contains(((IdentifierTree) callee).getName().toString())) {
                report(t, "call of " + callee + "()");
            }
            return super.visitMethodInvocation(t, v);
        }

        private static boolean isIdentifier(ExpressionTree e, String name) {
            return e instanceof IdentifierTree && ((IdentifierTree) e).getName().contentEquals(name);
        }

        /** An expression that yields a stream: x.stream(), Arrays.stream, (Int)Stream.x, or an op on one. */
        private static boolean isStream(ExpressionTree e) {
            if (!(e instanceof MethodInvocationTree)) {
                return false;
            }
            ExpressionTree callee = ((MethodInvocationTree) e).getMethodSelect();
            if (!(callee instanceof MemberSelectTree)) {
                return false;
            }
            MemberSelectTree sel = (MemberSelectTree) callee;
            String name = sel.getIdentifier().toString();
            ExpressionTree recv = sel.getExpression();
            return name.equals("stream") || isIdentifier(recv, "Stream") || isIdentifier(recv, "IntStream")
                    || isIdentifier(recv, "LongStream") || (STREAM_OPS.contains(name) && !name.equals("collect")
                    && !name.equals("sum") && isStream(recv));
        }
    }
}
