/*
 * hyp_interrupts.S - VS-level interrupts: hvip, hideleg, vsie, and their priority.
 *
 * Interrupts are logged by the handler that takes them: hyp_strap (HS, LVL_HS), hv_strap as
 * the guest's vstvec (LVL_VS) and hv_mtrap (LVL_M); each clears its enable bit and returns
 * to the interrupted context (the guest, if it was running).
 * Covers:
 *  - hvip.VSEIP/VSSIP/VSTIP delegated with hideleg: the guest sees them in sip (vsip), takes
 *    them when vsie and vsstatus.SIE allow, as supervisor interrupts 9, 1, 5 (in that
 *    priority order); not in VS-mode with vsstatus.SIE = 0, always in VU-mode;
 *  - not delegated: HS takes them as interrupts 10, 2, 6 while the guest runs (whatever
 *    vsstatus.SIE and HS's sstatus.SIE say), in the order SSI > VSEI > VSSI > VSTI with HS's
 *    own software interrupt; in HS-mode (V=0) only with sstatus.SIE;
 *  - an HS interrupt and a delegated VS interrupt pending together in VS-mode: HS first;
 *  - a delegated VS interrupt pending while V=0 is not taken in HS (even with sstatus.SIE) nor
 *    in U-mode, but right at the first guest instruction once V=1 (vsepc = that address);
 *  - a machine timer interrupt while the guest runs is taken by M with MPV = 1 and MRET
 *    returns into the guest;
 *  - WFI in VS-mode ends on a pending and enabled interrupt even if vsstatus.SIE masks it,
 *    and sleeps until the machine timer otherwise.
 * QEMU 7.2 orders VS-level interrupts by ascending number (VSSI, VSTI, VSEI) instead of the
 * specified VSEI > VSSI > VSTI, both in VS-mode and in HS-mode, and shows only SSIP in vsip;
 * with -DQEMU_COMPAT only the number of interrupts taken is checked there.
 */
#include "hyp.h"

/* mtime ticks until the machine timer fires: enough to get into the guest first (QEMU's
 * clock follows the host's) */
#ifdef QEMU_COMPAT
#define MTI_DELAY 50000
#else
#define MTI_DELAY 500
#endif

/* spin `n` times around a loop (to show that nothing happens meanwhile) */
.macro SPIN n
    li t0, \n
.Lspin\@:
    addi t0, t0, -1
    bnez t0, .Lspin\@
.endm

HVTEST_BEGIN
    HYP_INIT 3
    csrw vsatp, zero

    /* ==== delegated to the guest ==== */
    TEST_CASE 1                 /* pending and enabled, but vsstatus.SIE = 0: not taken */
    li t0, VS_INTS
    csrw hideleg, t0
    IRQ_LOG_RESET
    li t0, VS_INTS
    csrw hvip, t0
    GOTO_VS
#ifndef QEMU_COMPAT
    CHECK_CSR sip, MIP_SSIP | MIP_STIP | MIP_SEIP       /* vsip (QEMU 7.2: SSIP only) */
#endif
    li t0, MIP_SSIP | MIP_STIP | MIP_SEIP
    csrw sie, t0
    SPIN 200
    CHECK_IRQ_COUNT 0
    TEST_CASE 2                 /* SIE = 1: all three, as 9, 1, 5, highest first */
    csrsi sstatus, MSTATUS_SIE
    WAIT_IRQS 3
    csrci sstatus, MSTATUS_SIE
#ifndef QEMU_COMPAT
    CHECK_IRQ_LOG 0, LVL_VS, IRQ_SEI    /* (QEMU 7.2 takes them as 1, 5, 9) */
    CHECK_IRQ_LOG 1, LVL_VS, IRQ_SSI
    CHECK_IRQ_LOG 2, LVL_VS, IRQ_STI
    CHECK_CSR scause, INTERRUPT | IRQ_STI
#endif
    CHECK_CSR sie, 0            /* the handler cleared each enable */
    GOTO_HS
    TEST_CASE 3
