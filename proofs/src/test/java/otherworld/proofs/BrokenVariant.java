package otherworld.proofs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A broken variant of the verified core: one source file with a few exact text
 * replacements, and the contract that must then fail to close. Each lives in
 * src/test/resources/broken/NAME.txt:
 * <pre>
 * what: checkFields accepts program headers that end past the file
 * contract: ElfCheck::checkFields
 * file: ElfCheck.java
 * find: phoff &gt; fileSize - (long) phnum * PHDR_SIZE
 * replace: phoff &gt; fileSize
 * </pre>
 * find/replace lines come in pairs, and each find must occur exactly once in the
 * file, so a variant cannot silently turn into the original when the code moves.
 */
record BrokenVariant(String name, String what, String contract, String file, List<String> finds,
                     List<String> replaces) {

    static final Path DIR = Path.of("src/test/resources/broken");

    static BrokenVariant parse(String name, List<String> lines) {
        String what = null;
        String contract = null;
        String file = null;
        List<String> finds = new ArrayList<>();
        List<String> replaces = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(": ");
            if (colon < 0) {
                throw new IllegalArgumentException(name + ": not 'key: value': " + line);
            }
            String key = line.substring(0, colon);
            String value = line.substring(colon + 2);
            switch (key) {
                case "what" -> what = value;
                case "contract" -> contract = value;
                case "file" -> file = value;
                case "find" -> finds.add(value);
                case "replace" -> replaces.add(value);
                default -> throw new IllegalArgumentException(name + ": unknown key " + key);
            }
        }
        if (what == null || contract == null || file == null || finds.isEmpty() || finds.size() != replaces.size()) {
            throw new IllegalArgumentException(name + ": needs what, contract, file and find/replace pairs");
        }
        return new BrokenVariant(name, what, contract, file, finds, replaces);
    }

    static List<BrokenVariant> all() throws IOException {
        List<BrokenVariant> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".txt")).sorted().toList()) {
                String n = p.getFileName().toString();
                out.add(parse(n.substring(0, n.length() - 4), Files.readAllLines(p, StandardCharsets.UTF_8)));
            }
        }
        return out;
    }

    /** The file's text with the replacements made; each find must occur exactly once. */
    String apply(String source) {
        String s = source;
        for (int i = 0; i < finds.size(); i++) {
            String f = finds.get(i);
            int at = s.indexOf(f);
            if (at < 0 || s.indexOf(f, at + 1) >= 0) {
                throw new IllegalStateException(name + ": '" + f + "' must occur exactly once in " + file);
            }
            s = s.substring(0, at) + replaces.get(i) + s.substring(at + f.length());
        }
        return s;
    }

    /** Rewrites file in the staged package directory pkg. */
    void applyTo(Path pkg) throws IOException {
        Path p = pkg.resolve(file);
        Files.writeString(p, apply(Files.readString(p, StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    /**
     * The variants in as few staged copies as possible, no two in one copy breaking the same contract. Each proof
     * is modular (a call is replaced by the callee's contract, never its body), so a variant in one method cannot
     * help or hinder the proof of another's contract: the copy need only keep each broken contract's own method
     * as its variant made it. Loading a copy into KeY takes a minute on a loaded machine; this loads a few, not
     * one per variant. The replacements of a copy are applied in turn, each find still exactly once.
     */
    static List<List<BrokenVariant>> batches(List<BrokenVariant> variants) {
        List<List<BrokenVariant>> out = new ArrayList<>();
        for (BrokenVariant v : variants) {
            List<BrokenVariant> home = null;
            for (List<BrokenVariant> b : out) {
                boolean clash = false;
                for (BrokenVariant w : b) {
                    clash |= w.contract().equals(v.contract());
                }
                if (!clash) {
                    home = b;
                    break;
                }
            }
            if (home == null) {
                home = new ArrayList<>();
                out.add(home);
            }
            home.add(v);
        }
        return out;
    }

    /**
     * Where the body of the contract's method lies in source: from its declaration to the next contract or
     * declaration; {-1, -1} if there is no such method.
     */
    int[] methodSpan(String source) {
        String method = contract.substring(contract.indexOf("::") + 2);
        int at = -1;
        for (int from = 0; (from = source.indexOf(" " + method + "(", from)) >= 0; from++) {
            int lineStart = source.lastIndexOf('\n', from) + 1;
            if (source.startsWith("    public ", lineStart)) {
                at = from;
                break;
            }
        }
        if (at < 0) {
            return new int[] {-1, -1};
        }
        int end = source.length();
        for (String next : new String[] {"\n    /*@", "\n    public ", "\n    /**"}) {
            int n = source.indexOf(next, at);
            if (n >= 0 && n < end) {
                end = n;
            }
        }
        return new int[] {at, end};
    }
}
