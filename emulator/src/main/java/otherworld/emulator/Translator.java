package otherworld.emulator;

import static org.objectweb.asm.Opcodes.*;
import static otherworld.emulator.Insn.*;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;

/**
 * Translates hot guest code to JVM bytecode. The interpreter stays the reference: the hart interprets cold code
 * and counts how often the interpreter starts a block at each address; at {@link #THRESHOLD} the translator
 * collects the blocks reachable from there inside the same 4 KiB page (both sides of branches, in-page jumps)
 * and compiles them into one {@link Region}, a hidden class whose single method keeps guest registers in JVM
 * locals, jumps between its blocks with gotos, and inlines the TLB fast path of loads and stores.
 *
 * <p>Exactness (the interpreter's counts, traps and timer interrupts, to the instruction): every block checks
 * before it starts that its length fits in the remaining budget, else the region exits and the interpreter
 * runs the last few instructions; the count is added once per block, and each instruction that can trap has its
 * own exception handler that subtracts the instructions of the block not yet retired and records its pc.
 * Instructions the translator leaves out (system, CSR, atomics, anything illegal) end the region there.
 *
 * <p>Coherence: a frame holding translations is watched by {@link PhysicalMemory}; no TLB write entry maps it,
 * so every store to it (guest or kernel) goes through a slow path that drops the frame's translations first
 * ({@link #codeWritten}); a region whose store did that leaves right after the store. A TLB flush starts a new
 * epoch, which retires all direct links between regions.
 */
final class Translator implements PhysicalMemory.CodeListener {
    static final int THRESHOLD = Integer.getInteger("otherworld.jit.threshold", 32);
    static final int MAX_INSNS = Integer.getInteger("otherworld.jit.maxInsns", 240);
    /** HotSpot does not JIT-compile methods over 8000 bytecode bytes; stay below with the constant pool. */
    private static final int MAX_CLASS_BYTES = 7800;

    private final Hart hart;
    private final PhysicalMemory memory;
    private final Mmu mmu;
    private final byte[] ram;
    private final CodePage[] pages;
    private final MethodHandles.Lookup lookup = MethodHandles.lookup();
    /** Block starts the interpreter must see before they are translated (tests use 1: translate everything). */
    int threshold = THRESHOLD;
    /** Incremented by every TLB flush; direct links are followed only within the epoch they were made in. */
    int epoch;

    // statistics
    long translateNanos;
    long regions, reused, dropped, bytecodeBytes, guestInstructions, invalidations, translatedRetired, refused, dispatches, linked;
    private static final boolean LOG = Boolean.getBoolean("otherworld.jit.log");

    /** Translations and block-entry counts of one frame, for the virtual page it was reached through. */
    static final class CodePage {
        final long vbase;
        final short[] heat = new short[2048];
        final Region[] region = new Region[2048];
        final short[] entry = new short[2048];
        /** An instruction of some region starts here (an entry or not): no heat counted (a timer landed here). */
        final boolean[] covered = new boolean[2048];
        final List<Region> all = new ArrayList<>();
        /** A background translation of this page is under way. */
        boolean pending;

        CodePage(long vbase) { this.vbase = vbase; }
    }

    Translator(Hart hart, PhysicalMemory memory, Mmu mmu) {
        this.hart = hart;
        this.memory = memory;
        this.mmu = mmu;
        this.ram = memory.array();
        this.pages = new CodePage[ram.length >>> 12];
        memory.setCodeListener(this);
    }

    /**
     * The region with a block starting at pc (its entry index left in {@code hart.jitEntry}), translating the
     * code there once the interpreter has started a block at pc often enough; null to interpret. Throws the
     * instruction page fault the interpreter would raise at pc.
     */
    Region lookup(long pc) {
        if (pending != 0) installFinished();
        int off = mmu.fetchPage(pc);
        int frame = off >>> 12;
        long vbase = pc & ~0xFFFL;
        CodePage page = pages[frame];
        if (page == null || page.vbase != vbase) {
            if (page != null) codeWritten(frame);
            page = new CodePage(vbase);
            pages[frame] = page;
        }
        int po = (int) pc & 0xFFF;
        int slot = po >>> 1;
        Region r = page.region[slot];
        if (r != null) {
            hart.jitEntry = page.entry[slot];
            return r;
        }
        if (page.covered[slot] || page.heat[slot] < 0 || ++page.heat[slot] < threshold) return null;
        int base = frame << 12;
        Shared found = cached(vbase + po, ram, base);
        if (found != null) {
            reused++;
        } else if (background) {
            if (page.pending) {                         // one job per page: its region may well cover pc
                page.heat[slot]--;
                return null;
            }
            page.pending = true;
            page.heat[slot] = PENDING;
            pending++;
            request(new Job(this, page, frame, vbase, po, java.util.Arrays.copyOfRange(ram, base, base + 4096)));
            return null;
        } else {
            long t0 = System.nanoTime();
            found = compile(ram, base, vbase, po, MAX_INSNS);
            translateNanos += System.nanoTime() - t0;
            if (found == null) {
                page.heat[slot] = REFUSED;
                refused++;
                return null;
            }
            share(vbase + po, found);
            counted(found);
        }
        install(page, frame, po, instantiate(found, frame, vbase));
        hart.jitEntry = page.entry[slot];
        return page.region[slot];
    }

    /** Heat of a slot whose translation was refused (never again) or is being made in the background. */
    private static final short REFUSED = Short.MIN_VALUE, PENDING = Short.MIN_VALUE + 1;

    private void install(CodePage page, int frame, int po, Region r) {
        if (page.all.isEmpty()) {
            memory.markCode(frame);
            mmu.dropWrites(frame << 12);
        }
        page.all.add(r);
        for (int o : r.instructionOffsets) page.covered[o >>> 1] = true;
        for (int e = 0; e < r.entryOffset.length; e++) {
            int s = r.entryOffset[e] >>> 1;
            if (page.region[s] == null || r.entryOffset[e] == po) {
                page.region[s] = r;
                page.entry[s] = (short) e;
            }
        }
    }

    private void counted(Shared found) {
        regions++;
        bytecodeBytes += found.bytecodeBytes;
        guestInstructions += found.instructions;
    }

    // ---- translation in the background ----------------------------------------------------------------------
    //
    // The hart does not wait for the translator: at the threshold it hands a copy of the code page to one
    // compiler thread (shared by every hart of the JVM) and keeps interpreting; finished translations are
    // installed by the hart itself, at its next lookup, and only if the page still holds the bytes they were
    // made from. Which instructions run translated then depends on timing, but nothing guest-visible does:
    // translated code retires, counts and traps exactly as the interpreter (the differential runner's claim).

    /**
     * Translate in the background ({@code -Dotherworld.jit.background=true}); off by default: on the shared 2-core
     * machine it was measured, the hart interpreting longer cost more than the translating it no longer waited
     * for (benchmarks/RESULTS.md, issue #10).
     */
    boolean background = BACKGROUND;
    static final boolean BACKGROUND = Boolean.getBoolean("otherworld.jit.background");
    /** Background translations requested and not yet installed or dropped (the hart's thread only). */
    private int pending;
    private final java.util.concurrent.ConcurrentLinkedQueue<Job> finished = new java.util.concurrent.ConcurrentLinkedQueue<>();

    private static final java.util.concurrent.ExecutorService COMPILER =
            java.util.concurrent.Executors.newSingleThreadExecutor(task -> {
                Thread t = new Thread(task, "otherworld-translator");
                t.setDaemon(true);
                return t;
            });

