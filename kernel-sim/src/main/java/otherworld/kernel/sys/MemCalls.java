package otherworld.kernel.sys;

import static otherworld.kernel.Errno.*;
import static otherworld.kernel.layout.Layouts.*;
import static otherworld.kernel.sys.Sysno.*;

import java.util.List;

import otherworld.kernel.Kernel;
import otherworld.kernel.fs.Ext2Repair;
import otherworld.kernel.mm.AddressSpaces;
import otherworld.kernel.mm.Vma;
import otherworld.kernel.mm.Vmas;
import otherworld.kernel.proc.Task;
import otherworld.kernel.verified.Sv39;

/**
 * Memory calls: brk, mmap, munmap, mremap, mprotect, madvise, msync. Written to the in-flight rule of
 * {@link Syscalls} with one shape for every call that changes mappings:
 * <ol>
 *   <li>before the commit: the new VMA list is computed and written into the task's list not in force (no one reads
 *       it); pages that leave a mapping are unmapped, and protections changed (a restart finds them done and does the
 *       same: the list in force has not changed); sysword := 1 + the number of the new list;</li>
 *   <li>the commit;</li>
 *   <li>tail: the new list is put in force ({@link Vmas#activate}: one write, absolute).</li>
 * </ol>
 * A mapping gets no page when it is made (demand paging: {@link AddressSpaces#fault}), so an mmap that is not made
 * leaves nothing behind, and one that is made again chooses the same address: the list it chooses in has not changed.
 */
final class MemCalls {
    static final int MAP_SHARED = 0x01;
    static final int MAP_PRIVATE = 0x02;
    static final int MAP_SHARED_VALIDATE = 0x03;
    static final int MAP_TYPE = 0x0f;
    static final int MAP_FIXED = 0x10;
    static final int MAP_ANONYMOUS = 0x20;
    static final int MAP_FIXED_NOREPLACE = 0x100000;
    /** Flags accepted and needing nothing here (MAP_NORESERVE, MAP_POPULATE, MAP_NONBLOCK, MAP_STACK, MAP_GROWSDOWN…). */
    static final int MAP_KNOWN = MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE
            | 0x0100 | 0x0800 | 0x1000 | 0x2000 | 0x4000 | 0x8000 | 0x10000 | 0x20000 | 0x40000;
    static final int MREMAP_MAYMOVE = 1;
    static final int MREMAP_FIXED = 2;
    static final int MS_ASYNC = 1;
    static final int MS_INVALIDATE = 2;
    static final int MS_SYNC = 4;
    static final int MADV_DONTNEED = 4;
    static final int MADV_FREE = 8;
    /** sysword of mremap when pages move: its tail moves them between two lists (see {@link #mremapTail}). */
    static final long MOVE = 0x100;

    private static final long PAGE = Sv39.PAGE_SIZE;

    private final Kernel k;
    private Syscalls calls;

    MemCalls(Kernel k) { this.k = k; }

    void register(Syscalls s) {
        this.calls = s;
        s.define(BRK, this::brk, this::brkTail);
        s.define(MMAP, this::mmap, this::activate, this::mmapRepair);
        s.define(MUNMAP, this::munmap, this::activate);
        s.define(MPROTECT, this::mprotect, this::activate);
        s.define(MREMAP, this::mremap, this::mremapTail, this::mremapRepair);
        s.define(MADVISE, this::madvise);
        s.define(MSYNC, this::msync);
    }

    private static long pageUp(long n) { return (n + PAGE - 1) / PAGE * PAGE; }

    /** The tail of the calls that change mappings: the new list in force. */
    void activate(Task t) {
        long w = t.sysword();
        if (w != 0) k.mm.vmas(t).activate((int) (w & 3) - 1);
    }

    private void stage(Task t, Vmas vs, List<Vma> l) { t.setSysword(1 + vs.stage(l)); }

    /**
     * brk(addr): the heap is one VMA from the break's base (none while empty). Growing: the new list; shrinking: the
     * pages past the new end unmapped, then the new list. Tail: the list in force, then brk := a0 (absolute). A break
     * that would meet another mapping, or go below its base, is refused by returning the current one.
     */
    long brk(Task t) {
        long addr = t.x(10);
        long cur = t.brk();
        long base = t.brkBase();
        if (addr < base) return cur;
        long oldEnd = pageUp(cur);
        long newEnd = pageUp(addr);
        if (newEnd == oldEnd) return addr;
        Vmas vs = k.mm.vmas(t);
        List<Vma> rest = Vmas.remove(vs.list(), base, oldEnd);
        if (newEnd > oldEnd && (Vmas.overlaps(rest, oldEnd, newEnd) || !Sv39.isUserRange(base, newEnd - base))) return cur;
        List<Vma> n = newEnd > base
                ? Vmas.insert(rest, new Vma(base, newEnd, 0, Vma.PROT_READ | Vma.PROT_WRITE, VM_HEAP, 0)) : rest;
        if (n.size() > MAX_VMAS) return cur;
        if (newEnd < oldEnd) k.mm.unmap(t, newEnd, oldEnd);
        stage(t, vs, n);
        return addr;
    }