#ifndef QEMU_COMPAT
    CHECK_CSR vscause, INTERRUPT | IRQ_STI
#endif
    CHECK_IRQ_COUNT 3
    CHECK_CSR_BITS hie, VS_INTS, 0      /* vsie and hie share the enables */
    csrw hvip, zero

    TEST_CASE 4                 /* VU-mode: taken whatever vsstatus.SIE says */
    IRQ_LOG_RESET
    csrw vsstatus, zero
    li t0, MIP_VSSIP
    csrw hvip, t0
    li t0, MIP_SSIP
    csrw vsie, t0
    ENTER_VU 1f
1:  WAIT_IRQS 1
    GOTO_HS
    CHECK_IRQ_LOG 0, LVL_VS, IRQ_SSI
    CHECK_IRQ_COUNT 1
    ld t0, hv_irq_status        /* vsstatus at the interrupt: SPP = VU */
    CHECK_BITS t0, MSTATUS_SPP, 0
    ld t0, hv_irq_epc
    CHECK_ADDR t0, 1b, 0
    csrw hvip, zero

    /* ==== pending while V=0 ==== */
    TEST_CASE 5                 /* not in HS, even with sstatus.SIE = 1 */
    IRQ_LOG_RESET
    li t0, MSTATUS_SIE
    csrw vsstatus, t0
    li t0, MIP_SSIP
    csrw vsie, t0
    li t0, MIP_VSSIP
    csrw hvip, t0
    csrsi sstatus, MSTATUS_SIE
    SPIN 200
    csrci sstatus, MSTATUS_SIE
    CHECK_IRQ_COUNT 0
    TEST_CASE 6                 /* nor in U-mode (V=0) */
    S_GOTO_U
    SPIN 200
    GOTO_HS
    CHECK_IRQ_COUNT 0
    TEST_CASE 7                 /* but at the very first guest instruction */
    ENTER_VS 1f
1:  nop
    CHECK_IRQ_COUNT 1
    CHECK_IRQ_LOG 0, LVL_VS, IRQ_SSI
    ld t0, hv_irq_epc
    CHECK_ADDR t0, 1b
    GOTO_HS
    csrr t0, vsepc
    CHECK_ADDR t0, 1b
    csrw hvip, zero
    csrw vsstatus, zero

    /* ==== not delegated: HS takes them ==== */
    TEST_CASE 8                 /* in the guest, with vsstatus.SIE = 0 */
    csrw hideleg, zero
    IRQ_LOG_RESET
    li t0, MIP_SSIP
    csrs sip, t0                /* HS's own software interrupt, too */
    csrs sie, t0
    li t0, VS_INTS
    csrw hie, t0
    csrw hvip, t0
    GOTO_VS
    WAIT_IRQS 4
    GOTO_HS
    CHECK_IRQ_LOG 0, LVL_HS, IRQ_SSI
#ifndef QEMU_COMPAT
    CHECK_IRQ_LOG 1, LVL_HS, IRQ_VSEI   /* (QEMU 7.2: 2, 6, 10) */
    CHECK_IRQ_LOG 2, LVL_HS, IRQ_VSSI
    CHECK_IRQ_LOG 3, LVL_HS, IRQ_VSTI
