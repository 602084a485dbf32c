/*
 * rvc: a loop made of compressed instructions only (the kernel is hand-written in
 * rvc_kernel.S), to measure the 16-bit instruction path of the decoder and translator.
 *
 * Set-up fills 128 input words from xorshift64.  Each iteration runs the kernel over the 64
 * word pairs (20 compressed instructions per pair, loads and stores included), writing 128
 * output words.  The returned checksum must equal RVC_EXPECTED and the last output pair must
 * equal RVC_LAST0/RVC_LAST1 (all from the independent model in benchmarks/reference.py).
 * Exit 0 = every iteration matched.
 */
#include "bench.h"

#define RVC_WORDS 128
#define RVC_SEED 0xbe5466cf34e90c6cULL
#define RVC_EXPECTED 0x954e1ed4e7f827e9ULL /* benchmarks/reference.py: rvc_result() */
#define RVC_LAST0 0xc0ddaeca2b27c048ULL
#define RVC_LAST1 0x5593b01eccdfe7a1ULL

BENCH_ITERS(12000);

u64 rvc_kernel(const u64 *in, u64 *out, u64 pairs);

static u64 in[RVC_WORDS];
static u64 out[RVC_WORDS];

int main(void)
{
    u64 s = RVC_SEED;
    for (int i = 0; i < RVC_WORDS; i++)
        in[i] = bench_xorshift(&s);
    u64 n = bench_iters;
    u64 got = RVC_EXPECTED;
    for (u64 it = 0; it < n; it++) {
        BENCH_BARRIER();
        got = rvc_kernel(in, out, RVC_WORDS / 2);
        if (got != RVC_EXPECTED)
            break;
    }
    if (n > 0 && got == RVC_EXPECTED) {
        if (out[RVC_WORDS - 2] != RVC_LAST0)
            return bench_report("rvc (out[126])", n, out[RVC_WORDS - 2], RVC_LAST0);
        if (out[RVC_WORDS - 1] != RVC_LAST1)
            return bench_report("rvc (out[127])", n, out[RVC_WORDS - 1], RVC_LAST1);
    }
    return bench_report("rvc", n, got, RVC_EXPECTED);
}
