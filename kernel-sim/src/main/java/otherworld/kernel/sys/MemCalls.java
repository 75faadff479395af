package otherworld.kernel.sys;

import static otherworld.kernel.Errno.*;
import static otherworld.kernel.sys.Sysno.*;

import otherworld.kernel.Kernel;
import otherworld.kernel.mm.PageTable;
import otherworld.kernel.proc.Exec;
import otherworld.kernel.proc.Task;
import otherworld.kernel.verified.Sv39;

/** Memory calls: brk and mprotect. Both are idempotent: a restart after a crash finishes what the first try began. */
final class MemCalls {
    private final Kernel k;

    MemCalls(Kernel k) { this.k = k; }

    void register(Syscalls s) {
        s.define(BRK, this::brk);
        s.define(MPROTECT, this::mprotect);
    }

    /**
     * brk(addr). Growing: the heap's VMA first (so no page is ever mapped outside one), then each page not yet mapped
     * gets a zeroed frame (a restart skips those mapped already), then brk := addr. Shrinking: pages unmapped, then
     * the VMA, then brk. Out of memory: what this call mapped is unmapped and the old break returned.
     */
    long brk(Task t) {
        long addr = t.x(10);
        long cur = t.brk();
        long base = t.brkBase();
        if (addr < base || addr > Exec.STACK_TOP - Exec.STACK_SIZE - (1L << 20)) return cur;
        long oldEnd = Sv39.pageBase(cur + Sv39.PAGE_SIZE - 1);
        long newEnd = Sv39.pageBase(addr + Sv39.PAGE_SIZE - 1);
        int heap = t.nvma() - 1;
        PageTable pt = k.pageTable(t);
        if (newEnd > oldEnd) t.setVma(heap, base, Math.max(base, newEnd), Sv39.PTE_R | Sv39.PTE_W);
        for (long p = oldEnd; p < newEnd; p += Sv39.PAGE_SIZE) {
            if (Sv39.isValid(pt.lookup(p))) continue;
            long pa = k.frames.alloc();
            if (pa < 0) {
                for (long q = oldEnd; q < p; q += Sv39.PAGE_SIZE) k.frames.free(pt.unmap(q));
                t.setVma(heap, base, Math.max(base, oldEnd), Sv39.PTE_R | Sv39.PTE_W);
                return cur;
            }
            k.mem.zero(pa, (int) Sv39.PAGE_SIZE);
            if (!pt.map(p, pa, Sv39.PTE_R | Sv39.PTE_W)) {
                k.frames.free(pa);
                for (long q = oldEnd; q < p; q += Sv39.PAGE_SIZE) k.frames.free(pt.unmap(q));
                t.setVma(heap, base, Math.max(base, oldEnd), Sv39.PTE_R | Sv39.PTE_W);
                return cur;
            }
        }
        if (newEnd < oldEnd) {
            for (long p = newEnd; p < oldEnd; p += Sv39.PAGE_SIZE) {
                long pa = pt.unmap(p);
                if (pa >= 0) k.frames.free(pa);
            }
            k.machine.hart.flushTlb();
            t.setVma(heap, base, Math.max(base, newEnd), Sv39.PTE_R | Sv39.PTE_W);
        }
        if (t.brk() != addr) t.setBrk(addr);
        return addr;
    }

    /** mprotect(addr, len, prot): absolute, so a restart gives the same protections. */
    long mprotect(Task t) {
        long addr = t.x(10), len = t.x(11);
        int prot = (int) t.x(12);
        if ((addr & (Sv39.PAGE_SIZE - 1)) != 0 || len < 0) return -EINVAL;
        if (len == 0) return 0;
        if (!Sv39.isUserRange(addr, len)) return -ENOMEM;
        long end = Sv39.pageBase(addr + len + Sv39.PAGE_SIZE - 1);
        PageTable pt = k.pageTable(t);
        for (long p = addr; p < end; p += Sv39.PAGE_SIZE) if (!Sv39.isValid(pt.lookup(p))) return -ENOMEM;
        int rwx = 0;
        if ((prot & 1) != 0) rwx |= Sv39.PTE_R;
        if ((prot & 2) != 0) rwx |= Sv39.PTE_W | Sv39.PTE_R;
        if ((prot & 4) != 0) rwx |= Sv39.PTE_X;
        for (long p = addr; p < end; p += Sv39.PAGE_SIZE) pt.protect(p, rwx);
        k.machine.hart.flushTlb();
        return 0;
    }
}
