package otherworld.kernel.resurrect;

import static org.junit.jupiter.api.Assertions.*;
import static otherworld.kernel.layout.Layouts.*;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import otherworld.emulator.Machine;
import otherworld.emulator.PhysicalMemory;
import otherworld.kernel.mem.DirectMem;
import otherworld.kernel.mem.ReadOnlyMem;
import otherworld.kernel.mm.Vma;
import otherworld.kernel.mm.Vmas;

/**
 * A task's VMA table: the list in force (the table's, or the one a committed execve staged) well formed and
 * covering every page the task maps outside guards, the list a committed call will put in force well formed too; and
 * the table copied to the new kernel, or emptied for a task that holds nothing. Direct cases on tables in a small
 * memory, and a dead kernel whose process maps a page no VMA covers revived.
 */
class VmaImageDirectTest {
    static final long TABLES = PhysicalMemory.BASE + 0x1000;
    static final long NEW_TABLES = TABLES + (long) MAX_TASKS * VMAT.size();
    static final int SLOT = 3;
    static final long PAGE = 4096;

    /** Code at 0x10000 (2 pages), a guard page at 0x20000, the stack above it (15 pages): list 1, in force. */
    static final List<Vma> IN_FORCE = List.of(
            new Vma(0x10000, 0x12000, 0, Vma.PROT_READ | Vma.PROT_EXEC, 0, 0),
            new Vma(0x20000, 0x21000, 0, 0, VM_GUARD, 0),
            new Vma(0x21000, 0x30000, 0, Vma.PROT_READ | Vma.PROT_WRITE, VM_STACK, 0));
    /** List 0: one heap VMA. */
    static final List<Vma> OTHER = List.of(new Vma(0x40000, 0x44000, 0, Vma.PROT_READ | Vma.PROT_WRITE, VM_HEAP, 0));

    static long table(int slot) { return TABLES + (long) slot * VMAT.size(); }

    static PhysicalMemory tables() {
        PhysicalMemory ram = new PhysicalMemory(2 << 20);
        DirectMem m = new DirectMem(ram);
        Vmas.format(m, TABLES);
        for (int slot = 0; slot < MAX_TASKS; slot++) {
            write(ram, slot, 0, OTHER);
            write(ram, slot, 1, IN_FORCE);
            m.w32(table(slot) + VT_ACTIVE, 1);
        }
        return ram;
    }

    /** List {@code which} of the slot's table := l, written as the kernel stages a list (the other one in force meanwhile). */
    static void write(PhysicalMemory ram, int slot, int which, List<Vma> l) {
        long active = table(slot) + VT_ACTIVE;
        int was = ram.read32(active);
        ram.write32(active, 1 - which);
        new Vmas(new DirectMem(ram), TABLES, slot).stage(l);
        ram.write32(active, was);
    }

    static List<long[]> leaves(long... vas) {
        List<long[]> l = new ArrayList<>();
        for (long va : vas) l.add(new long[] {va, 0x8010_0000L + va, 0});
        return l;
    }

    static final List<long[]> MAPPED = leaves(0x10000, 0x11000, 0x21000, 0x2F000);

    /** The problems of SLOT's table; active gets the list in force (it starts with a stale entry). */
    static List<String> validate(PhysicalMemory ram, List<long[]> leaves, int staged, int inForce, List<Vma> active) {
        active.add(new Vma(0x9000, 0xA000, 0, 1, 0, 0));
        return VmaImage.validate(new ReadOnlyMem(ram), TABLES, SLOT, leaves, staged, inForce, active);
    }

    static List<String> validate(PhysicalMemory ram, List<long[]> leaves) {
        return validate(ram, leaves, -1, -1, new ArrayList<>());
    }

    @Test
    void aWellFormedTableGivesTheListInForce() {
        List<Vma> active = new ArrayList<>();
        assertEquals(List.of(), validate(tables(), MAPPED, -1, -1, active));
        assertEquals(IN_FORCE, active, "the table's list in force, and nothing else");
        active = new ArrayList<>();
        assertEquals(List.of(), validate(tables(), leaves(0x40000), -1, 0, active), "an execve's staged list 0");
        assertEquals(OTHER, active);
        PhysicalMemory ram = tables();
        ram.write32(table(SLOT) + VT_ACTIVE, 0);
        active = new ArrayList<>();
        assertEquals(List.of(), validate(ram, MAPPED, -1, 1, active), "an execve's staged list 1 over the table's 0");
        assertEquals(IN_FORCE, active);
    }

