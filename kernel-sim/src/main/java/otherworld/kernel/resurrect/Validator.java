package otherworld.kernel.resurrect;

import static otherworld.kernel.layout.Layouts.*;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import otherworld.emulator.PhysicalMemory;
import otherworld.kernel.mem.KMem;
import otherworld.kernel.verified.Bounds;
import otherworld.kernel.verified.Sv39;

/**
 * Read-only checks of one dead task: magic and version, fields in range, its page tables walked with bounds (each
 * table inside RAM, outside every kernel region, used once — so a cycle or a shared table is caught), every user
 * frame in RAM and outside kernel regions, its VMAs, trap frame and fd table. Problems are collected, not thrown.
 */
final class Validator {
    private final KMem v;
    private final PhysicalMemory ram;
    private final long regionBase, regionSize, crashBase, crashSize, ptPool;
    private final int nttys;

    Validator(KMem v, PhysicalMemory ram, long regionBase, long regionSize, long crashBase, long crashSize, long ptPool,
              int nttys) {
        this.ptPool = ptPool;
        this.v = v;
        this.ram = ram;
        this.regionBase = regionBase;
        this.regionSize = regionSize;
        this.crashBase = crashBase;
        this.crashSize = crashSize;
        this.nttys = nttys;
    }

    /**
     * A frame the task may own (a page or a page table): in RAM, page aligned, not the root area, not the dead
     * kernel's structures (its region up to the page-table pool, and the region's last page), not the crash region.
     * The pool is ordinary memory once a kernel runs: the crash kernel that built it put page tables there, and what
     * they did not use is free for anything.
     */
    boolean userFrame(long pa) {
        return Bounds.inRegion(pa, Sv39.PAGE_SIZE, ram.base(), ram.size()) && Bounds.isAligned(pa, Sv39.PAGE_SIZE)
                && pa >= FIRST_REGION_PA
                && !CrashKernel.overlaps(pa, Sv39.PAGE_SIZE, regionBase, ptPool - regionBase)
                && !CrashKernel.overlaps(pa, Sv39.PAGE_SIZE, regionBase + regionSize - Sv39.PAGE_SIZE, Sv39.PAGE_SIZE)
                && !CrashKernel.overlaps(pa, Sv39.PAGE_SIZE, crashBase, crashSize);
    }

    /** A frame that may hold a page table: any frame a task may own. */
    boolean tableFrame(long pa) {
        return userFrame(pa);
    }

