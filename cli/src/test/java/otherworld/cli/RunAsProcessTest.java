package otherworld.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import otherworld.userland.Programs;

/**
 * {@code ow run} as a user's script meets it: a separate process, its exit status, its stdin from a pipe, its stdout
 * and stderr bytes. The guest is {@code probe} (userland/src/probe.c).
 */
class RunAsProcessTest {
    record Run(int code, byte[] out, String err) {
        String text() { return new String(out, StandardCharsets.UTF_8); }
    }

    @TempDir
    static Path dir;

    static Path probe() throws IOException {
        Path p = dir.resolve("probe");
        if (!Files.exists(p)) Files.write(p, Programs.get("probe").binary());
        return p;
    }

    /** java -cp (this test's class path) otherworld.cli.Ow run ARGS, in directory cwd, with stdin given. */
    static Run ow(Path cwd, byte[] stdin, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xss8m", "-cp", System.getProperty("java.class.path"), "otherworld.cli.Ow", "run"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
        pb.environment().putAll(env);
        File errFile = Files.createTempFile(dir, "err", ".txt").toFile();
        pb.redirectError(errFile);
        Process p = pb.start();
        p.getOutputStream().write(stdin);
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "ow run did not end");
        return new Run(p.exitValue(), out, Files.readString(errFile.toPath()));
    }

    static Run ow(String... args) throws Exception { return ow(dir, new byte[0], Map.of(), args); }

    @Test
    void theGuestsExitStatusIsOwsAndASignalGives128PlusItsNumber() throws Exception {
        assertEquals(3, ow(probe().toString(), "exit", "3").code());
        assertEquals(0, ow(probe().toString(), "exit", "0").code());
        assertEquals(255, ow(probe().toString(), "exit", "255").code());
        Run segv = ow(probe().toString(), "segv");
        assertEquals(128 + 11, segv.code(), segv.err());
    }

    @Test
    void everythingAfterProgramIsTheGuests() throws Exception {
        Run r = ow(probe().toString(), "args", "-e", "x", "--help", "--memory", "1K", "a b");
        assertEquals(0, r.code(), r.err());
        assertEquals("[-e]\n[x]\n[--help]\n[--memory]\n[1K]\n[a b]\n", r.text());
    }

    @Test
    void outputBytesReachStdoutUnchangedWhateverTheLocale() throws Exception {
        byte[] expected = new byte[257];
        for (int i = 0; i < 256; i++) expected[i] = (byte) i;
        expected[256] = '\n';
        for (String locale : new String[] {"C", "C.UTF-8"}) {
            Run r = ow(dir, new byte[0], Map.of("LC_ALL", locale), probe().toString(), "bytes");
            assertEquals(0, r.code(), r.err());
            assertArrayEquals(expected, r.out(), "LC_ALL=" + locale);
        }
    }

    @Test
    void pipedStdinReachesTheGuestAndEndsInEndOfFile() throws Exception {
        byte[] in = new byte[20_000];
        for (int i = 0; i < in.length; i++) in[i] = (byte) (i * 7 + (i >> 8));
        Run r = ow(dir, in, Map.of(), probe().toString(), "cat");
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(in, r.out());
        assertTrue(r.err().contains("20000 bytes"), r.err());
    }

    @Test
    void stderrIsSeparateAndRedirectedStreamsAreNotTerminals() throws Exception {
        Run r = ow(probe().toString(), "stderr", "oops");
        assertEquals(0, r.code());
        assertEquals("", r.text());
        assertEquals("oops\n", r.err());
        assertEquals("0 0 0\n", ow(probe().toString(), "isatty").text());
    }

    @Test
    void environmentComesFromTheHostOrEnv() throws Exception {
        Run host = ow(dir, new byte[0], Map.of("OW_TEST_VAR", "from host"), probe().toString(), "env", "OW_TEST_VAR");
        assertEquals("OW_TEST_VAR=from host\n", host.text());
        Run set = ow(dir, new byte[0], Map.of("OW_TEST_VAR", "from host"), "--env", "OW_TEST_VAR=set", "--env", "B=2",
                probe().toString(), "env", "OW_TEST_VAR", "B");
        assertEquals("OW_TEST_VAR=set\nB=2\n", set.text());
        Run clear = ow(dir, new byte[0], Map.of("OW_TEST_VAR", "from host"), "--clear-env", probe().toString(),
                "env", "OW_TEST_VAR", "PATH");
        assertEquals("OW_TEST_VAR unset\nPATH unset\n", clear.text());
    }

    @Test
    void theGuestSeesTheHostsFilesAtTheSamePathAndCanWriteThemBack() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        Files.writeString(work.resolve("input.txt"), "from the host\n");
        Files.createDirectories(work.resolve("sub"));
        String probe = probe().toString();
        Run cwd = ow(work, new byte[0], Map.of(), probe, "cwd");
        assertEquals(work.toRealPath() + "\n", cwd.text(), cwd.err());
        assertEquals("from the host\n", ow(work, new byte[0], Map.of(), probe, "read", "input.txt").text());
        assertEquals("d dev\nd sub\n", ow(work, new byte[0], Map.of(), "--root", work.resolve("sub").getParent().toString(), probe,
                "ls", "/").text().replace("d lost+found\n", "").replace("f input.txt\n", ""));
        Run rootBack = ow(work, new byte[0], Map.of(), "--root", work.toString(), "--write-back", probe, "write", "/sub/x.txt", "hi");
        assertEquals(0, rootBack.code(), rootBack.err());
        assertEquals("hi\n", Files.readString(work.resolve("sub/x.txt")));
        assertFalse(Files.exists(work.resolve("dev")), "the /dev the kernel made is not copied back to the host");
        Files.delete(work.resolve("sub/x.txt"));
        Run noWrite = ow(work, new byte[0], Map.of(), probe, "write", "out.txt", "hi");
        assertEquals(0, noWrite.code());
        assertFalse(Files.exists(work.resolve("out.txt")), "without --write-back the host is not changed");
        Run wrote = ow(work, new byte[0], Map.of(), "--write-back", probe, "write", "out.txt", "hi");
        assertEquals(0, wrote.code(), wrote.err());
        assertEquals("hi\n", Files.readString(work.resolve("out.txt")));
        Run tooBig = ow(work, new byte[0], Map.of(), "--pack-limit", "4", probe, "cwd");
        assertEquals(2, tooBig.code());
        assertTrue(tooBig.err().contains("more than 4 bytes of files"), tooBig.err());
    }

    @Test
    void statsListCallsByNameAndThoseThatReturnedEnosys() throws Exception {
        Run r = ow("--stats", probe().toString(), "exit", "0");
        assertEquals(0, r.code());
        assertTrue(r.err().contains("exit_group"), r.err());
        assertTrue(r.err().contains("ENOSYS"), r.err());
    }

    @Test
    void crashEveryNthCallIsSurvived() throws Exception {
        Path disk = dir.resolve("crash-every.img");
        Files.write(disk, otherworld.kernel.Disks.blankExt2Image());
        Run r = ow("--disk", disk.toString(), "--crash-every", "25", "checksum", "60");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.text().contains("verification: OK"), r.text());
        OwTest.assertDiskClean(disk);
    }

    @Test
    void helpDocumentsTheOptionsAndBadInputGetsClearErrors() throws Exception {
        Run help = ow("--help");
        assertEquals(0, help.code());
        for (String o : new String[] {"--memory", "--env", "--root", "--disk", "--write-back", "--stats", "--crash-at",
                "--crash-every", "--epoch", "--real-time", "Exit status"}) {
            assertTrue(help.text().contains(o), o + " missing from\n" + help.text());
        }
        Run missing = ow("no-such-program");
        assertEquals(127, missing.code());
        assertTrue(missing.err().contains("no such file"), missing.err());
        Path text = dir.resolve("script.sh");
        Files.writeString(text, "#!/bin/sh\necho hi\n");
        Run notElf = ow(text.toString());
        assertEquals(126, notElf.code());
        assertTrue(notElf.err().contains("not a valid executable"), notElf.err());
        Run badMemory = ow("--memory", "lots", "hello");
        assertEquals(2, badMemory.code());
        assertTrue(badMemory.err().contains("--memory"), badMemory.err());
    }
}
