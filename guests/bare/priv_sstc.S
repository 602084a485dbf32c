/*
 * priv_sstc.S - the Sstc supervisor timer: stimecmp (CSR 0x14d) and menvcfg.STCE.
 *
 * Covers: with STCE = 1, mip.STIP reflects time >= stimecmp and is no longer writable
 * through mip; a timer programmed ahead fires (taken in M without delegation, in S with
 * mideleg.STI) once time reaches stimecmp and not earlier; rewriting stimecmp clears STIP;
 * WFI with MIE = 0 wakes up at the stimecmp deadline;
 * S-mode accesses to stimecmp are illegal when menvcfg.STCE = 0 or mcounteren.TM = 0, while
 * M-mode may always access it.
 *
 * QEMU's spike machine has no `time` CSR (and so no Sstc): cross-check with -machine virt.
 */
#include "hvtest.h"

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
    csrw mie, zero
    csrw mideleg, zero
    IRQ_LOG_RESET
    li a0, -1
    csrw CSR_STIMECMP, a0       /* M may access stimecmp whatever STCE says */
    li a0, MENVCFG_STCE
    csrs CSR_MENVCFG, a0

    TEST_CASE 1                 /* STCE is implemented */
    CHECK_CSR_BITS CSR_MENVCFG, MENVCFG_STCE, MENVCFG_STCE
    TEST_CASE 2                 /* stimecmp = 0 (in the past): STIP pending */
    csrw CSR_STIMECMP, zero
    WAIT_MIP MIP_STIP, MIP_STIP
    CHECK_CSR CSR_STIMECMP, 0
    TEST_CASE 3                 /* stimecmp = max: STIP clear */
    li a0, -1
    csrw CSR_STIMECMP, a0
    WAIT_MIP MIP_STIP, 0
    TEST_CASE 4                 /* with STCE = 1 a write to mip.STIP has no effect */
    li a0, MIP_STIP
    csrs mip, a0
    csrr a1, mip
    CHECK_BITS a1, MIP_STIP, 0

    TEST_CASE 5                 /* a timer 2000 ticks ahead, taken in M */
    rdtime a0
    li a1, 2000
    add s3, a0, a1
    csrw CSR_STIMECMP, s3
    li a0, MIP_STIP
    csrw mie, a0
    csrsi mstatus, MSTATUS_MIE
    WAIT_IRQS 1
    csrci mstatus, MSTATUS_MIE
    rdtime a0
    CHECK_LEU s3, a0
    CHECK_IRQ_LOG 0, PRV_M, IRQ_STI
    csrr a0, mcause
    CHECK a0, INTERRUPT | IRQ_STI

    TEST_CASE 6                 /* delegated to S, programmed by S itself */
    li a0, -1
    csrw CSR_STIMECMP, a0
    li a0, MIP_STIP
    csrw mideleg, a0
    csrw mie, a0
    GOTO_S
    rdtime a0
    li a1, 1500
    add s3, a0, a1
    csrw CSR_STIMECMP, s3
    csrsi sstatus, MSTATUS_SIE
    WAIT_IRQS 2
    csrci sstatus, MSTATUS_SIE
    rdtime a0
    CHECK_LEU s3, a0
    CHECK_IRQ_LOG 1, PRV_S, IRQ_STI
    csrr a0, scause
    CHECK a0, INTERRUPT | IRQ_STI
    csrr a0, sip                /* still pending: the handler only cleared sie.STIE */
    CHECK_BITS a0, MIP_STIP, MIP_STIP
    li a0, -1
    csrw CSR_STIMECMP, a0       /* S acknowledges by moving the deadline */
    csrr a0, sip
    CHECK_BITS a0, MIP_STIP, 0
    GOTO_M

    /* mcounteren.TM = 0: S may not touch stimecmp (tests 7, 8) */
    li a0, COUNTER_TM
    csrc mcounteren, a0
    GOTO_S
    TEST_ILLEGAL 7, csrr a0, CSR_STIMECMP
    GOTO_S
    TEST_ILLEGAL 8, csrw CSR_STIMECMP, zero
    li a0, COUNTER_TM
    csrs mcounteren, a0
    li a0, MENVCFG_STCE         /* STCE = 0: neither may S */
    csrc CSR_MENVCFG, a0
    GOTO_S
    TEST_ILLEGAL 9, csrr a0, CSR_STIMECMP
    TEST_CASE 10                /* ... and mip.STIP is writable again */
    li a0, MIP_STIP
    csrs mip, a0
    csrr a1, mip
    CHECK_BITS a1, MIP_STIP, MIP_STIP
    csrc mip, a0

    TEST_CASE 11                /* WFI (MIE = 0) wakes up when time reaches stimecmp */
    li a0, MENVCFG_STCE
    csrs CSR_MENVCFG, a0
    csrw mideleg, zero
    li a0, MIP_STIP
    csrw mie, a0
    IRQ_LOG_RESET
    rdtime a0
    li a1, 3000
    add s3, a0, a1
    csrw CSR_STIMECMP, s3
    li s4, 0
1:  wfi
    addi s4, s4, 1
    csrr a0, mip
    andi a0, a0, MIP_STIP
    bnez a0, 2f
    li a1, 1000000
    bltu s4, a1, 1b
    j hv_fail
2:  rdtime a0
    CHECK_LEU s3, a0
    CHECK_IRQ_COUNT 0
    CHECK s4, 1                 /* one wfi was enough (WFI implemented as a real wait) */
    li a0, -1
    csrw CSR_STIMECMP, a0
    csrw mie, zero
    csrw mideleg, zero

    PASS
