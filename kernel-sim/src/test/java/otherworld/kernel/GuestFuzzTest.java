package otherworld.kernel;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import otherworld.kernel.fs.Fsck;

/**
 * The guest system-call fuzzer (userland/src/fuzz.c) in several processes at once, beside checksum and kvstore:
 * the kernel keeps running, every fuzzer makes all its calls and ends, the other processes print, exit and write
 * exactly what they do alone, nothing leaks (KernelAudit), the disk is clean, and nothing escapes to the host
 * (Scenario.run would throw). {@code -Dfuzz.calls=N} sets the calls per fuzzer (default 20,000; the million-call
 * run of benchmarks/RESULTS.md is {@code -Dfuzz.calls=340000} with three fuzzers).
 */
class GuestFuzzTest {
    static final long CALLS = Long.getLong("fuzz.calls", 20_000);
    static final int FUZZERS = 3;

    static byte[] fuzzBinary() throws IOException {
        try (InputStream in = GuestFuzzTest.class.getClassLoader().getResourceAsStream("otherworld/userland/bin/fuzz")) {
            assertNotNull(in, "userland/bin/fuzz is built and committed (make install-bin)");
            return in.readAllBytes();
        }
    }

    static Scenario others() {
        return new Scenario().add(Guests.program("checksum", "100")).add(Guests.program("kvstore"));
    }

    @Test
    void fuzzersInSeveralProcessesLeaveTheKernelAndTheOtherProcessesUntouched() throws IOException {
        Scenario.Result alone = others().run();
        assertTrue(alone.allExited());
        byte[] fuzz = fuzzBinary();
        Scenario s = others();
        for (int i = 1; i <= FUZZERS; i++) {
            s.add(new Scenario.Program("fuzz", fuzz, List.of("fuzz", Integer.toString(i), Long.toString(CALLS)), new byte[0]));
        }
        long t0 = System.nanoTime();
        Scenario.Result r = s.run();
        double secs = (System.nanoTime() - t0) / 1e9;
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            if (!alone.outputs().get(i).equals(r.outputs().get(i))) failures.add("process " + (i + 1) + " printed otherwise");
            if (!alone.exitStatus().get(i).equals(r.exitStatus().get(i))) failures.add("process " + (i + 1) + " exit " + r.exitStatus().get(i));
        }
        for (String f : List.of("records.dat", "kv.log")) {
            if (!java.util.Arrays.equals(alone.file(f), r.file(f))) failures.add(f + " differs");
        }
        for (int i = 0; i < FUZZERS; i++) {
            String out = r.outputs().get(2 + i);
            // fd 1 may have been closed or reused by a random call: the summary line may be elsewhere, not its status
            if (r.exitStatus().get(2 + i) != 0) failures.add("fuzzer " + (i + 1) + " exit " + r.exitStatus().get(2 + i) + ": " + out);
        }
        long summaries = r.outputs().stream().filter(o -> o.contains("fuzz: seed ") && o.contains("calls " + CALLS)).count();
        failures.addAll(r.audit());
        if (r.halted() || !r.reports().isEmpty()) failures.add("the kernel panicked: " + r.log().subList(Math.max(0, r.log().size() - 5), r.log().size()));
        if (Fsck.available() && !Fsck.check(r.disk()).clean()) failures.add("e2fsck: " + Fsck.check(r.disk()).summary());
        assertEquals(List.of(), failures);
        assertTrue(r.allExited());
        assertTrue(r.syscalls() >= FUZZERS * CALLS, "every call was made: " + r.syscalls());
        System.out.printf("GuestFuzzTest: %d fuzzers x %d calls (%d system calls in all) in %.1f s; summaries on fd 1: %d%n",
                FUZZERS, CALLS, r.syscalls(), secs, summaries);
    }
}
