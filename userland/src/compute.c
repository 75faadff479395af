/*
 * compute: CPU-bound work with almost no system calls.
 *
 *   1. sieve of Eratosthenes up to 2,000,000: prime count, sum, last prime
 *   2. 128x128 integer matrix multiply (fixed-seed PRNG input): trace, checksum
 *   3. hash loop: 6,000,000 rounds of xorshift64* folded into FNV-1a
 *   4. double precision: Leibniz series for pi, Newton square roots,
 *      a Mandelbrot area estimate, a harmonic sum; printed with "%.6f"
 *
 * About 163 million guest instructions in total (counted under qemu-riscv64
 * -singlestep -d nochain,exec: 162,723,441).
 * Exercises: the integer ALU, M extension (mul/div/rem), loads and stores,
 * branches, the D extension (fadd/fmul/fdiv/fsqrt/fcvt, fused multiply-add),
 * and printf's floating-point conversion.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIEVE_N 2000000
#define MAT_N 128
#define HASH_ROUNDS 6000000

static unsigned char composite[SIEVE_N + 1];
static int32_t ma[MAT_N][MAT_N], mb[MAT_N][MAT_N];
static int64_t mc[MAT_N][MAT_N];

static uint64_t rng_state = 0x0123456789abcdefULL; /* fixed seed */

static uint64_t rng(void)
{
    uint64_t x = rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * 0x2545f4914f6cdd1dULL;
}

static void sieve(void)
{
    memset(composite, 0, sizeof composite);
    composite[0] = composite[1] = 1;
    for (long i = 2; i * i <= SIEVE_N; i++)
        if (!composite[i])
            for (long j = i * i; j <= SIEVE_N; j += i)
                composite[j] = 1;
    long primes = 0, last = 0;
    uint64_t sum = 0;
    for (long i = 2; i <= SIEVE_N; i++)
        if (!composite[i]) {
            primes++;
            sum += (uint64_t)i;
            last = i;
        }
    printf("sieve: %ld primes below %d, sum %llu, largest %ld\n",
           primes, SIEVE_N, (unsigned long long)sum, last);
}

static void matmul(void)
{
    for (int i = 0; i < MAT_N; i++)
        for (int j = 0; j < MAT_N; j++) {
            ma[i][j] = (int32_t)(rng() % 2001) - 1000;
            mb[i][j] = (int32_t)(rng() % 2001) - 1000;
        }
    for (int i = 0; i < MAT_N; i++)
        for (int j = 0; j < MAT_N; j++) {
            int64_t s = 0;
            for (int k = 0; k < MAT_N; k++)
                s += (int64_t)ma[i][k] * mb[k][j];
            mc[i][j] = s;
        }
    int64_t trace = 0;
    uint64_t h = 0xcbf29ce484222325ULL;
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (int i = 0; i < MAT_N; i++) {
        trace += mc[i][i];
        for (int j = 0; j < MAT_N; j++) {
            h = (h ^ (uint64_t)mc[i][j]) * 0x100000001b3ULL;
            if (mc[i][j] < lo)
                lo = mc[i][j];
            if (mc[i][j] > hi)
                hi = mc[i][j];
        }
    }
    printf("matmul: %dx%d trace %lld min %lld max %lld hash %016llx\n", MAT_N, MAT_N,
           (long long)trace, (long long)lo, (long long)hi, (unsigned long long)h);
}

static void hash_loop(void)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    uint64_t x = 88172645463325252ULL;
    uint32_t divs = 0;
    for (long i = 0; i < HASH_ROUNDS; i++) {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        uint64_t v = x * 0x2545f4914f6cdd1dULL;
        h = (h ^ v) * 0x100000001b3ULL;
        if ((v & 0xff) == 0)
            divs += (uint32_t)(v / ((h >> 40) | 1) % 1000);
    }
    printf("hash: %d rounds, fnv %016llx, xorshift %016llx, divs %u\n",
           HASH_ROUNDS, (unsigned long long)h, (unsigned long long)x, divs);
}

static double newton_sqrt(double a)
{
    double x = a > 1.0 ? a / 2.0 : 1.0;
    for (int i = 0; i < 60; i++)
        x = 0.5 * (x + a / x);
    return x;
}

static void floating(void)
{
    /* Leibniz: pi = 4 * sum (-1)^k / (2k+1) */
    double pi = 0.0;
    for (long k = 0; k < 2000000; k++)
        pi += (k & 1 ? -4.0 : 4.0) / (double)(2 * k + 1);
    printf("fp: leibniz pi %.6f (error %.3e)\n", pi, pi - 3.14159265358979323846);

    double roots = 0.0;
    for (int i = 1; i <= 2000; i++)
        roots += newton_sqrt((double)i);
    printf("fp: sum of sqrt(1..2000) %.6f\n", roots);

    /* Mandelbrot area on a 200x200 grid over [-2,0.5]x[-1.25,1.25]. */
    const int grid = 200, iters = 100;
    long inside = 0;
    for (int py = 0; py < grid; py++) {
        double ci = -1.25 + 2.5 * (py + 0.5) / grid;
        for (int px = 0; px < grid; px++) {
            double cr = -2.0 + 2.5 * (px + 0.5) / grid;
            double zr = 0.0, zi = 0.0;
            int n = 0;
            while (n < iters && zr * zr + zi * zi <= 4.0) {
                double t = zr * zr - zi * zi + cr;
                zi = 2.0 * zr * zi + ci;
                zr = t;
                n++;
            }
            if (n == iters)
                inside++;
        }
    }
    double area = 2.5 * 2.5 * (double)inside / (grid * grid);
    printf("fp: mandelbrot %ld of %d points inside, area %.6f\n", inside, grid * grid, area);

    double harmonic = 0.0;
    float harmonic_f = 0.0f;
    for (int i = 1; i <= 1000000; i++) {
        harmonic += 1.0 / i;
        harmonic_f += 1.0f / (float)i;
    }
    printf("fp: harmonic(1e6) double %.6f float %.6f\n", harmonic, (double)harmonic_f);
}

int main(void)
{
    sieve();
    matmul();
    hash_loop();
    floating();
    printf("compute: done\n");
    return 0;
}
