/*
 * isa-vectors: F, D and Zba/Zbb/Zbs results and fflags over boundary operands, in every rounding mode,
 * for comparison with qemu-riscv64. Freestanding (no libc): prints one line per operation and rounding mode,
 * "name rm count hash", where hash is FNV-1a over every (result, fflags) pair. Built by make-guest.sh.
 */
typedef unsigned long u64;
typedef unsigned int u32;

static long sys(long n, long a, long b, long c) {
    register long a0 asm("a0") = a, a1 asm("a1") = b, a2 asm("a2") = c, a7 asm("a7") = n;
    asm volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
    return a0;
}

static char buf[64];
static void put(const char *s) { long n = 0; while (s[n]) n++; sys(64, 1, (long) s, n); }
static void hex(u64 v) {
    for (int i = 0; i < 16; i++) buf[i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 15];
    buf[16] = 0;
    put(buf);
}
static void dec(u64 v) {
    char t[24]; int n = 0;
    do { t[n++] = '0' + v % 10; v /= 10; } while (v);
    for (int i = 0; i < n; i++) buf[i] = t[n - 1 - i];
    buf[n] = 0;
    put(buf);
}

static u64 hash, count;
static void mix(u64 v) {
    for (int i = 0; i < 8; i++) { hash ^= (v >> (8 * i)) & 0xFF; hash *= 0x100000001b3UL; }
    count++;
}
static void begin(void) { hash = 0xcbf29ce484222325UL; count = 0; }
static void end(const char *name, int rm) {
    put(name); put(" "); dec(rm); put(" "); dec(count); put(" "); hex(hash); put("\n");
}

static void set_frm(int rm) { asm volatile("fsrm %0" :: "r"(rm)); }
static void clear_flags(void) { asm volatile("fsflags zero"); }
static u64 flags(void) { u64 f; asm volatile("frflags %0" : "=r"(f)); return f; }

static const u64 D[] = {
    0x0000000000000000, 0x8000000000000000, 0x0000000000000001, 0x000fffffffffffff, 0x0010000000000000,
    0x0010000000000001, 0x001fffffffffffff, 0x3ff0000000000000, 0x3ff0000000000001, 0x3fefffffffffffff,
    0xbff8000000000000, 0x4340000000000000, 0x4330000000000001, 0x7fefffffffffffff, 0x7fe0000000000000,
    0x7ff0000000000000, 0xfff0000000000000, 0x7ff8000000000000, 0x7ff0000000000001, 0x3fd5555555555555,
    0xc1e0000000000000, 0x41dfffffffc00000, 0x43e0000000000000, 0xc3e0000000000000, 0x41f0000000000000,
    0x3ca0000000000000, 0x0360000000000000, 0x3c90000000000001, 0x801ffffffffffffe, 0x4000000000000000,
};
static const u32 S[] = {
    0x00000000, 0x80000000, 0x00000001, 0x007fffff, 0x00800000, 0x00800001, 0x3f800000, 0x3f800001,
    0x3f7fffff, 0xbfc00000, 0x4b800000, 0x4b000001, 0x7f7fffff, 0x7f000000, 0x7f800000, 0xff800000,
    0x7fc00000, 0x7f800001, 0x3eaaaaab, 0xcf000000, 0x4effffff, 0x5f000000, 0xdf000000, 0x4f800000,
    0x33800000, 0x0c800000, 0x33000001, 0x80fffffe, 0x40000000, 0x1f800000,
};
static const u64 I[] = {
    0, 1, (u64) -1, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000, 0x7fffffffffffffff, 0x8000000000000000,
    0x20000000000001, 0x1000001, 0x1000003, 0xfffffffffffff800, 0x123456789abcdef0, 0x8000000000000401,
    0xffffffff80000001, 0x0000ffff0000ffff, 0xfffffffffffffffe,
};
#define ND (sizeof D / sizeof D[0])
#define NS (sizeof S / sizeof S[0])
#define NI (sizeof I / sizeof I[0])

