package otherworld.userland;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds host tools (qemu, the cross compiler) and the module directory for the tests. */
final class HostTools {
    private HostTools() {
    }

    /** The executable {@code name} on PATH, if any. */
    static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The userland module directory (Maven runs tests there; surefire also sets basedir). */
    static Path moduleDir() {
        String basedir = System.getProperty("basedir");
        return Path.of(basedir != null ? basedir : System.getProperty("user.dir")).toAbsolutePath();
    }
}
