package otherworld.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ow command as a user meets it: the demo's verdict, and clear errors for bad input. */
class OwTest {
    record Run(int code, String out, String err) { }

    static Run ow(String... args) {
        PrintStream out = System.out, err = System.err;
        java.io.InputStream in = System.in;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            System.setIn(new java.io.ByteArrayInputStream(new byte[0])); // never the test runner's own stdin
            int code = Ow.commandLine().execute(args);
            return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
            System.setIn(in);
        }
    }

    @Test
    void demoSurvivesItsCrashesAndSaysSo() {
        Run r = ow("demo", "--records", "600", "--crashes", "3");
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().contains("RESULT: every program survived 3 kernel crashes"), r.out());
        assertTrue(r.out().contains("panics injected: 3 of 3"), r.out());
        assertTrue(r.out().contains("resurrected pid"), r.out());
        assertFalse(r.out().contains("DIFFERS"), r.out());
    }

    @Test
    void runPrintsTheProgramsOutputAndSurvivesACrash(@TempDir Path dir) throws Exception {
        Path disk = dir.resolve("disk.img");
        Files.write(disk, otherworld.kernel.Disks.blankExt2Image());
        Run r = ow("run", "--disk", disk.toString(), "--crash-at", "30", "checksum", "40");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("verification: OK"), r.out());
        assertDiskClean(disk);
    }

    /** The disk image a crashed run left, as e2fsck -fn judges it (where e2fsprogs is installed). */
    static void assertDiskClean(Path disk) throws java.io.IOException {
        if (!otherworld.kernel.fs.Fsck.available()) return;
        otherworld.kernel.fs.Fsck.Verdict v = otherworld.kernel.fs.Fsck.check(Files.readAllBytes(disk));
        assertTrue(v.clean(), v.summary());
    }

    @Test
    void badArgumentsAndBadInputGiveClearErrors(@TempDir Path dir) throws Exception {
        assertEquals(2, ow("demo", "--crashes", "0").code());
        assertEquals(2, ow("run").code());
        Run missing = ow("run", "no-such-program");
        assertEquals(127, missing.code());
        assertTrue(missing.err().contains("no such file"), missing.err());

        Path notElf = dir.resolve("text.elf");
        Files.writeString(notElf, "#!/bin/sh\necho hi\n");
        Run bad = ow("run", notElf.toString());
        assertEquals(126, bad.code());
        assertTrue(bad.err().contains("not a valid executable"), bad.err());

        Path disk = dir.resolve("garbage.img");
        Files.write(disk, new byte[1 << 20]);
        Run badDisk = ow("run", "--disk", disk.toString(), "hello");
        assertEquals(2, badDisk.code());
        assertTrue(badDisk.err().contains("cannot boot from this disk"), badDisk.err());
        assertArrayEquals(new byte[1 << 20], Files.readAllBytes(disk), "a disk that cannot be used is left as it was");
    }

    @Test
    void runWithADiskImageKeepsWhatTheProgramWrote(@TempDir Path dir) throws Exception {
        Path disk = dir.resolve("disk.img");
        Files.write(disk, otherworld.kernel.Disks.blankExt2Image());
        assertEquals(0, ow("run", "--disk", disk.toString(), "checksum", "20").code());
        byte[] records = otherworld.kernel.Scenario.readFile(Files.readAllBytes(disk), "records.dat");
        assertNotNull(records);
        assertEquals(20 * 64, records.length);
    }

    @Test
    void layoutListsEveryStructure() {
        Run r = ow("layout");
        assertEquals(0, r.code());
        for (String s : new String[] {"root", "kernel_header", "task", "file", "tty", "resurrection_record", "BlockCache"}) {
            assertTrue(r.out().contains(s + " (magic"), s + " missing from\n" + r.out());
        }
    }

    /** What a run shows that must not depend on translation: output, status, kernel log, instruction counts. */
    private static String observable(Run r) {
        StringBuilder s = new StringBuilder("exit " + r.code() + "\n" + r.out());
        for (String line : r.err().split("\n")) if (!line.startsWith("[emulator]")) s.append(line).append('\n');
        return s.toString();
    }

    @Test
    void interpretedAndTranslatedRunsAreTheSameRunCrashesIncluded() {
        // 6.9 million instructions: translation starts after the first million; the crash comes after that
        Run translated = ow("run", "-v", "--crash-at", "2000", "checksum", "3000");
        Run interpreted = ow("run", "-v", "--crash-at", "2000", "--interpret", "checksum", "3000");
        assertEquals(0, translated.code(), translated.err());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\[emulator\\] ([0-9.]+)% of instructions ran translated")
                .matcher(translated.err());
        assertTrue(m.find(), translated.err());
        assertTrue(Double.parseDouble(m.group(1)) > 50, translated.err());
        assertFalse(interpreted.err().contains("[emulator]"), interpreted.err());
        assertTrue(translated.err().contains(" instructions, "), translated.err());
        assertEquals(observable(interpreted), observable(translated));
        assertNull(System.getProperty(otherworld.emulator.Hart.INTERPRET_PROPERTY));
    }
}
