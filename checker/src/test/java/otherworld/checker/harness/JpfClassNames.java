package otherworld.checker.harness;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The class-name clash that kills a model under Java PathFinder, checked on compiled classes.
 *
 * <p>JPF (jpf-core java-17, {@code ClassLoaderInfo.getResolvedFuncObjType}) names the class it
 * makes for the invokedynamic with bootstrap index n in class X {@code X$n} — for a lambda, a
 * method reference and a string concatenation alike. javac names X's enum switch maps and
 * anonymous classes {@code X$1}, {@code X$2}, ... So a class with bootstrap methods 0..B-1 and a
 * javac class {@code X$n}, 1 <= n < B, runs under JPF with one of the two replaced by the other
 * ({@code NoSuchFieldError: X$1.$SwitchMap$...}).
 */
final class JpfClassNames {
    private JpfClassNames() {
    }

    /** Clashes among the classes under root (a directory or a jar), restricted to package prefixes. */
    static List<String> clashes(Path root, String... packagePrefixes) throws IOException {
        Map<String, Integer> bootstraps = new TreeMap<>();
        Set<String> names = new TreeSet<>();
        if (Files.isDirectory(root)) {
            read(root, packagePrefixes, bootstraps, names);
        } else {
            try (FileSystem jar = FileSystems.newFileSystem(URI.create("jar:" + root.toUri()), Map.of())) {
                read(jar.getPath("/"), packagePrefixes, bootstraps, names);
            }
        }
        if (bootstraps.isEmpty()) {
            throw new IOException("no classes under " + root + " in " + List.of(packagePrefixes));
        }
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Integer> e : bootstraps.entrySet()) {
            for (int n = 1; n < e.getValue(); n++) {
                String clash = e.getKey() + "$" + n;
                if (names.contains(clash)) {
                    out.add(e.getKey().replace('/', '.') + ": " + e.getValue() + " invokedynamic bootstrap methods; JPF's class for #"
                            + n + " takes the name of javac's " + clash.replace('/', '.')
                            + " (an enum switch map or anonymous class)");
                }
            }
        }
        return out;
    }

    private static void read(Path root, String[] prefixes, Map<String, Integer> bootstraps, Set<String> names)
            throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (p.toString().endsWith(".class")) {
                    files.add(p);
                }
            }
        }
        for (Path p : files) {
            String name = root.relativize(p).toString().replace('\\', '/');
            name = name.substring(0, name.length() - ".class".length());
            for (String prefix : prefixes) {
                if (name.startsWith(prefix.replace('.', '/'))) {
                    names.add(name);
                    bootstraps.put(name, bootstrapMethods(Files.readAllBytes(p)));
                }
            }
        }
    }

    /** The number of entries of a class file's BootstrapMethods attribute (0 if it has none). */
    static int bootstrapMethods(byte[] classFile) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1:
                    utf8[i] = in.readUTF();
                    break;
                case 3: case 4: case 9: case 10: case 11: case 12: case 17: case 18:
                    in.skipBytes(4);
                    break;
                case 5: case 6:
                    in.skipBytes(8);
                    i++;
                    break;
                case 7: case 8: case 16: case 19: case 20:
                    in.skipBytes(2);
                    break;
                case 15:
                    in.skipBytes(3);
                    break;
                default:
                    throw new IOException("constant pool tag " + tag);
            }
        }
        in.skipBytes(6); // access, this, super
        in.skipBytes(2 * in.readUnsignedShort()); // interfaces
        for (int member = 0; member < 2; member++) { // fields, then methods
            int n = in.readUnsignedShort();
            for (int i = 0; i < n; i++) {
                in.skipBytes(6);
                skipAttributes(in);
            }
        }
        int attributes = in.readUnsignedShort();
        for (int i = 0; i < attributes; i++) {
            String name = utf8[in.readUnsignedShort()];
            int length = in.readInt();
            if ("BootstrapMethods".equals(name)) {
                return in.readUnsignedShort();
            }
            in.skipBytes(length);
        }
        return 0;
    }

    private static void skipAttributes(DataInputStream in) throws IOException {
        int n = in.readUnsignedShort();
        for (int i = 0; i < n; i++) {
            in.skipBytes(2);
            in.skipBytes(in.readInt());
        }
    }
}
