/*
 * priv_irq_s.S - the supervisor interrupt bits of mip driven by M-mode software, taken in
 * M-mode (no delegation), and the sip/sie views.
 *
 * Covers: mip.SSIP, mip.STIP (with menvcfg.STCE = 0) and mip.SEIP are writable by M-mode;
 * each, when enabled in mie with mstatus.MIE = 1, traps to M before the next instruction
 * with mcause = interrupt bit | 1, 5 or 9; clearing the bit in mip stops it; sip and sie
 * show only the delegated bits (read-only zero otherwise), and with mideleg set they are
 * views of mip/mie (S writes reach mip.SSIP and mie).
 */
#include "hvtest.h"

/* `pend` set in mip + enabled -> taken at the next instruction, logged as (M, irq) */
.macro TEST_M_TAKES n, idx, bit, irq
    TEST_CASE \n
    li a0, \bit
    csrs mip, a0
    csrr a1, mip
    CHECK_BITS a1, \bit, \bit
    csrs mie, a0
    csrsi mstatus, MSTATUS_MIE
.Lnext\@:
    nop
    csrci mstatus, MSTATUS_MIE
    CHECK_IRQ_COUNT \idx + 1
    CHECK_IRQ_LOG \idx, PRV_M, \irq
    ld a1, hv_irq_epc
    CHECK_ADDR a1, .Lnext\@
    csrr a1, mcause
    CHECK a1, INTERRUPT | \irq
    li a0, \bit
    csrc mip, a0
    csrr a1, mip
    CHECK_BITS a1, \bit, 0
.endm

HVTEST_BEGIN
    csrw CSR_MENVCFG, zero      /* STCE = 0: mip.STIP is an ordinary writable bit */
    csrw mie, zero
    IRQ_LOG_RESET
    TEST_M_TAKES 1, 0, MIP_SSIP, IRQ_SSI
    TEST_M_TAKES 2, 1, MIP_STIP, IRQ_STI
    TEST_M_TAKES 3, 2, MIP_SEIP, IRQ_SEI

    TEST_CASE 4                 /* not delegated: sip/sie bits read as zero ... */
    csrw mideleg, zero
    li a0, MIP_SSIP | MIP_STIP | MIP_SEIP
    csrs mip, a0
    csrr a1, sip
    CHECK_BITS a1, MIP_SSIP | MIP_STIP | MIP_SEIP, 0
    TEST_CASE 5                 /* ... and cannot be set through sie */
    csrw mie, zero
    csrs sie, a0
    csrr a1, mie
    CHECK_BITS a1, MIP_SSIP | MIP_STIP | MIP_SEIP, 0
    csrr a1, sie
    CHECK a1, 0

    TEST_CASE 6                 /* delegated: sip shows mip's bits */
    csrw mideleg, a0
    csrr a1, sip
    CHECK_BITS a1, MIP_SSIP | MIP_STIP | MIP_SEIP, MIP_SSIP | MIP_STIP | MIP_SEIP
    TEST_CASE 7                 /* sie writes reach mie */
    csrs sie, a0
    csrr a1, mie
    CHECK_BITS a1, MIP_SSIP | MIP_STIP | MIP_SEIP, MIP_SSIP | MIP_STIP | MIP_SEIP
    csrw sie, zero
    csrr a1, mie
    CHECK_BITS a1, MIP_SSIP | MIP_STIP | MIP_SEIP, 0
    TEST_CASE 8                 /* S-mode can clear (and set) SSIP through sip */
    GOTO_S
    csrci sip, MIP_SSIP
    csrr a1, sip
    CHECK_BITS a1, MIP_SSIP, 0
    csrsi sip, MIP_SSIP
    csrr a1, sip
    CHECK_BITS a1, MIP_SSIP, MIP_SSIP
    csrci sip, MIP_SSIP
    GOTO_M
    csrr a1, mip
    CHECK_BITS a1, MIP_SSIP, 0
    TEST_CASE 9                 /* STIP and SEIP are read-only in sip */
    GOTO_S
    li a0, MIP_STIP | MIP_SEIP
    csrc sip, a0
    csrr a1, sip
    CHECK_BITS a1, MIP_STIP | MIP_SEIP, MIP_STIP | MIP_SEIP
    GOTO_M
    li a0, MIP_SSIP | MIP_STIP | MIP_SEIP
    csrc mip, a0
    csrw mideleg, zero
    csrw mie, zero

    PASS
