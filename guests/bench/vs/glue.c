/*
 * glue.c - the benchmark runtime's two primitives (bench.h) on top of the VS-guest runtime
 * (guests/common/), so the kernels of guests/bench/ run unchanged as VS-mode guests.
 *
 * Owns: bench_putchar (bytes collected up to a newline, then one SBI console write),
 * bench_exit (the VS runtime's verdict: "PASS bench" and SBI SRST shutdown for code 0, a FAIL
 * line and a failure shutdown otherwise) and the guest's name for that verdict.  A kernel's
 * main() returning lands in the runtime's runtime_main_returned, which does the same.
 */
#include "bench.h"
#include "guest.h"

const char guest_name[] = "bench";

static char line[128];
static size_t used;

void bench_putchar(int c)
{
    line[used++] = (char)c;
    if (c == '\n' || used == sizeof line) {
        console_write(line, used);
        used = 0;
    }
}

void bench_exit(int code)
{
    if (used) {
        console_write(line, used);
        used = 0;
    }
    if (code == 0)
        guest_pass();
    guest_fail("exit code %d", code);
}
