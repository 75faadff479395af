package otherworld.proofs;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A textual check that a Java source stays inside the subset KeY 2.12 loads and
 * proves (shared/STYLE.md, "Java that KeY 2.12 can prove"), and that every public
 * method carries a JML contract and every loop a loop invariant and a variant.
 *
 * <p>It works on the text, not a parse tree: comments and literals are blanked
 * first (keeping line numbers), then each rule is a pattern. It reports
 * {@code file:line: message} for each finding.
 */
final class KeySubset {

    private KeySubset() {
    }

    /** A rule: a pattern on code with comments and literals blanked, and what it means. */
    private static final class Rule {
        final Pattern pattern;
        final String message;

        Rule(String regex, String message) {
            this.pattern = Pattern.compile(regex);
            this.message = message;
        }
    }

    private static final List<Rule> RULES = List.of(
            new Rule("\\b[A-Z][A-Za-z0-9_]*\\s*<\\s*>", "diamond <> (generics are rejected by KeY)"),
            new Rule("\\b[A-Z][A-Za-z0-9_]*<\\s*[A-Z?][A-Za-z0-9_.?,\\s\\[\\]<>]*>", "generic type (rejected by KeY)"),
            new Rule("\\b(public|protected|private|static|final)\\s+<", "generic method (rejected by KeY)"),
            new Rule("->", "lambda or switch arrow (rejected by KeY)"),
            new Rule("::", "method reference (rejected by KeY)"),
            new Rule("\\brecord\\s+[A-Z]\\w*\\s*\\(", "record (rejected by KeY)"),
            new Rule("\\b(sealed|non-sealed|permits)\\b", "sealed type (rejected by KeY)"),
            new Rule("\\bvar\\s+[A-Za-z_$][\\w$]*\\s*[=:]", "var (rejected by KeY)"),
            new Rule("(=|return|\\()\\s*switch\\s*\\(", "switch expression (rejected by KeY)"),
            new Rule("\\byield\\b", "switch expression yield (rejected by KeY)"),
            new Rule("\\binstanceof\\s+[\\w.]+\\s+[a-z_$][\\w$]*", "instanceof pattern (rejected by KeY)"),
            new Rule("\\btry\\s*\\(", "try-with-resources (rejected by KeY)"),
            new Rule("\\bcatch\\s*\\([^)]*\\|", "multi-catch (rejected by KeY)"),
            new Rule("(?<![\\w.])(0[xXbB][0-9a-fA-F_]*_[0-9a-fA-F_]*|\\d[\\d_]*_\\d[\\d_]*)", "_ in a numeric literal (rejected by KeY)"),
            new Rule("@Override\\b", "@Override (rejected by KeY)"),
            new Rule("\\bStringBuilder\\b", "StringBuilder (rejected by KeY)"),
            new Rule("\\bdefault\\s+(?!:)[\\w\\[\\]]+\\s+\\w+\\s*\\(", "interface default method (rejected by KeY)"),
            new Rule("\\bsynchronized\\b", "synchronized (KeY's auto mode stalls)"),
            new Rule("\\bnew\\s+[\\w.]+\\s*\\([^;]*\\)\\s*\\{", "anonymous class (KeY's auto mode stalls)"),
            new Rule("\\b(Integer|Long|Short|Byte|Character|Boolean|Double|Float)\\s+\\w+\\s*[=;,)]",
                    "boxed type, autoboxing (KeY's auto mode stalls)"));

    private static final Pattern PUBLIC_METHOD = Pattern.compile(
            "(?m)^[ \\t]*public\\s+(static\\s+|abstract\\s+)?(final\\s+)?[\\w\\[\\]]+\\s+(\\w+)\\s*\\(");
    private static final Pattern PUBLIC_CONSTRUCTOR = Pattern.compile(
            "(?m)^[ \\t]*public\\s+([A-Z]\\w*)\\s*\\(");
    private static final Pattern LOOP = Pattern.compile("\\b(for|while)\\s*\\(");
    private static final Pattern DO_LOOP = Pattern.compile("\\bdo\\s*\\{");

    /** Every finding in one source file, as "file:line: message". */
    static List<String> violations(String file, String source) {
        List<String> out = new ArrayList<>();
        if (source.contains("\"\"\"")) {
            out.add(file + ":" + lineOf(source, source.indexOf("\"\"\"")) + ": text block (rejected by KeY)");
        }
        String code = blank(source);
        for (Rule rule : RULES) {
            Matcher m = rule.pattern.matcher(code);
            while (m.find()) {
                out.add(file + ":" + lineOf(code, m.start()) + ": " + rule.message);
            }
        }
        Matcher loops = LOOP.matcher(code);
        while (loops.find()) {
            int open = loops.end() - 1;
            int close = matching(code, open);
            String header = code.substring(open + 1, close < 0 ? code.length() : close);
            boolean isFor = loops.group(1).equals("for");
            if (isFor && header.indexOf(';') < 0 && header.indexOf(':') >= 0) {
                out.add(file + ":" + lineOf(code, loops.start()) + ": enhanced for (KeY loses the loop invariant)");
            }
            if (!isFor && isDoWhileTail(code, loops.start())) {
                continue;
            }
            String jml = precedingJml(source, loops.start());
            if (jml == null || !jml.contains("loop_invariant") || !jml.contains("decreases")) {
                out.add(file + ":" + lineOf(code, loops.start())
                        + ": loop without a JML loop_invariant and decreases clause");
            }
        }
        Matcher dos = DO_LOOP.matcher(code);
        while (dos.find()) {
            String jml = precedingJml(source, dos.start());
            if (jml == null || !jml.contains("loop_invariant") || !jml.contains("decreases")) {
                out.add(file + ":" + lineOf(code, dos.start())
                        + ": loop without a JML loop_invariant and decreases clause");
            }
        }
        checkContracts(file, source, code, PUBLIC_METHOD, 3, out);
        checkContracts(file, source, code, PUBLIC_CONSTRUCTOR, 1, out);
        return out;
    }

