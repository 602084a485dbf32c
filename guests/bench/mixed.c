/*
 * mixed: a loop mixing add, shift, xor, load, store, mul and data-dependent branches over a
 * small array (64 words, 512 bytes).
 *
 * One iteration seeds the array from xorshift64, runs MIXED_ROUNDS passes in which every
 * word absorbs its neighbour (shift, add, xor-shift, multiply, then an add or a subtract
 * chosen by the low bit), and folds the array into one 64-bit checksum.  Every iteration
 * starts from the same seed, so every checksum must equal MIXED_EXPECTED, the value the
 * independent Python model `benchmarks/reference.py` computes.  Exit 0 = all equal.
 */
#include "bench.h"

#define MIXED_WORDS 64
#define MIXED_ROUNDS 8
#define MIXED_SEED 0x243f6a8885a308d3ULL
#define MIXED_MUL 0x9e3779b97f4a7c15ULL
#define MIXED_EXPECTED 0x28003adafb2d941cULL /* benchmarks/reference.py: mixed_checksum() */

BENCH_ITERS(2000);

static u64 arr[MIXED_WORDS];

static u64 mixed_once(void)
{
    u64 s = MIXED_SEED;
    for (int i = 0; i < MIXED_WORDS; i++)
        arr[i] = bench_xorshift(&s);
    for (int r = 0; r < MIXED_ROUNDS; r++) {
        for (int i = 0; i < MIXED_WORDS; i++) {
            u64 v = arr[i];
            u64 w = arr[(i + 1) & (MIXED_WORDS - 1)];
            v += w << 5;
            v ^= v >> 11;
            v *= MIXED_MUL;
            if (v & 1)
                v += (u64)i;
            else
                v -= w >> 3;
            arr[i] = v;
        }
    }
    u64 sum = 0;
    for (int i = 0; i < MIXED_WORDS; i++)
        sum = sum * 31 + arr[i];
    return sum;
}

int main(void)
{
    u64 n = bench_iters;
    u64 got = MIXED_EXPECTED;
    for (u64 it = 0; it < n; it++) {
        BENCH_BARRIER();
        got = mixed_once();
        if (got != MIXED_EXPECTED)
            break;
    }
    return bench_report("mixed", n, got, MIXED_EXPECTED);
}
