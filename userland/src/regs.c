/*
 * regs: every register holds a distinct, known value at every system call and while the program spins between
 * them, so a kernel (or a crash kernel) that loses, swaps or zeroes any register -- x1..x31, f0..f31, fcsr -- is
 * caught, whether the process was inside a system call or preempted by the timer when the kernel crashed.
 *
 * Each round: fcsr and all 32 f registers and every x register but sp, a0 (the spin counter) and a7 (the call
 * number) get values from a running sum seeded by the round; the program spins, calls getpid, stores every register
 * and compares with what it loaded. The heap is grown with raw brk calls each round, a page at a time, each page
 * filled with a pattern; brk(0) must return exactly the break the program set, and the pages keep their pattern.
 *
 * Output: one line at the end, "regs: N rounds, every register and the heap intact", or the first mismatch; exit 1
 * on a mismatch. Usage: regs [ROUNDS [SPINS]]   (default 200 rounds, 3000 spins).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define K 0x9E3779B97F4A7C15ull

/* The x registers set from the running sum, in the order they are set (sp, a0, a7 excluded). */
static const int XREGS[] = {1, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27,
                            28, 29, 30, 31};
#define NX (int) (sizeof XREGS / sizeof XREGS[0])

/* out[0..31]: x0..x31 after the call (x2 unused), out[32..63]: f0..f31, out[64]: fcsr. */
void regs_round(uint64_t seed, uint64_t spins, uint64_t *out, uint64_t fcsr);

__asm__(
    "    .text\n"
    "    .globl regs_round\n"
    "    .type regs_round, @function\n"
    "regs_round:\n"
    "    addi sp, sp, -256\n"
    "    sd ra, 0(sp)\n    sd gp, 8(sp)\n    sd tp, 16(sp)\n    sd s0, 24(sp)\n    sd s1, 32(sp)\n"
    "    sd s2, 40(sp)\n    sd s3, 48(sp)\n    sd s4, 56(sp)\n    sd s5, 64(sp)\n    sd s6, 72(sp)\n"
    "    sd s7, 80(sp)\n    sd s8, 88(sp)\n    sd s9, 96(sp)\n    sd s10, 104(sp)\n    sd s11, 112(sp)\n"
    "    fsd fs0, 120(sp)\n    fsd fs1, 128(sp)\n    fsd fs2, 136(sp)\n    fsd fs3, 144(sp)\n"
    "    fsd fs4, 152(sp)\n    fsd fs5, 160(sp)\n    fsd fs6, 168(sp)\n    fsd fs7, 176(sp)\n"
    "    fsd fs8, 184(sp)\n    fsd fs9, 192(sp)\n    fsd fs10, 200(sp)\n    fsd fs11, 208(sp)\n"
    "    sd a1, 216(sp)\n    sd a2, 224(sp)\n"
    "    csrw fcsr, a3\n"
    "    mv a7, a0\n"
    "    li a0, 0x9E3779B97F4A7C15\n"
#define F(n) "    add a7, a7, a0\n    fmv.d.x f" #n ", a7\n"
    F(0) F(1) F(2) F(3) F(4) F(5) F(6) F(7) F(8) F(9) F(10) F(11) F(12) F(13) F(14) F(15)
    F(16) F(17) F(18) F(19) F(20) F(21) F(22) F(23) F(24) F(25) F(26) F(27) F(28) F(29) F(30) F(31)
#define X(n) "    add a7, a7, a0\n    mv x" #n ", a7\n"
    X(1) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(11) X(12) X(13) X(14) X(15) X(16) X(18) X(19) X(20) X(21)
    X(22) X(23) X(24) X(25) X(26) X(27) X(28) X(29) X(30) X(31)
    "    ld a0, 216(sp)\n"
    "1:  addi a0, a0, -1\n"
    "    bnez a0, 1b\n"
    "    li a7, 172\n" /* getpid */
    "    ecall\n"
    "    sd a7, 232(sp)\n"
    "    ld a7, 224(sp)\n"
#define SX(n) "    sd x" #n ", " #n "*8(a7)\n"
    SX(1) SX(3) SX(4) SX(5) SX(6) SX(7) SX(8) SX(9) SX(10) SX(11) SX(12) SX(13) SX(14) SX(15) SX(16) SX(18)
    SX(19) SX(20) SX(21) SX(22) SX(23) SX(24) SX(25) SX(26) SX(27) SX(28) SX(29) SX(30) SX(31)
#define SF(n) "    fsd f" #n ", (32+" #n ")*8(a7)\n"
    SF(0) SF(1) SF(2) SF(3) SF(4) SF(5) SF(6) SF(7) SF(8) SF(9) SF(10) SF(11) SF(12) SF(13) SF(14) SF(15)
    SF(16) SF(17) SF(18) SF(19) SF(20) SF(21) SF(22) SF(23) SF(24) SF(25) SF(26) SF(27) SF(28) SF(29) SF(30) SF(31)
    "    ld a0, 232(sp)\n"
    "    sd a0, 17*8(a7)\n"
    "    frcsr a0\n"
    "    sd a0, 64*8(a7)\n"
    "    ld ra, 0(sp)\n    ld gp, 8(sp)\n    ld tp, 16(sp)\n    ld s0, 24(sp)\n    ld s1, 32(sp)\n"
    "    ld s2, 40(sp)\n    ld s3, 48(sp)\n    ld s4, 56(sp)\n    ld s5, 64(sp)\n    ld s6, 72(sp)\n"
    "    ld s7, 80(sp)\n    ld s8, 88(sp)\n    ld s9, 96(sp)\n    ld s10, 104(sp)\n    ld s11, 112(sp)\n"
    "    fld fs0, 120(sp)\n    fld fs1, 128(sp)\n    fld fs2, 136(sp)\n    fld fs3, 144(sp)\n"
    "    fld fs4, 152(sp)\n    fld fs5, 160(sp)\n    fld fs6, 168(sp)\n    fld fs7, 176(sp)\n"
    "    fld fs8, 184(sp)\n    fld fs9, 192(sp)\n    fld fs10, 200(sp)\n    fld fs11, 208(sp)\n"
    "    addi sp, sp, 256\n"
    "    ret\n"
    "    .size regs_round, .-regs_round\n");

