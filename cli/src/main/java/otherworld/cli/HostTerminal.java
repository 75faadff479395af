package otherworld.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What ow can learn about its own standard streams on the host. */
final class HostTerminal {
    private HostTerminal() { }

    /**
     * Whether host fd 0, 1 or 2 is a terminal (a tty or pty device), from what /proc/self/fd says it is; false where
     * there is no /proc (the guest then sees no terminal, as for a pipe).
     */
    static boolean isTerminal(int fd) {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }
}
