/*
 * intloop: the simple integer loop of the peer comparison (intloop_kernel.S): loads, adds,
 * xor, shift, and, stores and a counted branch, in the instruction subset that every peer
 * engine runs, including the RV32I-only Python emulators.
 *
 * Each iteration resets the two-word buffer to INTLOOP_W0/INTLOOP_W1 and runs the kernel for
 * INTLOOP_INNER loop iterations (13 instructions each); the low 32 bits of the result must
 * equal INTLOOP_EXPECTED, the value of the independent model in benchmarks/reference.py.
 * Exit 0 = every call matched.
 */
#include "bench.h"

#define INTLOOP_INNER 1000
#define INTLOOP_W0 0xdfe98e91U       /* benchmarks/reference.py: intloop_words() */
#define INTLOOP_W1 0xdff54aa6U
#define INTLOOP_EXPECTED 0x653b859fU /* benchmarks/reference.py: intloop_model() */

BENCH_ITERS(1500);

u64 intloop(u64 iters, u32 *buf, u64 acc);

static u32 buf[2];

int main(void)
{
    u64 n = bench_iters;
    u32 got = INTLOOP_EXPECTED;
    for (u64 it = 0; it < n; it++) {
        buf[0] = INTLOOP_W0;
        buf[1] = INTLOOP_W1;
        BENCH_BARRIER();
        got = (u32)intloop(INTLOOP_INNER, buf, 0);
        if (got != INTLOOP_EXPECTED)
            break;
    }
    return bench_report("intloop", n, got, INTLOOP_EXPECTED);
}