#define BIN_D(name, insn) static void name(int rm) { begin(); \
    for (unsigned i = 0; i < ND; i++) for (unsigned j = 0; j < ND; j++) { u64 r; clear_flags(); \
        asm volatile("fmv.d.x ft0, %1\n fmv.d.x ft1, %2\n " insn " ft2, ft0, ft1\n fmv.x.d %0, ft2" \
            : "=r"(r) : "r"(D[i]), "r"(D[j]) : "ft0", "ft1", "ft2"); mix(r); mix(flags()); } end(#name, rm); }
#define BIN_S(name, insn) static void name(int rm) { begin(); \
    for (unsigned i = 0; i < NS; i++) for (unsigned j = 0; j < NS; j++) { u64 r; clear_flags(); \
        asm volatile("fmv.w.x ft0, %1\n fmv.w.x ft1, %2\n " insn " ft2, ft0, ft1\n fmv.x.d %0, ft2" \
            : "=r"(r) : "r"(S[i]), "r"(S[j]) : "ft0", "ft1", "ft2"); mix(r); mix(flags()); } end(#name, rm); }
#define FMA_D(name, insn) static void name(int rm) { begin(); \
    for (unsigned i = 0; i < ND; i++) for (unsigned j = 0; j < ND; j++) for (unsigned k = 0; k < ND; k += 3) { \
        u64 r; clear_flags(); \
        asm volatile("fmv.d.x ft0, %1\n fmv.d.x ft1, %2\n fmv.d.x ft3, %3\n " insn " ft2, ft0, ft1, ft3\n fmv.x.d %0, ft2" \
            : "=r"(r) : "r"(D[i]), "r"(D[j]), "r"(D[k]) : "ft0", "ft1", "ft2", "ft3"); mix(r); mix(flags()); } end(#name, rm); }
#define FMA_S(name, insn) static void name(int rm) { begin(); \
    for (unsigned i = 0; i < NS; i++) for (unsigned j = 0; j < NS; j++) for (unsigned k = 0; k < NS; k += 3) { \
        u64 r; clear_flags(); \
        asm volatile("fmv.w.x ft0, %1\n fmv.w.x ft1, %2\n fmv.w.x ft3, %3\n " insn " ft2, ft0, ft1, ft3\n fmv.x.d %0, ft2" \
            : "=r"(r) : "r"(S[i]), "r"(S[j]), "r"(S[k]) : "ft0", "ft1", "ft2", "ft3"); mix(r); mix(flags()); } end(#name, rm); }
#define UN_D(name, insn, mvin, mvout, T, n) static void name(int rm) { begin(); \
    for (unsigned i = 0; i < n; i++) { u64 r; clear_flags(); \
        asm volatile(mvin " ft0, %1\n " insn "\n " mvout " %0, ft2" : "=r"(r) : "r"(T[i]) : "ft0", "ft2"); \
        mix(r); mix(flags()); } end(#name, rm); }
#define TOI(name, insn, mvin, T, n) static void name(int rm) { begin(); \
    for (unsigned i = 0; i < n; i++) { u64 r; clear_flags(); \
        asm volatile(mvin " ft0, %1\n " insn " %0, ft0" : "=r"(r) : "r"(T[i]) : "ft0"); \
        mix(r); mix(flags()); } end(#name, rm); }
#define FROMI(name, insn) static void name(int rm) { begin(); \
    for (unsigned i = 0; i < NI; i++) { u64 r; clear_flags(); \
        asm volatile(insn " ft2, %1\n fmv.x.d %0, ft2" : "=r"(r) : "r"(I[i]) : "ft2"); \
        mix(r); mix(flags()); } end(#name, rm); }

BIN_D(fadd_d, "fadd.d") BIN_D(fsub_d, "fsub.d") BIN_D(fmul_d, "fmul.d") BIN_D(fdiv_d, "fdiv.d")
BIN_D(fmin_d, "fmin.d") BIN_D(fmax_d, "fmax.d") BIN_D(fsgnjx_d, "fsgnjx.d")
BIN_S(fadd_s, "fadd.s") BIN_S(fsub_s, "fsub.s") BIN_S(fmul_s, "fmul.s") BIN_S(fdiv_s, "fdiv.s")
BIN_S(fmin_s, "fmin.s") BIN_S(fmax_s, "fmax.s")
FMA_D(fmadd_d, "fmadd.d") FMA_D(fnmsub_d, "fnmsub.d") FMA_S(fmadd_s, "fmadd.s") FMA_S(fnmadd_s, "fnmadd.s")
UN_D(fsqrt_d, "fsqrt.d ft2, ft0", "fmv.d.x", "fmv.x.d", D, ND)
UN_D(fsqrt_s, "fsqrt.s ft2, ft0", "fmv.w.x", "fmv.x.d", S, NS)
UN_D(fcvt_s_d, "fcvt.s.d ft2, ft0", "fmv.d.x", "fmv.x.d", D, ND)
UN_D(fcvt_d_s, "fcvt.d.s ft2, ft0", "fmv.w.x", "fmv.x.d", S, NS)
TOI(fcvt_w_d, "fcvt.w.d", "fmv.d.x", D, ND) TOI(fcvt_wu_d, "fcvt.wu.d", "fmv.d.x", D, ND)
TOI(fcvt_l_d, "fcvt.l.d", "fmv.d.x", D, ND) TOI(fcvt_lu_d, "fcvt.lu.d", "fmv.d.x", D, ND)
TOI(fcvt_w_s, "fcvt.w.s", "fmv.w.x", S, NS) TOI(fcvt_lu_s, "fcvt.lu.s", "fmv.w.x", S, NS)
TOI(fclass_d, "fclass.d", "fmv.d.x", D, ND) TOI(fclass_s, "fclass.s", "fmv.w.x", S, NS)
FROMI(fcvt_d_l, "fcvt.d.l") FROMI(fcvt_d_lu, "fcvt.d.lu") FROMI(fcvt_s_l, "fcvt.s.l") FROMI(fcvt_s_wu, "fcvt.s.wu")
FROMI(fcvt_s_lu, "fcvt.s.lu") FROMI(fcvt_d_w, "fcvt.d.w")

static void compares(void) {
    begin();
    for (unsigned i = 0; i < ND; i++) for (unsigned j = 0; j < ND; j++) {
        u64 a, b, c; clear_flags();
        asm volatile("fmv.d.x ft0, %3\n fmv.d.x ft1, %4\n feq.d %0, ft0, ft1\n flt.d %1, ft0, ft1\n fle.d %2, ft0, ft1"
            : "=r"(a), "=r"(b), "=r"(c) : "r"(D[i]), "r"(D[j]) : "ft0", "ft1");
        mix(a | b << 1 | c << 2); mix(flags());
    }
    end("fcmp_d", 0);
}

#define B2(name, insn) static void name(void) { begin(); \
    for (unsigned i = 0; i < NI; i++) for (unsigned j = 0; j < NI; j++) { u64 r; \
        asm volatile(insn " %0, %1, %2" : "=r"(r) : "r"(I[i]), "r"(I[j] ^ (j * 0x9e3779b97f4a7c15UL))); mix(r); } \
    end(#name, 0); }
#define B1(name, insn) static void name(void) { begin(); \
    for (unsigned i = 0; i < NI; i++) for (unsigned j = 0; j < 8; j++) { u64 r; \
        asm volatile(insn " %0, %1" : "=r"(r) : "r"(I[i] >> (j * 7) ^ I[j])); mix(r); } \
    end(#name, 0); }

B2(add_uw, "add.uw") B2(sh1add, "sh1add") B2(sh2add, "sh2add") B2(sh3add, "sh3add") B2(sh1add_uw, "sh1add.uw")
B2(sh2add_uw, "sh2add.uw") B2(sh3add_uw, "sh3add.uw") B2(andn, "andn") B2(orn, "orn") B2(xnor, "xnor")
B2(max, "max") B2(maxu, "maxu") B2(min, "min") B2(minu, "minu") B2(rol, "rol") B2(rolw, "rolw") B2(ror, "ror")
B2(rorw, "rorw") B2(bclr, "bclr") B2(bext, "bext") B2(binv, "binv") B2(bset, "bset")
B1(clz, "clz") B1(clzw, "clzw") B1(ctz, "ctz") B1(ctzw, "ctzw") B1(cpop, "cpop") B1(cpopw, "cpopw")
B1(sext_b, "sext.b") B1(sext_h, "sext.h") B1(zext_h, "zext.h") B1(orc_b, "orc.b") B1(rev8, "rev8")
B1(slli_uw, "slli.uw %0, %1, 7 #") B1(rori, "rori %0, %1, 13 #") B1(roriw, "roriw %0, %1, 5 #")
B1(bclri, "bclri %0, %1, 63 #") B1(bexti, "bexti %0, %1, 31 #") B1(binvi, "binvi %0, %1, 7 #")
B1(bseti, "bseti %0, %1, 40 #")

typedef void (*fp_test)(int);
static const fp_test FP[] = {
    fadd_d, fsub_d, fmul_d, fdiv_d, fmin_d, fmax_d, fsgnjx_d, fadd_s, fsub_s, fmul_s, fdiv_s, fmin_s, fmax_s,
    fmadd_d, fnmsub_d, fmadd_s, fnmadd_s, fsqrt_d, fsqrt_s, fcvt_s_d, fcvt_d_s, fcvt_w_d, fcvt_wu_d, fcvt_l_d,
    fcvt_lu_d, fcvt_w_s, fcvt_lu_s, fclass_d, fclass_s, fcvt_d_l, fcvt_d_lu, fcvt_s_l, fcvt_s_wu, fcvt_s_lu,
    fcvt_d_w,
};
typedef void (*b_test)(void);
static const b_test B[] = {
    add_uw, sh1add, sh2add, sh3add, sh1add_uw, sh2add_uw, sh3add_uw, andn, orn, xnor, max, maxu, min, minu, rol,
    rolw, ror, rorw, bclr, bext, binv, bset, clz, clzw, ctz, ctzw, cpop, cpopw, sext_b, sext_h, zext_h, orc_b,
    rev8, slli_uw, rori, roriw, bclri, bexti, binvi, bseti,
};

void _start(void) {
    for (int rm = 0; rm < 5; rm++) {
        set_frm(rm);
        for (unsigned t = 0; t < sizeof FP / sizeof FP[0]; t++) FP[t](rm);
    }
    set_frm(0);
    compares();
    for (unsigned t = 0; t < sizeof B / sizeof B[0]; t++) B[t]();
    sys(93, 0, 0, 0);
    for (;;) {}
}
