/*
 * sort: quicksort (median-of-three, insertion sort below 16 elements) of 512 pseudo-random
 * 64-bit keys.
 *
 * Each iteration fills the array with fresh xorshift64 values (the generator state runs on
 * across iterations, so every iteration sorts a different array), records two
 * order-independent checksums (sum and sum of squares, modulo 2^64), sorts, and checks that
 * the array is non-decreasing and that both checksums are unchanged (no key lost or
 * duplicated).  Exit 0 = every array sorted correctly.
 */
#include "bench.h"

#define SORT_KEYS 512
#define SORT_SMALL 16
#define SORT_SEED 0xa4093822299f31d0ULL

BENCH_ITERS(300);

static u64 keys[SORT_KEYS];

static void insertion_sort(u64 *a, long lo, long hi)
{
    for (long i = lo + 1; i <= hi; i++) {
        u64 v = a[i];
        long j = i - 1;
        while (j >= lo && a[j] > v) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

static inline void swap(u64 *a, long i, long j)
{
    u64 t = a[i];
    a[i] = a[j];
    a[j] = t;
}

/* Sort a[lo..hi]: recurse into the smaller part, loop on the larger (stack depth O(log n)). */
static void quick_sort(u64 *a, long lo, long hi)
{
    while (hi - lo >= SORT_SMALL) {
        long mid = lo + (hi - lo) / 2;
        if (a[mid] < a[lo])
            swap(a, mid, lo);
        if (a[hi] < a[lo])
            swap(a, hi, lo);
        if (a[hi] < a[mid])
            swap(a, hi, mid);
        u64 pivot = a[mid];
        long i = lo - 1, j = hi + 1;
        for (;;) { /* Hoare partition */
            do
                i++;
            while (a[i] < pivot);
            do
                j--;
            while (a[j] > pivot);
            if (i >= j)
                break;
            swap(a, i, j);
        }
        if (j - lo < hi - j) {
            quick_sort(a, lo, j);
            lo = j + 1;
        } else {
            quick_sort(a, j + 1, hi);
            hi = j;
        }
    }
    insertion_sort(a, lo, hi);
}

int main(void)
{
    u64 s = SORT_SEED;
    u64 n = bench_iters;
    for (u64 it = 0; it < n; it++) {
        u64 sum = 0, sq = 0;
        for (int i = 0; i < SORT_KEYS; i++) {
            u64 v = bench_xorshift(&s);
            keys[i] = v;
            sum += v;
            sq += v * v;
        }
        BENCH_BARRIER();
        quick_sort(keys, 0, SORT_KEYS - 1);
        BENCH_BARRIER();
        u64 sum2 = keys[0], sq2 = keys[0] * keys[0];
        for (int i = 1; i < SORT_KEYS; i++) {
            u64 v = keys[i];
            if (v < keys[i - 1])
                return bench_report("sort (order)", it, (u64)i, 0);
            sum2 += v;
            sq2 += v * v;
        }
        if (sum2 != sum)
            return bench_report("sort (sum)", it, sum2, sum);
        if (sq2 != sq)
            return bench_report("sort (squares)", it, sq2, sq);
    }
    return bench_report("sort", n, 0, 0);
}
