package otherworld.emulator;

import static otherworld.emulator.Insn.*;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * One RV64GC (+ Zba, Zbb, Zbs, Zicond) hart running in user mode (U). The host kernel owns supervisor mode: it sets {@link #satp}, the
 * registers and pc, calls {@link #run}, and gets control back on every trap.
 *
 * <p>API contract (used by kernel-sim; keep stable):
 * <ul>
 *   <li>{@code x[0..31]}: integer registers; x[0] reads as 0 whatever is stored.</li>
 *   <li>{@code f[0..31]}: raw 64-bit FP register contents (single values NaN-boxed).</li>
 *   <li>{@code fcsr}: fflags in bits 0..4, frm in bits 5..7.</li>
 *   <li>{@code satp}: Sv39 only: MODE=8 in bits 60..63, ASID ignored, PPN of the root table in bits 0..43.</li>
 *   <li>{@link #run(long)} executes at most {@code budget} instructions; returns the trap cause. On a trap,
 *       {@code pc} is the address of the trapping instruction (for ECALL too: the kernel adds 4), and
 *       {@link #trapValue} holds the faulting virtual address (page faults) or the instruction bits (illegal).
 *       TIMER means the budget ran out; pc is then the next instruction to execute.</li>
 *   <li>{@link #flushTlb()} is sfence.vma: call it after changing any page table. A satp different from the
 *       last run's flushes the TLB by itself (there are no ASIDs).</li>
 *   <li>{@link #instret} counts retired instructions (the machine's clock).</li>
 * </ul>
 *
 * <p>Precise traps: an instruction that traps changes no register, no memory and no fcsr, and does not retire
 * (ECALL and EBREAK included: they do not count in {@code instret}). The LR reservation is dropped whenever
 * {@code run} returns.
 *
 * <p>Execution: the interpreter (the reference) fetches by physical address through a decode cache ({@link Insn});
 * a slot is re-decoded when the bits in RAM differ from the bits it was decoded from, so code written into RAM
 * by anyone (kernel or guest) is picked up without any invalidation call, and fence.i is a no-op. Hot code is
 * translated to JVM bytecode ({@link Translator}, unless {@value #INTERPRET_PROPERTY} or the constructor says
 * otherwise) with the same instruction counts, traps and timer interrupts; a write to a frame holding
 * translations lets them go before the bytes change, so coherence is the same without fence.i.
 */
public final class Hart {
    /** System property that, set to true, makes every hart interpret (no translation to JVM bytecode). */
    public static final String INTERPRET_PROPERTY = "otherworld.interpret";

    public final long[] x = new long[32];
    public final long[] f = new long[32];
    public long pc;
    public int fcsr;
    public long satp;
    public long instret;
    public long trapValue;

    final PhysicalMemory memory;
    final Mmu mmu;
    final byte[] ram;

    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private static final int DCACHE_BITS = 16;
    private static final int DCACHE_MASK = (1 << DCACHE_BITS) - 1;
    /** Decode cache, direct-mapped by (physical offset / 2). Slots are allocated on first use. */
    private final Insn[] dcache = new Insn[1 << DCACHE_BITS];

    /** Translation of the current code page: {@code fetchVpn} = va >>> 12, or -1 when unknown. */
    private long fetchVpn = -1;
    private int fetchOff;

    /** LR reservation: RAM-array offset of the reserved word/doubleword, or -1. */
    private long reservation = -1;

    /** satp seen by the MMU; a change (without flushTlb) still forces a flush, as a safety net. */
    private long mmuSatp;

    /** Whether hot code is translated at all; the translator itself starts after {@link #WARMUP} instructions. */
    private final boolean translate;
    /**
     * Instructions interpreted from power-on before translation starts: a short run (ow run hello: 7,643)
     * never pays for loading the bytecode generator. {@code -Dotherworld.jit.warmup=N}.
     */
    static final long WARMUP = Long.getLong("otherworld.jit.warmup", 1_000_000);
    private long warmup = WARMUP;
    /** Translation to JVM bytecode: null while warming up, and always when this hart only interprets. */
    private Translator translator;
    /** Instructions retired so far in the current {@link #run}; translated code adds its counts here. */
    long retired;
    /** Set when a store let translated code go (see {@link Translator#codeWritten}). */
    boolean codeWritten;
    /** Entry index of the region {@link Translator#lookup} returned. */
    int jitEntry;

    /** A hart that translates hot code unless the system property {@value #INTERPRET_PROPERTY} is true. */
    public Hart(PhysicalMemory memory) {
        this(memory, !Boolean.getBoolean(INTERPRET_PROPERTY));
    }

    /** translate = false: the interpreter runs everything (the reference; same results, slower). */
    public Hart(PhysicalMemory memory, boolean translate) {
        this.memory = memory;
        this.ram = memory.array();
        this.mmu = new Mmu(memory);
        this.mmuSatp = 0;
        mmu.satp = 0;
        this.translate = translate;
    }

    /**
     * Tests: translate from the first instruction, code entered this many times (1: at once), on the hart's
     * own thread unless {@code background}.
     */
    void translationThreshold(int n, boolean background) {
        warmup = 0;
        startTranslating();
        translator.threshold = n;
        translator.background = background;
    }

    /** Tests: translate from the first instruction on the hart's thread, code entered this many times. */
    void translationThreshold(int n) { translationThreshold(n, false); }

    private void startTranslating() {
        if (translator == null) translator = new Translator(this, memory, mmu);
    }

    /** Whether hot code is translated (false: interpreter only). */
    public boolean translates() { return translate; }

    public void flushTlb() {
        mmu.flush();
        fetchVpn = -1;
        if (translator != null) translator.epoch++;
    }

    /** Runs until a trap or until {@code budget} instructions have retired (then TIMER). */
    public TrapCause run(long budget) {
        if (satp != mmuSatp) {
            mmuSatp = satp;
            mmu.satp = satp;
            flushTlb();
        }
        x[0] = 0;
        retired = 0;
        try {
            if (translator == null && translate && instret >= warmup) startTranslating();
            if (translator == null) interpret(budget, false);
            else runTranslated(budget);
            return TrapCause.TIMER;
        } catch (Trap t) {
            this.trapValue = t.value;
            return t.cause;
        } finally {
            instret += retired;
            retired = 0;
            reservation = -1;
            x[0] = 0;
        }
    }

    /**
     * Regions where there are, the interpreter one block at a time elsewhere. Direct links: the region reached
     * through a constant exit is remembered at the exit, and followed while it is valid and the TLB unflushed.
     */
    private void runTranslated(long budget) {
        Translator t = translator;
        Region r = null;
        int entry = 0;
        while (retired < budget) {
            if (r == null) {
                r = t.lookup(pc);
                if (r == null) {
                    interpret(budget, true);
                    continue;
                }
                entry = jitEntry;
            }
            long before = retired;
            codeWritten = false;
            int exit = r.run(this, entry, budget - retired);
            t.translatedRetired += retired - before;
            t.dispatches++;
            if (retired == before) {                // the block at pc does not fit in the budget left
                interpret(budget, true);
                r = null;
                continue;
            }
            Region next = null;
            if (exit >= 0 && !codeWritten && retired < budget) {
                Region l = r.link[exit];
                if (l != null && l.valid && r.linkEpoch[exit] == t.epoch) {
                    t.linked++;
                    next = l;
                    entry = r.linkEntry[exit];
                } else {
                    next = t.lookup(pc);
                    if (next != null) {
                        entry = jitEntry;
                        r.link[exit] = next;
                        r.linkEntry[exit] = entry;
                        r.linkEpoch[exit] = t.epoch;
                    } else {
                        interpret(budget, true);
                    }
                }
            }
            r = next;
        }
    }

    /** Translation statistics, or null when this hart only interprets. */
    public String translationStatistics() {
        if (!translate) return null;
        return translator == null ? "translation not started (warm-up: " + warmup + " instructions)" : translator.statistics();
    }

    /** Instructions retired in translated code since power-on (0 when interpreting only). */
    public long translatedInstructions() { return translator == null ? 0 : translator.translatedRetired; }

    /** Bytecode bytes of the translations made since power-on. */
    public long translatedBytecodeBytes() { return translator == null ? 0 : translator.bytecodeBytes; }

    /**
     * The interpreter: up to the budget (counted in {@link #retired}), or, with {@code blocks}, only until a jump
     * or branch has retired. pc changes only after an instruction can no longer trap.
     */
    private void interpret(long budget, boolean blocks) {
        final long[] x = this.x;
        final Mmu mmu = this.mmu;
        long pc = this.pc;
        long n = 0;
        long limit = budget - retired;
        try {
            loop:
            while (n < limit) {
                // ---- fetch ----
                if ((pc >>> 12) != fetchVpn) {
                    fetchOff = mmu.fetchPage(pc);
                    fetchVpn = pc >>> 12;
                }
                int po = (int) pc & 0xFFF;
                int off = fetchOff + po;
                int raw = po <= 4092 ? (int) I32.get(ram, off) : fetchAcross(pc, off);
                int slot = (off >>> 1) & DCACHE_MASK;
                Insn d = dcache[slot];
                if (d == null) {
                    d = new Insn();
                    dcache[slot] = d;
                    Decoder.decode(d, raw);
                } else if ((raw & d.mask) != d.raw) {
                    Decoder.decode(d, raw);
                }
                // ---- execute; pc changes only after the instruction can no longer trap ----
                switch (d.op) {
                    case NOP: pc += d.len; break;
                    case LUI: x[d.rd] = d.imm; pc += d.len; break;
                    case AUIPC: x[d.rd] = pc + d.imm; pc += d.len; break;
                    case JAL: x[d.rd] = pc + d.len; x[0] = 0; pc += d.imm; if (blocks) { n++; break loop; } break;
                    case JALR: {
                        long t = (x[d.rs1] + d.imm) & ~1L;
                        x[d.rd] = pc + d.len;
                        x[0] = 0;
                        pc = t;
                        if (blocks) { n++; break loop; }
                        break;
                    }
                    case BEQ: pc += x[d.rs1] == x[d.rs2] ? d.imm : d.len; if (blocks) { n++; break loop; } break;
                    case BNE: pc += x[d.rs1] != x[d.rs2] ? d.imm : d.len; if (blocks) { n++; break loop; } break;
                    case BLT: pc += x[d.rs1] < x[d.rs2] ? d.imm : d.len; if (blocks) { n++; break loop; } break;
                    case BGE: pc += x[d.rs1] >= x[d.rs2] ? d.imm : d.len; if (blocks) { n++; break loop; } break;
                    case BLTU: pc += Long.compareUnsigned(x[d.rs1], x[d.rs2]) < 0 ? d.imm : d.len; if (blocks) { n++; break loop; } break;
                    case BGEU: pc += Long.compareUnsigned(x[d.rs1], x[d.rs2]) >= 0 ? d.imm : d.len; if (blocks) { n++; break loop; } break;
                    case LB: x[d.rd] = (byte) mmu.load8(x[d.rs1] + d.imm); x[0] = 0; pc += d.len; break;
                    case LH: x[d.rd] = (short) mmu.load16(x[d.rs1] + d.imm); x[0] = 0; pc += d.len; break;
                    case LW: x[d.rd] = mmu.load32(x[d.rs1] + d.imm); x[0] = 0; pc += d.len; break;
                    case LD: x[d.rd] = mmu.load64(x[d.rs1] + d.imm); x[0] = 0; pc += d.len; break;
                    case LBU: x[d.rd] = mmu.load8(x[d.rs1] + d.imm); x[0] = 0; pc += d.len; break;
                    case LHU: x[d.rd] = mmu.load16(x[d.rs1] + d.imm); x[0] = 0; pc += d.len; break;
                    case LWU: x[d.rd] = mmu.load32(x[d.rs1] + d.imm) & 0xFFFF_FFFFL; x[0] = 0; pc += d.len; break;
                    case SB: mmu.store8(x[d.rs1] + d.imm, (int) x[d.rs2]); pc += d.len; break;
                    case SH: mmu.store16(x[d.rs1] + d.imm, (int) x[d.rs2]); pc += d.len; break;
                    case SW: mmu.store32(x[d.rs1] + d.imm, (int) x[d.rs2]); pc += d.len; break;
                    case SD: mmu.store64(x[d.rs1] + d.imm, x[d.rs2]); pc += d.len; break;
                    case ADDI: x[d.rd] = x[d.rs1] + d.imm; pc += d.len; break;
                    case SLTI: x[d.rd] = x[d.rs1] < d.imm ? 1 : 0; pc += d.len; break;
                    case SLTIU: x[d.rd] = Long.compareUnsigned(x[d.rs1], d.imm) < 0 ? 1 : 0; pc += d.len; break;
                    case XORI: x[d.rd] = x[d.rs1] ^ d.imm; pc += d.len; break;
                    case ORI: x[d.rd] = x[d.rs1] | d.imm; pc += d.len; break;
                    case ANDI: x[d.rd] = x[d.rs1] & d.imm; pc += d.len; break;
                    case SLLI: x[d.rd] = x[d.rs1] << d.imm; pc += d.len; break;
                    case SRLI: x[d.rd] = x[d.rs1] >>> d.imm; pc += d.len; break;
                    case SRAI: x[d.rd] = x[d.rs1] >> d.imm; pc += d.len; break;
                    case ADD: x[d.rd] = x[d.rs1] + x[d.rs2]; pc += d.len; break;
                    case SUB: x[d.rd] = x[d.rs1] - x[d.rs2]; pc += d.len; break;
                    case SLL: x[d.rd] = x[d.rs1] << x[d.rs2]; pc += d.len; break;
                    case SLT: x[d.rd] = x[d.rs1] < x[d.rs2] ? 1 : 0; pc += d.len; break;
                    case SLTU: x[d.rd] = Long.compareUnsigned(x[d.rs1], x[d.rs2]) < 0 ? 1 : 0; pc += d.len; break;
                    case XOR: x[d.rd] = x[d.rs1] ^ x[d.rs2]; pc += d.len; break;
                    case SRL: x[d.rd] = x[d.rs1] >>> x[d.rs2]; pc += d.len; break;
                    case SRA: x[d.rd] = x[d.rs1] >> x[d.rs2]; pc += d.len; break;
                    case OR: x[d.rd] = x[d.rs1] | x[d.rs2]; pc += d.len; break;
                    case AND: x[d.rd] = x[d.rs1] & x[d.rs2]; pc += d.len; break;
                    case ADDIW: x[d.rd] = (int) (x[d.rs1] + d.imm); pc += d.len; break;
                    case SLLIW: x[d.rd] = (int) x[d.rs1] << d.imm; pc += d.len; break;
                    case SRLIW: x[d.rd] = (int) x[d.rs1] >>> d.imm; pc += d.len; break;
                    case SRAIW: x[d.rd] = (int) x[d.rs1] >> d.imm; pc += d.len; break;
                    case ADDW: x[d.rd] = (int) (x[d.rs1] + x[d.rs2]); pc += d.len; break;
                    case SUBW: x[d.rd] = (int) (x[d.rs1] - x[d.rs2]); pc += d.len; break;
                    case SLLW: x[d.rd] = (int) x[d.rs1] << (x[d.rs2] & 31); pc += d.len; break;
                    case SRLW: x[d.rd] = (int) x[d.rs1] >>> (x[d.rs2] & 31); pc += d.len; break;
                    case SRAW: x[d.rd] = (int) x[d.rs1] >> (x[d.rs2] & 31); pc += d.len; break;
                    case MUL: case MULH: case MULHSU: case MULHU: case DIV: case DIVU: case REM: case REMU:
                    case MULW: case DIVW: case DIVUW: case REMW: case REMUW:
                        x[d.rd] = Alu.muldiv(d.op, x[d.rs1], x[d.rs2]);
                        pc += d.len;
                        break;
                    case ADD_UW: case SH1ADD: case SH2ADD: case SH3ADD: case SH1ADD_UW: case SH2ADD_UW: case SH3ADD_UW:
                    case SLLI_UW: case ANDN: case ORN: case XNOR: case CLZ: case CLZW: case CTZ: case CTZW: case CPOP:
                    case CPOPW: case MAX: case MAXU: case MIN: case MINU: case SEXT_B: case SEXT_H: case ZEXT_H:
                    case ROL: case ROLW: case ROR: case RORI: case RORIW: case RORW: case ORC_B: case REV8:
                    case BCLR: case BCLRI: case BEXT: case BEXTI: case BINV: case BINVI: case BSET: case BSETI:
                    case CZERO_EQZ: case CZERO_NEZ:
                        x[d.rd] = Alu.bitmanip(d.op, x[d.rs1], x[d.rs2], d.imm);
                        pc += d.len;
                        break;
                    default:
                        pc = executeRare(d, pc, retired + n);
                        break;
                }
                n++;
            }
        } finally {
            this.pc = pc;
            retired += n;
        }
    }

    /** Fetch of the instruction at the last 2 bytes of a page: the upper half, if any, is on the next page. */
    private int fetchAcross(long pc, int off) {
        int lo = (ram[off] & 0xFF) | (ram[off + 1] & 0xFF) << 8;
        if ((lo & 3) != 3) return lo;
        int next = mmu.fetchPage(pc + 2);      // may fault with the address of the second page
        return lo | (ram[next] & 0xFF) << 16 | (ram[next + 1] & 0xFF) << 24;
    }

    /**
     * Instructions off the hot path: system, CSR, atomics, floating point. Returns the next pc; throws
     * {@link Trap} with nothing changed. {@code retired} is the number retired so far in this run.
     */
    private long executeRare(Insn d, long pc, long retired) {
        long[] x = this.x;
        switch (d.op) {
            case ECALL: throw new Trap(TrapCause.ECALL_FROM_U, 0);
            case EBREAK: throw new Trap(TrapCause.BREAKPOINT, pc);
            case CSRRW: case CSRRS: case CSRRC: case CSRRWI: case CSRRSI: case CSRRCI:
                csr(d, retired);
                break;
            case LR_W: case LR_D: case SC_W: case SC_D: case AMO_W: case AMO_D:
                atomic(d);
                break;
            case FLW: {
                int v = mmu.load32(x[d.rs1] + d.imm);
                f[d.rd] = 0xFFFF_FFFF_0000_0000L | (v & 0xFFFF_FFFFL);
                break;
            }
            case FLD: f[d.rd] = mmu.load64(x[d.rs1] + d.imm); break;
            case FSW: mmu.store32(x[d.rs1] + d.imm, (int) f[d.rs2]); break;
            case FSD: mmu.store64(x[d.rs1] + d.imm, f[d.rs2]); break;
            case FP:
                if (!FloatingPoint.execute(this, d.bits)) throw illegal(d);
                x[0] = 0;
                break;
            default:
                throw illegal(d);
        }
        return pc + d.len;
    }

    private static Trap illegal(Insn d) {
        return new Trap(TrapCause.ILLEGAL_INSTRUCTION, d.raw & 0xFFFF_FFFFL);
    }

    private void csr(Insn d, long retired) {
        int csr = (int) d.imm;
        int op = d.op;
        boolean immediate = op >= CSRRWI;
        long src = immediate ? d.rs1 : x[d.rs1];
        boolean writes = op == CSRRW || op == CSRRWI || d.rs1 != 0;
        long old;
        switch (csr) {
            case 0x001: old = fcsr & 0x1F; break;
            case 0x002: old = (fcsr >>> 5) & 7; break;
            case 0x003: old = fcsr & 0xFF; break;
            case 0xC00: case 0xC01: case 0xC02:
                if (writes) throw illegal(d);
                old = instret + retired;
                break;
            default: throw illegal(d);
        }
        if (writes) {
            long v;
            switch (op) {
                case CSRRW: case CSRRWI: v = src; break;
                case CSRRS: case CSRRSI: v = old | src; break;
                default: v = old & ~src; break;
            }
            switch (csr) {
                case 0x001: fcsr = (fcsr & ~0x1F) | (int) (v & 0x1F); break;
                case 0x002: fcsr = (fcsr & 0x1F) | (int) ((v & 7) << 5); break;
                default: fcsr = (int) (v & 0xFF); break;
            }
        }
        x[d.rd] = old;
        x[0] = 0;
    }

    private void atomic(Insn d) {
        long va = x[d.rs1];
        boolean word = d.op == LR_W || d.op == SC_W || d.op == AMO_W;
        int size = word ? 4 : 8;
        if ((va & (size - 1)) != 0) {
            throw Mmu.accessFault(va, d.op == LR_W || d.op == LR_D ? Mmu.LOAD : Mmu.STORE);
        }
        switch (d.op) {
            case LR_W: case LR_D: {
                long v = word ? (long) mmu.load32(va) : mmu.load64(va);
                reservation = mmu.translate(va, Mmu.LOAD) + (va & 0xFFF);
                x[d.rd] = v;
                break;
            }
            case SC_W: case SC_D: {
                int off = mmu.storeOffset(va);
                boolean ok = reservation == off;
                reservation = -1;
                if (ok) {
                    if (word) memory.write32(PhysicalMemory.BASE + off, (int) x[d.rs2]);
                    else memory.write64(PhysicalMemory.BASE + off, x[d.rs2]);
                }
                x[d.rd] = ok ? 0 : 1;
                break;
            }
            default: {
                int off = mmu.storeOffset(va);
                long pa = PhysicalMemory.BASE + off;
                long old = word ? (long) memory.read32(pa) : memory.read64(pa);
                long src = x[d.rs2];
                long v = Alu.amo((int) d.imm, old, src, word);
                if (word) memory.write32(pa, (int) v);
                else memory.write64(pa, v);
                x[d.rd] = old;
                break;
            }
        }
        x[0] = 0;
    }
}
