package otherworld.emulator;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Runs a freestanding static RV64 ELF (no libc) on a {@link TestMachine}: PT_LOAD segments mapped page by page
 * with their permissions, a 64 KiB stack, and two Linux system calls — write (64) to collect output and exit
 * (93). Enough for the guest test vectors and for instruction-set test suites built with an environment that
 * reports through exit. Anything else stops the run with an error.
 */
final class BareElf {
    final TestMachine machine = new TestMachine();
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exitCode = -1;
    TrapCause lastTrap;

    BareElf(byte[] elf) {
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        if (elf.length < 64 || b.getInt(0) != 0x464C457F || elf[4] != 2 || b.getShort(18) != 243) {
            throw new IllegalArgumentException("not an RV64 ELF");
        }
        long entry = b.getLong(24), phoff = b.getLong(32);
        int phentsize = b.getShort(54) & 0xFFFF, phnum = b.getShort(56) & 0xFFFF;
        for (int i = 0; i < phnum; i++) {
            int ph = (int) phoff + i * phentsize;
            if (b.getInt(ph) != 1) continue;                               // PT_LOAD
            int flags = b.getInt(ph + 4);
            long off = b.getLong(ph + 8), va = b.getLong(ph + 16), filesz = b.getLong(ph + 32), memsz = b.getLong(ph + 40);
            long pte = TestMachine.U | TestMachine.A | TestMachine.D | ((flags & 4) != 0 ? TestMachine.R : 0)
                    | ((flags & 2) != 0 ? TestMachine.W : 0) | ((flags & 1) != 0 ? TestMachine.X : 0);
            for (long p = va & ~0xFFFL; p < va + memsz; p += 4096) {
                if ((machine.pte(p) & TestMachine.V) == 0) machine.map(p, pte);
                else machine.mapPage(p, machine.pa(p) & ~0xFFFL, machine.pte(p) & 0xFF | pte);
            }
            for (long k = 0; k < filesz; k++) machine.mem.write8(machine.pa(va + k), elf[(int) (off + k)]);
        }
        for (long p = STACK_TOP - STACK_SIZE; p < STACK_TOP; p += 4096) {
            machine.map(p, TestMachine.R | TestMachine.W | TestMachine.U | TestMachine.A | TestMachine.D);
        }
        machine.hart.x[2] = STACK_TOP - 64;
        machine.hart.pc = entry;
    }

    static final long STACK_TOP = 0x7FFF_0000L, STACK_SIZE = 64 * 1024;

    /** Runs to exit (or a fault, or the instruction limit); returns the output. */
    String run(long maxInstructions) {
        Hart h = machine.hart;
        while (h.instret < maxInstructions) {
            TrapCause c = h.run(Math.min(10_000_000, maxInstructions - h.instret));
            lastTrap = c;
            if (c == TrapCause.TIMER) continue;
            if (c != TrapCause.ECALL_FROM_U) break;
            long n = h.x[17];
            if (n == 93 || n == 94) {
                exitCode = (int) h.x[10];
                break;
            } else if (n == 64) {
                long buf = h.x[11], len = h.x[12];
                for (long k = 0; k < len; k++) out.write(machine.mem.read8(machine.pa(buf + k)));
                h.x[10] = len;
            } else {
                throw new IllegalStateException("system call " + n + " at pc 0x" + Long.toHexString(h.pc));
            }
            h.pc += 4;
        }
        return out.toString();
    }
}
