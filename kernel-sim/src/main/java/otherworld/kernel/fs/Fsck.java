package otherworld.kernel.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** e2fsck -fn, the independent judge of a disk image, when e2fsprogs is installed. */
public final class Fsck {
    /** Whether e2fsck ran, whether it found the image clean (exit 0, nothing it would fix), and what it said. */
    public record Verdict(boolean ran, boolean clean, String summary) { }

    private Fsck() { }

    /** Whether e2fsck is installed here. */
    public static boolean available() { return path() != null; }

    private static String path() {
        for (String p : new String[] {"/usr/sbin/e2fsck", "/sbin/e2fsck", "/usr/bin/e2fsck"}) {
            if (Files.isExecutable(Path.of(p))) return p;
        }
        return null;
    }

    public static Verdict check(byte[] image) {
        String e2fsck = path();
        if (e2fsck == null) return new Verdict(false, false, "not run (e2fsprogs not installed)");
        Path img = null;
        try {
            img = Files.createTempFile("ow-disk", ".img");
            Files.write(img, image);
            Process p = new ProcessBuilder(e2fsck, "-fn", img.toString()).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Verdict(true, false, "timed out");
            }
            int rc = p.exitValue();
            String last = text.strip();
            last = last.substring(last.lastIndexOf('\n') + 1);
            boolean clean = rc == 0 && !text.contains("? no");
            return new Verdict(true, clean, clean ? "clean (" + last + ")" : "ERRORS (exit " + rc + ")\n" + text);
        } catch (IOException | InterruptedException e) {
            return new Verdict(false, false, "not run: " + e.getMessage());
        } finally {
            if (img != null) {
                try {
                    Files.deleteIfExists(img);
                } catch (IOException ignored) {
                    // temp file
                }
            }
        }
    }
}
