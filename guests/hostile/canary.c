/*
 * canary - the well-behaved neighbour of the hostile guest: it fills a region of its RAM with
 * a known pattern, sleeps (WFI with an SBI timer) while the hostile VMs do their worst, then
 * checks the region.
 *
 * The pattern (also computed by tests/integration to read the region from the host side):
 * the 64-bit word at guest-physical address a in [CANARY_BASE, CANARY_BASE + CANARY_SIZE) is
 * a * 0x9E3779B97F4A7C15 (mod 2^64).
 * Output that proves it:
 *    canary: 1048576 bytes at 0x80400000 filled, sleeping 20000000 ps... (in time units)
 *    canary: region intact
 *    PASS canary
 */
#include "guest.h"

DEFINE_GUEST();

#define CANARY_BASE 0x80400000UL
#define CANARY_SIZE 0x100000UL
#define CANARY_MUL 0x9E3779B97F4A7C15UL
#ifndef CANARY_SLEEP
#define CANARY_SLEEP 200000UL /* time units: 20 ms at 10 MHz */
#endif

static volatile int woken;

static void on_timer(struct trap_frame *tf)
{
    (void)tf;
    sbi_set_timer(~0UL);
    woken = 1;
}

int main(unsigned long hartid, unsigned long fdt)
{
    (void)hartid;
    (void)fdt;
    volatile uint64_t *w = (volatile uint64_t *)CANARY_BASE;
    for (unsigned long i = 0; i < CANARY_SIZE / 8; i++)
        w[i] = (CANARY_BASE + 8 * i) * CANARY_MUL;
    printf("canary: %lu bytes at 0x%lx filled, sleeping %lu time units\n", CANARY_SIZE,
           CANARY_BASE, CANARY_SLEEP);

    require_extension(SBI_EXT_TIME);
    trap_set_interrupt(IRQ_S_TIMER, on_timer);
    SBI_OK(sbi_set_timer(rdtime() + CANARY_SLEEP), "time.set_timer");
    csr_set(sie, SIP_STIP);
    WAIT_UNTIL(woken);

    for (unsigned long i = 0; i < CANARY_SIZE / 8; i++) {
        uint64_t expected = (CANARY_BASE + 8 * i) * CANARY_MUL;
        CHECK(w[i] == expected, "word at 0x%lx is 0x%lx, expected 0x%lx", CANARY_BASE + 8 * i,
              (unsigned long)w[i], (unsigned long)expected);
    }
    printf("canary: region intact\n");
    return 0;
}
