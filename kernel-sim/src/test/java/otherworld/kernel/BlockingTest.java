package otherworld.kernel;

import static org.junit.jupiter.api.Assertions.*;
import static otherworld.kernel.layout.Layouts.*;

import java.util.List;

import org.junit.jupiter.api.Test;

import otherworld.emulator.Console;
import otherworld.emulator.Machine;
import otherworld.kernel.proc.Task;
import otherworld.kernel.sys.Syscalls;

/** The blocking mechanism: a blocked call commits nothing, is made again when woken, and survives a crash. */
class BlockingTest {
    @Test
    void aBlockedTaskIsMadeRunnableByItsChannelOnlyAndACrashResurrectsItRunnable() throws Exception {
        Machine m = new Machine(64 << 20, List.of(new Console("tty0")), Disks.blankExt2());
        Computer c = new Computer(m, KernelConfig.defaults()).boot();
        Scenario.Program hello = Guests.program("hello");
        c.spawn("/bin/hello", hello.elf(), hello.argv(), 0);
        Kernel k = c.kernel();
        Task t = k.task(0);
        long pc = t.pc();
        // block it as a call would, from its first instruction (its frame: an ecall at pc, not committed)
        k.mem.w64(t.pa + T_CAUSE, CAUSE_ECALL);
        k.mem.w64(t.pa + T_EPC, pc);
        assertEquals(Syscalls.BLOCK, k.block(t, 42));
        assertEquals(TASK_BLOCKED, t.state());
        assertFalse(c.run(1_000_000), "nothing can run");
        assertEquals(0, k.wakeup(41));
        assertEquals(TASK_BLOCKED, t.state());
        assertEquals(1, k.wakeup(42));
        assertEquals(TASK_RUNNABLE, t.state());
        // blocked again, then the kernel crashes: the crash kernel brings it back runnable, at the same pc
        k.block(t, 7);
        assertNotNull(c.panicNow("test"));
        Task after = c.kernel().task(0);
        assertEquals(TASK_RUNNABLE, after.state());
        assertEquals(pc, after.pc());
        assertEquals(List.of(), KernelAudit.check(m.memory));
        assertTrue(c.run(2_000_000_000L), "it runs to its end");
        assertTrue(m.console(0).outputString().contains("hello"));
        CrashCampaign.assertDiskClean(c, (otherworld.emulator.MemoryDisk) m.disk);
    }
}
