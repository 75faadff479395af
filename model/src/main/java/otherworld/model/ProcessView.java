package otherworld.model;

import java.util.Arrays;

/**
 * A process as seen from outside the kernel: status, user registers, memory pages, fd offsets.
 * This is what conformance will compare between the model and a kernel puppet process.
 */
public final class ProcessView {
    private final int status;
    private final int pc;
    private final int a0;
    private final int t0;
    private final int[] pages;
    private final int[] offsets;

    public ProcessView(int status, int pc, int a0, int t0, int[] pages, int[] offsets) {
        this.status = status;
        this.pc = pc;
        this.a0 = a0;
        this.t0 = t0;
        this.pages = pages.clone();
        this.offsets = offsets.clone();
    }

    public int status() { return status; }
    public int pc() { return pc; }
    public int a0() { return a0; }
    public int t0() { return t0; }
    public int[] pages() { return pages.clone(); }
    public int[] offsets() { return offsets.clone(); }

    /** The same process after a system call completed with result {@code a0}. */
    public ProcessView completed(int result, int offsetDelta) {
        int[] off = offsets.clone();
        off[0] += offsetDelta;
        return new ProcessView(status, pc + 1, result, t0, pages, off);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ProcessView)) {
            return false;
        }
        ProcessView v = (ProcessView) o;
        return status == v.status && pc == v.pc && a0 == v.a0 && t0 == v.t0
                && Arrays.equals(pages, v.pages) && Arrays.equals(offsets, v.offsets);
    }

    @Override
    public int hashCode() {
        return ((((status * 31 + pc) * 31 + a0) * 31 + t0) * 31 + Arrays.hashCode(pages)) * 31
                + Arrays.hashCode(offsets);
    }

    @Override
    public String toString() {
        return State.statusName(status) + " pc=" + pc + " a0=" + a0 + " t0=" + t0 + " pages="
                + Arrays.toString(pages) + " offsets=" + Arrays.toString(offsets);
    }
}