    /** a0 is the result: the new break, or the old one when refused. */
    void brkTail(Task t) {
        activate(t);
        if (t.brk() != t.x(10)) t.setBrk(t.x(10));
    }

    /**
     * mmap(addr, len, prot, flags, fd, offset). Anonymous or a regular file's pages, private or shared; placed at
     * addr with MAP_FIXED (what was there is unmapped, before the commit: a restart unmaps nothing more) or
     * MAP_FIXED_NOREPLACE (EEXIST if anything is there), else at the hint if free, else top down below MMAP_TOP. A
     * shared file mapping first gives every page within the file's size a block (holes written with zeros; its repair
     * reconciles the inode if a crash interrupts that).
     */
    long mmap(Task t) {
        long addr = t.x(10), len = t.x(11), off = t.x(15);
        int prot = (int) t.x(12), flags = (int) t.x(13);
        long fd = t.x(14);
        int type = flags & MAP_TYPE;
        if (len <= 0 || len > Sv39.USER_VA_LIMIT || (type != MAP_SHARED && type != MAP_PRIVATE
                && type != MAP_SHARED_VALIDATE) || (type == MAP_SHARED_VALIDATE && (flags & ~MAP_KNOWN) != 0)) {
            return -EINVAL;
        }
        if ((off & (PAGE - 1)) != 0 || off < 0) return -EINVAL;
        boolean anon = (flags & MAP_ANONYMOUS) != 0, shared = type != MAP_PRIVATE;
        len = pageUp(len);
        int ino = 0;
        if (!anon) {
            Syscalls s = calls;
            int f = s.fileOf(t, fd);
            if (f < 0) return -EBADF;
            if (k.files.type(f) != FT_REG) return -ENODEV;
            int mode = k.files.flags(f) & FileCalls.O_ACCMODE;
            if (mode == FileCalls.O_WRONLY || (shared && (prot & Vma.PROT_WRITE) != 0 && mode != 2)) return -EACCES;
            ino = k.files.ino(f);
        }
        Vmas vs = k.mm.vmas(t);
        List<Vma> l = vs.list();
        boolean fixed = (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) != 0;
        long at;
        if (fixed) {
            if ((addr & (PAGE - 1)) != 0) return -EINVAL;
            if (!Sv39.isUserRange(addr, len) || addr < AddressSpaces.MMAP_LOW) return -ENOMEM;
            if ((flags & MAP_FIXED_NOREPLACE) != 0 && Vmas.overlaps(l, addr, addr + len)) return -EEXIST;
            at = addr;
        } else {
            long hint = Sv39.pageBase(addr);
            at = hint != 0 && Sv39.isUserRange(hint, len) && hint >= AddressSpaces.MMAP_LOW
                    && !Vmas.overlaps(l, hint, hint + len) ? hint
                    : Vmas.gap(l, len, 0, AddressSpaces.MMAP_LOW, AddressSpaces.MMAP_TOP);
            if (at < 0) return -ENOMEM;
        }
        Vma v = new Vma(at, at + len, anon ? 0 : off, prot & 7, (shared ? VM_SHARED : 0) | (anon ? 0 : VM_FILE), ino);
        List<Vma> n = Vmas.insert(Vmas.remove(l, at, at + len), v);
        if (n.size() > MAX_VMAS) return -ENOMEM;
        if (!anon && shared) {
            int r = k.mm.fillHoles(ino, off, len);
            if (r < 0) return r;
        }
        if (fixed) k.mm.unmap(t, at, at + len);
        stage(t, vs, n);
        return at;
    }

    /** After a crash in a shared file mmap: the inode whose holes it was filling is reconciled. */
    void mmapRepair(Task t, Ext2Repair fs, boolean committed) {
        if ((t.x(13) & MAP_ANONYMOUS) != 0 || (t.x(13) & MAP_TYPE) == MAP_PRIVATE) return;
        int f = calls.fileOf(t, t.x(14));
        if (f >= 0 && k.files.type(f) == FT_REG) fs.reconcile(k.files.ino(f));
    }

