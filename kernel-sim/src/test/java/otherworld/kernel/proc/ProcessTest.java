package otherworld.kernel.proc;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import otherworld.kernel.CrashCampaign;
import otherworld.kernel.Guests;
import otherworld.kernel.Scenario;
import otherworld.kernel.fault.FaultPlan;
import otherworld.kernel.resurrect.ResurrectionReport;
import otherworld.userland.Programs;

/**
 * Processes: fork, vfork, execve from the disk, wait, exit, orphans, groups and sessions, a full task table — and
 * each survives a crash of the kernel: at every write of its calls, and at system calls spread over a run (with
 * zombies, a parent blocked in wait4, a vfork parent waiting, copy-on-write pages shared).
 */
class ProcessTest {
    /** A scenario running spawner with args, every guest program on the disk under /bin. */
    static Scenario spawner(String... args) {
        Scenario s = new Scenario().add(Guests.program("spawner", args));
        for (String p : Programs.names()) s.file("/bin/" + p, Programs.get(p).binary());
        return s;
    }

    static String golden(String name) { return new String(Programs.get(name).expectedStdout(), StandardCharsets.UTF_8); }

    @Test
    void execveRunsAProgramFromTheDisk() {
        Scenario.Result r = spawner("run", "/bin/hello").run();
        assertEquals(golden("hello") + "spawner: run /bin/hello exited 0\n", r.outputs().get(0));
        assertEquals(List.of(), r.audit());
    }

    @Test
    void execveLaysOutArgvEnvpAndProcSelfExe() {
        Scenario.Result r = spawner("run", "/bin/spawner", "show", "a", "b").run();
        assertEquals("show: 4 args: show a b\nshow: environment: OW=1 PATH=/bin\nshow: /proc/self/exe is /bin/spawner\nshow: comm is spawner\n"
                + "spawner: run /bin/spawner exited 3\n", r.outputs().get(0));
    }

    /** As Linux: execve names the task (comm, prctl's PR_GET_NAME) after the new image's file, not the old one's. */
    @Test
    void execveNamesTheTaskAfterItsNewImage() {
        Scenario.Result r = spawner("run", "/bin/renamed", "show").file("/bin/renamed", Programs.get("spawner").binary())
                .run();
        assertTrue(r.outputs().get(0).contains("show: /proc/self/exe is /bin/renamed\nshow: comm is renamed\n"),
                r.outputs().get(0));
    }

    @Test
    void vforkChildBorrowsTheAddressSpaceUntilItExecs() {
        Scenario.Result r = spawner("vfork", "/bin/spawner", "show", "x").run();
        assertEquals("show: 3 args: show x\nshow: environment: OW=1 PATH=/bin\nshow: /proc/self/exe is /bin/spawner\nshow: comm is spawner\n"
                + "spawner: vfork /bin/spawner exited 3\n", r.outputs().get(0));
        assertEquals(List.of(), r.audit());
    }

    /** glibc's posix_spawn, unmodified: clone(CLONE_VM|CLONE_VFORK) on its own stack, execve, the error back. */
    @Test
    void glibcPosixSpawnRunsAProgramAndReportsAMissingOne() {
        Scenario.Result r = spawner("spawn", "/bin/spawner", "show", "p").run();
        assertEquals("show: 3 args: show p\nshow: environment: OW=1 PATH=/bin\nshow: /proc/self/exe is /bin/spawner\nshow: comm is spawner\n"
                + "spawner: spawn /bin/spawner exited 3\n", r.outputs().get(0));
        assertEquals(List.of(), r.audit());
        Scenario.Result missing = spawner("spawn", "/bin/no-such-program").run();
        assertEquals("spawner: posix_spawn failed: No such file or directory\n", missing.outputs().get(0));
        assertEquals(List.of(1 << 8), missing.exitStatus());
        assertEquals(List.of(), missing.audit());
    }

    @Test
    void aFullTaskTableGivesEagainNeverAHostException() {
        Scenario.Result r = spawner("fill").run();
        assertEquals("fill: fork failed with EAGAIN after " + (otherworld.kernel.layout.Layouts.MAX_TASKS - 1)
                + " children; " + (otherworld.kernel.layout.Layouts.MAX_TASKS - 1) + " reaped; fork works again: yes\n",
                r.outputs().get(0));
        assertEquals(List.of(), r.audit());
    }

