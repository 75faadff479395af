package otherworld.cli;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import otherworld.emulator.Console;

/**
 * What ow can learn about, and do with, its own standard streams on the host.
 *
 * <p>When stdin and stdout are a terminal, {@code ow run} makes the host terminal the guest's console: the host
 * terminal is put in raw mode for the whole run and the guest's own line discipline (in guest RAM) does the editing,
 * echo and signals. Always raw, rather than raw only while the guest's tty is non-canonical, because then there is
 * one line discipline, not two that must agree: ^C reaches the guest's foreground group as SIGINT instead of killing
 * ow, a guest's termios change takes effect without being mirrored to the host, and a line being typed lives in guest
 * RAM, where a crash kernel resurrects it (a line held by the host's discipline would not survive a guest crash: it
 * would not be the guest's). The window size is passed through (and polled, so a resize is a SIGWINCH). The terminal
 * is restored on every exit path: normal end, an exception, and a shutdown of the JVM (SIGTERM, SIGHUP).
 *
 * <p>Java cannot set a terminal's mode without native code; this uses {@code stty} on {@code /dev/tty} through
 * {@link Control}, an interface, so that the switching logic ({@link Session}) is tested without a terminal.
 */
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

    /** The host terminal's mode and size. */
    interface Control {
        /** The current mode, in a form {@link #restore} takes back. */
        String save() throws IOException;

        /** Raw mode: bytes as typed, no echo, no signals, no output processing. */
        void raw() throws IOException;

        void restore(String saved) throws IOException;

        /** {rows, columns}, or null if unknown. */
        int[] size();
    }

    /** {@link Control} by running stty with /dev/tty as its input. */
    static final class Stty implements Control {
        private static String stty(String... args) throws IOException {
            String[] cmd = new String[args.length + 1];
            cmd[0] = "stty";
            System.arraycopy(args, 0, cmd, 1, args.length);
            Process p = new ProcessBuilder(cmd).redirectInput(new File("/dev/tty"))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException("stty " + String.join(" ", args) + " failed");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            return out;
        }

        @Override public String save() throws IOException { return stty("-g"); }

        @Override public void raw() throws IOException { stty("raw", "-echo"); }

        @Override public void restore(String saved) throws IOException { stty(saved); }

        @Override public int[] size() {
            try {
                String[] rc = stty("size").split("\\s+");
                return rc.length == 2 ? new int[] {Integer.parseInt(rc[0]), Integer.parseInt(rc[1])} : null;
            } catch (IOException | NumberFormatException e) {
                return null;
            }
        }
    }

    /**
     * A run with the host terminal in raw mode: entered once, restored exactly once — by {@link #close} or, if the JVM
     * is shut down first, by its shutdown hook.
     */
    static final class Session implements AutoCloseable {
        private final Control control;
        private final String saved;
        private final Thread hook;
        private boolean restored;

        Session(Control control) throws IOException {
            this.control = control;
            this.saved = control.save();
            this.hook = new Thread(this::restore, "ow-terminal-restore");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                control.raw();
            } catch (IOException | RuntimeException e) {
                close();
                throw e;
            }
        }

        private synchronized void restore() {
            if (restored) return;
            restored = true;
            try {
                control.restore(saved);
            } catch (IOException e) {
                System.err.println("ow run: could not restore the terminal (stty sane may): " + e.getMessage());
            }
        }

        @Override
        public void close() {
            restore();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs (restoring nothing more)
            }
        }
    }

    /**
     * The person at the host terminal types into console c: a daemon thread copies stdin's bytes as they come (and
     * closes the line at end of input), another passes the window size on when it changes (every half second).
     */
    static void attach(Console c, InputStream in, Control control) {
        int[] size = control.size();
        if (size != null) c.resize(size[0], size[1]);
        Thread typing = new Thread(() -> {
            byte[] b = new byte[256];
            try {
                for (int n; (n = in.read(b)) > 0; ) c.type(java.util.Arrays.copyOf(b, n));
            } catch (IOException e) {
                // the host's stdin is gone: so is the line
            }
            c.close();
        }, "ow-terminal-input");
        typing.setDaemon(true);
        typing.start();
        Thread resizing = new Thread(() -> {
            int[] last = size;
            while (c.isOpen()) {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
                int[] now = control.size();
                if (now != null && (last == null || now[0] != last[0] || now[1] != last[1])) {
                    c.resize(now[0], now[1]);
                    last = now;
                }
            }
        }, "ow-terminal-size");
        resizing.setDaemon(true);
        resizing.start();
    }
}