    /** munmap(addr, len): the pages unmapped (dirty shared pages written back when no one maps them), then the list. */
    long munmap(Task t) {
        long addr = t.x(10), len = t.x(11);
        if ((addr & (PAGE - 1)) != 0 || len <= 0 || !Sv39.isUserRange(addr, pageUp(len))) return -EINVAL;
        long end = addr + pageUp(len);
        Vmas vs = k.mm.vmas(t);
        List<Vma> l = vs.list();
        if (!Vmas.overlaps(l, addr, end)) return 0;
        List<Vma> n = Vmas.remove(l, addr, end);
        if (n.size() > MAX_VMAS) return -ENOMEM;
        k.mm.unmap(t, addr, end);
        stage(t, vs, n);
        return 0;
    }

    /** Whether [a, b) is wholly mapped (guards are not mappings). */
    private static boolean mapped(List<Vma> l, long a, long b) {
        for (Vma v : l) if ((v.flags() & VM_GUARD) != 0 && v.start() < b && a < v.end()) return false;
        return Vmas.covers(l, a, b);
    }

    /** mprotect(addr, len, prot): the present pages' PTEs (absolute), then the list. */
    long mprotect(Task t) {
        long addr = t.x(10), len = t.x(11);
        int prot = (int) t.x(12);
        if ((addr & (PAGE - 1)) != 0 || len < 0 || (prot & ~(7 | 0x01000000 | 0x02000000)) != 0) return -EINVAL;
        if (len == 0) return 0;
        long end = addr + pageUp(len);
        if (!Sv39.isUserRange(addr, end - addr)) return -ENOMEM;
        Vmas vs = k.mm.vmas(t);
        List<Vma> l = vs.list();
        if (!mapped(l, addr, end)) return -ENOMEM;
        List<Vma> n = Vmas.protect(l, addr, end, prot & 7);
        if (n.size() > MAX_VMAS) return -ENOMEM;
        k.mm.protect(t, n, addr, end);
        stage(t, vs, n);
        return 0;
    }

