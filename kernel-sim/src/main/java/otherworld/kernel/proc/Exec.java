package otherworld.kernel.proc;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import otherworld.kernel.mm.FrameAllocator;
import otherworld.kernel.mm.PageTable;
import otherworld.kernel.mm.UserMemory;
import otherworld.kernel.mem.KMem;
import otherworld.kernel.verified.ElfCheck;
import otherworld.kernel.verified.LittleEndian;
import otherworld.kernel.verified.Sv39;

/**
 * Loads a static ELF64 RISC-V executable into a new address space and builds the initial stack the way Linux
 * does (argc, argv, envp, auxv, strings, AT_RANDOM bytes). A malformed ELF gives an {@link ExecException} with the
 * reason; nothing is left allocated.
 */
public final class Exec {
    public static final long STACK_TOP = Sv39.USER_VA_LIMIT - 0x1000;
    public static final long STACK_SIZE = 256 * 1024;
    /**
     * The signal return trampoline, one page mapped R|X in every process just above its stack: {@code li a7, 139;
     * ecall} (rt_sigreturn). Linux puts it in the vDSO; there is no vDSO here, and RISC-V glibc passes no
     * SA_RESTORER, so a handler returns (ra) here.
     */
    public static final long SIGRETURN_VA = STACK_TOP;
    static final int[] SIGRETURN_CODE = {0x08b00893, 0x00000073};
    /** Longest argument and environment strings, all together (Linux: a quarter of the stack limit; here less). */
    public static final int ARG_MAX = 128 * 1024;

    static final int PT_LOAD = 1;
    static final int PT_PHDR = 6;
    static final int PF_X = 1;
    static final int PF_W = 2;
    static final int PF_R = 4;

    public static final class ExecException extends Exception {
        /** The errno execve returns for it: ENOEXEC for a bad image, ENOMEM when memory ran out. */
        public final int errno;

        public ExecException(String m) { this(m, m.endsWith("out of memory") ? 12 : 8); }

        public ExecException(String m, int errno) {
            super(m);
            this.errno = errno;
        }
    }

    /** What exec produced. */
    public record Image(PageTable pageTable, long entry, long sp, long brk, List<long[]> vmas) { }

    private Exec() { }

    static int rwx(long pflags) {
        int f = 0;
        if ((pflags & PF_R) != 0) f |= Sv39.PTE_R;
        if ((pflags & PF_W) != 0) f |= Sv39.PTE_W | Sv39.PTE_R;
        if ((pflags & PF_X) != 0) f |= Sv39.PTE_X;
        return f;
    }

    public static Image load(KMem mem, FrameAllocator frames, UserMemory user, byte[] elf, String path,
                             List<String> argv, byte[] random16) throws ExecException {
        return load(mem, frames, user, elf, path, argv, List.of(), random16);
    }

    static List<byte[]> bytes(List<String> strings) {
        List<byte[]> out = new ArrayList<>();
        for (String s : strings) out.add(s.getBytes(StandardCharsets.UTF_8));
        return out;
    }

    /** A new address space for the executable elf, its stack laid out with argv and envp. */
    public static Image load(KMem mem, FrameAllocator frames, UserMemory user, byte[] elf, String path,
                             List<String> argv, List<String> envp, byte[] random16) throws ExecException {
        return loadBytes(mem, frames, user, elf, path, bytes(argv), bytes(envp), random16);
    }

