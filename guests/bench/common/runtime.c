/*
 * runtime.c - console output and the result report of hvsim's compute benchmarks.
 * Nothing here runs inside a timed kernel loop.
 */
#include "bench.h"

void bench_puts(const char *s)
{
    while (*s)
        bench_putchar(*s++);
}

void bench_puthex(u64 v)
{
    bench_puts("0x");
    for (int shift = 60; shift >= 0; shift -= 4)
        bench_putchar("0123456789abcdef"[(v >> shift) & 0xf]);
}

void bench_putdec(u64 v)
{
    char buf[24];
    int i = sizeof buf;
    buf[--i] = 0;
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    bench_puts(&buf[i]);
}

int bench_report(const char *name, u64 iters, u64 got, u64 expected)
{
    bench_puts(name);
    if (got == expected) {
        bench_puts(": ");
        bench_putdec(iters);
        bench_puts(" iterations ok\n");
        return BENCH_OK;
    }
    bench_puts(": FAIL got ");
    bench_puthex(got);
    bench_puts(" expected ");
    bench_puthex(expected);
    bench_putchar('\n');
    return BENCH_WRONG_RESULT;
}