    @Test
    void aBadHeaderOrListInForceIsNamed() {
        PhysicalMemory ram = tables();
        ram.write32(table(SLOT), 0);
        assertEquals(List.of("vma table: bad magic or version"), validate(ram, MAPPED));
        ram = tables();
        ram.write32(table(SLOT) + 4, VMAT.version + 1);
        assertEquals(List.of("vma table: bad magic or version"), validate(ram, MAPPED));
        ram = tables();
        ram.write32(table(SLOT) + 4, VMAT.version - 1);
        assertEquals(List.of("vma table: bad magic or version"), validate(ram, MAPPED));
        ram = tables();
        ram.write32(table(SLOT) + VT_ACTIVE, 2);
        assertEquals(List.of("vma table: list in force 2 invalid"), validate(ram, MAPPED));
        ram.write32(table(SLOT) + VT_ACTIVE, -1);
        assertEquals(List.of("vma table: list in force -1 invalid"), validate(ram, MAPPED));
        assertEquals(List.of(), validate(ram, MAPPED, -1, 1, new ArrayList<>()), "a committed execve's list decides");
    }

    @Test
    void theCountMustBeATableSize() {
        PhysicalMemory ram = tables();
        ram.write32(table(SLOT) + VT_COUNT + 4, -1);
        assertEquals(List.of("vma count -1 invalid"), validate(ram, MAPPED));
        ram.write32(table(SLOT) + VT_COUNT + 4, MAX_VMAS + 1);
        assertEquals(List.of("vma count " + (MAX_VMAS + 1) + " invalid"), validate(ram, MAPPED));
        ram.write32(table(SLOT) + VT_COUNT + 4, 0);
        assertEquals(List.of(), validate(ram, leaves()), "no mapping, no page");
        List<Vma> full = new ArrayList<>();
        for (int i = 0; i < MAX_VMAS; i++) full.add(new Vma(0x100000 + 2 * PAGE * i, 0x100000 + 2 * PAGE * i + PAGE, 0, 1, 0, 0));
        write(ram, SLOT, 1, full);
        List<Vma> active = new ArrayList<>();
        assertEquals(List.of(), validate(ram, leaves(0x100000, 0x100000 + 2 * PAGE * (MAX_VMAS - 1)), -1, -1, active));
        assertEquals(full, active, "a full list");
    }

