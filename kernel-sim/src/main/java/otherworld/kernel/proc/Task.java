package otherworld.kernel.proc;

import static otherworld.kernel.layout.Layouts.*;

import java.nio.charset.StandardCharsets;

import otherworld.emulator.Hart;
import otherworld.kernel.mem.KMem;

/** A view on one task record in guest RAM (see {@code Layouts.TASK}). Holds nothing but the address. */
public final class Task {
    public final KMem mem;
    public final long pa;
    public final int index;

    public Task(KMem mem, long tablePa, int index) {
        this.mem = mem;
        this.index = index;
        this.pa = tablePa + (long) index * TASK.size();
    }

    public int state() { return mem.r32(pa + T_STATE); }
    public void setState(int s) { mem.w32(pa + T_STATE, s); }
    public int pid() { return mem.r32(pa + T_PID); }
    public int tty() { return mem.r32(pa + T_TTY); }
    public long satp() { return mem.r64(pa + T_SATP); }
    public long rootPa() { return (satp() & ((1L << 44) - 1)) << 12; }
    public long brk() { return mem.r64(pa + T_BRK); }
    public long brkBase() { return mem.r64(pa + T_BRK_BASE); }
    public void setBrk(long v) { mem.w64(pa + T_BRK, v); }
    public int fd(int i) { return mem.r32(pa + T_FD + 4L * i); }
    public void setFd(int i, int file) { mem.w32(pa + T_FD + 4L * i, file); }
    public long pc() { return mem.r64(pa + T_PC); }
    public void setPc(long v) { mem.w64(pa + T_PC, v); }
    public long x(int r) { return mem.r64(pa + T_X + 8L * r); }
    public void setX(int r, long v) { mem.w64(pa + T_X + 8L * r, v); }
    public long epc() { return mem.r64(pa + T_EPC); }
    public long cause() { return mem.r64(pa + T_CAUSE); }
    /** a0 at the trap: a system call's first argument, whatever a0 holds now. */
    public long origA0() { return mem.r64(pa + T_ORIG_A0); }
    public long sysword() { return mem.r64(pa + T_SYSWORD); }
    public void setSysword(long v) { mem.w64(pa + T_SYSWORD, v); }

    /** The last trap was a system call that has not committed: pc is still at its ecall. */
    public boolean callInFlight() { return cause() == CAUSE_ECALL && pc() == epc(); }

    /** The last trap was a system call that committed (its tail may still be running). */
    public boolean callCommitted() { return cause() == CAUSE_ECALL && pc() != epc(); }
    public String name() {
        byte[] b = new byte[NAME_LEN];
        mem.read(pa + T_NAME, b, 0, NAME_LEN);
        int n = 0;
        while (n < NAME_LEN && b[n] != 0) n++;
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    /**
     * Trap entry: the process's registers into its trap frame, with the trap's pc, cause and a0 (as Linux's entry
     * code fills pt_regs), and the sysword cleared. This is the entry stub, before any kernel code runs: crashes
     * strike after it.
     */
    public static void saveRegisters(KMem mem, long taskPa, Hart hart, long cause) {
        mem.w64(taskPa + T_PC, hart.pc);
        mem.w64(taskPa + T_EPC, hart.pc);
        mem.w64(taskPa + T_CAUSE, cause);
        mem.w64(taskPa + T_ORIG_A0, hart.x[10]);
        mem.w64(taskPa + T_SYSWORD, 0); // a call's sysword is its own: never one left by an earlier call
        mem.w64(taskPa + T_FCSR, hart.fcsr);
        for (int r = 1; r < 32; r++) mem.w64(taskPa + T_X + 8L * r, hart.x[r]);
        for (int r = 0; r < 32; r++) mem.w64(taskPa + T_F + 8L * r, hart.f[r]);
    }

    /** Return to user: the trap frame into the hart. */
    public static void loadRegisters(KMem mem, long taskPa, Hart hart) {
        hart.pc = mem.r64(taskPa + T_PC);
        hart.fcsr = (int) mem.r64(taskPa + T_FCSR);
        hart.x[0] = 0;
        for (int r = 1; r < 32; r++) hart.x[r] = mem.r64(taskPa + T_X + 8L * r);
        for (int r = 0; r < 32; r++) hart.f[r] = mem.r64(taskPa + T_F + 8L * r);
        hart.satp = mem.r64(taskPa + T_SATP);
    }
}