    /** A translation asked of the compiler thread: the page's bytes at the time, and the result. */
    private static final class Job {
        final Translator owner;
        final CodePage page;
        final int frame, po;
        final long vbase;
        final byte[] code;
        Shared result;
        long nanos;
        /** Made by this job (not found made already). */
        boolean made;
        /** What translating threw (a translator bug: raised on the hart's thread, as without the background). */
        Throwable failure;

        Job(Translator owner, CodePage page, int frame, long vbase, int po, byte[] code) {
            this.owner = owner;
            this.page = page;
            this.frame = frame;
            this.vbase = vbase;
            this.po = po;
            this.code = code;
        }
    }

    private static void request(Job job) {
        COMPILER.execute(() -> {
            long t0 = System.nanoTime();
            try {
                Shared found = cached(job.vbase + job.po, job.code, 0);
                if (found == null) {
                    found = job.owner.compile(job.code, 0, job.vbase, job.po, MAX_INSNS);
                    if (found != null) share(job.vbase + job.po, found);
                    job.made = true;
                }
                job.result = found;
            } catch (RuntimeException | LinkageError e) {
                job.failure = e;
            }
            job.nanos = System.nanoTime() - t0;
            job.owner.finished.add(job);
        });
    }

    /** Installs the background translations that are done and still match their page. */
    private void installFinished() {
        Job job;
        while ((job = finished.poll()) != null) {
            pending--;
            job.page.pending = false;
            translateNanos += job.nanos;
            int slot = job.po >>> 1;
            if (job.failure != null) {
                throw new IllegalStateException("translation of 0x" + Long.toHexString(job.vbase + job.po) + " failed",
                        job.failure);
            }
            if (job.result == null) {
                job.page.heat[slot] = REFUSED;
                refused++;
                continue;
            }
            if (job.made) counted(job.result);
            else reused++;
            int base = job.frame << 12;
            if (pages[job.frame] != job.page || !java.util.Arrays.equals(job.code, 0, 4096, ram, base, base + 4096)) {
                job.page.heat[slot] = 0;                    // the page changed meanwhile: start over
                dropped++;
                continue;
            }
            if (job.page.region[slot] == null) install(job.page, job.frame, job.po, instantiate(job.result, job.frame, job.vbase));
        }
    }

    /** A watched frame is about to be written: its translations go, and a running region leaves. */
    @Override
    public void codeWritten(int frame) {
        CodePage p = pages[frame];
        if (p != null) {
            for (Region r : p.all) r.valid = false;
            if (!p.all.isEmpty()) invalidations++;
            pages[frame] = null;
        }
        memory.unmarkCode(frame);
        hart.codeWritten = true;
    }

    // ---- region formation ----------------------------------------------------------------------------------

    private static boolean isBranch(int op) { return op >= BEQ && op <= BGEU; }

    private static boolean translatable(int op) {
        switch (op) {
            case ILLEGAL: case ECALL: case EBREAK:
            case CSRRW: case CSRRS: case CSRRC: case CSRRWI: case CSRRSI: case CSRRCI:
            case LR_W: case SC_W: case AMO_W: case LR_D: case SC_D: case AMO_D:
                return false;
            default:
                return true;
        }
    }

    private static boolean canTrap(int op) {
        return (op >= LB && op <= SD) || (op >= FLW && op <= FP);
    }

    /** The instruction at page offset off, or null if it does not lie wholly in the page. */
    private static Insn decodeAt(byte[] code, int base, int off) {
        int raw;
        if (off <= 4092) {
            raw = (int) JitSupport.I32.get(code, base + off);
        } else {
            raw = (code[base + off] & 0xFF) | (code[base + off + 1] & 0xFF) << 8;
            if ((raw & 3) == 3) return null;
        }
        Insn d = new Insn();
        Decoder.decode(d, raw);
        return d;
    }

    /** A straight run of instructions: offsets and decodes; how it ends. */
    private static final class Block {
        final int start;
        final List<Integer> offs = new ArrayList<>();
        final List<Insn> insns = new ArrayList<>();
        /** Offset execution continues at when the last instruction is not a jump (-1 if it is). */
        int fallthrough = -1;

        Block(int start) { this.start = start; }
    }

    /**
     * A translation, shared between harts: the class for the same code page (same bytes, same virtual address)
     * and the same start is made once per JVM, so HotSpot compiles it once however many machines run it.
     */
    private static final class Shared {
        final byte[] page;
        final MethodHandles.Lookup hidden;
        final int[] entryOffset, instructionOffsets;
        final long[] exitTarget;
        final int instructions, bytecodeBytes;

        Shared(byte[] page, MethodHandles.Lookup hidden, int[] entryOffset, int[] instructionOffsets, long[] exitTarget,
                int instructions, int bytecodeBytes) {
            this.page = page;
            this.hidden = hidden;
            this.entryOffset = entryOffset;
            this.instructionOffsets = instructionOffsets;
            this.exitTarget = exitTarget;
            this.instructions = instructions;
            this.bytecodeBytes = bytecodeBytes;
        }
    }

    private static final int SHARED_MAX = 8192;
    private static final Map<Long, List<Shared>> SHARED = new HashMap<>();

    /** The translation made for these page bytes (code[base..base+4096)) and this start address, or null. */
    private static Shared cached(long key, byte[] code, int base) {
        synchronized (SHARED) {
            List<Shared> list = SHARED.get(key);
            if (list != null) {
                for (Shared sh : list) {
                    if (java.util.Arrays.equals(sh.page, 0, 4096, code, base, base + 4096)) return sh;
                }
            }
        }
        return null;
    }

    private static void share(long key, Shared found) {
        synchronized (SHARED) {
            if (SHARED.size() >= SHARED_MAX) SHARED.clear();
            SHARED.computeIfAbsent(key, k -> new ArrayList<>()).add(found);
        }
    }

    /** This hart's instance of a translation, for the frame it runs from. */
    private static Region instantiate(Shared found, int frame, long vbase) {
        Region r;
        try {
            r = (Region) found.hidden.findConstructor(found.hidden.lookupClass(), MethodType.methodType(void.class)).invoke();
        } catch (Throwable e) {
            throw new IllegalStateException("translation of 0x" + Long.toHexString(vbase) + " failed", e);
        }
        r.frame = frame;
        r.vbase = vbase;
        r.entryOffset = found.entryOffset;
        r.instructionOffsets = found.instructionOffsets;
        r.exitTarget = found.exitTarget;
        int exits = found.exitTarget.length;
        r.link = new Region[exits];
        r.linkEntry = new int[exits];
        r.linkEpoch = new int[exits];
        r.instructions = found.instructions;
        r.bytecodeBytes = found.bytecodeBytes;
        return r;
    }