    /** The same, with argv and envp as the bytes of each string (without its NUL), as a process passed them. */
    public static Image loadBytes(KMem mem, FrameAllocator frames, UserMemory user, byte[] elf, String path,
                                  List<byte[]> argv, List<byte[]> envp, byte[] random16) throws ExecException {
        int bad = ElfCheck.checkIdent(elf, elf.length);
        if (bad != 0) throw new ExecException(path + ": not a valid executable: " + ElfCheck.reason(bad));
        // the fields this loader uses are the ones checkFields' proved contract speaks of
        long phoff = LittleEndian.u64(elf, ElfCheck.E_PHOFF);
        int phnum = LittleEndian.u16(elf, ElfCheck.E_PHNUM);
        bad = ElfCheck.checkFields(LittleEndian.u32(elf, ElfCheck.E_VERSION), LittleEndian.u16(elf, ElfCheck.E_MACHINE),
                LittleEndian.u16(elf, ElfCheck.E_TYPE), LittleEndian.u16(elf, ElfCheck.E_PHENTSIZE), phnum, phoff,
                elf.length);
        if (bad != 0) throw new ExecException(path + ": not a valid executable: " + ElfCheck.reason(bad));
        long entry = LittleEndian.u64(elf, ElfCheck.E_ENTRY);
        PageTable pt = PageTable.create(mem, frames);
        if (pt == null) throw new ExecException(path + ": out of memory");
        try {
            long phdrVa = 0;
            long end = 0;
            List<long[]> vmas = new ArrayList<>();
            for (int i = 0; i < phnum; i++) {
                int ph = (int) (phoff + 56L * i);
                long type = LittleEndian.u32(elf, ph);
                long flags = LittleEndian.u32(elf, ph + 4);
                long off = LittleEndian.u64(elf, ph + 8);
                long va = LittleEndian.u64(elf, ph + 16);
                long filesz = LittleEndian.u64(elf, ph + 32);
                long memsz = LittleEndian.u64(elf, ph + 40);
                if (type == PT_PHDR) phdrVa = va;
                if (type != PT_LOAD || memsz == 0) continue;
                int segBad = ElfCheck.checkSegment(off, filesz, va, memsz, elf.length);
                if (segBad != 0) throw new ExecException(path + ": segment " + i + ": " + ElfCheck.reason(segBad));
                if (phdrVa == 0 && off <= phoff && phoff < off + filesz) phdrVa = va + (phoff - off);
                long start = Sv39.pageBase(va);
                long stop = Sv39.pageBase(va + memsz + Sv39.PAGE_SIZE - 1);
                int prot = rwx(flags);
                for (long page = start; page < stop; page += Sv39.PAGE_SIZE) {
                    long pte = pt.lookup(page);
                    long pa;
                    if (Sv39.isValid(pte)) {
                        pa = Sv39.paOf(Sv39.ptePpn(pte));
                        pt.protect(page, (Sv39.pteFlags(pte) | prot) & (Sv39.PTE_R | Sv39.PTE_W | Sv39.PTE_X));
                    } else {
                        pa = frames.alloc();
                        if (pa < 0 || !pt.map(page, pa, prot)) throw new ExecException(path + ": out of memory");
                        mem.zero(pa, (int) Sv39.PAGE_SIZE);
                    }
                    // Copy the part of the file image that falls in this page.
                    long lo = Math.max(page, va);
                    long hi = Math.min(page + Sv39.PAGE_SIZE, va + filesz);
                    if (hi > lo) mem.write(pa + (lo - page), elf, (int) (off + (lo - va)), (int) (hi - lo));
                }
                vmas.add(new long[] {start, stop, prot});
                end = Math.max(end, stop);
            }
            if (end == 0) throw new ExecException(path + ": no loadable segment");
            // Stack.
            long stackLo = STACK_TOP - STACK_SIZE;
            for (long page = stackLo; page < STACK_TOP; page += Sv39.PAGE_SIZE) {
                long pa = frames.alloc();
                if (pa < 0 || !pt.map(page, pa, Sv39.PTE_R | Sv39.PTE_W)) throw new ExecException(path + ": out of memory");
                mem.zero(pa, (int) Sv39.PAGE_SIZE);
            }
            vmas.add(new long[] {stackLo, STACK_TOP, Sv39.PTE_R | Sv39.PTE_W});
            long tramp = frames.alloc();
            if (tramp < 0 || !pt.map(SIGRETURN_VA, tramp, Sv39.PTE_R | Sv39.PTE_X)) throw new ExecException(path + ": out of memory");
            mem.zero(tramp, (int) Sv39.PAGE_SIZE);
            for (int i = 0; i < SIGRETURN_CODE.length; i++) mem.w32(tramp + 4L * i, SIGRETURN_CODE[i]);
            vmas.add(new long[] {SIGRETURN_VA, SIGRETURN_VA + Sv39.PAGE_SIZE, Sv39.PTE_R | Sv39.PTE_X});
            long sp = buildStack(user, pt.rootPa(), path, argv, envp, random16, phdrVa, phnum, entry);
            return new Image(pt, entry, sp, end, vmas);
        } catch (ExecException | RuntimeException e) {
            pt.destroy();
            throw e;
        }
    }

    private static long buildStack(UserMemory user, long root, String path, List<byte[]> argv, List<byte[]> envp,
                                   byte[] random16, long phdrVa, int phnum, long entry) throws ExecException {
        long sp = STACK_TOP;
        long room = 0;
        for (byte[] a : argv) room += a.length + 1;
        for (byte[] e : envp) room += e.length + 1;
        if (room > STACK_SIZE / 2) throw new ExecException(path + ": argument list too long (" + room + " bytes)");
        long[] envPtrs = new long[envp.size()];
        for (int i = envp.size() - 1; i >= 0; i--) {
            byte[] s = java.util.Arrays.copyOf(envp.get(i), envp.get(i).length + 1);
            sp -= s.length;
            if (!user.copyOut(root, sp, s, 0, s.length)) throw new ExecException("stack");
            envPtrs[i] = sp;
        }
        // Strings and random bytes at the top.
        long[] argPtrs = new long[argv.size()];
        for (int i = argv.size() - 1; i >= 0; i--) {
            byte[] s = java.util.Arrays.copyOf(argv.get(i), argv.get(i).length + 1);
            sp -= s.length;
            if (!user.copyOut(root, sp, s, 0, s.length)) throw new ExecException("stack");
            argPtrs[i] = sp;
        }
        byte[] fn = (path + "\0").getBytes(StandardCharsets.UTF_8);
        sp -= fn.length;
        long execfn = sp;
        user.copyOut(root, sp, fn, 0, fn.length);
        sp -= 16;
        long random = sp;
        user.copyOut(root, sp, random16, 0, 16);
        sp &= ~15L;
        long[] aux = {
            3, phdrVa, 4, 56, 5, phnum, 6, Sv39.PAGE_SIZE, 7, 0, 8, 0, 9, entry,
            11, 0, 12, 0, 13, 0, 14, 0,
            16, hwcap(), 17, 100, 23, 0, 25, random, 31, execfn, 0, 0
        };
        int words = 1 + argPtrs.length + 1 + envPtrs.length + 1 + aux.length;
        sp -= 8L * words;
        sp &= ~15L;
        long p = sp;
        user.put64(root, p, argPtrs.length);
        p += 8;
        for (long a : argPtrs) {
            user.put64(root, p, a);
            p += 8;
        }
        user.put64(root, p, 0); // end of argv
        p += 8;
        for (long e : envPtrs) {
            user.put64(root, p, e);
            p += 8;
        }
        user.put64(root, p, 0); // end of envp
        p += 8;
        for (long a : aux) {
            user.put64(root, p, a);
            p += 8;
        }
        return sp;
    }

    /** AT_HWCAP: one bit per single-letter extension, as Linux reports for rv64imafdc. */
    static long hwcap() {
        long h = 0;
        for (char c : "imafdc".toCharArray()) h |= 1L << (c - 'a');
        return h;
    }
}
