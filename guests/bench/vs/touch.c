/*
 * touch: a guest that uses exactly 1 MiB of its RAM and shuts down, for the memory scenario
 * (configs/bench-memory.toml: 32 VMs with 256 MiB configured each).  Whatever RAM a guest
 * never touches must cost the host nothing.
 *
 * Writes a position-dependent word every 64 bytes of a 1 MiB page-aligned buffer, `bench_iters`
 * times, and reads every one back.  (The start-up code also clears the buffer, being .bss.)
 * Output:  touch: 1 iterations ok   then   PASS bench
 */
#include "bench.h"

#define TOUCH_BYTES (1UL << 20)
#define TOUCH_STRIDE 64

BENCH_ITERS(1);

static u8 buffer[TOUCH_BYTES] __attribute__((aligned(4096)));

int main(void)
{
    u64 n = bench_iters;
    for (u64 it = 0; it < n; it++) {
        for (u64 off = 0; off < TOUCH_BYTES; off += TOUCH_STRIDE)
            *(volatile u64 *)&buffer[off] = off * 0x9e3779b97f4a7c15ULL + it;
        for (u64 off = 0; off < TOUCH_BYTES; off += TOUCH_STRIDE) {
            u64 want = off * 0x9e3779b97f4a7c15ULL + it;
            u64 got = *(volatile u64 *)&buffer[off];
            if (got != want)
                return bench_report("touch", it, got, want);
        }
    }
    return bench_report("touch", n, 0, 0);
}
