package otherworld.kernel.resurrect;

import static org.junit.jupiter.api.Assertions.*;
import static otherworld.kernel.layout.Layouts.*;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import otherworld.emulator.Machine;
import otherworld.emulator.PhysicalMemory;
import otherworld.kernel.KernelHooks;
import otherworld.kernel.KernelPanic;
import otherworld.kernel.Scenario;
import otherworld.kernel.Guests;
import otherworld.kernel.verified.Sv39;

/**
 * Every field the validator checks, corrupted one at a time in the dead kernel's memory at the crash: the process it
 * belongs to (kvstore, pid 2) must be refused with a problem that names what is wrong, and the other process
 * (checksum, pid 1) must come back and finish exactly as in a run without a crash. A validator that stops checking
 * any one of these fields fails its case here.
 */
class ValidatorCorruptionTest {
    static final long CRASH_AT_CALL = 320;

    static Scenario two() {
        return new Scenario().add(Guests.program("checksum", "400")).add(Guests.program("kvstore"));
    }

    static final Scenario.Result REFERENCE = two().run();

    /** The dead kernel as the corrupter finds it: RAM, the header, the two task records. */
    record Dead(PhysicalMemory ram, long header, long healthy, long victim) {
        long fileOf(int fd) { return ram.read64(header + KH_FILES) + (long) ram.read32(victim + T_FD + 4L * fd) * FILE.size(); }
        long root() { return Sv39.satpRootPa(ram.read64(victim + T_SATP)); }
        int slot() { return (int) ((victim - ram.read64(header + KH_TASKS)) / TASK.size()); }
        long vmat() { return ram.read64(header + KH_VMAS) + (long) slot() * VMAT.size(); }
        int active() { return ram.read32(vmat() + VT_ACTIVE); }
        long vma(int i) { return otherworld.kernel.mm.Vmas.entry(vmat(), active(), i); }
        /** Physical address of the first valid PTE of the table at pa, at or after index from. */
        long firstValid(long table, int from) {
            for (int i = from; i < 512; i++) if (Sv39.isValid(ram.read64(table + 8L * i))) return table + 8L * i;
            throw new IllegalStateException("no valid pte");
        }
        long level1Pte() { return firstValid(Sv39.paOf(Sv39.ptePpn(ram.read64(firstValid(root(), 0)))), 0); }
        long leafPte() { return firstValid(Sv39.paOf(Sv39.ptePpn(ram.read64(level1Pte()))), 0); }
        /** A frame the healthy process can write (sharing one is corruption; read-only sharing is copy-on-write). */
        long healthyWritablePa() {
            long r = Sv39.satpRootPa(ram.read64(healthy + T_SATP));
            long l1 = Sv39.paOf(Sv39.ptePpn(ram.read64(firstValid(r, 0))));
            long l0 = Sv39.paOf(Sv39.ptePpn(ram.read64(firstValid(l1, 0))));
            for (int i = 0; i < 512; i++) {
                long pte = ram.read64(l0 + 8L * i);
                if (Sv39.isValid(pte) && (pte & Sv39.PTE_W) != 0) return Sv39.paOf(Sv39.ptePpn(pte));
            }
            throw new IllegalStateException("no writable page");
        }
        /** A frame the dead kernel's bitmap says is free, outside its structures (the highest one). */
        long freeUserFrame() {
            long bitmap = ram.read64(header + KH_BITMAP);
            for (long i = ram.size() / Sv39.PAGE_SIZE - 1; i >= 0; i--) {
                if ((ram.read64(bitmap + i / 64 * 8) & (1L << (i % 64))) == 0) return ram.base() + i * Sv39.PAGE_SIZE;
            }
            throw new IllegalStateException("no free frame");
        }
        /** The victim's process record. */
        long proc() {
            long tasks = ram.read64(header + KH_TASKS);
            return ram.read64(header + KH_PROCS) + (victim - tasks) / TASK.size() * PROC.size();
        }
        boolean free(long pa) {
            long i = (pa - ram.base()) / Sv39.PAGE_SIZE, bitmap = ram.read64(header + KH_BITMAP);
            return (ram.read64(bitmap + i / 64 * 8) & (1L << (i % 64))) == 0;
        }
        /** The physical addresses of task's last-level PTEs, in address order. */
        List<Long> leafPtes(long task) {
            List<Long> out = new ArrayList<>();
            long root = Sv39.satpRootPa(ram.read64(task + T_SATP));
            for (int i = 0; i < 256; i++) {
                long l2 = ram.read64(root + 8L * i);
                if (!Sv39.isValid(l2)) continue;
                for (int j = 0; j < 512; j++) {
                    long l1 = ram.read64(Sv39.paOf(Sv39.ptePpn(l2)) + 8L * j);
                    if (!Sv39.isValid(l1)) continue;
                    long table = Sv39.paOf(Sv39.ptePpn(l1));
                    for (int k = 0; k < 512; k++) if (Sv39.isValid(ram.read64(table + 8L * k))) out.add(table + 8L * k);
                }
            }
            return out;
        }
        long frame(long ptePa) { return Sv39.paOf(Sv39.ptePpn(ram.read64(ptePa))); }
        /**
         * In the first of the victim's leaves that has one, flips the lowest bit of its frame number (bits 2: the
         * lowest two) that lands on a frame of RAM where wanted holds.
         */
        void flipFrameToward(int bits, java.util.function.LongPredicate wanted) {
            for (long ptePa : leafPtes(victim)) {
                long pte = ram.read64(ptePa), pa = frame(ptePa);
                for (int j = 0; j < 44; j++) {
                    for (int k = bits == 1 ? j : 0; k < (bits == 1 ? j + 1 : j); k++) {
                        long to = pa ^ 1L << (12 + j) ^ (bits == 1 ? 0 : 1L << (12 + k));
                        if (to >= ram.base() && to < ram.end() && wanted.test(to)) {
                            ram.write64(ptePa, pte ^ (pa ^ to) >>> 12 << 10); // the PPN is bits 53..10 of a PTE
                            return;
                        }
                    }
                }
            }
            throw new IllegalStateException("no leaf " + bits + " bits from such a frame");
        }
        /** Whether pa lies on the dead kernel's own structures (its region below the page-table pool). */
        boolean kernelStructure(long pa) {
            return pa >= ram.read64(header + KH_REGION_BASE) && pa < ram.read64(header + KH_PT_POOL);
        }
        /** The frames the healthy process maps writable. */
        java.util.Set<Long> healthyWritable() {
            java.util.Set<Long> out = new java.util.HashSet<>();
            for (long p : leafPtes(healthy)) if ((ram.read64(p) & Sv39.PTE_W) != 0) out.add(frame(p));
            return out;
        }
        void setPpn(long ptePa, long pa) {
            long pte = ram.read64(ptePa);
            ram.write64(ptePa, Sv39.makePte(Sv39.ppnOf(pa), Sv39.pteFlags(pte)));
        }
    }