    @Test
    void anOrphanIsAdoptedByPid1() {
        Scenario.Result r = spawner("orphan").run();
        assertEquals("grandchild: adopted by pid 1\norphan: pid 1 reaped the grandchild: yes, spawner: orphan grandchild"
                + " exited 4\n", r.outputs().get(0));
    }

    @Test
    void crashAtEveryWriteOfTheProcessCalls() {
        CrashCampaign c = CrashCampaign.run(() -> new Scenario().add(Guests.program("forktest", "2")), 6,
                Set.of("clone", "wait4", "waitid", "exit", "exit_group", "setpgid", "setsid", "execve"));
        System.out.println("forktest: " + c.runs + " crashes at write points, " + c.failures.size() + " failures");
        assertTrue(c.failures.isEmpty(), c.summary());
        assertTrue(c.runs > 40, "crashes: " + c.runs);
    }

    @Test
    void crashAtEveryWriteOfExecveAndVfork() {
        CrashCampaign c = CrashCampaign.run(() -> spawner("vfork", "/bin/spawner", "run", "/bin/hello"), 8,
                Set.of("clone", "execve", "wait4", "exit_group"));
        System.out.println("spawner: " + c.runs + " crashes at write points, " + c.failures.size() + " failures");
        assertTrue(c.failures.isEmpty(), c.summary());
        assertTrue(c.reports.stream().anyMatch(r -> r.lines().toString().contains("execve had committed")),
                "some crash struck between execve's commit and the end of its tail");
    }

    /**
     * fork with the memory calls (forkmap): private and heap pages copy-on-write three ways, mprotect of a shared page,
     * a shared file mapping and a shared anonymous one written by the child — crashed at every write of the calls
     * that make and change those mappings, and at calls spread over the run; each run ends as without a crash, with
     * frame sharing counts, VMA tables and file pages audited.
     */
    @Test
    void forkAndTheMemoryCallsSurviveCrashesAtEveryWrite() {
        Scenario.Result ref = new Scenario().add(Guests.program("forkmap")).run();
        assertEquals(golden("forkmap"), ref.outputs().get(0));
        assertEquals(List.of(), ref.audit());
        CrashCampaign c = CrashCampaign.run(() -> new Scenario().add(Guests.program("forkmap")), 6,
                Set.of("clone", "mmap", "mprotect", "munmap", "brk", "wait4", "exit_group"));
        System.out.println("forkmap: " + c.runs + " crashes at write points, " + c.failures.size() + " failures");
        assertTrue(c.failures.isEmpty(), c.summary());
        assertTrue(c.runs > 40, "crashes: " + c.runs);
        List<String> failures = new ArrayList<>();
        for (long k = 2; k <= ref.syscalls(); k += 3) {
            Scenario.Result r = new Scenario().add(Guests.program("forkmap")).faults(FaultPlan.atSyscall(k, (int) (k % 5))).run();
            if (!r.allExited() || !r.outputs().equals(ref.outputs())) failures.add("crash at call " + k + ": " + r.outputs());
            for (String a : r.audit()) failures.add("crash at call " + k + ": " + a);
            CrashCampaign.fsck(r, "crash at call " + k + ": ", failures);
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    /**
     * Crashes spread over forktest's run: zombies, a parent blocked in wait4, a vfork parent, copy-on-write pages,
     * groups and sessions are resurrected, and the run ends as without a crash.
     */
    @Test
    void processTreeSurvivesCrashesWhileInUse() {
        Scenario.Result ref = new Scenario().add(Guests.program("forktest")).run();
        assertTrue(ref.allExited());
        List<String> failures = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        for (long k = 3; k <= ref.syscalls(); k += 11) {
            Scenario.Result r = new Scenario().add(Guests.program("forktest")).faults(FaultPlan.atSyscall(k, (int) (k % 4))).run();
            for (ResurrectionReport rep : r.reports()) lines.addAll(rep.lines());
            if (!r.allExited() || !r.outputs().equals(ref.outputs()) || !r.exitStatus().equals(ref.exitStatus())) {
                failures.add("crash at call " + k + ": " + r.outputs() + r.log().subList(Math.max(0, r.log().size() - 4), r.log().size()));
            }
            for (String a : r.audit()) failures.add("crash at call " + k + ": " + a);
            CrashCampaign.fsck(r, "crash at call " + k + ": ", failures);
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        String all = String.join("\n", lines);
        assertTrue(all.contains("kept as a zombie"), "a zombie was resurrected");
        assertTrue(all.contains("wait4 in flight"), "a parent blocked in wait4 was resurrected");
    }
}