#endif
    CHECK_IRQ_COUNT 4
    ld t0, hyp_irq_hstatus      /* taken from V=1 */
    CHECK_BITS t0, HSTATUS_SPV, HSTATUS_SPV
    CHECK_CSR scause, CAUSE_ECALL_VS    /* (the GOTO_HS) */
    CHECK_CSR_BITS hie, VS_INTS, 0
    CHECK_CSR_BITS sie, MIP_SSIP, 0
    TEST_CASE 9                 /* in HS-mode: only with sstatus.SIE */
    IRQ_LOG_RESET
    li t0, MIP_VSEIP
    csrw hie, t0
    SPIN 200
    CHECK_IRQ_COUNT 0
    csrsi sstatus, MSTATUS_SIE
    WAIT_IRQS 1
    csrci sstatus, MSTATUS_SIE
    CHECK_IRQ_LOG 0, LVL_HS, IRQ_VSEI
    ld t0, hyp_irq_hstatus
    CHECK_BITS t0, HSTATUS_SPV, 0
    csrw hvip, zero
    li t0, MIP_SSIP
    csrc sip, t0

    /* ==== an HS interrupt and a delegated VS interrupt together ==== */
    TEST_CASE 10
    li t0, MIP_VSSIP
    csrw hideleg, t0
    IRQ_LOG_RESET
    li t0, MIP_SSIP
    csrw vsie, t0
    li t0, MSTATUS_SIE
    csrw vsstatus, t0
    li t0, MIP_VSSIP
    csrw hvip, t0
    li t0, MIP_SSIP
    csrs sip, t0
    csrs sie, t0
    GOTO_VS
    WAIT_IRQS 2
    GOTO_HS
    CHECK_IRQ_LOG 0, LVL_HS, IRQ_SSI    /* HS first */
    CHECK_IRQ_LOG 1, LVL_VS, IRQ_SSI
    CHECK_IRQ_COUNT 2
    li t0, MIP_SSIP
    csrc sip, t0
    csrw hvip, zero
    csrw hideleg, zero
    csrw vsstatus, zero

    /* ==== a machine interrupt while the guest runs ==== */
    TEST_CASE 11
    IRQ_LOG_RESET
    GOTO_M
    li t0, CLINT_MTIME
    ld t0, 0(t0)
    li t1, MTI_DELAY
    add t0, t0, t1
    li t1, CLINT_MTIMECMP
    sd t0, 0(t1)
    li t0, MIP_MTIP
    csrw mie, t0
    GOTO_S
    GOTO_VS
    WAIT_IRQS 1
    GOTO_HS
    CHECK_IRQ_LOG 0, LVL_M, IRQ_MTI
    CHECK_IRQ_COUNT 1
    ld t0, hv_irq_status        /* mstatus at the interrupt: from VS */
    CHECK_BITS t0, MSTATUS_MPV | MSTATUS_MPP, MSTATUS_MPV | MPP_S
    GOTO_M
    li t0, -1
    li t1, CLINT_MTIMECMP
    sd t0, 0(t1)
    GOTO_S

    /* ==== WFI in VS-mode (hstatus.VTW = 0) ==== */
    TEST_CASE 12                /* ends on a pending, enabled interrupt even when masked */
    li t0, MIP_VSSIP
    csrw hideleg, t0
    IRQ_LOG_RESET
    csrw vsstatus, zero
    li t0, MIP_SSIP
    csrw vsie, t0
    li t0, MIP_VSSIP
    csrw hvip, t0
    GOTO_VS
    wfi
    CHECK_IRQ_COUNT 0           /* vsstatus.SIE = 0: not taken */
    csrsi sstatus, MSTATUS_SIE
    csrci sstatus, MSTATUS_SIE
    CHECK_IRQ_COUNT 1
    GOTO_HS
    csrw hvip, zero
    csrw hideleg, zero
    TEST_CASE 13                /* woken by the machine timer, taken by M */
    IRQ_LOG_RESET
    GOTO_M
    li t0, CLINT_MTIME
    ld t0, 0(t0)
    li t1, MTI_DELAY
    add t0, t0, t1
    li t1, CLINT_MTIMECMP
    sd t0, 0(t1)
    li t0, MIP_MTIP
    csrw mie, t0
    GOTO_S
    GOTO_VS
    wfi
    WAIT_IRQS 1                 /* (WFI may also return early) */
    GOTO_HS
    CHECK_IRQ_LOG 0, LVL_M, IRQ_MTI
    CHECK_IRQ_COUNT 1
    GOTO_M
    li t0, -1
    li t1, CLINT_MTIMECMP
    sd t0, 0(t1)
    GOTO_S
    PASS