    /** Translates from the page at code[base..base+4096), mapped at vbase; null if nothing there translates. */
    private Shared compile(byte[] code, int base, long vbase, int start, int maxInsns) {
        TreeMap<Integer, Insn> insns = new TreeMap<>();
        TreeSet<Integer> leaders = new TreeSet<>();
        ArrayDeque<Integer> work = new ArrayDeque<>();
        work.add(start);
        leaders.add(start);
        while (!work.isEmpty()) {
            int off = work.poll();
            if (off < 0 || off >= 4096 || insns.containsKey(off) || insns.size() >= maxInsns) continue;
            Insn d = decodeAt(code, base, off);
            if (d == null || !translatable(d.op)) continue;
            insns.put(off, d);
            int next = off + d.len;
            if (d.op == JAL || isBranch(d.op)) {
                long t = off + d.imm;
                if (t >= 0 && t < 4096) {
                    leaders.add((int) t);
                    work.add((int) t);
                }
            }
            if (isBranch(d.op)) leaders.add(next);
            if (d.op != JAL && d.op != JALR) work.add(next);
        }
        if (!insns.containsKey(start)) return null;
        List<Block> blocks = new ArrayList<>();
        java.util.Set<Integer> owned = new java.util.HashSet<>();     // overlapping decodes: one block per offset
        for (int l : leaders) {
            if (!insns.containsKey(l)) continue;
            Block b = new Block(l);
            int a = l;
            while (true) {
                Insn d = insns.get(a);
                b.offs.add(a);
                b.insns.add(d);
                owned.add(a);
                if (d.op == JAL || d.op == JALR) break;
                a += d.len;
                if (isBranch(d.op) || !insns.containsKey(a) || leaders.contains(a) || owned.contains(a)) {
                    b.fallthrough = a;
                    break;
                }
            }
            blocks.add(b);
        }
        Emitter em = new Emitter(blocks, vbase);
        byte[] bytes = em.generate();
        if (bytes.length > MAX_CLASS_BYTES) {
            return maxInsns > 8 ? compile(code, base, vbase, start, Math.min(maxInsns, insns.size()) / 2) : null;
        }
        MethodHandles.Lookup hidden;
        try {
            hidden = lookup.defineHiddenClass(bytes, true);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("translation of 0x" + Long.toHexString(vbase + start) + " failed", e);
        }
        int[] entryOffset = new int[blocks.size()];
        for (int i = 0; i < blocks.size(); i++) entryOffset[i] = blocks.get(i).start;
        int[] instructionOffsets = new int[insns.size()];
        int k = 0;
        for (int o : insns.keySet()) instructionOffsets[k++] = o;
        long[] exitTarget = new long[em.exitTargets.size()];
        for (int i = 0; i < exitTarget.length; i++) exitTarget[i] = em.exitTargets.get(i);
        if (LOG) {
            System.err.printf("jit: region 0x%x: %d blocks, %d instructions, %d exits, %d bytes%n",
                    vbase + start, blocks.size(), insns.size(), exitTarget.length, bytes.length);
        }
        return new Shared(java.util.Arrays.copyOfRange(code, base, base + 4096), hidden, entryOffset,
                instructionOffsets, exitTarget, insns.size(), bytes.length);
    }

    // ---- code generation ------------------------------------------------------------------------------------

    private static final String HART = "otherworld/emulator/Hart", MMU = "otherworld/emulator/Mmu",
            SUPPORT = "otherworld/emulator/JitSupport", ALU = "otherworld/emulator/Alu", TRAP = "otherworld/emulator/Trap",
            FPU = "otherworld/emulator/FloatingPoint";

    // JVM local slots
    private static final int H = 1, ENTRY = 2, BUDGET = 3, COUNT = 5, EXITPC = 7, EXITIDX = 9, XA = 10, FA = 11, RAM = 12,
            MMUL = 13, RTAG = 14, ROFF = 15, WTAG = 16, WOFF = 17, VA = 18, VPN = 20, IDX = 22, TRAPL = 23, REG0 = 24;

    private static int slot(int r) { return REG0 + 2 * (r - 1); }

    /** Writes the class for one region. */
    private static final class Emitter {
        final List<Block> blocks;
        final long vbase;
        final List<Long> exitTargets = new ArrayList<>();
        final Map<Integer, Label> blockLabel = new HashMap<>();
        final Map<Integer, Label[]> tryLabels = new HashMap<>();
        final boolean[] used = new boolean[32], written = new boolean[32];
        MethodVisitor mv;
        final Label exit = new Label(), trapExit = new Label();

        Emitter(List<Block> blocks, long vbase) {
            this.blocks = blocks;
            this.vbase = vbase;
        }

        byte[] generate() {
            // Class-file version 49: no stack map frames to compute (the costliest part of generating a class
            // while the JVM is still cold); HotSpot verifies it by type inference instead.
            ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
            cw.visit(V1_5, ACC_FINAL | ACC_SUPER, "otherworld/emulator/Translated", null, "otherworld/emulator/Region", null);
            MethodVisitor init = cw.visitMethod(0, "<init>", "()V", null, null);
            init.visitCode();
            init.visitVarInsn(ALOAD, 0);
            init.visitMethodInsn(INVOKESPECIAL, "otherworld/emulator/Region", "<init>", "()V", false);
            init.visitInsn(RETURN);
            init.visitMaxs(0, 0);
            init.visitEnd();
            mv = cw.visitMethod(0, "run", "(L" + HART + ";IJ)I", null, null);
            mv.visitCode();
            for (Block b : blocks) {
                blockLabel.put(b.start, new Label());
                for (int i = 0; i < b.insns.size(); i++) {
                    Insn d = b.insns.get(i);
                    markRegisters(d);
                    if (canTrap(d.op)) {
                        Label[] t = {new Label(), new Label(), new Label()};
                        mv.visitTryCatchBlock(t[0], t[1], t[2], TRAP);
                        tryLabels.put(b.offs.get(i), t);
                    }
                }
            }
            prologue();
            Label[] entries = new Label[blocks.size()];
            for (int i = 0; i < blocks.size(); i++) entries[i] = blockLabel.get(blocks.get(i).start);
            Label bad = new Label();
            mv.visitVarInsn(ILOAD, ENTRY);
            mv.visitTableSwitchInsn(0, blocks.size() - 1, bad, entries);
            mv.visitLabel(bad);
            mv.visitTypeInsn(NEW, "java/lang/IllegalStateException");
            mv.visitInsn(DUP);
            mv.visitMethodInsn(INVOKESPECIAL, "java/lang/IllegalStateException", "<init>", "()V", false);
            mv.visitInsn(ATHROW);
            for (Block b : blocks) block(b);
            epilogue();
            mv.visitMaxs(0, 0);
            mv.visitEnd();
            cw.visitEnd();
            return cw.toByteArray();
        }

        private void markRegisters(Insn d) {
            used[d.rd] = used[d.rs1] = used[d.rs2] = true;
            boolean writesX;
            switch (d.op) {
                case SB: case SH: case SW: case SD: case FSW: case FSD: case FLW: case FLD: case Insn.NOP:
                case BEQ: case BNE: case BLT: case BGE: case BLTU: case BGEU:
                    writesX = false;
                    break;
                case FP: {
                    int f5 = d.bits >>> 27;
                    writesX = (d.bits & 0x7F) == 0x53 && (f5 == 20 || f5 == 24 || f5 == 28);
                    break;
                }
                default:
                    writesX = true;
            }
            if (writesX && d.rd != 0) written[d.rd] = true;
        }

        private void prologue() {
            lconst(0);
            mv.visitVarInsn(LSTORE, COUNT);
            lconst(0);
            mv.visitVarInsn(LSTORE, EXITPC);
            mv.visitInsn(ICONST_M1);
            mv.visitVarInsn(ISTORE, EXITIDX);
            mv.visitInsn(ACONST_NULL);
            mv.visitVarInsn(ASTORE, TRAPL);
            lconst(0);
            mv.visitVarInsn(LSTORE, VA);
            lconst(0);
            mv.visitVarInsn(LSTORE, VPN);
            mv.visitInsn(ICONST_0);
            mv.visitVarInsn(ISTORE, IDX);
            field(H, "x", "[J", XA);
            field(H, "f", "[J", FA);
            field(H, "ram", "[B", RAM);
            mv.visitVarInsn(ALOAD, H);
            mv.visitFieldInsn(GETFIELD, HART, "mmu", "L" + MMU + ";");
            mv.visitVarInsn(ASTORE, MMUL);
            mmuField("rTag", "[J", RTAG);
            mmuField("rOff", "[I", ROFF);
            mmuField("wTag", "[J", WTAG);
            mmuField("wOff", "[I", WOFF);
            for (int r = 1; r < 32; r++) {
                if (!used[r]) continue;
                mv.visitVarInsn(ALOAD, XA);
                iconst(r);
                mv.visitInsn(LALOAD);
                mv.visitVarInsn(LSTORE, slot(r));
            }
        }

