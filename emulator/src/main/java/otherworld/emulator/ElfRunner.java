package otherworld.emulator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A freestanding static RV64 ELF run on a bare hart, without a kernel: PT_LOAD segments mapped with their
 * permissions under an Sv39 table built here, a 64 KiB stack, and three Linux system calls — write (64),
 * exit (93) and exit_group (94). This is what instruction-set test suites need (riscv-tests built with the
 * environment in {@code emulator/isa-tests/}, riscv-arch-test signatures through {@link #symbol}), and what the
 * emulator's own guest test vectors use. Any other system call, or any trap, ends the run and is reported.
 *
 * <p>{@code java -cp emulator.jar otherworld.emulator.ElfRunner [--interpret] [--max N] [--signature FILE] ELF...}
 * runs each file and prints {@code PASS name} or {@code FAIL name: why}, then {@code N passed, M failed}.
 */
public final class ElfRunner {
    static final long STACK_TOP = 0x7FFF_0000L, STACK_SIZE = 64 * 1024;
    private static final long V = 1, R = 2, W = 4, X = 8, U = 16, A = 64, D = 128;

    public final PhysicalMemory memory;
    public final Hart hart;
    private final byte[] elf;
    private final ByteBuffer b;
    private final long root;
    private long nextFrame;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** How a run ended: the exit status, or -1 and the trap that stopped it. */
    public record Result(int exitCode, TrapCause trap, long pc, long instret, String output) {
        public boolean exited() { return trap == null; }
    }

    /** Loads the ELF; throws IllegalArgumentException with a reason if it is not a loadable static RV64 ELF. */
    public ElfRunner(byte[] elf, int ramBytes) {
        this.elf = elf;
        this.b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        if (elf.length < 64 || b.getInt(0) != 0x464C457F || elf[4] != 2 || elf[5] != 1) {
            throw new IllegalArgumentException("not a little-endian 64-bit ELF file");
        }
        if (b.getShort(18) != 243) throw new IllegalArgumentException("not a RISC-V ELF (e_machine " + b.getShort(18) + ")");
        this.memory = new PhysicalMemory(ramBytes);
        this.hart = new Hart(memory);
        this.nextFrame = PhysicalMemory.BASE;
        this.root = allocFrame();
        hart.satp = (8L << 60) | (root >>> 12);
        long phoff = b.getLong(32);
        int phentsize = b.getShort(54) & 0xFFFF, phnum = b.getShort(56) & 0xFFFF;
        if (phoff < 0 || phentsize < 56 || phoff + (long) phentsize * phnum > elf.length) {
            throw new IllegalArgumentException("program headers outside the file");
        }
        int loads = 0;
        for (int i = 0; i < phnum; i++) {
            int ph = (int) phoff + i * phentsize;
            if (b.getInt(ph) != 1) continue;                               // PT_LOAD
            loads++;
            int flags = b.getInt(ph + 4);
            long off = b.getLong(ph + 8), va = b.getLong(ph + 16), filesz = b.getLong(ph + 32), memsz = b.getLong(ph + 40);
            if (off < 0 || filesz < 0 || filesz > memsz || off + filesz > elf.length || va < 0 || va + memsz > STACK_TOP - STACK_SIZE
                    || memsz > ramBytes / 2) {
                throw new IllegalArgumentException("PT_LOAD segment " + i + " out of range");
            }
            long pte = U | A | D | ((flags & 4) != 0 ? R : 0) | ((flags & 2) != 0 ? W : 0) | ((flags & 1) != 0 ? X : 0);
            for (long p = va & ~0xFFFL; p < va + memsz; p += 4096) map(p, pte);
            for (long k = 0; k < filesz; k++) memory.write8(physical(va + k), elf[(int) (off + k)]);
        }
        if (loads == 0) throw new IllegalArgumentException("no PT_LOAD segment");
        for (long p = STACK_TOP - STACK_SIZE; p < STACK_TOP; p += 4096) map(p, R | W | U | A | D);
        hart.x[2] = STACK_TOP - 64;
        hart.pc = b.getLong(24);
    }

    private long allocFrame() {
        if (nextFrame + 4096 > memory.end()) throw new IllegalArgumentException("ELF does not fit in RAM");
        long f = nextFrame;
        nextFrame += 4096;
        memory.fill(f, 4096, (byte) 0);
        return f;
    }

    /** Maps the 4 KiB page at va (fresh frame), or adds permissions to an existing mapping. */
    private void map(long va, long flags) {
        long table = root;
        for (int level = 2; level > 0; level--) {
            long slot = table + ((va >>> (12 + 9 * level)) & 511) * 8;
            long pte = memory.read64(slot);
            if ((pte & V) == 0) {
                pte = ((allocFrame() >>> 12) << 10) | V;
                memory.write64(slot, pte);
            }
            table = (pte >>> 10) << 12;
        }
        long slot = table + ((va >>> 12) & 511) * 8;
        long pte = memory.read64(slot);
        memory.write64(slot, (pte & V) != 0 ? pte | flags : ((allocFrame() >>> 12) << 10) | flags | V);
    }

    /** Physical address of a mapped user virtual address. */
    public long physical(long va) {
        long pa = new DebugPort(memory).translate(hart.satp, va);
        if (pa == DebugPort.UNMAPPED) throw new IllegalArgumentException("unmapped address 0x" + Long.toHexString(va));
        return pa;
    }

    /** Bytes of user memory. */
    public byte[] read(long va, int len) {
        byte[] r = new byte[len];
        for (int k = 0; k < len; k++) r[k] = (byte) memory.read8(physical(va + k));
        return r;
    }

    /** The value of a symbol in .symtab, or -1 if there is none. */
    public long symbol(String name) {
        long shoff = b.getLong(40);
        int shentsize = b.getShort(58) & 0xFFFF, shnum = b.getShort(60) & 0xFFFF;
        if (shoff <= 0 || shentsize < 64 || shoff + (long) shentsize * shnum > elf.length) return -1;
        for (int i = 0; i < shnum; i++) {
            int sh = (int) shoff + i * shentsize;
            if (b.getInt(sh + 4) != 2) continue;                           // SHT_SYMTAB
            long symOff = b.getLong(sh + 24), symSize = b.getLong(sh + 32);
            int link = b.getInt(sh + 40);
            if (link < 0 || link >= shnum || symOff + symSize > elf.length) return -1;
            long strOff = b.getLong((int) shoff + link * shentsize + 24);
            for (long s = symOff; s + 24 <= symOff + symSize; s += 24) {
                long nameOff = strOff + (b.getInt((int) s) & 0xFFFF_FFFFL);
                if (nameOff >= elf.length) continue;
                int end = (int) nameOff;
                while (end < elf.length && elf[end] != 0) end++;
                if (name.equals(new String(elf, (int) nameOff, end - (int) nameOff, StandardCharsets.US_ASCII))) {
                    return b.getLong((int) s + 8);
                }
            }
        }
        return -1;
    }

    /** Runs to exit, a trap, or maxInstructions (then TIMER). */
    public Result run(long maxInstructions) {
        while (hart.instret < maxInstructions) {
            TrapCause c = hart.run(Math.min(100_000_000L, maxInstructions - hart.instret));
            if (c == TrapCause.TIMER) continue;
            if (c != TrapCause.ECALL_FROM_U) return result(-1, c);
            long n = hart.x[17];
            if (n == 93 || n == 94) {
                return result((int) hart.x[10], null);
            } else if (n == 64) {
                long buf = hart.x[11], len = hart.x[12];
                try {
                    out.writeBytes(read(buf, (int) Math.min(len, 1 << 20)));
                    hart.x[10] = len;
                } catch (IllegalArgumentException e) {
                    hart.x[10] = -14;                                        // EFAULT
                }
            } else {
                return result(-1, c);
            }
            hart.pc += 4;
        }
        return result(-1, TrapCause.TIMER);
    }

    private Result result(int exit, TrapCause trap) {
        return new Result(exit, trap, hart.pc, hart.instret, out.toString(StandardCharsets.ISO_8859_1));
    }

    public static void main(String[] args) throws IOException {
        long max = 100_000_000L;
        Path signature = null;
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--interpret": System.setProperty(Hart.INTERPRET_PROPERTY, "true"); break;
                case "--max": max = Long.parseLong(args[++i]); break;
                case "--signature": signature = Path.of(args[++i]); break;
                default: files.add(Path.of(args[i])); break;
            }
        }
        if (files.isEmpty()) {
            System.err.println("usage: ElfRunner [--interpret] [--max N] [--signature FILE] ELF...");
            System.exit(2);
        }
        int passed = 0, failed = 0;
        for (Path f : files) {
            String why;
            try {
                ElfRunner r = new ElfRunner(Files.readAllBytes(f), 64 << 20);
                Result res = r.run(max);
                System.out.print(res.output());
                if (signature != null) r.writeSignature(signature);
                why = res.exited() ? (res.exitCode() == 0 ? null : "exit " + res.exitCode())
                        : String.format("%s at pc 0x%x after %d instructions", res.trap(), res.pc(), res.instret());
            } catch (IllegalArgumentException | IOException e) {
                why = e.getMessage();
            }
            if (why == null) {
                passed++;
                System.out.println("PASS " + f.getFileName());
            } else {
                failed++;
                System.out.println("FAIL " + f.getFileName() + ": " + why);
            }
        }
        System.out.println(passed + " passed, " + failed + " failed");
        System.exit(failed == 0 ? 0 : 1);
    }

    /** riscv-arch-test style: the words from begin_signature to end_signature, one 8-digit hex word a line. */
    void writeSignature(Path file) throws IOException {
        long begin = symbol("begin_signature"), end = symbol("end_signature");
        if (begin < 0 || end < begin) throw new IOException("no begin_signature/end_signature symbols");
        StringBuilder s = new StringBuilder();
        for (long a = begin; a < end; a += 4) s.append(String.format("%08x%n", memory.read32(physical(a))));
        Files.writeString(file, s.toString());
    }
}