    private static void checkContracts(String file, String source, String code, Pattern decl, int nameGroup,
                                       List<String> out) {
        Matcher m = decl.matcher(code);
        while (m.find()) {
            String jml = precedingJml(source, m.start());
            if (jml == null || !(jml.contains("normal_behavior") || jml.contains("behavior")
                    || jml.contains("ensures") || jml.contains("requires"))) {
                out.add(file + ":" + lineOf(code, m.start()) + ": public method " + m.group(nameGroup)
                        + " has no JML contract (/*@ public normal_behavior ... @*/ right before it)");
            }
        }
    }

    /** The JML comment (/*@ ... @*&#47; or //@ lines) right before {@code pos}, skipping blanks and annotations; or null. */
    static String precedingJml(String source, int pos) {
        int i = lineStart(source, pos) - 1;
        StringBuilder lines = new StringBuilder();
        while (i >= 0) {
            int start = lineStart(source, i);
            String line = source.substring(start, i + 1).trim();
            if (line.isEmpty() || line.startsWith("@") && !line.startsWith("@*/") && !line.startsWith("@ ")
                    && !line.equals("@")) {
                i = start - 1; // blank line or a Java annotation
                continue;
            }
            if (line.startsWith("//@")) {
                lines.insert(0, line + "\n");
                i = start - 1;
                continue;
            }
            if (lines.length() > 0) {
                return lines.toString();
            }
            if (line.endsWith("*/")) {
                int open = source.lastIndexOf("/*", i);
                if (open >= 0 && source.startsWith("/*@", open)) {
                    return source.substring(open, i + 1);
                }
            }
            return null;
        }
        return lines.length() > 0 ? lines.toString() : null;
    }

    private static boolean isDoWhileTail(String code, int whilePos) {
        int i = whilePos - 1;
        while (i >= 0 && Character.isWhitespace(code.charAt(i))) {
            i--;
        }
        if (i < 0 || code.charAt(i) != '}') {
            return false;
        }
        int open = matchingBack(code, i);
        if (open < 0) {
            return false;
        }
        int j = open - 1;
        while (j >= 0 && Character.isWhitespace(code.charAt(j))) {
            j--;
        }
        return j >= 1 && code.startsWith("do", j - 1) && (j < 2 || !Character.isJavaIdentifierPart(code.charAt(j - 2)));
    }

    private static int matching(String code, int open) {
        int depth = 0;
        for (int i = open; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
                if (depth == 0) {
                    return i;
                }
            }
        }
        return -1;
    }

    private static int matchingBack(String code, int close) {
        int depth = 0;
        for (int i = close; i >= 0; i--) {
            char c = code.charAt(i);
            if (c == '}') {
                depth++;
            } else if (c == '{') {
                depth--;
                if (depth == 0) {
                    return i;
                }
            }
        }
        return -1;
    }

    private static int lineStart(String s, int pos) {
        int p = Math.min(pos, s.length());
        while (p > 0 && s.charAt(p - 1) != '\n') {
            p--;
        }
        return p;
    }

    static int lineOf(String s, int pos) {
        int line = 1;
        for (int i = 0; i < pos && i < s.length(); i++) {
            if (s.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    /** The source with comments, string and char literals replaced by spaces; newlines kept. */
    static String blank(String s) {
        char[] out = s.toCharArray();
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c == '/' && i + 1 < n && s.charAt(i + 1) == '/') {
                while (i < n && s.charAt(i) != '\n') {
                    out[i++] = ' ';
                }
            } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
                int end = s.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                for (; i < end; i++) {
                    if (out[i] != '\n') {
                        out[i] = ' ';
                    }
                }
            } else if (c == '"' || c == '\'') {
                if (c == '"' && s.startsWith("\"\"\"", i)) {
                    int end = s.indexOf("\"\"\"", i + 3);
                    end = end < 0 ? n : end + 3;
                    for (; i < end; i++) {
                        if (out[i] != '\n') {
                            out[i] = ' ';
                        }
                    }
                    continue;
                }
                out[i++] = ' ';
                while (i < n && s.charAt(i) != c && s.charAt(i) != '\n') {
                    if (s.charAt(i) == '\\' && i + 1 < n) {
                        out[i++] = ' ';
                    }
                    out[i++] = ' ';
                }
                if (i < n && s.charAt(i) == c) {
                    out[i++] = ' ';
                }
            } else {
                i++;
            }
        }
        return new String(out);
    }
}