    CrashKernel.Image task(long t, int slot, long filesPa) {
        CrashKernel.Image img = new CrashKernel.Image();
        img.slot = slot;
        List<String> p = img.problems;
        if (!Bounds.magicOk(v.r32(t), TASK.magic, v.r32(t + 4), TASK.version, TASK.version)) {
            p.add("task record: bad magic or version");
            return img;
        }
        img.state = v.r32(t + T_STATE);
        img.pid = v.r32(t + T_PID);
        img.tty = v.r32(t + T_TTY);
        byte[] nb = new byte[NAME_LEN];
        v.read(t + T_NAME, nb, 0, NAME_LEN);
        int n = 0;
        while (n < NAME_LEN && nb[n] != 0) n++;
        img.name = n < NAME_LEN ? new String(nb, 0, n, java.nio.charset.StandardCharsets.UTF_8) : "?";
        if (n == NAME_LEN) p.add("name not terminated");
        if (img.state != TASK_RUNNABLE && img.state != TASK_ZOMBIE) p.add("state " + img.state + " unknown");
        if (img.pid <= 0) p.add("pid " + img.pid + " invalid");
        if (img.tty < 0 || img.tty >= nttys) p.add("tty " + img.tty + " invalid");
        if (img.state != TASK_RUNNABLE) return img;

        long satp = v.r64(t + T_SATP);
        long root = Sv39.satpRootPa(satp);
        if ((satp >>> 60) != 8 || !tableFrame(root)) {
            p.add(String.format("satp 0x%x does not name a page table in user memory", satp));
            return img;
        }
        walk(root, 2, 0, new HashSet<>(), img);
        long pc = v.r64(t + T_PC);
        if (!Sv39.isUserRange(pc, 4)) p.add(String.format("pc 0x%x outside user space", pc));
        int nvma = v.r32(t + T_NVMA);
        if (nvma < 0 || nvma > MAX_VMAS) {
            p.add("vma count " + nvma + " invalid");
        } else {
            for (int i = 0; i < nvma; i++) {
                long s = v.r64(t + T_VMAS + 24L * i), e = v.r64(t + T_VMAS + 24L * i + 8);
                if (s > e || !Bounds.isAligned(s, Sv39.PAGE_SIZE) || !Sv39.isUserRange(s, e - s)) {
                    p.add(String.format("vma %d [0x%x, 0x%x) invalid", i, s, e));
                }
            }
            for (long[] leaf : img.leaves) {
                boolean inside = false;
                for (int i = 0; i < nvma && !inside; i++) {
                    inside = leaf[0] >= v.r64(t + T_VMAS + 24L * i) && leaf[0] < v.r64(t + T_VMAS + 24L * i + 8);
                }
                if (!inside) {
                    p.add(String.format("page 0x%x mapped outside every vma", leaf[0]));
                    break;
                }
            }
        }
        if (v.r64(t + T_BRK) < v.r64(t + T_BRK_BASE)) p.add("brk below its base");
        for (int fd = 0; fd < NOFILE; fd++) {
            int f = v.r32(t + T_FD + 4L * fd);
            img.fds[fd] = -1;
            if (f == -1) continue;
            if (!Bounds.indexOk(f, MAX_FILES)) {
                p.add("fd " + fd + " names file " + f + ", outside the table");
                continue;
            }
            long fe = filesPa + (long) f * FILE.size();
            int type = v.r32(fe + F_TYPE);
            if (!Bounds.magicOk(v.r32(fe), FILE.magic, v.r32(fe + 4), FILE.version, FILE.version) || v.r32(fe + F_REFS) <= 0
                    || (type != FT_REG && type != FT_TTY) || v.r64(fe + F_OFFSET) < 0
                    || (type == FT_REG && v.r32(fe + F_INO) <= 0)
                    || (type == FT_TTY && (v.r32(fe + F_TTY) < 0 || v.r32(fe + F_TTY) >= nttys))) {
                p.add("fd " + fd + ": open file " + f + " is corrupt");
                continue;
            }
            img.fds[fd] = f;
        }
        return img;
    }

    private void walk(long table, int level, long vaBase, Set<Long> seen, CrashKernel.Image img) {
        if (!seen.add(table)) {
            img.problems.add(String.format("page table 0x%x reached twice (cycle or sharing)", table));
            return;
        }
        for (int i = 0; i < 512; i++) {
            long pte = v.r64(table + 8L * i);
            if (!Sv39.isValid(pte)) continue;
            long va = vaBase + (long) i * (1L << (12 + 9 * level));
            long pa = Sv39.paOf(Sv39.ptePpn(pte));
            if (level == 2 && i >= 256) {
                img.problems.add(String.format("mapping above the user half at 0x%x", va));
                return;
            }
            if (level == 0 ? !userFrame(pa) : !tableFrame(pa)) {
                img.problems.add(String.format("pte for 0x%x points to 0x%x, not a %s frame", va, pa,
                        level == 0 ? "user" : "page-table"));
                return;
            }
            if (level == 0) {
                if (!Sv39.isLeaf(pte) || (Sv39.pteFlags(pte) & Sv39.PTE_U) == 0) {
                    img.problems.add(String.format("pte for 0x%x is not a user leaf", va));
                    return;
                }
                img.leaves.add(new long[] {va, pa, Sv39.pteFlags(pte)});
            } else {
                if (Sv39.isLeaf(pte)) {
                    img.problems.add(String.format("superpage at 0x%x: this kernel makes none", va));
                    return;
                }
                walk(pa, level - 1, va, seen, img);
                if (!img.problems.isEmpty()) return;
            }
        }
    }
}