        private void field(int owner, String name, String desc, int local) {
            mv.visitVarInsn(ALOAD, owner);
            mv.visitFieldInsn(GETFIELD, HART, name, desc);
            mv.visitVarInsn(ASTORE, local);
        }

        private void mmuField(String name, String desc, int local) {
            mv.visitVarInsn(ALOAD, MMUL);
            mv.visitFieldInsn(GETFIELD, MMU, name, desc);
            mv.visitVarInsn(ASTORE, local);
        }

        private void writeBack() {
            for (int r = 1; r < 32; r++) {
                if (!written[r]) continue;
                mv.visitVarInsn(ALOAD, XA);
                iconst(r);
                mv.visitVarInsn(LLOAD, slot(r));
                mv.visitInsn(LASTORE);
            }
            mv.visitVarInsn(ALOAD, H);
            mv.visitVarInsn(LLOAD, EXITPC);
            mv.visitFieldInsn(PUTFIELD, HART, "pc", "J");
            mv.visitVarInsn(ALOAD, H);
            mv.visitInsn(DUP);
            mv.visitFieldInsn(GETFIELD, HART, "retired", "J");
            mv.visitVarInsn(LLOAD, COUNT);
            mv.visitInsn(LADD);
            mv.visitFieldInsn(PUTFIELD, HART, "retired", "J");
        }

        private void epilogue() {
            mv.visitLabel(exit);
            writeBack();
            mv.visitVarInsn(ILOAD, EXITIDX);
            mv.visitInsn(IRETURN);
            mv.visitLabel(trapExit);
            writeBack();
            mv.visitVarInsn(ALOAD, TRAPL);
            mv.visitInsn(ATHROW);
        }

        // ---- small emitters ----

        void lconst(long v) {
            if (v == 0) mv.visitInsn(LCONST_0);
            else if (v == 1) mv.visitInsn(LCONST_1);
            else mv.visitLdcInsn(v);
        }

