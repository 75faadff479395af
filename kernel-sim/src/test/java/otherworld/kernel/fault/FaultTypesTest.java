package otherworld.kernel.fault;

import static org.junit.jupiter.api.Assertions.*;
import static otherworld.kernel.layout.Layouts.*;

import java.util.Arrays;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import otherworld.kernel.Guests;
import otherworld.kernel.Scenario;
import otherworld.kernel.fs.Fsck;

/**
 * Each fault type strikes where its description says, the same way on every run (rule 5), and the faults that
 * leave data alone (a panic, a hang, a crash of the crash kernel, a failed disk request) are survived exactly.
 */
class FaultTypesTest {
    static Scenario.Result reference;
    static Fault.Profile profile;

    static Scenario scenario() { return new Scenario().add(Guests.program("checksum", "60")); }

    @BeforeAll
    static void measure() {
        Fault.Armed count = Fault.reference();
        reference = run(count);
        assertTrue(reference.allExited());
        profile = count.profile();
        assertTrue(profile.calls() > 60 && profile.diskReads() > 0 && profile.diskRequests() > profile.diskReads(),
                "calls " + profile.calls() + ", disk reads " + profile.diskReads() + ", requests " + profile.diskRequests());
    }

    static Scenario.Result run(Fault.Armed a) {
        return scenario().faults(a.plan).diskFaults(a.disk).probe(a::hooks).run();
    }

    static void assertIdentical(Scenario.Result r) {
        assertTrue(r.allExited(), r.log().toString());
        assertEquals(reference.outputs(), r.outputs());
        assertEquals(reference.exitStatus(), r.exitStatus());
        assertArrayEquals(reference.file("records.dat"), r.file("records.dat"));
        assertEquals(r.audit(), java.util.List.of());
        if (Fsck.available()) assertTrue(Fsck.check(r.disk()).clean(), Fsck.check(r.disk()).summary());
    }

    Fault fault(FaultType type, long seed) { return Fault.choose(type, profile, seed); }

    @Test
    void aHangIsEndedByTheWatchdogAndSurvived() {
        Fault f = new Fault(FaultType.HANG, 40, 1, 7, null);
        Fault.Armed a = f.arm();
        Scenario.Result r = run(a);
        assertTrue(a.struck());
        assertTrue(r.log().stream().anyMatch(l -> l.contains("PANIC") && l.contains("watchdog")), r.log().toString());
        assertEquals(1, r.reports().size());
        assertIdentical(r);
        assertTrue(r.instructions() > reference.instructions(), "the hang took time: the clock moved on");
    }

    @Test
    void theCrashKernelCrashesAtEachOfItsPointsAndAnotherOneSucceeds() {
        for (String point : Fault.CRASH_KERNEL_POINTS) {
            Fault.Armed a = new Fault(FaultType.CRASH_KERNEL, 50, 2, 1, point).arm();
            Scenario.Result r = run(a);
            assertEquals(2, a.where().size(), point + ": " + a.where());
            assertEquals(2, r.reports().get(0).attempt, point);
            assertIdentical(r);
        }
    }

    @Test
    void aFailedDiskRequestIsSurvived() {
        for (long seed = 1; seed <= 4; seed++) {
            Fault f = fault(FaultType.DISK_ERROR, seed);
            Fault.Armed a = f.arm();
            Scenario.Result r = run(a);
            assertTrue(a.struck(), f.describe());
            assertTrue(a.where().get(0).contains("I/O error"), a.where().toString());
            assertIdentical(r);
        }
    }

