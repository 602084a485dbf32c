/*
 * priv_irq_prio.S - the order in which simultaneously pending interrupts are taken.
 *
 * Covers: with MSI, MTI, SEI, SSI and STI all pending and enabled for M-mode they are taken
 * as MSI > MTI > SEI > SSI > STI (MEI, the highest, cannot be raised by software on this
 * machine: mip.MEIP is read-only); delegated to S-mode they are taken as SEI > SSI > STI;
 * an interrupt destined for M is taken before one destined for S, whatever their numbers.
 * The default handlers disable each interrupt after taking it, so the log shows the order.
 *
 * QEMU 7.2 (without AIA) takes the lowest-numbered pending interrupt first: with
 * -DQEMU_COMPAT only the number of interrupts taken is checked.
 */
#include "hvtest.h"

HVTEST_BEGIN
    li s0, CLINT_MSIP
    li s1, CLINT_MTIMECMP
    csrw CSR_MENVCFG, zero
    csrw mideleg, zero
    csrw mie, zero

    TEST_CASE 1                 /* all five pending, M-mode */
    IRQ_LOG_RESET
    li a0, 1
    sw a0, 0(s0)                /* MSIP */
    sd zero, 0(s1)              /* MTIP */
    li a0, MIP_SEIP | MIP_SSIP | MIP_STIP
    csrs mip, a0
    li a7, 100000               /* wait until the CLINT's two lines show in mip */
1:  csrr a1, mip
    andi a1, a1, MIP_MSIP | MIP_MTIP
    li a2, MIP_MSIP | MIP_MTIP
    beq a1, a2, 2f
    addi a7, a7, -1
    bnez a7, 1b
    j hv_fail
2:  li a0, MIP_MSIP | MIP_MTIP | MIP_SEIP | MIP_SSIP | MIP_STIP
    csrw mie, a0
    csrsi mstatus, MSTATUS_MIE
    nop
    csrci mstatus, MSTATUS_MIE
    CHECK_IRQ_COUNT 5
#ifndef QEMU_COMPAT
    CHECK_IRQ_LOG 0, PRV_M, IRQ_MSI
    CHECK_IRQ_LOG 1, PRV_M, IRQ_MTI
    CHECK_IRQ_LOG 2, PRV_M, IRQ_SEI
    CHECK_IRQ_LOG 3, PRV_M, IRQ_SSI
    CHECK_IRQ_LOG 4, PRV_M, IRQ_STI
#endif
    sw zero, 0(s0)
    li a0, -1
    sd a0, 0(s1)

    TEST_CASE 2                 /* the three S interrupts delegated, taken in S */
    IRQ_LOG_RESET
    li a0, MIP_SEIP | MIP_SSIP | MIP_STIP
    csrw mideleg, a0
    csrw mie, a0
    csrs mip, a0
    GOTO_S
    csrsi sstatus, MSTATUS_SIE
    nop
    csrci sstatus, MSTATUS_SIE
    CHECK_IRQ_COUNT 3
#ifndef QEMU_COMPAT
    CHECK_IRQ_LOG 0, PRV_S, IRQ_SEI
    CHECK_IRQ_LOG 1, PRV_S, IRQ_SSI
    CHECK_IRQ_LOG 2, PRV_S, IRQ_STI
#endif
    GOTO_M
    li a0, MIP_SEIP | MIP_SSIP | MIP_STIP
    csrc mip, a0

    TEST_CASE 3                 /* M-destined (MSI, 3) before S-destined (SEI, 9) */
    IRQ_LOG_RESET
    li a0, MIP_SEIP
    csrs mip, a0
    li a0, 1
    sw a0, 0(s0)
    li a7, 100000
1:  csrr a1, mip
    andi a1, a1, MIP_MSIP
    bnez a1, 2f
    addi a7, a7, -1
    bnez a7, 1b
    j hv_fail
2:  li a0, MIP_SEIP | MIP_MSIP
    csrw mie, a0
    GOTO_S                      /* in S, M interrupts are enabled regardless of MIE */
    csrsi sstatus, MSTATUS_SIE
    nop
    csrci sstatus, MSTATUS_SIE
    CHECK_IRQ_COUNT 2
#ifndef QEMU_COMPAT
    CHECK_IRQ_LOG 0, PRV_M, IRQ_MSI
    CHECK_IRQ_LOG 1, PRV_S, IRQ_SEI
#endif
    GOTO_M
    sw zero, 0(s0)
    li a0, MIP_SEIP
    csrc mip, a0
    csrw mideleg, zero
    csrw mie, zero

    PASS