    interface Corrupter {
        void apply(Dead d);
    }

    record Case(String name, Corrupter corrupt, String problem) {
        @Override public String toString() { return name; }
    }

    static Stream<Case> cases() {
        List<Case> c = new ArrayList<>();
        c.add(new Case("task magic", d -> d.ram.write32(d.victim, 0x12345678), "bad magic or version"));
        c.add(new Case("task version", d -> d.ram.write32(d.victim + 4, 99), "bad magic or version"));
        c.add(new Case("task state one flip from runnable and from stopped", d -> d.ram.write32(d.victim + T_STATE, 5),
                "state 5 unknown"));
        c.add(new Case("task state, two flips from runnable", d -> d.ram.write32(d.victim + T_STATE, 1 ^ 3 << 4), "state 49 unknown"));
        c.add(new Case("pid zero", d -> d.ram.write32(d.victim + T_PID, 0), "pid 0 invalid"));
        c.add(new Case("pid duplicate", d -> d.ram.write32(d.victim + T_PID, d.ram.read32(d.healthy + T_PID)),
                "appears twice"));
        c.add(new Case("tty out of range", d -> d.ram.write32(d.victim + T_TTY, 99), "tty 99 invalid"));
        c.add(new Case("name not terminated", d -> d.ram.fill(d.victim + T_NAME, NAME_LEN, (byte) 'A'),
                "name not terminated"));
        c.add(new Case("satp mode, three flips from Sv39", d -> d.ram.write64(d.victim + T_SATP,
                d.ram.read64(d.victim + T_SATP) ^ 0xBL << 60), "satp"));
        c.add(new Case("satp root in the kernel region", d -> d.ram.write64(d.victim + T_SATP, Sv39.satp(d.header)),
                "satp"));
        c.add(new Case("pc in the kernel half", d -> d.ram.write64(d.victim + T_PC, 0xFFFF_FFC0_0000_0000L),
                "outside user space"));
        c.add(new Case("pc outside every executable mapping", d -> d.ram.write64(d.victim + T_PC, 0x1000),
                "outside every executable mapping"));
        c.add(new Case("sp outside every mapping", d -> d.ram.write64(d.victim + T_X + 8L * 2, 0x1000), "sp 0x1000 outside"));
        c.add(new Case("trap cause unknown, two flips from ecall", d -> d.ram.write64(d.victim + T_CAUSE, 8 | 3L << 15),
                "cause 98312 unknown"));
        c.add(new Case("trap cause one flip from -3 and from -2", d -> d.ram.write64(d.victim + T_CAUSE, -4),
                "cause -4 unknown"));
        c.add(new Case("vma table magic", d -> d.ram.write32(d.vmat(), 0), "vma table: bad magic"));
        c.add(new Case("vma list in force", d -> d.ram.write32(d.vmat() + VT_ACTIVE, 5), "list in force 5 invalid"));
        c.add(new Case("vma count", d -> d.ram.write32(d.vmat() + VT_COUNT + 4L * d.active(), MAX_VMAS + 1), "vma count"));
        c.add(new Case("vma unaligned", d -> d.ram.write64(d.vma(0) + V_START, d.ram.read64(d.vma(0) + V_START) + 1),
                "vma 0"));
        c.add(new Case("vma inverted", d -> d.ram.write64(d.vma(0) + V_END, 0), "vma 0"));
        c.add(new Case("vmas overlap", d -> d.ram.write64(d.vma(1) + V_START, d.ram.read64(d.vma(0) + V_START)), "overlaps"));
        c.add(new Case("vma protection", d -> d.ram.write32(d.vma(0) + V_PROT, 64), "protection or flags invalid"));
        c.add(new Case("file vma without a file", d -> d.ram.write32(d.vma(0) + V_FLAGS, VM_FILE),
                "file mapping without a file"));
        c.add(new Case("page outside every vma", d -> {
            int n = d.ram.read32(d.vmat() + VT_COUNT + 4L * d.active());
            for (int i = 0; i < n; i++) d.ram.write64(d.vma(i) + V_END, d.ram.read64(d.vma(i) + V_START) + 4096);
        }, "outside every vma"));
        c.add(new Case("brk below its base", d -> d.ram.write64(d.victim + T_BRK, d.ram.read64(d.victim + T_BRK_BASE) - 4096),
                "brk below its base"));
        c.add(new Case("fd outside the file table", d -> d.ram.write32(d.victim + T_FD, MAX_FILES + 5),
                "outside the table"));
        c.add(new Case("fd one flip from another file in use", // not taken back: the reference counts would disagree
                d -> d.ram.write32(d.victim + T_FD + 4L * 3, d.ram.read32(d.victim + T_FD) ^ 1 << 12), "outside the table"));
        c.add(new Case("open file magic, and counted more often than named", d -> {
            d.ram.write32(d.fileOf(3), 0);
            d.ram.write32(d.fileOf(3) + F_REFS, 2);
        }, "open file"));
        c.add(new Case("open file refs", d -> d.ram.write32(d.fileOf(3) + F_REFS, 0), "open file"));
        c.add(new Case("open file type", d -> d.ram.write32(d.fileOf(3) + F_TYPE, 99), "open file")); // 9 is one flip from 1: Repairs
        c.add(new Case("open file offset", d -> d.ram.write64(d.fileOf(3) + F_OFFSET, -1), "open file"));
        c.add(new Case("open file inode", d -> d.ram.write32(d.fileOf(3) + F_INO, 0), "open file"));
        c.add(new Case("open file inode beyond the file system's", d -> d.ram.write32(d.fileOf(3) + F_INO, 1 << 25), "open file"));
        c.add(new Case("pid not allocated yet", d -> d.ram.write32(d.victim + T_PID, 2 | 1 << 10), "not allocated yet"));
        c.add(new Case("open file tty", d -> d.ram.write32(d.fileOf(0) + F_TTY, 99), "open file"));
        c.add(new Case("leaf in a kernel region", d -> d.setPpn(d.leafPte(), d.header), "not a user frame"));
        c.add(new Case("leaf outside RAM, two bits from it", d -> d.setPpn(d.leafPte(), (d.ram.end() + 4096) | 1L << 40),
                "not a user frame"));
        c.add(new Case("leaf outside RAM, one bit from a free frame", d -> d.setPpn(d.leafPte(), d.freeUserFrame() | 1L << 42),
                "frame bitmap says is free")); // taken back as that frame, which is then checked like any other
        c.add(new Case("leaf without U, R, W or X", d -> d.ram.write64(d.leafPte(), d.ram.read64(d.leafPte())
                & ~(long) (Sv39.PTE_U | Sv39.PTE_R | Sv39.PTE_W | Sv39.PTE_X)), "not a user leaf"));
        c.add(new Case("frame mapped by both, writable", d -> d.setPpn(d.leafPte(), d.healthyWritablePa()), "also mapped"));
        c.add(new Case("leaf naming a free frame", d -> d.setPpn(d.leafPte(), d.freeUserFrame()), "frame bitmap says is free"));
        c.add(new Case("leaf frame two flips from its own, on a free frame", // LeafFrames takes back one flip only
                d -> d.flipFrameToward(2, pa -> d.free(pa) && !d.kernelStructure(pa)), "frame bitmap says is free"));
        c.add(new Case("leaf frame one flip from its own, on the other process's writable frame", // two leaves name it:
                d -> d.flipFrameToward(1, d.healthyWritable()::contains), "also mapped")); // either may be the flipped one
        c.add(new Case("process record magic", d -> d.ram.write32(d.proc(), 0), "process record"));
        c.add(new Case("parent does not exist", d -> d.ram.write32(d.proc() + P_PPID, 777), "parent pid 777 does not exist"));
        c.add(new Case("cycle in the process tree", d -> d.ram.write32(d.proc() + P_PPID, 2), "cycle in the process tree"));
        c.add(new Case("process group", d -> d.ram.write32(d.proc() + P_PGID, -3), "process group"));
        c.add(new Case("vfork lender that is not its parent", d -> d.ram.write32(d.proc() + P_VM_PARENT, 1),
                "vfork child"));
        c.add(new Case("signal record magic", d -> d.ram.write32(d.ram.read64(d.header + KH_SIGNALS)
                + (d.proc() - d.ram.read64(d.header + KH_PROCS)) / PROC.size() * SIGS.size(), 0), "signal record"));
        c.add(new Case("superpage, two flips from a table pointer", d -> d.ram.write64(d.level1Pte(),
                d.ram.read64(d.level1Pte()) | Sv39.PTE_R | Sv39.PTE_W), "superpage"));
        c.add(new Case("page-table cycle", d -> d.setPpn(d.level1Pte(), d.root()), "reached twice"));
        c.add(new Case("mapping above the user half", d -> d.ram.write64(d.root() + 8L * 300, d.ram.read64(d.firstValid(d.root(), 0))),
                "above the user half"));
        return c.stream();
    }