    /**
     * mremap(old, oldLen, newLen, flags, newAddr). Shrinking: the pages past the new end unmapped, then the list.
     * Growing in place when the pages after the mapping are free. Else, with MREMAP_MAYMOVE, the pages move: before
     * the commit, a list with both the old range and the new one is staged (and the page tables of the new range
     * made); sysword := MOVE | 1 + that list's number. The tail puts that list in force, moves the PTEs, stages the
     * list without the old range in the other list and puts it in force — each step absolute, so the tail can be
     * made again from any point.
     */
    long mremap(Task t) {
        long old = t.x(10), oldLen = pageUp(t.x(11)), newLen = pageUp(t.x(12)), newAddr = t.x(14);
        int flags = (int) t.x(13);
        if ((old & (PAGE - 1)) != 0 || (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED)) != 0
                || (flags & MREMAP_FIXED) != 0 && (flags & MREMAP_MAYMOVE) == 0 || newLen <= 0 || oldLen <= 0
                || t.x(12) <= 0 || !Sv39.isUserRange(old, oldLen) || !Sv39.isUserRange(old, newLen)) {
            return -EINVAL;
        }
        Vmas vs = k.mm.vmas(t);
        List<Vma> l = vs.list();
        Vma v = vs.find(old);
        if (v == null || old + oldLen > v.end() || (v.flags() & (VM_GUARD | VM_STACK)) != 0) return -EFAULT;
        boolean fixed = (flags & MREMAP_FIXED) != 0;
        if (!fixed && newLen <= oldLen) {
            if (newLen == oldLen) return old;
            List<Vma> n = Vmas.remove(l, old + newLen, old + oldLen);
            if (n.size() > MAX_VMAS) return -ENOMEM;
            k.mm.unmap(t, old + newLen, old + oldLen);
            stage(t, vs, n);
            return old;
        }
        if (!fixed && old + oldLen == v.end() && Sv39.isUserRange(old, newLen)
                && !Vmas.overlaps(l, old + oldLen, old + newLen) && old + newLen <= AddressSpaces.MMAP_TOP) {
            List<Vma> n = Vmas.insert(Vmas.remove(l, v.start(), v.end()), v.slice(v.start(), old + newLen));
            if (n.size() > MAX_VMAS) return -ENOMEM;
            if (v.file() && v.shared()) {
                int r = k.mm.fillHoles(v.ino(), v.fileOffset(old + oldLen), newLen - oldLen);
                if (r < 0) return r;
            }
            stage(t, vs, n);
            return old;
        }
        if ((flags & MREMAP_MAYMOVE) == 0) return -ENOMEM;
        long at;
        List<Vma> base = l;
        if (fixed) {
            if ((newAddr & (PAGE - 1)) != 0 || newAddr < old + oldLen && old < newAddr + newLen) return -EINVAL;
            if (!Sv39.isUserRange(newAddr, newLen) || newAddr < AddressSpaces.MMAP_LOW) return -EINVAL;
            at = newAddr;
            base = Vmas.remove(l, at, at + newLen);
        } else {
            at = Vmas.gap(l, newLen, 0, AddressSpaces.MMAP_LOW, AddressSpaces.MMAP_TOP);
            if (at < 0) return -ENOMEM;
        }
        Vma moved = new Vma(at, at + newLen, v.file() ? v.fileOffset(old) : 0, v.prot(), v.flags(), v.ino());
        List<Vma> both = Vmas.insert(base, moved);
        if (both.size() > MAX_VMAS || Vmas.remove(both, old, old + oldLen).size() > MAX_VMAS) return -ENOMEM;
        if (v.file() && v.shared() && newLen > oldLen) {
            int r = k.mm.fillHoles(v.ino(), v.fileOffset(old) + oldLen, newLen - oldLen);
            if (r < 0) return r;
        }
        if (!k.mm.prepareTables(t, at, Math.min(oldLen, newLen))) return -ENOMEM;
        if (fixed) k.mm.unmap(t, at, at + newLen);
        t.setSysword(MOVE | (1 + vs.stage(both)));
        return at;
    }

    void mremapTail(Task t) {
        long w = t.sysword();
        if ((w & MOVE) == 0) {
            activate(t);
            return;
        }
        long old = t.origA0(), oldLen = pageUp(t.x(11)), newLen = pageUp(t.x(12)), at = t.x(10);
        Vmas vs = k.mm.vmas(t);
        int both = (int) (w & 3) - 1;
        vs.activate(both);
        if (oldLen > newLen) k.mm.unmap(t, old + newLen, old + oldLen);
        k.mm.move(t, old, at, Math.min(oldLen, newLen));
        vs.stage(Vmas.remove(vs.list(both), old, old + oldLen));
        vs.activate(1 - both);
    }

    void mremapRepair(Task t, Ext2Repair fs, boolean committed) {
        Vma v = k.mm.vmas(t).find(t.origA0());
        if (v != null && v.file() && v.shared()) fs.reconcile(v.ino());
    }

    /**
     * madvise(addr, len, advice): MADV_DONTNEED and MADV_FREE drop the pages (a private page reads as zeros, or the
     * file's bytes, at its next touch; a shared file page keeps its data in its file page); other advice is taken and
     * ignored. Idempotent.
     */
    long madvise(Task t) {
        long addr = t.x(10), len = t.x(11);
        int advice = (int) t.x(12);
        if ((addr & (PAGE - 1)) != 0 || len < 0) return -EINVAL;
        if (!(advice >= 0 && advice <= 4 || advice == MADV_FREE || advice >= 9 && advice <= 25 || advice == 100
                || advice == 101)) {
            return -EINVAL;
        }
        if (len == 0) return 0;
        long end = addr + pageUp(len);
        if (!Sv39.isUserRange(addr, end - addr)) return -EINVAL;
        List<Vma> l = k.mm.vmas(t).list();
        if (!mapped(l, addr, end)) return -ENOMEM;
        if (advice == MADV_DONTNEED || advice == MADV_FREE) k.mm.unmap(t, addr, end);
        return 0;
    }

    /** msync(addr, len, flags): the dirty shared file pages of the range written to disk (MS_ASYNC too). */
    long msync(Task t) {
        long addr = t.x(10), len = t.x(11);
        int flags = (int) t.x(12);
        if ((addr & (PAGE - 1)) != 0 || len < 0 || (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) != 0
                || (flags & (MS_ASYNC | MS_SYNC)) == (MS_ASYNC | MS_SYNC)) {
            return -EINVAL;
        }
        long end = addr + pageUp(len);
        if (!Sv39.isUserRange(addr, end - addr)) return -ENOMEM;
        if (len > 0 && !mapped(k.mm.vmas(t).list(), addr, end)) return -ENOMEM;
        k.mm.sync(t, addr, end);
        return 0;
    }
}
