/*
 * mmio_read: the VM-exit rate of an emulated device register read.  Loops `bench_iters` times
 * on one `ld` from the 64-bit word at guest-physical MMIO_REG, a word of the `regs` device the
 * scenario (configs/bench-mmio_read.toml) maps there: every load is a guest-page fault, which
 * the hypervisor decodes (htinst) and emulates (exits.mmio.<device>.read), then resumes.
 *
 * Self-check: every load returns MMIO_MAGIC, the value the scenario gives that word (a wrong
 * device, offset or decode shows up as a FAIL line with the value read).
 * Output:  mmio_read: 100000 iterations ok   then   PASS bench
 */
#include "bench.h"

#define MMIO_REG 0x10000000UL          /* regs device base + 0, see the scenario */
#define MMIO_MAGIC 0x6d6d696f72656164ULL /* "mmioread" */

BENCH_ITERS(100000);

int main(void)
{
    volatile u64 *reg = (volatile u64 *)MMIO_REG;
    u64 n = bench_iters;
    for (u64 i = 0; i < n; i++) {
        u64 v = *reg;
        if (v != MMIO_MAGIC)
            return bench_report("mmio_read", i, v, MMIO_MAGIC);
    }
    return bench_report("mmio_read", n, MMIO_MAGIC, MMIO_MAGIC);
}
