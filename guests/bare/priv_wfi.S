/*
 * priv_wfi.S - WFI waits for an interrupt.
 *
 * Covers: with mstatus.MIE = 0 but the timer enabled in mie, WFI returns once MTIP becomes
 * pending and execution continues after it without a trap; with MIE = 1 the interrupt is
 * taken after the WFI completes (mepc = the next instruction); WFI in S-mode (TW = 0) is
 * legal and wakes up for an M interrupt; WFI with an enabled interrupt already pending
 * returns at once.
 *
 * The specification allows WFI to be a no-op; hvsim and QEMU implement the wait, so the
 * program also checks that a single WFI was enough (no spinning around it).
 */
#include "hvtest.h"

/* How far ahead the timers of tests 3 and 4 are set.  Those tests have the classic race of
 * a WFI with interrupts enabled: should the interrupt come before the WFI, the handler
 * disables it and the WFI then waits forever.  hvsim's time follows the instructions, so
 * 3000 ticks are safe; QEMU's follows the host clock and a busy host may stall it longer. */
#ifdef QEMU_COMPAT
#define AHEAD 500000
#else
#define AHEAD 3000
#endif

HVTEST_BEGIN
    li s1, CLINT_MTIMECMP
    li s2, CLINT_MTIME
    csrw mie, zero
    csrw mideleg, zero

    TEST_CASE 1                 /* MIE = 0: wakes up, continues after the wfi, no trap */
    IRQ_LOG_RESET
    li a0, MIP_MTIP
    csrw mie, a0
    ld a0, 0(s2)
    li a1, 3000
    add s3, a0, a1
    sd s3, 0(s1)
    li s4, 0                    /* WFIs executed */
1:  wfi
    addi s4, s4, 1
    csrr a0, mip
    andi a0, a0, MIP_MTIP
    bnez a0, 2f
    li a1, 1000000
    bltu s4, a1, 1b
    j hv_fail
2:  ld a0, 0(s2)
    CHECK_LEU s3, a0            /* woke at or after the deadline */
    CHECK_IRQ_COUNT 0
    TEST_CASE 2                 /* one wfi was enough */
    CHECK s4, 1

    TEST_CASE 3                 /* MIE = 1: the interrupt is taken after the wfi */
    ld a0, 0(s2)
    li a1, AHEAD
    add s3, a0, a1
    sd s3, 0(s1)
    csrsi mstatus, MSTATUS_MIE
    wfi
1:  nop
    csrci mstatus, MSTATUS_MIE
    CHECK_IRQ_COUNT 1
    CHECK_IRQ_LOG 0, PRV_M, IRQ_MTI
    ld a0, hv_irq_epc
    CHECK_ADDR a0, 1b
    ld a0, 0(s2)
    CHECK_LEU s3, a0

    TEST_CASE 4                 /* in S-mode (TW = 0), woken by the M timer */
    li a0, MSTATUS_TW
    csrc mstatus, a0
    ld a0, 0(s2)
    li a1, AHEAD
    add s3, a0, a1
    sd s3, 0(s1)
    li a0, MIP_MTIP
    csrw mie, a0
    GOTO_S
    wfi
1:  nop
    GOTO_M
    CHECK_IRQ_COUNT 2
    CHECK_IRQ_LOG 1, PRV_M, IRQ_MTI
    ld a0, hv_irq_epc
    CHECK_ADDR a0, 1b
    ld a0, hv_irq_status
    CHECK_BITS a0, MSTATUS_MPP, MPP_S

    TEST_CASE 5                 /* an enabled interrupt already pending: returns at once */
    li a0, MIP_MTIP
    csrw mie, a0                /* MTIP is still pending (mtimecmp in the past) */
    ld s3, 0(s2)
    wfi
#ifndef QEMU_COMPAT
    ld a0, 0(s2)                /* (QEMU's mtime is host time: no bound there) */
    sub a0, a0, s3
    li a1, 1000
    CHECK_LTU a0, a1            /* far less than any timer period used here */
#endif
    CHECK_IRQ_COUNT 2
    li a0, -1
    sd a0, 0(s1)
    csrw mie, zero

    PASS
