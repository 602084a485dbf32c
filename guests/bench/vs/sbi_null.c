/*
 * sbi_null: the VM-exit rate of the cheapest hypervisor call.  Loops `bench_iters` times on
 * SBI BASE get_spec_version (EID 0x10, FID 0): one ECALL, one VM exit, one SBI handler that
 * only returns a constant, then back to the guest.
 *
 * Self-check: every call succeeds and returns the same version as the first one.
 * Output:  sbi_null: 200000 iterations ok   then   PASS bench
 * The host counts one `exits.sbi.base.get_spec_version` per iteration (plus the console's).
 */
#include "bench.h"
#include "sbi.h"

BENCH_ITERS(200000);

int main(void)
{
    u64 n = bench_iters;
    struct sbiret first = sbi_ecall(SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION, 0, 0, 0, 0, 0, 0);
    if (first.error)
        return bench_report("sbi_null (first call error)", 0, (u64)first.error, 0);
    for (u64 i = 0; i < n; i++) {
        struct sbiret r = sbi_ecall(SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION, 0, 0, 0, 0, 0, 0);
        if (r.error || r.value != first.value)
            return bench_report("sbi_null", i, (u64)r.value, (u64)first.value);
    }
    return bench_report("sbi_null", n, 0, 0);
}
