/*
 * priv_irq_deleg.S - interrupt delegation (mideleg) and the global interrupt enables.
 *
 * Covers, with the supervisor software interrupt (raised by M through mip.SSIP):
 *  - delegated: never taken while in M-mode (even with MIE = 1); in S-mode only with
 *    sstatus.SIE = 1; in U-mode always (interrupts for a more privileged mode are enabled
 *    whatever its xIE bit); never when its sie bit is clear; the S trap sets scause,
 *    sepc = next instruction, SPP, SPIE = old SIE, SIE = 0;
 *  - not delegated: taken in M from S- or U-mode even with mstatus.MIE = 0, but not in
 *    M-mode with MIE = 0.
 */
#include "hvtest.h"

HVTEST_BEGIN
    csrw mie, zero
    li a0, MIP_SSIP
    csrw mideleg, a0

    TEST_CASE 1                 /* delegated: not taken in M, even with MIE = 1 */
    IRQ_LOG_RESET
    li a0, MIP_SSIP
    csrs mip, a0
    csrs mie, a0
    csrsi mstatus, MSTATUS_MIE
    SPIN_TICKS 100
    csrci mstatus, MSTATUS_MIE
    CHECK_IRQ_COUNT 0

    TEST_CASE 2                 /* in S with SIE = 0: not taken */
    GOTO_S
    csrci sstatus, MSTATUS_SIE
    SPIN_TICKS 100
    CHECK_IRQ_COUNT 0
    TEST_CASE 3                 /* in S, setting SIE takes it at the next instruction */
    csrsi sstatus, MSTATUS_SIE
1:  nop
    CHECK_IRQ_COUNT 1
    CHECK_IRQ_LOG 0, PRV_S, IRQ_SSI
    ld a0, hv_irq_epc
    CHECK_ADDR a0, 1b
    ld a0, hv_irq_status
    CHECK_BITS a0, MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE, MSTATUS_SPP | MSTATUS_SPIE
    csrr a0, scause
    CHECK a0, INTERRUPT | IRQ_SSI
    csrci sstatus, MSTATUS_SIE
    GOTO_M

    TEST_CASE 4                 /* in U: taken although sstatus.SIE = 0 */
    IRQ_LOG_RESET
    li a0, MIP_SSIP
    csrs mie, a0
    GOTO_U
1:  nop
    nop
    GOTO_M
    CHECK_IRQ_COUNT 1
    CHECK_IRQ_LOG 0, PRV_S, IRQ_SSI
    ld a0, hv_irq_epc
    CHECK_ADDR a0, 1b
    ld a0, hv_irq_status
    CHECK_BITS a0, MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE, 0
    TEST_CASE 5                 /* in U, but sie.SSIE = 0 (the handler cleared it) */
    GOTO_U
    SPIN_TICKS 100
    GOTO_M
    CHECK_IRQ_COUNT 1

    /* ---- not delegated ---- */
    csrw mideleg, zero
    TEST_CASE 6                 /* in M with MIE = 0: not taken */
    IRQ_LOG_RESET
    li a0, MIP_SSIP
    csrs mie, a0
    csrci mstatus, MSTATUS_MIE
    SPIN_TICKS 100
    CHECK_IRQ_COUNT 0
    TEST_CASE 7                 /* in S with MIE = 0 and SIE = 0: taken in M */
    GOTO_S
1:  nop
    GOTO_M
    CHECK_IRQ_COUNT 1
    CHECK_IRQ_LOG 0, PRV_M, IRQ_SSI
    ld a0, hv_irq_epc
    CHECK_ADDR a0, 1b
    ld a0, hv_irq_status
    CHECK_BITS a0, MSTATUS_MPP, MPP_S
    TEST_CASE 8                 /* the same from U */
    li a0, MIP_SSIP
    csrs mie, a0
    GOTO_U
1:  nop
    GOTO_M
    CHECK_IRQ_COUNT 2
    CHECK_IRQ_LOG 1, PRV_M, IRQ_SSI
    ld a0, hv_irq_epc
    CHECK_ADDR a0, 1b
    ld a0, hv_irq_status
    CHECK_BITS a0, MSTATUS_MPP, MPP_U
    li a0, MIP_SSIP
    csrc mip, a0
    csrw mie, zero

    PASS
