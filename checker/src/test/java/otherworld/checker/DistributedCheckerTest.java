package otherworld.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.HazelcastInstance;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import otherworld.model.Action;
import otherworld.model.Bug;
import otherworld.model.Config;
import otherworld.model.Invariants;
import otherworld.model.Machine;
import otherworld.model.State;

/** The search on Hazelcast: two members on loopback find what one checker finds. */
class DistributedCheckerTest {
    static List<HazelcastInstance> two;

    @BeforeAll
    static void startTwoMembers() {
        two = DistributedChecker.startLoopbackMembers(2);
    }

    @AfterAll
    static void stop() {
        for (HazelcastInstance h : two) {
            h.shutdown();
        }
    }

    @Test
    void twoMembersOnLoopbackFindExactlyTheStatesOfOneChecker() {
        assertEquals(2, two.get(0).getCluster().getMembers().size());
        for (String addr : List.of(two.get(0).getCluster().getLocalMember().getAddress().getHost(),
                two.get(1).getCluster().getLocalMember().getAddress().getHost())) {
            assertEquals("127.0.0.1", addr);
        }
        Config c = Config.defaults().withPages(2).withValues(2);
        Result one = new ModelChecker<State, Action>(new OtherworldSystem(new Machine(c), false)).workers(1).run();
        Result dist = new DistributedChecker(new OtherworldFactory(c, false)).on(two).checkDeadlock(true).run();
        assertEquals(Result.Status.OK, dist.status());
        assertEquals(241806, dist.statistics().distinct());
        assertEquals(one.statistics(), dist.statistics());
    }

    @Test
    void withSymmetryTwoMembersFindExactlyTheStatesOfOneChecker() {
        // the crash kernel goes through processes in pid order, so renamings of a state in a
        // resurrection have successors that are not renamings of each other; every checker expands
        // the canonical renaming of a running state, whichever renaming it met first, so the states
        // explored do not depend on the order in which members meet them
        Config c = Config.defaults().withProcs(3).withCrashes(2);
        Result one = new ModelChecker<State, Action>(new OtherworldSystem(new Machine(c), true)).workers(1)
                .checkDeadlock(true).run();
        Result dist = new DistributedChecker(new OtherworldFactory(c, true)).on(two).checkDeadlock(true).run();
        assertEquals(Result.Status.OK, dist.status());
        assertEquals(one.statistics().distinct(), dist.statistics().distinct());
        assertEquals(one.statistics().generated(), dist.statistics().generated());
        assertEquals(one.statistics().depth(), dist.statistics().depth());
        assertEquals(SYMMETRIC_3_PROCS_2_CRASHES, dist.statistics().distinct());
    }

    /** Distinct states of 3 processes, 2 crashes, with symmetry. */
    static final long SYMMETRIC_3_PROCS_2_CRASHES = 293098;

    @Test
    void oneEmbeddedMemberByDefault() {
        Config c = Config.defaults();
        Result r = new DistributedChecker(new OtherworldFactory(c, false)).checkDeadlock(true).run();
        assertEquals(Result.Status.OK, r.status());
        assertEquals(13097, r.statistics().distinct());
        assertEquals(15153, r.statistics().generated());
        assertEquals(43, r.statistics().depth());
    }

    @Test
    void aSeededBugGivesAShortestCounterexampleAcrossMembers() {
        Config c = Config.defaults().withBug(Bug.REEXECUTE_COMPLETED_CALL);
        Result r = new DistributedChecker(new OtherworldFactory(c, false)).on(two).header(c.toString()).run();
        assertEquals(Result.Status.VIOLATION, r.status());
        assertEquals(Invariants.CONSOLE_OUTPUT_EXACTLY_ONCE, r.invariant());
        assertEquals(20, r.trace().length());
        assertEquals(r.invariant(), Replay.of(r.trace()).violation());
        assertTrue(r.trace().render().contains("violation " + Invariants.CONSOLE_OUTPUT_EXACTLY_ONCE));
    }

    @Test
    void aMemberInAnotherProcessJoinsOverLoopback(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        int childPort;
        int myPort;
        try (java.net.ServerSocket a = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
             java.net.ServerSocket b = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            childPort = a.getLocalPort();
            myPort = b.getLocalPort();
        }
        String cluster = "ow-test-" + java.util.UUID.randomUUID();
        String javaBin = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
        java.nio.file.Path log = dir.resolve("member.log");
        Process child = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
                "otherworld.checker.cli.CheckCommand", "--member", "--cluster", cluster, "--port", String.valueOf(childPort),
                "--peers", "127.0.0.1:" + myPort, "--idle", "2")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        HazelcastInstance me = DistributedChecker.startMember(cluster, "127.0.0.1", myPort, List.of("127.0.0.1:" + childPort));
        try {
            assertTrue(DistributedChecker.awaitMembers(me, 2, 60_000), () -> "no second member: " + read(log));
            Config c = Config.defaults().withPages(2).withValues(2);
            Result dist = new DistributedChecker(new OtherworldFactory(c, false)).on(List.of(me)).run();
            assertEquals(Result.Status.OK, dist.status());
            assertEquals(241806, dist.statistics().distinct());
            assertEquals(280050, dist.statistics().generated());
        } finally {
            me.shutdown();
        }
        assertTrue(child.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "the member stops once alone");
        assertEquals(0, child.exitValue(), read(log));
        assertTrue(read(log).contains("Member of cluster " + cluster + " at 127.0.0.1:" + childPort), read(log));
    }

    private static String read(java.nio.file.Path p) {
        try {
            return java.nio.file.Files.readString(p);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
