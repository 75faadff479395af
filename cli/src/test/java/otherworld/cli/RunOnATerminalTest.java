package otherworld.cli;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import otherworld.userland.Programs;

/**
 * {@code ow run} on a real terminal: a pseudo-terminal made by util-linux's {@code script} (Java has none without
 * native code; the test is skipped where {@code script} is missing). ttytest types through it only once the guest has
 * set its mode, so the host terminal is already raw: the guest's own discipline erases and echoes (with \r\n, its
 * ONLCR), the window size set on the terminal reaches the guest, ^C is the guest's SIGINT and not ow's, and the
 * terminal is in its old mode again when ow has ended.
 */
class RunOnATerminalTest {
    @TempDir
    Path dir;

    /** The terminal's output so far, collected by a thread. */
    static final class Screen {
        private final StringBuilder text = new StringBuilder();

        Screen(InputStream in) {
            Thread t = new Thread(() -> {
                byte[] b = new byte[4096];
                try {
                    for (int n; (n = in.read(b)) > 0; ) {
                        synchronized (text) {
                            text.append(new String(b, 0, n, StandardCharsets.ISO_8859_1));
                            text.notifyAll();
                        }
                    }
                } catch (java.io.IOException e) {
                    // the terminal is gone
                }
            });
            t.setDaemon(true);
            t.start();
        }

        void await(String s) throws InterruptedException {
            long end = System.currentTimeMillis() + 120_000;
            synchronized (text) {
                while (text.indexOf(s) < 0) {
                    long left = end - System.currentTimeMillis();
                    assertTrue(left > 0, "no \"" + s + "\" on the terminal: " + text);
                    text.wait(left);
                }
            }
        }

        String text() {
            synchronized (text) {
                return text.toString();
            }
        }
    }

    @Test
    void theHostTerminalIsTheGuestsConsole() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "util-linux script is not installed");
        Path prog = dir.resolve("ttytest");
        Files.write(prog, Programs.get("ttytest").binary());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cmd = "stty -a | grep -q ' icanon' && echo BEFORE=cooked; stty rows 30 cols 100; "
                + "'" + java + "' -cp '" + System.getProperty("java.class.path") + "' otherworld.cli.Ow run ./ttytest tty; "
                + "echo EXIT=$?; stty -a | grep -q ' icanon' && stty -a | grep -q ' echo ' && echo AFTER=cooked";
        Process p = new ProcessBuilder("/usr/bin/script", "-qec", cmd, "/dev/null").directory(dir.toFile())
                .redirectErrorStream(true).start();
        try {
            Screen screen = new Screen(p.getInputStream());
            OutputStream keys = p.getOutputStream();
            screen.await("set: icanon=1 echo=1 isig=1");
            keys.write("helo\u007flo\r".getBytes(StandardCharsets.ISO_8859_1));
            keys.flush();
            screen.await("line 6 [hello\\n]");
            keys.write("ab\u0003".getBytes(StandardCharsets.ISO_8859_1));
            keys.flush();
            screen.await("ab^C");
            keys.write("quit\r".getBytes(StandardCharsets.ISO_8859_1));
            keys.flush();
            screen.await("AFTER=cooked");
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            String out = screen.text();
            assertTrue(out.contains("BEFORE=cooked"), out);
            assertTrue(out.contains("mode: icanon=1 echo=1 isig=1 opost=1"), out);
            assertTrue(out.contains("window: 30 rows, 100 columns\r\n"), out);
            assertTrue(out.contains("helo\b \blo\r\nline 6 [hello\\n]\r\n"), out);
            assertTrue(out.contains("line 5 [quit\\n] signals int=1 quit=0 winch=0\r\ndone\r\n"), out);
            assertTrue(out.contains("EXIT=0"), out);
        } finally {
            p.destroyForcibly();
        }
    }
}