    /**
     * Found by the campaign (ow replay syscalls:disk-error:afbcc2233fc09427): the last disk requests are the final
     * write-back after every process exited, outside the run loop, and a failed one escaped to the host. Now it is a
     * panic like any other: the crash kernel flushes the dirty blocks again.
     */
    @Test
    void aDiskWriteThatFailsAtTheFinalWriteBackIsSurvived() {
        java.util.function.Function<Fault.Armed, Scenario.Result> syscalls = a -> new Scenario().add(Guests.program("syscalls"))
                .faults(a.plan).diskFaults(a.disk).probe(a::hooks).run();
        Fault.Armed count = Fault.reference();
        Scenario.Result ref = syscalls.apply(count);
        Fault f = new Fault(FaultType.DISK_ERROR, count.profile().diskRequests(), 0, 1, null);
        Fault.Armed a = f.arm();
        Scenario.Result r = syscalls.apply(a);
        assertTrue(a.struck(), f.describe());
        assertTrue(a.where().get(0).contains("write"), a.where().toString());
        assertEquals(1, r.reports().size(), r.log().toString());
        assertTrue(r.allExited());
        assertEquals(ref.outputs(), r.outputs());
        assertEquals(ref.exitStatus(), r.exitStatus());
        assertEquals(java.util.List.of(), r.audit());
        if (Fsck.available()) assertTrue(Fsck.check(r.disk()).clean(), Fsck.check(r.disk()).summary());
    }

    @Test
    void aPanicAtARandomWriteIsSurvived() {
        for (long seed = 1; seed <= 4; seed++) {
            Fault.Armed a = fault(FaultType.PANIC, seed).arm();
            Scenario.Result r = run(a);
            assertTrue(a.struck());
            assertIdentical(r);
        }
    }

    /** The faults that change data strike, say what they did, and do the same on a second run. */
    @Test
    void faultsThatChangeDataStrikeTheSameWayTwice() {
        for (FaultType type : new FaultType[] {FaultType.WILD_WRITE, FaultType.BIT_FLIP, FaultType.USER_WRITE,
                FaultType.DISK_CORRUPT}) {
            for (long seed = 1; seed <= 3; seed++) {
                Fault f = fault(type, seed);
                Fault.Armed a = f.arm(), b = f.arm();
                Scenario.Result r = run(a), s = run(b);
                assertTrue(a.struck(), f.describe());
                assertEquals(a.did, b.did, f.describe());
                assertEquals(a.where(), b.where());
                assertEquals(r.outputs(), s.outputs());
                assertEquals(r.instructions(), s.instructions());
                assertTrue(Arrays.equals(r.disk(), s.disk()), f.describe());
                if (type != FaultType.DISK_CORRUPT) assertEquals(1, a.did.size(), f.describe() + " " + a.did);
            }
        }
    }

    /**
     * A disk read that comes back with a bit flipped fails its sector's guard tag and is read again: every such fault
     * is survived exactly, with no crash (before the check, 48 of 1,245 such processes of the 10,000-fault campaign
     * ended with output or a file that differed).
     */
    @Test
    void aCorruptDiskReadIsReadAgainAndNothingDiffers() {
        for (long seed = 1; seed <= 12; seed++) {
            Fault f = fault(FaultType.DISK_CORRUPT, seed);
            Fault.Armed a = f.arm();
            Scenario.Result r = run(a);
            assertTrue(a.struck(), f.describe());
            assertIdentical(r);
            assertEquals(0, r.reports().size(), f.describe() + " " + r.log());
        }
    }

