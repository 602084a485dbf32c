/*
 * bench.h - the small runtime shared by hvsim's compute benchmarks (guests/bench/).
 *
 * Every benchmark is a freestanding M-mode program whose `main` runs its kernel
 * `bench_iters` times, checks the result and returns 0 (pass) or a non-zero exit code.
 *
 * The iteration count is the 64-bit `bench_iters` word in .data, declared with BENCH_ITERS:
 * its value in the ELF is the full-size default, and benchmarks/run.py patches the word in a
 * copy of the ELF to pick another size.  It is read through a volatile pointer so the
 * compiler can neither fold it nor move work across it.
 */
#ifndef BENCH_H
#define BENCH_H

#include <stdint.h>

typedef uint64_t u64;
typedef uint32_t u32;
typedef uint8_t u8;

/* exit codes shared by all benchmarks */
#define BENCH_OK 0
#define BENCH_WRONG_RESULT 1
#define BENCH_BAD_SETUP 2

/* Define the patchable iteration count (in .data even if the default were zero). */
#define BENCH_ITERS(n) \
    volatile u64 bench_iters __attribute__((section(".data.bench_iters"), aligned(8))) = (n)

extern volatile u64 bench_iters;

/* start.S */
void bench_exit(int code) __attribute__((noreturn));
void bench_putchar(int c);

/* runtime.c */
void bench_puts(const char *s);
void bench_puthex(u64 v);
void bench_putdec(u64 v);
/* "<name>: <iters> iterations ok" and 0, or a FAIL line with both values and exit code 1 */
int bench_report(const char *name, u64 iters, u64 got, u64 expected);

/* A compiler barrier: memory may have changed, so loop-invariant work cannot be hoisted. */
#define BENCH_BARRIER() __asm__ volatile("" ::: "memory")

/* xorshift64 (Marsaglia): the benchmarks' deterministic pseudo-random source. */
static inline u64 bench_xorshift(u64 *state)
{
    u64 x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    return x;
}

#endif
