package otherworld.kernel;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import otherworld.kernel.fs.Fsck;

/** A host directory packed onto the guest's disk, read there by a guest, and what the guest wrote copied back. */
class HostFilesTest {
    @Test
    void packedFilesAreOnTheDiskAndWhatTheGuestWroteComesBack(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.txt"), "hello\n");
        Files.createDirectories(dir.resolve("sub/deeper"));
        Files.write(dir.resolve("sub/deeper/big"), new byte[70_000]);
        Files.writeString(dir.resolve("sub/\u00e9t\u00e9"), "summer\n"); // a name that is not ASCII
        Files.createSymbolicLink(dir.resolve("link"), Path.of("a.txt"));
        Files.writeString(dir.resolve("gone"), "the guest removes me\n");
        HostFiles.Packed p = HostFiles.pack(dir, "/work/here", 1 << 20, KernelConfig.DEFAULT_EPOCH);
        assertEquals(7, p.files(), "a.txt, sub, deeper, big, été, link, gone");
        assertArrayEquals("hello\n".getBytes(StandardCharsets.UTF_8), Scenario.readFile(p.image(), "/work/here/a.txt"));
        if (Fsck.available()) assertTrue(Fsck.check(p.image()).clean(), Fsck.check(p.image()).summary());

        Scenario.Result r = new Scenario().add(Guests.program("probe", "read", "link")).disk(p.image())
                .workingDirectory("/work/here").run();
        assertEquals("hello\n", r.outputs().get(0), "a guest reads a packed file through a packed link, from the cwd");
        Scenario.Result w = new Scenario().add(Guests.program("probe", "write", "sub/new.txt", "made by the guest"))
                .disk(p.image()).workingDirectory("/work/here").run();
        assertEquals(List.of(0), w.exitStatus());
        Scenario.Result ls = new Scenario().add(Guests.program("probe", "ls", "sub")).disk(p.image())
                .workingDirectory("/work/here").run();
        assertEquals("d deeper\nf " + "\u00e9t\u00e9" + "\n", new String(ls.stdout().get(0), StandardCharsets.UTF_8));

        List<String> report = HostFiles.writeBack(w.disk(), "/work/here", dir);
        assertEquals("made by the guest\n", Files.readString(dir.resolve("sub/new.txt")));
        assertTrue(report.stream().anyMatch(l -> l.startsWith("wrote") && l.endsWith("new.txt")), report.toString());
        assertEquals(1, report.size(), "nothing else changed: " + report);
        Path whole = dir.resolve("whole");
        HostFiles.writeBack(w.disk(), "/", whole);
        assertEquals("made by the guest\n", Files.readString(whole.resolve("work/here/sub/new.txt")));
        assertFalse(Files.exists(whole.resolve("dev")), "the /dev the kernel made at boot is not copied back");
    }

    @Test
    void theFreeSpaceCostsNoMemoryAndARunLeavesThePackedDiskAsItWas(@TempDir Path dir) throws Exception {
        byte[] data = new byte[200_000];
        java.util.Arrays.fill(data, (byte) 7);
        Files.write(dir.resolve("big"), data); // its blocks take memory, the headroom none
        HostFiles.Packed p = HostFiles.pack(dir, "/work/here", 1 << 20, KernelConfig.DEFAULT_EPOCH);
        assertTrue(p.disk().sizeBytes() >= HostFiles.HEADROOM, "size " + p.disk().sizeBytes());
        assertTrue(p.disk().allocatedBytes() >= data.length && p.disk().allocatedBytes() < 1 << 20,
                "allocated " + p.disk().allocatedBytes());
        long before = p.disk().allocatedBytes();

        Scenario.Result w = new Scenario().add(Guests.program("probe", "write", "new.txt", "made by the guest"))
                .disk(p.disk()).workingDirectory("/work/here").run();
        assertEquals("made by the guest\n", new String(w.file("/work/here/new.txt"), StandardCharsets.UTF_8));
        assertNull(Scenario.readFile(p.image(), "/work/here/new.txt"), "the run wrote on a copy");
        assertEquals(before, p.disk().allocatedBytes());
        assertSame(w.disk(), w.disk(), "the final image is made once");
        assertEquals(p.disk().sizeBytes(), w.disk().length);
    }

    @Test
    void aDirectoryOverTheLimitIsRefusedInWords(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("big"), new byte[5000]);
        HostFiles.TooLarge e = assertThrows(HostFiles.TooLarge.class, () -> HostFiles.pack(dir, "/", 4096, 0));
        assertTrue(e.getMessage().contains("more than 4 KiB") && e.getMessage().contains("--root"), e.getMessage());
    }
}