    @Test
    void aSectorThatAlwaysFailsItsGuardIsAPanicNotData() {
        otherworld.emulator.MemoryDisk d = otherworld.emulator.MemoryDisk.blank(8192);
        byte[] data = new byte[4096];
        data[100] = 7;
        d.write(0, data, 0, 4096);
        int[] reads = new int[1];
        otherworld.emulator.BlockDevice flaky = new otherworld.emulator.BlockDevice() { // bit 3 of byte 600 flips in transit
            @Override public long sizeBytes() { return d.sizeBytes(); }
            @Override public void read(long offset, byte[] dst, int off, int len) {
                d.read(offset, dst, off, len);
                if (++reads[0] <= limit) dst[off + 600] ^= 8;
            }
            int limit = 2;
            @Override public void write(long offset, byte[] src, int off, int len) { d.write(offset, src, off, len); }
            @Override public long writeCount() { return d.writeCount(); }
            @Override public void flush() { }
            @Override public int guard(long offset) { return d.guard(offset); }
        };
        byte[] buf = new byte[4096];
        otherworld.kernel.fs.BlockCache.readChecked(flaky, 0, buf, 4096); // two bad transfers, the third is sound
        assertArrayEquals(data, buf);
        assertEquals(3, reads[0]);
        reads[0] = -10; // every transfer bad from now on
        otherworld.kernel.KernelPanic p = assertThrows(otherworld.kernel.KernelPanic.class,
                () -> otherworld.kernel.fs.BlockCache.readChecked(flaky, 0, buf, 4096));
        assertTrue(p.getMessage().contains("offset 512: the sector fails its guard tag 3 times"), p.getMessage());
    }

    @Test
    void aBitFlipHitsALiveStructureOfEveryKind() {
        java.util.Set<String> hit = new java.util.TreeSet<>();
        java.util.Set<String> kinds = new java.util.TreeSet<>(Targets.KINDS);
        kinds.remove("pipe"); // checksum opens no pipe: aBitFlipInALivePipe
        for (long seed = 1; seed <= 60 && hit.size() < kinds.size(); seed++) {
            Fault.Armed a = fault(FaultType.BIT_FLIP, seed).arm();
            run(a);
            hit.add(kindHit(a));
        }
        assertEquals(kinds, hit);
    }

    static String kindHit(Fault.Armed a) {
        String did = a.did.get(0);
        return did.substring("bit flip in ".length(), did.indexOf(':'));
    }

    /**
     * pipetest's pipes are hit too, in their record (magic, counters, a large write's owner), never in the bytes in
     * transit; nothing leaks, and unless the flip moved a counter by less than a buffer (which nothing in the kernel can
     * tell) the processes finish as without the fault, or the one using the pipe is refused and the log says why.
     */
    @Test
    void aBitFlipInALivePipe() {
        Scenario pipes = new Scenario().add(Guests.program("pipetest", "8"));
        Fault.Armed count = Fault.reference();
        Scenario.Result ref = pipes.faults(count.plan).diskFaults(count.disk).probe(count::hooks).run();
        assertTrue(ref.allExited());
        int hits = 0;
        for (long seed = 1; seed <= 80 && hits < 4; seed++) {
            Fault.Armed a = Fault.choose(FaultType.BIT_FLIP, count.profile(), seed).arm();
            Scenario.Result r = pipes.faults(a.plan).diskFaults(a.disk).probe(a::hooks).run();
            if (!kindHit(a).equals("pipe")) continue;
            hits++;
            String did = a.did.get(0);
            int offset = Integer.parseInt(did.substring(did.indexOf("(+") + 2, did.indexOf(" of the structure")));
            int bit = Integer.parseInt(did.substring(did.indexOf(": bit ") + 6, did.indexOf(" of the byte")));
            assertTrue(offset < PI_DATA, did);
            assertEquals(java.util.List.of(), r.audit(), did);
            int counterBit = offset >= PI_NREAD && offset < PI_NREAD + 8 ? (offset - PI_NREAD) * 8 + bit
                    : offset >= PI_NWRITE && offset < PI_NWRITE + 8 ? (offset - PI_NWRITE) * 8 + bit : -1;
            if (counterBit >= 0 && counterBit < 14) continue; // less than a buffer's worth: nothing in the kernel can tell
            boolean refusedForThePipe = r.log().stream().anyMatch(l -> l.contains("NOT resurrected") && l.contains("pipe"));
            assertTrue(refusedForThePipe || ref.outputs().equals(r.outputs()) && ref.exitStatus().equals(r.exitStatus()),
                    did + "\n" + r.log());
        }
        assertTrue(hits > 0, "no bit flip hit a pipe");
    }

}
