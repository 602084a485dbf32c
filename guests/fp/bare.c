/*
 * bare.c - guests/fp as a bare-metal M-mode program (`hvsim bare build/fp/fp.elf`).
 *
 * Turns mstatus.FS on (Initial), runs the arithmetic checks of fpcheck.c, checks that the
 * FP work made mstatus.FS Dirty and set mstatus.SD, then holds FP state across a long loop.
 * Output that proves it: "PASS fp" on the HTIF console and exit code 0; otherwise a line
 * "FAIL fp: check <n> (<what>): got <value>, expected <value>" and exit code n.
 */
#include "bench.h"
#include "fpcheck.h"

#define MSTATUS_FS_INITIAL (1UL << 13)
#define MSTATUS_FS (3UL << 13)
#define MSTATUS_SD (1UL << 63)
#define HOLD_ITERS 20000

void fp_note(int n, const char *what, u64 got, u64 want)
{
    bench_puts("FAIL fp: check ");
    bench_putdec((u64)n);
    bench_puts(" (");
    bench_puts(what);
    bench_puts("): got ");
    bench_puthex(got);
    bench_puts(", expected ");
    bench_puthex(want);
    bench_putchar('\n');
}

int main(void)
{
    __asm__ volatile("csrs mstatus, %0" : : "r"(MSTATUS_FS_INITIAL));
    int r = fp_checks();
    if (r)
        return r;
    unsigned long status;
    __asm__ volatile("csrr %0, mstatus" : "=r"(status));
    if ((status & (MSTATUS_FS | MSTATUS_SD)) != (MSTATUS_FS | MSTATUS_SD)) {
        fp_note(100, "mstatus.FS Dirty and SD after FP work", status,
                status | MSTATUS_FS | MSTATUS_SD);
        return 100;
    }
    r = fp_hold(0, HOLD_ITERS);
    if (r)
        return r;
    bench_puts("PASS fp\n");
    return 0;
}