static char line[256];

static void say(const char *s) {
    size_t n = strlen(s);
    while (n > 0) {
        ssize_t w = write(1, s, n);
        if (w <= 0) exit(2);
        s += w;
        n -= (size_t) w;
    }
}

static void fail(void) {
    say(line);
    exit(1);
}

static uint64_t page_word(uint64_t page, uint64_t i) { return (page + 1) * K ^ (i * 0x100000001b3ull); }

int main(int argc, char **argv) {
    long rounds = argc > 1 ? atol(argv[1]) : 200;
    long spins = argc > 2 ? atol(argv[2]) : 3000;
    static uint64_t out[65];
    /* No malloc from here on: glibc's own brk bookkeeping would fight the raw brk calls below. */
    uintptr_t base = (uintptr_t) syscall(SYS_brk, 0);
    uintptr_t brk = base;
    long pages = 0;
    for (long r = 0; r < rounds; r++) {
        uint64_t seed = (uint64_t) (r + 1) * 0x2545F4914F6CDD1Dull;
        uint64_t fcsr = (uint64_t) (r % 32) | (uint64_t) (r % 5) << 5;
        memset(out, 0, sizeof out);
        regs_round(seed, (uint64_t) spins + (uint64_t) (r % 7), out, fcsr);
        uint64_t acc = seed;
        for (int i = 0; i < 32; i++) {
            acc += K;
            if (out[32 + i] != acc) {
                snprintf(line, sizeof line, "regs: round %ld: f%d = 0x%llx, expected 0x%llx\n", r, i,
                         (unsigned long long) out[32 + i], (unsigned long long) acc);
                fail();
            }
        }
        for (int i = 0; i < NX; i++) {
            acc += K;
            if (out[XREGS[i]] != acc) {
                snprintf(line, sizeof line, "regs: round %ld: x%d = 0x%llx, expected 0x%llx\n", r, XREGS[i],
                         (unsigned long long) out[XREGS[i]], (unsigned long long) acc);
                fail();
            }
        }
        if (out[10] != (uint64_t) getpid() || out[17] != 172 || out[64] != fcsr) {
            snprintf(line, sizeof line, "regs: round %ld: a0 0x%llx a7 %llu fcsr 0x%llx, expected pid, 172, 0x%llx\n",
                     r, (unsigned long long) out[10], (unsigned long long) out[17], (unsigned long long) out[64],
                     (unsigned long long) fcsr);
            fail();
        }
        /* The heap: grow by a page, fill it; the break must be exactly where it was set. */
        if (pages < 64) {
            uintptr_t want = brk + 4096;
            if ((uintptr_t) syscall(SYS_brk, want) != want) {
                snprintf(line, sizeof line, "regs: round %ld: brk(0x%lx) refused\n", r, (unsigned long) want);
                fail();
            }
            uint64_t *p = (uint64_t *) brk;
            for (uint64_t i = 0; i < 512; i++) p[i] = page_word((uint64_t) pages, i);
            brk = want;
            pages++;
        }
        uintptr_t now = (uintptr_t) syscall(SYS_brk, 0);
        if (now != brk) {
            snprintf(line, sizeof line, "regs: round %ld: brk(0) = 0x%lx, expected 0x%lx\n", r, (unsigned long) now,
                     (unsigned long) brk);
            fail();
        }
        if (r % 16 == 15 || r == rounds - 1) {
            for (long pg = 0; pg < pages; pg++) {
                uint64_t *p = (uint64_t *) (base + (uintptr_t) pg * 4096);
                for (uint64_t i = 0; i < 512; i++) {
                    if (p[i] != page_word((uint64_t) pg, i)) {
                        snprintf(line, sizeof line, "regs: round %ld: heap page %ld word %llu changed\n", r, pg,
                                 (unsigned long long) i);
                        fail();
                    }
                }
            }
        }
    }
    snprintf(line, sizeof line, "regs: %ld rounds, every register and the heap intact (%ld heap pages)\n", rounds,
             pages);
    say(line);
    return 0;
}