    /** Corruption of what every process depends on: nothing is resurrected, the machine halts and says why. */
    static Stream<Case> machineCases() {
        List<Case> c = new ArrayList<>();
        c.add(new Case("root magic", d -> d.ram.write32(ROOT_PA, 0), "root descriptor is corrupt"));
        c.add(new Case("root points outside RAM", d -> d.ram.write64(ROOT_PA + ROOT_HEADER, 0x1000), "header is corrupt"));
        c.add(new Case("header magic", d -> d.ram.write32(d.header, 0), "header is corrupt"));
        c.add(new Case("header version", d -> d.ram.write32(d.header + 4, 7), "header is corrupt"));
        c.add(new Case("region outside RAM", d -> d.ram.write64(d.header + KH_REGION_SIZE, 1L << 40), "out of bounds"));
        c.add(new Case("no crash region", d -> d.ram.write64(d.header + KH_CRASH_SIZE, 0), "reserved no crash region"));
        c.add(new Case("crash region overlaps the kernel", d -> d.ram.write64(d.header + KH_CRASH_BASE,
                d.ram.read64(d.header + KH_REGION_BASE)), "crash region"));
        c.add(new Case("frame count", d -> d.ram.write64(d.header + KH_NFRAMES, 3), "frame count"));
        c.add(new Case("task table outside the region", d -> d.ram.write64(d.header + KH_TASKS, 0x8000_2000L),
                "tables out of bounds"));
        c.add(new Case("tty count", d -> d.ram.write32(d.header + KH_NTTYS, 99), "tables out of bounds"));
        c.add(new Case("page-table pool", d -> d.ram.write64(d.header + KH_PT_POOL, d.ram.read64(d.header + KH_REGION_BASE)),
                "page-table pool"));
        return c.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("machineCases")
    void corruptedKernelHeaderHaltsTheMachineWithAReason(Case c) {
        Scenario.Result r = two().probe(m -> new Corrupting(m, c.corrupt())).run();
        assertTrue(r.halted(), "nothing sound to resurrect: the machine halts");
        assertTrue(r.reports().isEmpty());
        assertTrue(r.log().stream().anyMatch(l -> l.contains("crash kernel failed") && l.contains(c.problem())),
                "the log says why (" + c.problem() + "): " + r.log().subList(Math.max(0, r.log().size() - 6), r.log().size()));
    }

    /**
     * Found by the campaign (ow replay hello:bit-flip:54c562cb4dd2b8b0): a cache header that names more disk blocks
     * than the disk has passed validation, then the flush refused it, and every crash kernel failed the same way:
     * the machine halted. Then it left the whole cache unflushed, every dirty block lost (a silent corruption of
     * every process that wrote). Now what the flush does not need is derived, not read — the disk's size from the
     * disk, the slot count from the configuration, the magics are constants, the LRU fields play no part — and both
     * processes finish exactly as without a crash.
     */
    @org.junit.jupiter.api.Test
    void aCorruptCacheHeaderIsDerivedAndEveryDirtyBlockFlushed() {
        Scenario.Result r = two().probe(m -> new Corrupting(m, d -> {
            long cache = d.ram.read64(d.header + KH_CACHE);
            d.ram.write64(cache + otherworld.kernel.fs.BlockCache.H_DISK_BLOCKS, 1L << 20);
            d.ram.write32(cache, 0x0BADCAC4);
            d.ram.write32(cache + otherworld.kernel.fs.BlockCache.H_SLOTS, 3);
            d.ram.write64(cache + otherworld.kernel.fs.BlockCache.H_CLOCK, 0); // every slot's lastUse beyond it
        })).run();
        asWithoutACrash(r);
        assertEquals(List.of(), r.reports().get(0).machineProblems, r.reports().get(0).lines().toString());
        assertTrue(r.reports().get(0).dirtyBlocksFlushed > 0, r.reports().get(0).lines().toString());
    }

    /** One resurrection, both processes back, and everything they printed and wrote as in the run without a crash. */
    static void asWithoutACrash(Scenario.Result r) {
        assertFalse(r.halted(), r.log().toString());
        assertEquals(1, r.reports().size(), r.log().toString());
        assertTrue(r.reports().get(0).processes.stream().allMatch(ResurrectionReport.Process::resurrected),
                r.reports().get(0).lines().toString());
        assertEquals(REFERENCE.outputs(), r.outputs());
        assertEquals(REFERENCE.exitStatus(), r.exitStatus());
        assertArrayEquals(REFERENCE.file("records.dat"), r.file("records.dat"));
        assertArrayEquals(REFERENCE.file("kv.log"), r.file("kv.log"));
        assertEquals(List.of(), r.audit());
        otherworld.kernel.CrashCampaign.assertDiskClean(r);
    }

    /** A tty's console index is derived by the crash kernel, not trusted: both processes finish as without a crash. */
    @org.junit.jupiter.api.Test
    void aCorruptConsoleIndexIsRebuilt() {
        Scenario.Result r = two().probe(m -> new Corrupting(m, d -> {
            long ttys = d.ram.read64(d.header + KH_TTYS);
            for (int i = 0; i < 2; i++) d.ram.write32(ttys + (long) i * TTY.size() + TTY_CONSOLE, 131072);
        })).run();
        asWithoutACrash(r);
    }

    /**
     * A closed fd's -1 with a bit flipped names no file; the open files' reference counts agree with the fds that name
     * them, so no open fd is missing: it comes back closed. An open file whose magic and version are wrong, named as
     * often as it counts, comes back with them written anew. Both processes finish as without a crash (the campaign's
     * most frequent refusals, issue 11).
     */
    @org.junit.jupiter.api.Test
    void aCorruptClosedFdComesBackClosedAndAnOpenFilesMagicIsWrittenAnew() {
        Scenario.Result r = two().probe(m -> new Corrupting(m, d -> {
            d.ram.write32(d.victim + T_FD + 4L * 40, -1 ^ (1 << 20));
            d.ram.write32(d.victim + T_FD + 4L * 63, Integer.MAX_VALUE);
            d.ram.write32(d.fileOf(3), 0); // its log's open file: magic and version are constants, written anew
            d.ram.write32(d.fileOf(3) + 4, 77);
        })).run();
        asWithoutACrash(r);
    }

    /**
     * A bit flipped above the bits that number RAM's frames, in a leaf and in a table pointer: the frame is outside RAM
     * and one bit from exactly one frame in it, which the walk takes; both processes finish as without a crash, and
     * the report says what was taken otherwise than read.
     */
    @org.junit.jupiter.api.Test
    void aFrameNumberWithAHighBitFlippedIsTakenBack() {
        Scenario.Result r = two().probe(m -> new Corrupting(m, d -> {
            d.ram.write64(d.leafPte(), d.ram.read64(d.leafPte()) ^ 1L << (10 + 30)); // frame + 2^42
            d.ram.write64(d.level1Pte(), d.ram.read64(d.level1Pte()) ^ 1L << (10 + 14)); // 0x80000000 + 2^26: past RAM
        })).run();
        asWithoutACrash(r);
        List<String> said = r.reports().get(0).machineProblems;
        assertEquals(2, said.size(), said.toString());
        assertTrue(said.stream().allMatch(l -> l.startsWith("pid 2: pte at ") && l.contains("outside RAM and one bit from")),
                said.toString());
    }

    /**
     * One bit flipped in each of an open file's type, a tty's magic, an fd and a dirty page-cache slot's block: each
     * record fails its check and exactly one flip makes it sound again, so each is taken back (Repairs), the report says
     * which bit, and both processes finish as without a crash.
     */
    @org.junit.jupiter.api.Test
    void aFlippedBitThatOneFlipExplainsIsUndone() {
        Scenario.Result r = two().probe(m -> new Corrupting(m, d -> {
            d.ram.write32(d.fileOf(3) + F_TYPE, d.ram.read32(d.fileOf(3) + F_TYPE) ^ 1 << 20);
            long tty1 = d.ram.read64(d.header + KH_TTYS) + TTY.size();
            d.ram.write32(tty1, d.ram.read32(tty1) ^ 1 << 5);
            d.ram.write32(d.victim + T_FD + 4L * 3, d.ram.read32(d.victim + T_FD + 4L * 3) ^ 1 << 18);
            long cache = d.ram.read64(d.header + KH_CACHE);
            for (int i = 0; i < d.ram.read32(cache + otherworld.kernel.fs.BlockCache.H_SLOTS); i++) {
                long slot = otherworld.kernel.fs.BlockCache.slotAddr(cache, i);
                if (d.ram.read32(slot + otherworld.kernel.fs.BlockCache.S_FLAGS) == 3) {
                    d.ram.write64(slot + otherworld.kernel.fs.BlockCache.S_BLOCK,
                            d.ram.read64(slot + otherworld.kernel.fs.BlockCache.S_BLOCK) ^ 1L << 40);
                    return;
                }
            }
            throw new IllegalStateException("no dirty slot at the crash");
        })).run();
        asWithoutACrash(r);
        List<String> said = r.reports().get(0).machineProblems;
        assertEquals(4, said.size(), said.toString());
        for (String what : new String[] {"open file ", "tty 1: bit 5 of byte 0", "task slot 1's fd table: bit 2 of byte 14",
                "page-cache slot "}) {
            assertTrue(said.stream().anyMatch(l -> l.startsWith(what) && l.contains("flipped back")), what + " in " + said);
        }
    }

    /**
     * One flipped bit in a leaf's frame number that lands inside RAM — on a free frame, on the kernel's structures, on a
     * page table — or in the frame bitmap, marking a mapped frame free (issue 11, the campaign's largest group of
     * refusals): the frames' counts then disagree in a way exactly one single flip explains (LeafFrames); so in a leaf's
     * U, a table pointer's X, a task's satp. A task record's magic, version or state one flip from what it can be
     * (Repairs). Each is taken back, the report says which, and both processes finish as without a crash. (Two flips
     * away, or one flip with two explanations: corruptedFieldRefusesItsProcessOnly.)
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("flippedTaskBits")
    void aFlippedBitInATaskOrItsTablesIsTakenBack(Case c) {
        Scenario.Result r = two().probe(m -> new Corrupting(m, c.corrupt())).run();
        asWithoutACrash(r);
        List<String> said = r.reports().get(0).machineProblems;
        assertEquals(1, said.size(), said.toString());
        assertTrue(said.get(0).contains(c.problem()), said.toString());
    }

    static Stream<Case> flippedTaskBits() {
        List<Case> c = new ArrayList<>();
        c.add(new Case("leaf frame one flip from its own, on a free frame",
                d -> d.flipFrameToward(1, pa -> d.free(pa) && !d.kernelStructure(pa)), "(free in the frame bitmap); bit "));
        c.add(new Case("leaf frame one flip from its own, on the kernel's structures",
                d -> d.flipFrameToward(1, d::kernelStructure), "(no user frame); bit "));
        c.add(new Case("leaf frame one flip from its own, on its own page table", d -> {
            long table = d.leafPte() & ~(Sv39.PAGE_SIZE - 1);
            d.flipFrameToward(1, pa -> pa == table);
        }, "(a page table or a shared file page); bit "));
        c.add(new Case("leaf without U", d -> d.ram.write64(d.leafPte(), d.ram.read64(d.leafPte()) ^ Sv39.PTE_U),
                "flags 0x"));
        c.add(new Case("table pointer with X (a superpage)", d -> d.ram.write64(d.level1Pte(), d.ram.read64(d.level1Pte())
                ^ Sv39.PTE_X), "flags 0x"));
        c.add(new Case("task magic", d -> d.ram.write32(d.victim, d.ram.read32(d.victim) ^ 1 << 13), "magic and version: bit 5 of byte 1"));
        c.add(new Case("task version", d -> d.ram.write32(d.victim + 4, d.ram.read32(d.victim + 4) ^ 1 << 30),
                "magic and version: bit 6 of byte 7"));
        c.add(new Case("task state, one flip from runnable", d -> d.ram.write32(d.victim + T_STATE, 1 | 1 << 9), "state: bit 1 of byte 1"));
        c.add(new Case("trap cause", d -> d.ram.write64(d.victim + T_CAUSE, d.ram.read64(d.victim + T_CAUSE) ^ 1L << 62),
                "trap cause: bit 6 of byte 7"));
        c.add(new Case("satp mode", d -> d.ram.write64(d.victim + T_SATP, d.ram.read64(d.victim + T_SATP) ^ 1L << 63), "satp 0x"));
        c.add(new Case("satp root outside RAM", d -> d.ram.write64(d.victim + T_SATP, d.ram.read64(d.victim + T_SATP) ^ 1L << 30),
                "satp 0x"));
        c.add(new Case("satp root moved inside RAM", d -> {
            long satp = d.ram.read64(d.victim + T_SATP);
            for (int bit = 0; bit < 20; bit++) { // the first that lands on another frame of RAM
                long to = Sv39.satpRootPa(satp ^ 1L << bit);
                if (to >= d.ram.base() && to < d.ram.end()) {
                    d.ram.write64(d.victim + T_SATP, satp ^ 1L << bit);
                    return;
                }
            }
        }, "satp 0x"));
        c.add(new Case("frame bitmap bit of a mapped frame", d -> {
            long pa = d.frame(d.leafPte()), i = (pa - d.ram.base()) / Sv39.PAGE_SIZE, w = d.ram.read64(d.header + KH_BITMAP) + i / 64 * 8;
            d.ram.write64(w, d.ram.read64(w) & ~(1L << (i % 64)));
        }, "frame bitmap: frame "));
        return c.stream();
    }

    /**
     * A dirty page-cache slot whose block number is corrupt (outside the disk) cannot be written: some file lost data
     * and nothing says which, so both processes, which have a file open, are refused and say why, instead of coming
     * back with a file that silently lacks what they wrote (ow replay syscalls:bit-flip:7f994bbb51c61dc0).
     */
    @org.junit.jupiter.api.Test
    void aDirtyBlockThatCannotBePlacedRefusesTheProcessesWithFilesOpen() {
        Scenario.Result r = two().probe(m -> new Corrupting(m, d -> {
            long cache = d.ram.read64(d.header + KH_CACHE);
            int slots = d.ram.read32(cache + otherworld.kernel.fs.BlockCache.H_SLOTS);
            for (int i = 0; i < slots; i++) {
                long slot = cache + otherworld.kernel.fs.BlockCache.HEADER.size() + (long) i * otherworld.kernel.fs.BlockCache.SLOT.size();
                if (d.ram.read32(slot + otherworld.kernel.fs.BlockCache.S_FLAGS) == 3) {
                    d.ram.write64(slot + otherworld.kernel.fs.BlockCache.S_BLOCK, 1L << 17 | 1L << 19); // no one flip from a block of the disk
                    return;
                }
            }
            throw new IllegalStateException("no dirty slot at the crash");
        })).run();
        assertEquals(1, r.reports().size(), r.log().toString());
        ResurrectionReport rep = r.reports().get(0);
        assertTrue(rep.machineProblems.toString().contains("outside the disk"), rep.lines().toString());
        assertTrue(rep.processes.stream().noneMatch(ResurrectionReport.Process::resurrected), rep.lines().toString());
        assertTrue(rep.processes.stream().allMatch(p -> p.problems().toString().contains("may be lost")), rep.lines().toString());
    }

    /** A tty that never received a byte has read none: a corrupt nread there is derived (0), not a refusal. */
    @org.junit.jupiter.api.Test
    void aTtyThatReceivedNothingHasReadNothing() {
        Scenario.Result r = two().probe(m -> new Corrupting(m, d -> {
            long tty0 = d.ram.read64(d.header + KH_TTYS);
            assertEquals(0, d.ram.read64(tty0 + TTY_NWRITE), "checksum's console types nothing");
            d.ram.write64(tty0 + TTY_NREAD, 1L << 41);
        })).run();
        asWithoutACrash(r);
    }

    /** Crashes the kernel at the start of system call CRASH_AT_CALL after corrupting the dead kernel's memory. */
    static final class Corrupting implements KernelHooks {
        final Machine m;
        final Corrupter corrupt;
        long calls;

        Corrupting(Machine m, Corrupter corrupt) {
            this.m = m;
            this.corrupt = corrupt;
        }

        @Override public void syscallStarted(int nr) {
            if (++calls != CRASH_AT_CALL) return;
            PhysicalMemory ram = m.memory;
            long h = ram.read64(ROOT_PA + ROOT_HEADER);
            long tasks = ram.read64(h + KH_TASKS);
            long healthy = -1, victim = -1;
            for (int i = 0; i < MAX_TASKS; i++) {
                long t = tasks + (long) i * TASK.size();
                if (ram.read32(t + T_STATE) == TASK_RUNNABLE && ram.read32(t + T_PID) == 1) healthy = t;
                if (ram.read32(t + T_STATE) == TASK_RUNNABLE && ram.read32(t + T_PID) == 2) victim = t;
            }
            assertTrue(healthy >= 0 && victim >= 0, "both processes are running at the crash");
            corrupt.apply(new Dead(ram, h, healthy, victim));
            throw new KernelPanic("corrupted the dead kernel and crashed");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void corruptedFieldRefusesItsProcessOnly(Case c) {
        Scenario.Result r = two().probe(m -> new Corrupting(m, c.corrupt())).run();
        assertEquals(1, r.reports().size(), r.log().toString());
        ResurrectionReport rep = r.reports().get(0);
        // The corrupt record may no longer say its own pid or name: it is the one process not resurrected.
        List<ResurrectionReport.Process> refused = rep.processes.stream().filter(p -> !p.resurrected()).toList();
        assertEquals(1, refused.size(), "exactly the corrupt process is refused: " + rep.lines());
        ResurrectionReport.Process victim = refused.get(0);
        assertTrue(victim.problems().toString().contains(c.problem()),
                "problem should name '" + c.problem() + "': " + victim.problems());
        assertTrue(rep.processes.stream().anyMatch(p -> p.resurrected() && p.pid() == 1 && p.name().equals("/bin/checksum")),
                rep.lines().toString());
        assertTrue(r.allExited(), "the healthy process ran to its end");
        assertEquals(REFERENCE.outputs().get(0), r.outputs().get(0), "the healthy process is unaffected");
        assertArrayEquals(REFERENCE.file("records.dat"), r.file("records.dat"), "the healthy process's file");
        assertEquals(REFERENCE.exitStatus().get(0), r.exitStatus().get(0));
        assertEquals(List.of(), r.audit(), "the refused process's frames and files are not leaked");
        otherworld.kernel.CrashCampaign.assertDiskClean(r);
    }
}
