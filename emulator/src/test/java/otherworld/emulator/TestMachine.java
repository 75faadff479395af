package otherworld.emulator;

/**
 * A machine with an Sv39 page table built by hand, for hart tests. Frames for tables and pages come from a
 * bump allocator starting 1 MiB into RAM. Code is at {@link #CODE}, a read/write data page at {@link #DATA}.
 */
final class TestMachine {
    static final long V = 1, R = 2, W = 4, X = 8, U = 16, G = 32, A = 64, D = 128;
    static final long CODE = 0x10000, DATA = 0x20000;

    static final long FIRST_FRAME = PhysicalMemory.BASE + (1 << 20);

    final PhysicalMemory mem = new PhysicalMemory(4 << 20);
    final Hart hart;
    private long nextFrame = FIRST_FRAME;
    final long root;

    TestMachine() {
        this(true);
    }

    /** translate = false: the hart only interprets. */
    TestMachine(boolean translate) {
        hart = new Hart(mem, translate);
        root = allocFrame();
        hart.satp = (8L << 60) | (root >>> 12);
        map(DATA, R | W | U);
    }

    /** End of the frames allocated so far (tables and pages live in [FIRST_FRAME, allocatedEnd())). */
    long allocatedEnd() { return nextFrame; }

    long allocFrame() {
        long frame = nextFrame;
        nextFrame += 4096;
        mem.fill(frame, 4096, (byte) 0);
        return frame;
    }

    /** Maps a fresh zeroed frame at va with the given leaf flags (V added); returns its physical address. */
    long map(long va, long flags) {
        long pa = allocFrame();
        mapPage(va, pa, flags);
        return pa;
    }

    void mapPage(long va, long pa, long flags) { mapAt(va, pa, flags, 0); }

    /** Installs a leaf at the given level (0 = 4 KiB, 1 = 2 MiB, 2 = 1 GiB). */
    void mapAt(long va, long pa, long flags, int level) {
        long table = root;
        for (int l = 2; l > level; l--) {
            long pteAddr = table + ((va >>> (12 + 9 * l)) & 511) * 8;
            long pte = mem.read64(pteAddr);
            if ((pte & V) == 0) {
                long next = allocFrame();
                pte = ((next >>> 12) << 10) | V;
                mem.write64(pteAddr, pte);
            }
            table = ((pte >>> 10) & ((1L << 44) - 1)) << 12;
        }
        mem.write64(table + ((va >>> (12 + 9 * level)) & 511) * 8, ((pa >>> 12) << 10) | flags | V);
    }

    /** Physical address of the leaf PTE for va (4 KiB mappings only), or -1 if a table is missing. */
    long pteAddress(long va) {
        long table = root;
        for (int l = 2; l > 0; l--) {
            long pte = mem.read64(table + ((va >>> (12 + 9 * l)) & 511) * 8);
            if ((pte & V) == 0) return -1;
            table = ((pte >>> 10) & ((1L << 44) - 1)) << 12;
        }
        return table + ((va >>> 12) & 511) * 8;
    }

    long pte(long va) {
        long addr = pteAddress(va);
        return addr < 0 ? 0 : mem.read64(addr);
    }

    /** Physical address behind va according to the page table (4 KiB mappings only). */
    long pa(long va) { return (((pte(va) >>> 10) & ((1L << 44) - 1)) << 12) | (va & 0xFFF); }

    /** Maps CODE (R+X+U, enough pages for the code; DATA is mapped R+W+U from the start), writes the code, sets pc. */
    void loadCode(byte[] code) {
        for (int p = 0; p < code.length; p += 4096) {
            if ((pte(CODE + p) & V) == 0) map(CODE + p, R | X | U);
        }
        writeVirtual(CODE, code);
        hart.pc = CODE;
    }

    void writeVirtual(long va, byte[] bytes) {
        for (int k = 0; k < bytes.length; k++) mem.write8(pa(va + k), bytes[k]);
    }

    long read64(long va) { return mem.read64(pa(va)); }
    void write64(long va, long v) { mem.write64(pa(va), v); }

    /** Runs the code with an ecall appended; expects to stop at that ecall. */
    Hart runToEcall(Asm asm) {
        int end = asm.size();
        asm.ecall();
        loadCode(asm.bytes());
        TrapCause cause = hart.run(1_000_000);
        if (cause != TrapCause.ECALL_FROM_U || hart.pc != CODE + end) {
            throw new AssertionError("expected ecall at 0x" + Long.toHexString(CODE + end) + " but got " + cause
                    + " at pc 0x" + Long.toHexString(hart.pc) + " tval 0x" + Long.toHexString(hart.trapValue));
        }
        return hart;
    }
}
