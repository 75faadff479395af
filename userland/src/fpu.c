/*
 * fpu: float and double arithmetic, conversions and printing.
 *
 * Values pass through volatile variables so the compiler cannot fold them:
 * every operation and conversion below runs on the guest's F/D extension.
 * Out-of-range float-to-integer casts are undefined in C; here they show
 * what RISC-V fcvt does (saturate; NaN converts to the largest value).
 *
 * Exercises: fadd/fsub/fmul/fdiv/fsqrt/fmadd (s and d), fcvt in every
 * direction with truncation, fmin/fmax, fclass-based paths in printf,
 * canonical NaN, infinities, signed zero, subnormals, and printf's %f %e %g %a.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static volatile double vd;
static volatile float vf;

static uint64_t dbits(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

static uint32_t fbits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static void arithmetic(void)
{
    volatile double a = 1.0, b = 3.0, c = -2.5, big = 1e300, tiny = 1e-300;
    volatile float fa = 1.0f, fb = 3.0f, fc = -2.5f;
    printf("d: 1/3 = %.17g\n", a / b);
    printf("d: 1/3*3 = %.17g\n", a / b * b);
    printf("d: 0.1+0.2 = %.17g\n", 0.1 + (double)(a / 10.0 * 2.0));
    printf("d: -2.5*3 = %.6f\n", c * b);
    printf("d: sqrt(2) = %.17g\n", sqrt(a + a));
    printf("d: fma(1/3,3,-1) = %.17g\n", fma(a / b, b, -a));
    printf("d: big*big = %f, -big*big = %f\n", big * big, -big * big);
    printf("d: tiny*tiny = %g, tiny/big = %g\n", tiny * tiny, tiny / big);
    printf("d: min subnormal = %g (%a)\n", DBL_TRUE_MIN * a, DBL_TRUE_MIN * a);
    vd = 0.0;
    double nan = vd / vd;
    printf("d: 0/0 = %f bits %016llx\n", nan, (unsigned long long)dbits(nan));
    printf("d: -0.0 = %f, 1/-0.0 = %f\n", -vd, a / -vd);
    printf("d: nan==nan %d, nan<1 %d, inf>big %d\n", nan == nan, nan < a, big * big > big);
    printf("d: fmin(nan,1) = %g, fmax(-0,0) = %g\n", fmin(nan, a), fmax(-vd, vd));
    printf("f: 1/3 = %.9g\n", (double)(fa / fb));
    printf("f: -2.5*3 = %.6f\n", (double)(fc * fb));
    printf("f: sqrt(2) = %.9g\n", (double)sqrtf(fa + fa));
    printf("f: fmaf(1/3,3,-1) = %.9g\n", (double)fmaf(fa / fb, fb, -fa));
    vf = 0.0f;
    float fnan = vf / vf;
    printf("f: 0/0 bits %08x, 1e38*10 = %f\n", fbits(fnan), (double)(fa * 1e38f * 10.0f));
}

static void conversions(void)
{
    static const double ds[] = {
        0.0, -0.0, 0.5, -0.5, 1.9999, -1.9999, 3.7, -3.7, 2147483647.9, -2147483648.9,
        2147483648.0, -2147483649.0, 4294967295.5, 4294967296.0, 9.2233720368547748e18,
        -9.2233720368547758e18, 1.8446744073709552e19, 1e20, -1e20, 1e300,
    };
    for (size_t i = 0; i < sizeof ds / sizeof ds[0]; i++) {
        vd = ds[i];
        int32_t i32 = (int32_t)vd;
        uint32_t u32 = (uint32_t)vd;
        int64_t i64 = (int64_t)vd;
        uint64_t u64 = (uint64_t)vd;
        printf("cvt %.17g: i32 %d u32 %u i64 %lld u64 %llu\n", vd, i32, u32,
               (long long)i64, (unsigned long long)u64);
    }
    vd = INFINITY;
    printf("cvt inf: i32 %d i64 %lld\n", (int32_t)vd, (long long)(int64_t)vd);
    vd = -INFINITY;
    printf("cvt -inf: i32 %d i64 %lld u64 %llu\n", (int32_t)vd, (long long)(int64_t)vd,
           (unsigned long long)(uint64_t)vd);
    vd = 0.0;
    vd = vd / vd;
    printf("cvt nan: i32 %d i64 %lld u32 %u\n", (int32_t)vd, (long long)(int64_t)vd,
           (uint32_t)vd);

    static const float fs[] = {-7.75f, 16777217.0f, 3.4e38f, -1e10f, 0.99999994f};
    for (size_t i = 0; i < sizeof fs / sizeof fs[0]; i++) {
        vf = fs[i];
        printf("cvt float %.9g: i32 %d i64 %lld u64 %llu as double %.17g\n", (double)vf,
               (int32_t)vf, (long long)(int64_t)vf, (unsigned long long)(uint64_t)vf,
               (double)vf);
    }

    static const int64_t is[] = {0, -1, 16777217, 9007199254740993LL, INT64_MIN, INT64_MAX};
    for (size_t i = 0; i < sizeof is / sizeof is[0]; i++) {
        volatile int64_t v = is[i];
        printf("int %lld: double %.17g float %.9g\n", (long long)v, (double)v,
               (double)(float)v);
    }
    volatile uint64_t um = UINT64_MAX;
    volatile uint32_t u32m = UINT32_MAX;
    printf("uint64 max: double %.17g float %.9g\n", (double)um, (double)(float)um);
    printf("uint32 max: double %.17g float %.9g\n", (double)u32m, (double)(float)u32m);

    vd = 0.1;
    float narrowed = (float)vd;
    printf("double 0.1 -> float %.9g bits %08x -> double %.17g\n", (double)narrowed,
           fbits(narrowed), (double)narrowed);
    vd = 1e40;
    printf("double 1e40 -> float %f\n", (double)(float)vd);
    vd = 1e-46;
    printf("double 1e-46 -> float %g\n", (double)(float)vd);
}

static void printing(void)
{
    static const double ps[] = {0.0, 1.0, -1.5, 123456.789, 1e-7, 6.02214076e23, 0.125, 2.0 / 3.0};
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++) {
        vd = ps[i];
        printf("print: %%f %f  %%.3e %.3e  %%g %g  %%a %a\n", vd, vd, vd, vd);
    }
    vf = 3.14159265f;
    printf("print float: %f %.10f %e %g\n", (double)vf, (double)vf, (double)vf, (double)vf);
    printf("print rounding: %.0f %.0f %.0f %.0f %.1f\n", 0.5, 1.5, 2.5, -0.5, 0.05);
    printf("print width: [%10.3f] [%-10.3f] [%+.2f] [%010.2f]\n", 3.14159, 3.14159, 2.0, -2.5);
}

int main(void)
{
    arithmetic();
    conversions();
    printing();
    printf("fpu: done\n");
    return 0;
}