        void iconst(int v) {
            if (v >= -1 && v <= 5) mv.visitInsn(ICONST_0 + v);
            else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) mv.visitIntInsn(BIPUSH, v);
            else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) mv.visitIntInsn(SIPUSH, v);
            else mv.visitLdcInsn(v);
        }

        void get(int r) {
            if (r == 0) mv.visitInsn(LCONST_0);
            else mv.visitVarInsn(LLOAD, slot(r));
        }

        void put(int r) {
            if (r == 0) mv.visitInsn(POP2);
            else mv.visitVarInsn(LSTORE, slot(r));
        }

        void call(String owner, String name, String desc) { mv.visitMethodInsn(INVOKESTATIC, owner, name, desc, false); }

        /** Leaves the region for pc target; a constant exit that can be linked when linkable. */
        void exitTo(long target, boolean linkable) {
            lconst(target);
            mv.visitVarInsn(LSTORE, EXITPC);
            if (linkable) {
                iconst(exitTargets.size());
                exitTargets.add(target);
            } else {
                mv.visitInsn(ICONST_M1);
            }
            mv.visitVarInsn(ISTORE, EXITIDX);
            mv.visitJumpInsn(GOTO, exit);
        }

        /** Continues at page offset t: a goto when it is a block here, else an exit. */
        void jumpTo(long t) {
            Label l = t >= 0 && t < 4096 ? blockLabel.get((int) t) : null;
            if (l != null) mv.visitJumpInsn(GOTO, l);
            else exitTo(vbase + t, true);
        }

        void countAdjust(int notRetired) {
            if (notRetired == 0) return;
            mv.visitVarInsn(LLOAD, COUNT);
            lconst(notRetired);
            mv.visitInsn(LSUB);
            mv.visitVarInsn(LSTORE, COUNT);
        }

        // ---- blocks ----

        private void block(Block b) {
            int len = b.insns.size();
            mv.visitLabel(blockLabel.get(b.start));
            Label fits = new Label();
            mv.visitVarInsn(LLOAD, COUNT);
            lconst(len);
            mv.visitInsn(LADD);
            mv.visitVarInsn(LLOAD, BUDGET);
            mv.visitInsn(LCMP);
            mv.visitJumpInsn(IFLE, fits);
            exitTo(vbase + b.start, false);
            mv.visitLabel(fits);
            mv.visitVarInsn(LLOAD, COUNT);
            lconst(len);
            mv.visitInsn(LADD);
            mv.visitVarInsn(LSTORE, COUNT);
            for (int i = 0; i < len; i++) {
                int off = b.offs.get(i);
                Insn d = b.insns.get(i);
                Label[] t = tryLabels.get(off);
                if (t != null) mv.visitLabel(t[0]);
                instruction(d, off, len - i - 1);
                if (t != null) {
                    mv.visitLabel(t[1]);
                    Label after = new Label();
                    mv.visitJumpInsn(GOTO, after);
                    mv.visitLabel(t[2]);                            // handler: the Trap is on the stack
                    mv.visitVarInsn(ASTORE, TRAPL);
                    countAdjust(len - i);
                    lconst(vbase + off);
                    mv.visitVarInsn(LSTORE, EXITPC);
                    mv.visitJumpInsn(GOTO, trapExit);
                    mv.visitLabel(after);
                }
            }
            if (b.fallthrough >= 0) jumpTo(b.fallthrough);
        }

        /** One instruction; {@code after} = instructions of the block after this one. */
        private void instruction(Insn d, int off, int after) {
            long pc = vbase + off;
            int rd = d.rd, rs1 = d.rs1, rs2 = d.rs2;
            long imm = d.imm;
            switch (d.op) {
                case Insn.NOP: return;
                case LUI: lconst(imm); put(rd); return;
                case AUIPC: lconst(pc + imm); put(rd); return;
                case JAL:
                    if (rd != 0) {
                        lconst(pc + d.len);
                        put(rd);
                    }
                    jumpTo(off + imm);
                    return;
                case JALR:
                    get(rs1);
                    lconst(imm);
                    mv.visitInsn(LADD);
                    lconst(~1L);
                    mv.visitInsn(LAND);
                    mv.visitVarInsn(LSTORE, EXITPC);
                    if (rd != 0) {
                        lconst(pc + d.len);
                        put(rd);
                    }
                    mv.visitInsn(ICONST_M1);
                    mv.visitVarInsn(ISTORE, EXITIDX);
                    mv.visitJumpInsn(GOTO, exit);
                    return;
                case BEQ: case BNE: case BLT: case BGE: case BLTU: case BGEU: {
                    get(rs1);
                    get(rs2);
                    if (d.op == BLTU || d.op == BGEU) {
                        call("java/lang/Long", "compareUnsigned", "(JJ)I");
                    } else {
                        mv.visitInsn(LCMP);
                    }
                    int jump = d.op == BEQ ? IFEQ : d.op == BNE ? IFNE : (d.op == BLT || d.op == BLTU) ? IFLT : IFGE;
                    long t = off + imm;
                    Label l = t >= 0 && t < 4096 ? blockLabel.get((int) t) : null;
                    if (l != null) {
                        mv.visitJumpInsn(jump, l);
                    } else {
                        Label not = new Label();
                        mv.visitJumpInsn(invert(jump), not);
                        exitTo(vbase + t, true);
                        mv.visitLabel(not);
                    }
                    return;
                }
                case LB: case LH: case LW: case LD: case LBU: case LHU: case LWU:
                    load(d, rd);
                    return;
                case SB: case SH: case SW: case SD:
                    store(d, after, pc);
                    return;
                case FLW: case FLD: {
                    mv.visitVarInsn(ALOAD, FA);
                    iconst(rd);
                    load(d, -1);
                    if (d.op == FLW) {
                        lconst(0xFFFF_FFFF_0000_0000L);
                        mv.visitInsn(LOR);
                    }
                    mv.visitInsn(LASTORE);
                    return;
                }
                case FSW: case FSD:
                    store(d, after, pc);
                    return;
                case FP:
                    floatingPoint(d);
                    return;
                default:
                    alu(d);
                    put(rd);
            }
        }

        private static int invert(int jump) {
            switch (jump) {
                case IFEQ: return IFNE;
                case IFNE: return IFEQ;
                case IFLT: return IFGE;
                default: return IFLT;
            }
        }

        /** va = x[rs1] + imm; leaves the TLB index in IDX and jumps to slow unless the fast path applies. */
        private void tlbCheck(Insn d, int tag, int size, Label slow) {
            get(d.rs1);
            lconst(d.imm);
            mv.visitInsn(LADD);
            mv.visitInsn(DUP2);
            mv.visitVarInsn(LSTORE, VA);
            iconst(12);
            mv.visitInsn(LUSHR);
            mv.visitInsn(DUP2);
            mv.visitVarInsn(LSTORE, VPN);
            mv.visitInsn(L2I);
            iconst(1023);
            mv.visitInsn(IAND);
            mv.visitInsn(DUP);
            mv.visitVarInsn(ISTORE, IDX);
            mv.visitVarInsn(ALOAD, tag);
            mv.visitInsn(SWAP);
            mv.visitInsn(LALOAD);
            mv.visitVarInsn(LLOAD, VPN);
            mv.visitInsn(LCMP);
            mv.visitJumpInsn(IFNE, slow);
            if (size > 1) {
                mv.visitVarInsn(LLOAD, VA);
                mv.visitInsn(L2I);
                iconst(0xFFF);
                mv.visitInsn(IAND);
                iconst(4096 - size);
                mv.visitJumpInsn(IF_ICMPGT, slow);
            }
        }

        /** ram, offset of va in RAM (for the fast path, after tlbCheck). */
        private void ramOffset(int offs) {
            mv.visitVarInsn(ALOAD, RAM);
            mv.visitVarInsn(ALOAD, offs);
            mv.visitVarInsn(ILOAD, IDX);
            mv.visitInsn(IALOAD);
            mv.visitVarInsn(LLOAD, VA);
            mv.visitInsn(L2I);
            iconst(0xFFF);
            mv.visitInsn(IAND);
            mv.visitInsn(IADD);
        }

        private static int size(int op) {
            switch (op) {
                case LB: case LBU: case SB: return 1;
                case LH: case LHU: case SH: return 2;
                case LW: case LWU: case SW: case FLW: case FSW: return 4;
                default: return 8;
            }
        }

        /** A load of d's size to rd (rd = -1: leave the zero-extended raw value on the stack). */
        private void load(Insn d, int rd) {
            int size = size(d.op);
            Label slow = new Label(), done = new Label();
            tlbCheck(d, RTAG, size, slow);
            ramOffset(ROFF);
            switch (size) {
                case 1: mv.visitInsn(BALOAD); mv.visitInsn(I2L); break;
                case 2: call(SUPPORT, "ld16", "([BI)I"); mv.visitInsn(I2L); break;
                case 4: call(SUPPORT, "ld32", "([BI)I"); mv.visitInsn(I2L); break;
                default: call(SUPPORT, "ld64", "([BI)J"); break;
            }
            mv.visitJumpInsn(GOTO, done);
            mv.visitLabel(slow);
            mv.visitVarInsn(ALOAD, MMUL);
            mv.visitVarInsn(LLOAD, VA);
            iconst(size);
            mv.visitMethodInsn(INVOKEVIRTUAL, MMU, "loadSlow", "(JI)J", false);
            mv.visitLabel(done);
            // the raw value (sign-extended on the fast path, zero-extended on the slow one) to the result
            switch (d.op) {
                case LB: mv.visitInsn(L2I); mv.visitInsn(I2B); mv.visitInsn(I2L); break;
                case LH: mv.visitInsn(L2I); mv.visitInsn(I2S); mv.visitInsn(I2L); break;
                case LW: mv.visitInsn(L2I); mv.visitInsn(I2L); break;
                case LBU: lconst(0xFF); mv.visitInsn(LAND); break;
                case LHU: lconst(0xFFFF); mv.visitInsn(LAND); break;
                case LWU: case FLW: lconst(0xFFFF_FFFFL); mv.visitInsn(LAND); break;
                default: break;
            }
            if (rd >= 0) put(rd);
        }

        /** A store of x[rs2] (f[rs2]) to x[rs1] + imm; leaves the region after it if it let translations go. */
        private void store(Insn d, int after, long pc) {
            int size = size(d.op);
            Label slow = new Label(), done = new Label();
            tlbCheck(d, WTAG, size, slow);
            ramOffset(WOFF);
            storeValue(d);
            switch (size) {
                case 1: mv.visitInsn(L2I); mv.visitInsn(BASTORE); break;
                case 2: mv.visitInsn(L2I); call(SUPPORT, "st16", "([BII)V"); break;
                case 4: mv.visitInsn(L2I); call(SUPPORT, "st32", "([BII)V"); break;
                default: call(SUPPORT, "st64", "([BIJ)V"); break;
            }
            mv.visitJumpInsn(GOTO, done);
            mv.visitLabel(slow);
            mv.visitVarInsn(ALOAD, MMUL);
            mv.visitVarInsn(LLOAD, VA);
            storeValue(d);
            iconst(size);
            mv.visitMethodInsn(INVOKEVIRTUAL, MMU, "storeSlow", "(JJI)V", false);
            // a store that let translations go: leave right after it
            mv.visitVarInsn(ALOAD, H);
            mv.visitFieldInsn(GETFIELD, HART, "codeWritten", "Z");
            mv.visitJumpInsn(IFEQ, done);
            countAdjust(after);
            exitTo(pc + d.len, false);
            mv.visitLabel(done);
        }

        /** The value a store writes, pushed again (registers are not changed by the address computation). */
        private void storeValue(Insn d) {
            if (d.op == FSW || d.op == FSD) {
                mv.visitVarInsn(ALOAD, FA);
                iconst(d.rs2);
                mv.visitInsn(LALOAD);
            } else {
                get(d.rs2);
            }
        }

        /**
         * An OP-FP or fused multiply-add instruction: decoded here, once, into a direct call of the operation's
         * method in {@link FloatingPoint} (the one the interpreter's {@code FloatingPoint.execute} calls, with
         * the same arguments), so each run skips the decoding. A dynamic rounding mode is read from fcsr at run
         * time ({@link FloatingPoint#dynamicRm}, which raises the illegal-instruction trap for 5..7). Encodings
         * that are illegal or rare go through {@code execute} itself.
         */
        private void floatingPoint(Insn d) {
            int bits = d.bits;
            int opcode = bits & 0x7F;
            int rd = (bits >>> 7) & 31, rs1 = (bits >>> 15) & 31, rs2 = (bits >>> 20) & 31, rs3 = bits >>> 27;
            int rmField = (bits >>> 12) & 7, fmt = (bits >>> 25) & 3;
            boolean dbl = fmt == 1;
            if (fmt > 1 || rmField == 5 || rmField == 6) {
                floatingPointGeneric(d);
                return;
            }
            String fpArgs = dbl ? "D" : "S";
            if (opcode != 0x53) {                                           // fmadd, fmsub, fnmsub, fnmadd
                boolean negProduct = opcode == 0x4B || opcode == 0x4F, negAddend = opcode == 0x47 || opcode == 0x4F;
                startF(rd);
                mv.visitVarInsn(ALOAD, H);
                getF(rs1);
                getF(rs2);
                getF(rs3);
                iconst(negProduct ? 1 : 0);
                iconst(negAddend ? 1 : 0);
                roundingMode(rmField, bits);
                call(FPU, "fma" + fpArgs, "(L" + HART + ";JJJZZI)J");
                mv.visitInsn(LASTORE);
                return;
            }
            int funct5 = bits >>> 27;
            switch (funct5) {
                case 0: case 1: case 2: case 3:                             // fadd fsub fmul fdiv
                    Label done = null;
                    if (dbl && (rmField == 0 || rmField == 7)) done = nearestEvenD(funct5, rd, rs1, rs2, rmField);
                    startF(rd);
                    mv.visitVarInsn(ALOAD, H);
                    getF(rs1);
                    getF(rs2);
                    roundingMode(rmField, bits);
                    call(FPU, ARITH[funct5] + fpArgs, "(L" + HART + ";JJI)J");
                    mv.visitInsn(LASTORE);
                    if (done != null) mv.visitLabel(done);
                    return;
                case 11:                                                    // fsqrt
                    if (rs2 != 0) break;
                    startF(rd);
                    mv.visitVarInsn(ALOAD, H);
                    getF(rs1);
                    roundingMode(rmField, bits);
                    call(FPU, "sqrt" + fpArgs, "(L" + HART + ";JI)J");
                    mv.visitInsn(LASTORE);
                    return;
                case 4:                                                     // fsgnj, fsgnjn, fsgnjx
                    if (rmField > 2) break;
                    startF(rd);
                    getF(rs1);
                    getF(rs2);
                    iconst(rmField);
                    call(FPU, "signInject" + fpArgs, "(JJI)J");
                    mv.visitInsn(LASTORE);
                    return;
                case 5:                                                     // fmin, fmax
                    if (rmField > 1) break;
                    startF(rd);
                    mv.visitVarInsn(ALOAD, H);
                    getF(rs1);
                    getF(rs2);
                    iconst(rmField);
                    call(FPU, "minMax" + fpArgs, "(L" + HART + ";JJZ)J");
                    mv.visitInsn(LASTORE);
                    return;
                case 8:                                                     // fcvt.d.s, fcvt.s.d
                    if (dbl && rs2 == 0) {
                        startF(rd);
                        mv.visitVarInsn(ALOAD, H);
                        getF(rs1);
                        roundingMode(rmField, bits);                        // checked as execute checks it
                        mv.visitInsn(POP);
                        call(FPU, "widen", "(L" + HART + ";J)J");
                        mv.visitInsn(LASTORE);
                        return;
                    }
                    if (!dbl && rs2 == 1) {
                        startF(rd);
                        mv.visitVarInsn(ALOAD, H);
                        getF(rs1);
                        roundingMode(rmField, bits);
                        call(FPU, "narrow", "(L" + HART + ";JI)J");
                        mv.visitInsn(LASTORE);
                        return;
                    }
                    break;
                case 20:                                                    // fle, flt, feq
                    if (rmField > 2) break;
                    mv.visitVarInsn(ALOAD, H);
                    getF(rs1);
                    getF(rs2);
                    iconst(rmField);
                    call(FPU, "compare" + fpArgs, "(L" + HART + ";JJI)J");
                    put(rd);
                    return;
                case 24:                                                    // fcvt.{w,wu,l,lu}.{s,d}
                    if (rs2 > 3) break;
                    mv.visitVarInsn(ALOAD, H);
                    getF(rs1);
                    iconst(rs2);
                    roundingMode(rmField, bits);
                    call(FPU, "toInteger" + fpArgs, "(L" + HART + ";JII)J");
                    put(rd);
                    return;
                case 26:                                                    // fcvt.{s,d}.{w,wu,l,lu}
                    if (rs2 > 3) break;
                    startF(rd);
                    mv.visitVarInsn(ALOAD, H);
                    get(rs1);
                    iconst(rs2);
                    roundingMode(rmField, bits);
                    call(FPU, "fromInteger" + fpArgs, "(L" + HART + ";JII)J");
                    mv.visitInsn(LASTORE);
                    return;
                case 28:                                                    // fmv.x.{w,d}, fclass
                    if (rs2 != 0 || rmField > 1) break;
                    getF(rs1);
                    if (rmField == 0) {
                        if (!dbl) {
                            mv.visitInsn(L2I);
                            mv.visitInsn(I2L);
                        }
                    } else if (dbl) {
                        call(FPU, "classifyD", "(J)J");
                    } else {
                        call(FPU, "unbox", "(J)I");
                        call(FPU, "classifyS", "(I)J");
                    }
                    put(rd);
                    return;
                case 30:                                                    // fmv.{w,d}.x
                    if (rs2 != 0 || rmField != 0) break;
                    startF(rd);
                    get(rs1);
                    if (!dbl) {
                        mv.visitInsn(L2I);
                        call(FPU, "box", "(I)J");
                    }
                    mv.visitInsn(LASTORE);
                    return;
                default:
                    break;
            }
            floatingPointGeneric(d);
        }

        private static final String[] ARITH = {"add", "sub", "mul", "div"};

        // double scratch locals of the inline FP paths, after the guest registers
        private static final int DA = REG0 + 62, DB = REG0 + 64, DS = REG0 + 66, DE = REG0 + 68;

        /**
         * The common case of fadd/fsub/fmul/fdiv.d inline, as in FloatingPoint.addD..divD: rounding to nearest
         * even (static, or dynamic with frm 0) and a result far enough from underflow and overflow that the JVM's
         * own operation is the answer, inexact when the exact error term is not zero. Anything else jumps to the
         * code that follows, the call of the full operation; the label returned is after it.
         */
        private Label nearestEvenD(int funct5, int rd, int rs1, int rs2, int rmField) {
            Label slow = new Label(), done = new Label();
            if (rmField == 7) {
                mv.visitVarInsn(ALOAD, H);
                mv.visitFieldInsn(GETFIELD, HART, "fcsr", "I");
                iconst(0xE0);
                mv.visitInsn(IAND);
                mv.visitJumpInsn(IFNE, slow);
            }
            getF(rs1);
            call("java/lang/Double", "longBitsToDouble", "(J)D");
            mv.visitVarInsn(DSTORE, DA);
            getF(rs2);
            call("java/lang/Double", "longBitsToDouble", "(J)D");
            if (funct5 == 1) mv.visitInsn(DNEG);
            mv.visitVarInsn(DSTORE, DB);
            if (funct5 == 3) {                                          // divD's operand conditions
                absAtLeast(DB, Double.MIN_NORMAL, slow);
                absAtLeast(DA, 0x1p-900, slow);
            }
            mv.visitVarInsn(DLOAD, DA);
            mv.visitVarInsn(DLOAD, DB);
            mv.visitInsn(funct5 <= 1 ? DADD : funct5 == 2 ? DMUL : DDIV);
            mv.visitVarInsn(DSTORE, DS);
            // the result's magnitude: (MIN_NORMAL, 2^1023) for add, sub, div; [2^-900, 2^1023) for mul
            mv.visitVarInsn(DLOAD, DS);
            call("java/lang/Math", "abs", "(D)D");
            mv.visitVarInsn(DSTORE, DE);
            mv.visitVarInsn(DLOAD, DE);
            if (funct5 == 2) {
                mv.visitLdcInsn(0x1p-900);
                mv.visitInsn(DCMPL);
                mv.visitJumpInsn(IFLT, slow);
            } else {
                mv.visitLdcInsn(Double.MIN_NORMAL);
                mv.visitInsn(DCMPL);
                mv.visitJumpInsn(IFLE, slow);
            }
            mv.visitVarInsn(DLOAD, DE);
            mv.visitLdcInsn(0x1p1023);
            mv.visitInsn(DCMPG);
            mv.visitJumpInsn(IFGE, slow);
            // the exact error: two-sum for add and sub, a fused multiply-add for mul and div
            switch (funct5) {
                case 0: case 1:
                    mv.visitVarInsn(DLOAD, DA);
                    mv.visitVarInsn(DLOAD, DB);
                    mv.visitVarInsn(DLOAD, DS);
                    call(FPU, "twoSumError", "(DDD)D");
                    break;
                case 2:
                    mv.visitVarInsn(DLOAD, DA);
                    mv.visitVarInsn(DLOAD, DB);
                    mv.visitVarInsn(DLOAD, DS);
                    mv.visitInsn(DNEG);
                    call("java/lang/Math", "fma", "(DDD)D");
                    break;
                default:
                    mv.visitVarInsn(DLOAD, DS);
                    mv.visitInsn(DNEG);
                    mv.visitVarInsn(DLOAD, DB);
                    mv.visitVarInsn(DLOAD, DA);
                    call("java/lang/Math", "fma", "(DDD)D");
                    break;
            }
            mv.visitInsn(DCONST_0);
            mv.visitInsn(DCMPL);
            Label exact = new Label();
            mv.visitJumpInsn(IFEQ, exact);
            mv.visitVarInsn(ALOAD, H);
            mv.visitInsn(DUP);
            mv.visitFieldInsn(GETFIELD, HART, "fcsr", "I");
            mv.visitInsn(ICONST_1);                                     // NX
            mv.visitInsn(IOR);
            mv.visitFieldInsn(PUTFIELD, HART, "fcsr", "I");
            mv.visitLabel(exact);
            startF(rd);
            mv.visitVarInsn(DLOAD, DS);
            call("java/lang/Double", "doubleToRawLongBits", "(D)J");
            mv.visitInsn(LASTORE);
            mv.visitJumpInsn(GOTO, done);
            mv.visitLabel(slow);
            return done;
        }

        /** Jumps to slow unless |local| >= bound (a NaN jumps). */
        private void absAtLeast(int local, double bound, Label slow) {
            mv.visitVarInsn(DLOAD, local);
            call("java/lang/Math", "abs", "(D)D");
            mv.visitLdcInsn(bound);
            mv.visitInsn(DCMPL);
            mv.visitJumpInsn(IFLT, slow);
        }

        /** f array and index rd, for the LASTORE after the value. */
        private void startF(int rd) {
            mv.visitVarInsn(ALOAD, FA);
            iconst(rd);
        }

        private void getF(int r) {
            mv.visitVarInsn(ALOAD, FA);
            iconst(r);
            mv.visitInsn(LALOAD);
        }

        /** Pushes the rounding mode: the static field, or fcsr's frm (an illegal-instruction trap if above 4). */
        private void roundingMode(int rmField, int bits) {
            if (rmField != 7) {
                iconst(rmField);
                return;
            }
            mv.visitVarInsn(ALOAD, H);
            mv.visitLdcInsn(bits);
            call(FPU, "dynamicRm", "(L" + HART + ";I)I");
        }

        /** Any FP instruction through {@code FloatingPoint.execute}, which decodes it (illegal encodings). */
        private void floatingPointGeneric(Insn d) {
            int f5 = d.bits >>> 27;
            boolean opFp = (d.bits & 0x7F) == 0x53;
            boolean readsX = opFp && (f5 == 26 || f5 == 30);
            boolean writesX = opFp && (f5 == 20 || f5 == 24 || f5 == 28);
            if (readsX && d.rs1 != 0) {
                mv.visitVarInsn(ALOAD, XA);
                iconst(d.rs1);
                get(d.rs1);
                mv.visitInsn(LASTORE);
            }
            mv.visitVarInsn(ALOAD, H);
            mv.visitLdcInsn(d.bits);
            call(FPU, "execute", "(L" + HART + ";I)Z");
            Label ok = new Label();
            mv.visitJumpInsn(IFNE, ok);
            mv.visitLdcInsn(d.bits);
            call(SUPPORT, "illegal", "(I)L" + TRAP + ";");
            mv.visitInsn(ATHROW);
            mv.visitLabel(ok);
            if (writesX) {
                if (d.rd != 0) {
                    mv.visitVarInsn(ALOAD, XA);
                    iconst(d.rd);
                    mv.visitInsn(LALOAD);
                    put(d.rd);
                } else {
                    mv.visitVarInsn(ALOAD, XA);
                    iconst(0);
                    lconst(0);
                    mv.visitInsn(LASTORE);
                }
            }
        }

        /** Integer operations: leaves x[rd]'s new value on the stack. */
        private void alu(Insn d) {
            int rs1 = d.rs1, rs2 = d.rs2;
            long imm = d.imm;
            switch (d.op) {
                case ADDI: get(rs1); lconst(imm); mv.visitInsn(LADD); return;
                case SLTI: get(rs1); lconst(imm); mv.visitInsn(LCMP); lessThanToLong(); return;
                case SLTIU: get(rs1); lconst(imm); call("java/lang/Long", "compareUnsigned", "(JJ)I"); lessThanToLong(); return;
                case XORI: get(rs1); lconst(imm); mv.visitInsn(LXOR); return;
                case ORI: get(rs1); lconst(imm); mv.visitInsn(LOR); return;
                case ANDI: get(rs1); lconst(imm); mv.visitInsn(LAND); return;
                case SLLI: get(rs1); iconst((int) imm); mv.visitInsn(LSHL); return;
                case SRLI: get(rs1); iconst((int) imm); mv.visitInsn(LUSHR); return;
                case SRAI: get(rs1); iconst((int) imm); mv.visitInsn(LSHR); return;
                case ADD: binary(rs1, rs2, LADD); return;
                case SUB: binary(rs1, rs2, LSUB); return;
                case XOR: binary(rs1, rs2, LXOR); return;
                case OR: binary(rs1, rs2, LOR); return;
                case AND: binary(rs1, rs2, LAND); return;
                case SLL: shift(rs1, rs2, LSHL); return;
                case SRL: shift(rs1, rs2, LUSHR); return;
                case SRA: shift(rs1, rs2, LSHR); return;
                case SLT: get(rs1); get(rs2); mv.visitInsn(LCMP); lessThanToLong(); return;
                case SLTU: get(rs1); get(rs2); call("java/lang/Long", "compareUnsigned", "(JJ)I"); lessThanToLong(); return;
                case ADDIW: get(rs1); lconst(imm); mv.visitInsn(LADD); mv.visitInsn(L2I); mv.visitInsn(I2L); return;
                case SLLIW: word(rs1, (int) imm, ISHL); return;
                case SRLIW: word(rs1, (int) imm, IUSHR); return;
                case SRAIW: word(rs1, (int) imm, ISHR); return;
                case ADDW: binary(rs1, rs2, LADD); mv.visitInsn(L2I); mv.visitInsn(I2L); return;
                case SUBW: binary(rs1, rs2, LSUB); mv.visitInsn(L2I); mv.visitInsn(I2L); return;
                case SLLW: wordShift(rs1, rs2, ISHL); return;
                case SRLW: wordShift(rs1, rs2, IUSHR); return;
                case SRAW: wordShift(rs1, rs2, ISHR); return;
                case MUL: binary(rs1, rs2, LMUL); return;
                case MULH: get(rs1); get(rs2); call("java/lang/Math", "multiplyHigh", "(JJ)J"); return;
                case MULHSU: get(rs1); get(rs2); call(ALU, "mulhsu", "(JJ)J"); return;
                case MULHU: get(rs1); get(rs2); call(ALU, "mulhu", "(JJ)J"); return;
                case DIV: case DIVU: case REM: case REMU: case MULW: case DIVW: case DIVUW: case REMW: case REMUW:
                    get(rs1); get(rs2); call(ALU, ALU_NAME[d.op - DIV], "(JJ)J"); return;
                case ADD_UW: get(rs2); get(rs1); lconst(0xFFFF_FFFFL); mv.visitInsn(LAND); mv.visitInsn(LADD); return;
                case SH1ADD: case SH2ADD: case SH3ADD:
                    get(rs2); get(rs1); iconst(d.op - SH1ADD + 1); mv.visitInsn(LSHL); mv.visitInsn(LADD); return;
                case SH1ADD_UW: case SH2ADD_UW: case SH3ADD_UW:
                    get(rs2); get(rs1); lconst(0xFFFF_FFFFL); mv.visitInsn(LAND); iconst(d.op - SH1ADD_UW + 1);
                    mv.visitInsn(LSHL); mv.visitInsn(LADD); return;
                case SLLI_UW: get(rs1); lconst(0xFFFF_FFFFL); mv.visitInsn(LAND); iconst((int) imm); mv.visitInsn(LSHL); return;
                case ANDN: get(rs1); get(rs2); lconst(-1); mv.visitInsn(LXOR); mv.visitInsn(LAND); return;
                case ORN: get(rs1); get(rs2); lconst(-1); mv.visitInsn(LXOR); mv.visitInsn(LOR); return;
                case XNOR: binary(rs1, rs2, LXOR); lconst(-1); mv.visitInsn(LXOR); return;
                case CLZ: get(rs1); call("java/lang/Long", "numberOfLeadingZeros", "(J)I"); mv.visitInsn(I2L); return;
                case CTZ: get(rs1); call("java/lang/Long", "numberOfTrailingZeros", "(J)I"); mv.visitInsn(I2L); return;
                case CPOP: get(rs1); call("java/lang/Long", "bitCount", "(J)I"); mv.visitInsn(I2L); return;
                case CLZW: get(rs1); mv.visitInsn(L2I); call("java/lang/Integer", "numberOfLeadingZeros", "(I)I"); mv.visitInsn(I2L); return;
                case CTZW: get(rs1); mv.visitInsn(L2I); call("java/lang/Integer", "numberOfTrailingZeros", "(I)I"); mv.visitInsn(I2L); return;
                case CPOPW: get(rs1); mv.visitInsn(L2I); call("java/lang/Integer", "bitCount", "(I)I"); mv.visitInsn(I2L); return;
                case MAX: get(rs1); get(rs2); call("java/lang/Math", "max", "(JJ)J"); return;
                case MIN: get(rs1); get(rs2); call("java/lang/Math", "min", "(JJ)J"); return;
                case MAXU: case MINU: case ORC_B:
                    iconst(d.op); get(rs1); get(rs2); lconst(imm);
                    call(ALU, "bitmanip", "(IJJJ)J");
                    return;
                case SEXT_B: get(rs1); mv.visitInsn(L2I); mv.visitInsn(I2B); mv.visitInsn(I2L); return;
                case SEXT_H: get(rs1); mv.visitInsn(L2I); mv.visitInsn(I2S); mv.visitInsn(I2L); return;
                case ZEXT_H: get(rs1); lconst(0xFFFF); mv.visitInsn(LAND); return;
                case ROL: get(rs1); get(rs2); mv.visitInsn(L2I); call("java/lang/Long", "rotateLeft", "(JI)J"); return;
                case ROR: get(rs1); get(rs2); mv.visitInsn(L2I); call("java/lang/Long", "rotateRight", "(JI)J"); return;
                case RORI: get(rs1); iconst((int) imm); call("java/lang/Long", "rotateRight", "(JI)J"); return;
                case ROLW: get(rs1); mv.visitInsn(L2I); get(rs2); mv.visitInsn(L2I); call("java/lang/Integer", "rotateLeft", "(II)I"); mv.visitInsn(I2L); return;
                case RORW: get(rs1); mv.visitInsn(L2I); get(rs2); mv.visitInsn(L2I); call("java/lang/Integer", "rotateRight", "(II)I"); mv.visitInsn(I2L); return;
                case RORIW: get(rs1); mv.visitInsn(L2I); iconst((int) imm); call("java/lang/Integer", "rotateRight", "(II)I"); mv.visitInsn(I2L); return;
                case REV8: get(rs1); call("java/lang/Long", "reverseBytes", "(J)J"); return;
                case BCLR: get(rs1); lconst(1); get(rs2); mv.visitInsn(L2I); mv.visitInsn(LSHL); lconst(-1); mv.visitInsn(LXOR); mv.visitInsn(LAND); return;
                case BCLRI: get(rs1); lconst(~(1L << imm)); mv.visitInsn(LAND); return;
                case BEXT: get(rs1); get(rs2); mv.visitInsn(L2I); mv.visitInsn(LUSHR); lconst(1); mv.visitInsn(LAND); return;
                case BEXTI: get(rs1); iconst((int) imm); mv.visitInsn(LUSHR); lconst(1); mv.visitInsn(LAND); return;
                case BINV: get(rs1); lconst(1); get(rs2); mv.visitInsn(L2I); mv.visitInsn(LSHL); mv.visitInsn(LXOR); return;
                case BINVI: get(rs1); lconst(1L << imm); mv.visitInsn(LXOR); return;
                case BSET: get(rs1); lconst(1); get(rs2); mv.visitInsn(L2I); mv.visitInsn(LSHL); mv.visitInsn(LOR); return;
                case BSETI: get(rs1); lconst(1L << imm); mv.visitInsn(LOR); return;
                case CZERO_EQZ: case CZERO_NEZ: {
                    Label zero = new Label(), done = new Label();
                    get(rs2);
                    lconst(0);
                    mv.visitInsn(LCMP);
                    mv.visitJumpInsn(d.op == CZERO_EQZ ? IFEQ : IFNE, zero);
                    get(rs1);
                    mv.visitJumpInsn(GOTO, done);
                    mv.visitLabel(zero);
                    lconst(0);
                    mv.visitLabel(done);
                    return;
                }
                default:
                    throw new IllegalStateException("no translation for op " + d.op);
            }
        }

        private static final String[] ALU_NAME = {"div", "divu", "rem", "remu", "mulw", "divw", "divuw", "remw", "remuw"};

        private void binary(int rs1, int rs2, int op) {
            get(rs1);
            get(rs2);
            mv.visitInsn(op);
        }

        private void shift(int rs1, int rs2, int op) {
            get(rs1);
            get(rs2);
            mv.visitInsn(L2I);
            mv.visitInsn(op);
        }

        private void word(int rs1, int sh, int op) {
            get(rs1);
            mv.visitInsn(L2I);
            iconst(sh);
            mv.visitInsn(op);
            mv.visitInsn(I2L);
        }

        private void wordShift(int rs1, int rs2, int op) {
            get(rs1);
            mv.visitInsn(L2I);
            get(rs2);
            mv.visitInsn(L2I);
            mv.visitInsn(op);
            mv.visitInsn(I2L);
        }

        /** An LCMP / compare result on the stack to 1L if it is negative, else 0L. */
        private void lessThanToLong() {
            iconst(31);
            mv.visitInsn(IUSHR);
            mv.visitInsn(I2L);
        }
    }

    /** A summary for reports: regions, guest instructions and bytecode bytes, invalidations, hit counts. */
    String statistics() {
        return String.format("%d regions translated in %.0f ms%s (%d guest instructions, %d bytecode bytes), %d reused, "
                + "%d invalidations, %d refused, %d dropped, %d region runs (%d through direct links)", regions,
                translateNanos / 1e6, background ? " in the background" : "", guestInstructions, bytecodeBytes, reused,
                invalidations, refused, dropped, dispatches, linked);
    }
}