    @Test
    void aMalformedListInForceIsRefusedWithItsReason() {
        PhysicalMemory ram = tables();
        ram.write64(Vmas.entry(table(SLOT), 1, 2) + V_START, 0x20000); // overlaps the guard
        List<String> p = validate(ram, MAPPED);
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).contains("vma 2 at 0x20000 overlaps the one before"), p.toString());
    }

    @Test
    void theListACommittedCallWillPutInForceIsCheckedToo() {
        PhysicalMemory ram = tables();
        ram.write32(table(SLOT) + VT_COUNT, MAX_VMAS + 7); // list 0: not in force
        assertEquals(List.of(), validate(ram, MAPPED), "no call will put it in force: not read");
        assertEquals(List.of(), validate(ram, MAPPED, 2, -1, new ArrayList<>()), "no list 2");
        assertEquals(List.of("the list a committed call puts in force: vma count " + (MAX_VMAS + 7) + " invalid"),
                validate(ram, MAPPED, 0, -1, new ArrayList<>()));
        List<Vma> active = new ArrayList<>();
        assertEquals(List.of(), validate(tables(), MAPPED, 0, -1, active), "a well-formed staged list");
        assertEquals(IN_FORCE, active, "the list in force is still the table's");
        ram = tables();
        ram.write32(Vmas.entry(table(SLOT), 1, 0) + V_PROT, 8);
        assertEquals(List.of("the list a committed call puts in force: vma 0: protection or flags invalid"),
                validate(ram, leaves(0x40000), 1, 0, new ArrayList<>()), "staged 1 while an execve's 0 is in force");
    }

    @Test
    void everyMappedPageMustLieInAVmaThatIsNotAGuard() {
        String outside = "page 0x%x mapped outside every vma";
        assertEquals(List.of(), validate(tables(), leaves(0x10000, 0x11000, 0x2F000)), "first and last pages of VMAs");
        assertEquals(List.of(String.format(outside, 0xF000)), validate(tables(), leaves(0xF000, 0x10000)), "below them");
        assertEquals(List.of(String.format(outside, 0x12000)), validate(tables(), leaves(0x10000, 0x12000, 0x13000)),
                "at the end of one (reported once)");
        assertEquals(List.of(String.format(outside, 0x20000)), validate(tables(), leaves(0x20000)), "in the guard");
        assertEquals(List.of(String.format(outside, 0x30000)), validate(tables(), leaves(0x2F000, 0x30000)), "above them");
        PhysicalMemory ram = tables();
        ram.write32(Vmas.entry(table(SLOT), 1, 1) + V_FLAGS, 0); // the guard page now an ordinary mapping
        assertEquals(List.of(), validate(ram, leaves(0x11000, 0x20000, 0x21000)), "adjacent VMAs, the page at one's end");
    }

    @Test
    void rebuildCopiesTheTableOrEmptiesIt() {
        PhysicalMemory ram = tables();
        DirectMem m = new DirectMem(ram);
        ram.fill(NEW_TABLES, (long) MAX_TASKS * VMAT.size(), (byte) 0x2D);
        write(ram, SLOT, 0, List.of(new Vma(0x50000, 0x58000, 0, Vma.PROT_READ, 0, 0))); // its own, unlike the others
        ram.write32(table(SLOT) + VT_ACTIVE, 0);
        VmaImage.rebuild(new ReadOnlyMem(ram), m, TABLES, NEW_TABLES, SLOT, false);
        VmaImage.rebuild(new ReadOnlyMem(ram), m, TABLES, NEW_TABLES, SLOT + 2, true);
        byte[] old = new byte[VMAT.size()], now = new byte[VMAT.size()];
        ram.read(table(SLOT), old, 0, old.length);
        ram.read(NEW_TABLES + (long) SLOT * VMAT.size(), now, 0, now.length);
        assertArrayEquals(old, now, "its own table: both lists and which is in force");
        ram.read(NEW_TABLES + (long) (SLOT + 2) * VMAT.size(), now, 0, now.length);
        PhysicalMemory fresh = new PhysicalMemory(1 << 20);
        VMAT.init(new DirectMem(fresh), PhysicalMemory.BASE);
        fresh.read(PhysicalMemory.BASE, old, 0, old.length);
        assertArrayEquals(old, now, "a zombie's table: empty");
        assertEquals(0x2D2D2D2D, ram.read32(NEW_TABLES + (long) (SLOT + 1) * VMAT.size()), "other slots untouched");
    }

    // ---- a dead kernel whose process maps a page outside its VMAs ----------------------------------------------------

    @Test
    void aPageOutsideEveryVmaRefusesItsProcessOnly() {
        DeadKernels.Dead dead = DeadKernels.two();
        Machine m = dead.machine();
        long t = DeadKernels.Dead.task(m.memory, 2);
        long h = DeadKernels.Dead.header(m.memory);
        int slot = (int) ((t - m.memory.read64(h + KH_TASKS)) / TASK.size());
        long vmat = m.memory.read64(h + KH_VMAS) + (long) slot * VMAT.size();
        int active = m.memory.read32(vmat + VT_ACTIVE);
        int n = m.memory.read32(vmat + VT_COUNT + 4L * active);
        for (int i = 0; i < n; i++) { // each VMA cut to its first page: the pages above it uncovered
            long e = Vmas.entry(vmat, active, i);
            m.memory.write64(e + V_END, m.memory.read64(e + V_START) + PAGE);
        }
        DeadKernels.Revived r = DeadKernels.revive(m, dead.config);
        assertNull(r.failure());
        assertTrue(r.process(1).resurrected(), r.report().lines().toString());
        assertFalse(r.process(2).resurrected(), r.report().lines().toString());
        assertTrue(r.process(2).problems().toString().contains("mapped outside every vma"), r.report().lines().toString());
        assertEquals(List.of(), r.audit(), "the refused process's frames are free again");
    }
}
