package otherworld.kernel.fs;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import otherworld.kernel.Disks;
import otherworld.kernel.Guests;
import otherworld.kernel.Scenario;

/**
 * The device nodes of /dev (sys.Devices): made at boot on the root file system where missing, in the form Linux's
 * ext2 gives them (debugfs, an independent reader, sees the type, number and mode; e2fsck -fn finds the disk clean),
 * once; a node of a number no driver here serves is stated as it is and refused at open with ENXIO; a /dev that is
 * not a directory is left alone and said so. The nodes as programs see them (statx, relative paths, getdents64):
 * {@code ttytest dev} against its golden output from qemu-riscv64 (GoldenOutputTest).
 */
class DeviceNodesTest {
    static String log(Scenario.Result r) { return String.join("\n", r.log()); }

    static String debugfsStat(Path img, String path) {
        return E2fs.run(List.of(E2fs.DEBUGFS, "-R", "stat " + path, img.toString())).out();
    }

    @Test
    void bootMakesTheNodesOnceAsLinuxsExt2KeepsThem(@TempDir Path dir) {
        E2fs.assumeTools();
        Scenario.Result first = new Scenario().add(Guests.program("hello")).run();
        assertTrue(log(first).contains("boot: 7 device node(s) made in /dev"), log(first));
        Path img = dir.resolve("first.img");
        E2fs.write(img, first.disk());
        E2fs.assertClean(img);
        String nul = debugfsStat(img, "/dev/null"), con = debugfsStat(img, "/dev/console");
        assertTrue(nul.contains("Type: character special") && nul.contains("Mode:  0666")
                && nul.contains("Device major/minor number: 01:03"), nul);
        assertTrue(con.contains("Mode:  0600") && con.contains("Device major/minor number: 05:01"), con);
        Scenario.Result second = new Scenario().add(Guests.program("hello")).disk(first.disk()).run();
        assertFalse(log(second).contains("device node(s) made"), log(second));
        assertEquals(Scenario.freeInodes(first.disk()), Scenario.freeInodes(second.disk()));
    }

    @Test
    void aNodeOfANumberNoDriverServesIsStatedAndRefused(@TempDir Path dir) {
        E2fs.assumeTools();
        Path img = E2fs.mkfs(dir, "16M");
        E2fs.debugfs(img, "mkdir dev", "cd dev", "mknod odd c 10 300", "mknod null c 1 3");
        Scenario.Result r = new Scenario().add(Guests.program("ttytest", "node", "/dev/odd", "/dev/null", "/dev/zero"))
                .disk(E2fs.read(img)).run();
        assertEquals("/dev/odd: char device 10:300\n/dev/odd: open: No such device or address\n"
                + "/dev/null: char device 1:3\n/dev/null: open: opened\n"
                + "/dev/zero: char device 1:5\n/dev/zero: open: opened\n", r.outputs().get(0));
        assertTrue(log(r).contains("boot: 6 device node(s) made in /dev"), log(r)); // zero ... console; odd and null kept
        E2fs.write(img, r.disk());
        E2fs.assertClean(img);
    }

    @Test
    void aDevThatIsNotADirectoryIsLeftAloneAndSaidSo() {
        byte[] disk = Scenario.withFiles(Disks.blankExt2Image(), Map.of("/dev", "not a directory\n".getBytes(StandardCharsets.UTF_8)));
        Scenario.Result r = new Scenario().add(Guests.program("ttytest", "node", "/dev/null")).disk(disk).run();
        assertTrue(log(r).contains("boot: /dev is not a directory: no device nodes"), log(r));
        assertEquals("/dev/null: stat: Not a directory\n", r.outputs().get(0));
    }
}
