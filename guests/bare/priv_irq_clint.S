/*
 * priv_irq_clint.S - machine software and timer interrupts from the CLINT.
 *
 * Covers: mip.MSIP follows the CLINT msip register (0x2000000), mip.MTIP follows
 * mtime >= mtimecmp (0x2004000 / 0x200bff8); a pending interrupt is not taken in M-mode
 * while mstatus.MIE = 0 or its mie bit is 0; enabling it with a CSR write makes it trap
 * before the next instruction (mepc = the instruction after the csrs), with
 * mcause = interrupt bit | 3 (MSI) or 7 (MTI), MPIE = 1, MIE = 0 in the handler; a timer
 * programmed in the future fires once mtime reaches mtimecmp; rewriting mtimecmp to the
 * far future clears MTIP.
 */
#include "hvtest.h"

/* spin until (mip & bit) == val, or fail after a bounded number of reads */
.macro WAIT_MIP bit, val
    li a7, 100000
.Lw\@:
    csrr a6, mip
    andi a6, a6, \bit
    li t6, \val
    beq a6, t6, .Ld\@
    addi a7, a7, -1
    bnez a7, .Lw\@
    j hv_fail
.Ld\@:
.endm

HVTEST_BEGIN
    li s0, CLINT_MSIP
    li s1, CLINT_MTIMECMP
    li s2, CLINT_MTIME
    li a0, -1
    sd a0, 0(s1)                /* no timer yet */

    /* ---- MSIP ---- */
    TEST_CASE 1                 /* mip.MSIP follows msip */
    li a0, 1
    sw a0, 0(s0)
    WAIT_MIP MIP_MSIP, MIP_MSIP
    sw zero, 0(s0)
    WAIT_MIP MIP_MSIP, 0
    TEST_CASE 2                 /* pending + enabled in mie, but MIE = 0: not taken */
    IRQ_LOG_RESET
    li a0, MIP_MSIP
    csrw mie, a0
    li a0, 1
    sw a0, 0(s0)
    WAIT_MIP MIP_MSIP, MIP_MSIP
    SPIN_TICKS 200
    CHECK_IRQ_COUNT 0
    TEST_CASE 3                 /* setting MIE takes it before the next instruction */
    csrsi mstatus, MSTATUS_MIE
1:  nop
    CHECK_IRQ_COUNT 1
    CHECK_IRQ_LOG 0, PRV_M, IRQ_MSI
    ld a0, hv_irq_epc
    CHECK_ADDR a0, 1b
    ld a0, hv_irq_status        /* mstatus in the handler: MPIE = 1, MIE = 0, MPP = M */
    CHECK_BITS a0, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP, MSTATUS_MPIE | MPP_M
    csrr a0, mcause
    CHECK a0, INTERRUPT | IRQ_MSI
    CHECK_CSR_BITS mstatus, MSTATUS_MIE, MSTATUS_MIE  /* mret restored MIE */
    TEST_CASE 4                 /* MIE = 1 but mie.MSIE = 0 (cleared by the handler) */
    SPIN_TICKS 200
    CHECK_IRQ_COUNT 1
    TEST_CASE 5                 /* setting mie.MSIE takes it before the next instruction */
    li a0, MIP_MSIP
    csrs mie, a0
1:  nop
    CHECK_IRQ_COUNT 2
    ld a0, hv_irq_epc
    CHECK_ADDR a0, 1b
    sw zero, 0(s0)
    WAIT_MIP MIP_MSIP, 0
    csrci mstatus, MSTATUS_MIE

    /* ---- MTIP ---- */
    TEST_CASE 6                 /* mtimecmp in the past: MTIP pending */
    sd zero, 0(s1)
    WAIT_MIP MIP_MTIP, MIP_MTIP
    TEST_CASE 7                 /* mtimecmp far away: MTIP clear */
    li a0, -1
    sd a0, 0(s1)
    WAIT_MIP MIP_MTIP, 0
    TEST_CASE 8                 /* a timer 2000 ticks ahead fires, not before its time */
    IRQ_LOG_RESET
    li a0, MIP_MTIP
    csrw mie, a0
    ld a0, 0(s2)
    li a1, 2000
    add s3, a0, a1
    sd s3, 0(s1)
    csrsi mstatus, MSTATUS_MIE
    WAIT_IRQS 1
    ld a0, 0(s2)
    CHECK_LEU s3, a0            /* mtime >= mtimecmp when we got here */
    CHECK_IRQ_LOG 0, PRV_M, IRQ_MTI
    csrr a0, mcause
    CHECK a0, INTERRUPT | IRQ_MTI
    CHECK_CSR_BITS mip, MIP_MTIP, MIP_MTIP /* still pending: only mie.MTIE was cleared */
    TEST_CASE 9                 /* re-arming in the future clears MTIP, fires again later */
    ld a0, 0(s2)
    li a1, 1000
    add s3, a0, a1
    sd s3, 0(s1)
    WAIT_MIP MIP_MTIP, 0
    li a0, MIP_MTIP
    csrs mie, a0
    WAIT_IRQS 2
    ld a0, 0(s2)
    CHECK_LEU s3, a0
    CHECK_IRQ_LOG 1, PRV_M, IRQ_MTI
    TEST_CASE 10                /* a pending timer with MIE = 0 is not taken */
    csrci mstatus, MSTATUS_MIE
    li a0, MIP_MTIP
    csrs mie, a0
    SPIN_TICKS 200
    CHECK_IRQ_COUNT 2
    csrw mie, zero
    li a0, -1
    sd a0, 0(s1)

    PASS
