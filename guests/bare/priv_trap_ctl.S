/*
 * priv_trap_ctl.S - mstatus.TW, TSR and TVM, and WFI from U-mode.
 *
 * Covers: with TW = 1, WFI in S-mode raises illegal instruction (mtval = its bits) while
 * WFI in M-mode still works; WFI in U-mode is illegal (S-mode exists); with TSR = 1, sret
 * in S-mode is illegal but allowed in M-mode; with TVM = 1, reading or writing satp and
 * executing sfence.vma in S-mode are illegal, M-mode is unaffected; with the bits clear,
 * S-mode may do all of these.
 */
#include "hvtest.h"

HVTEST_BEGIN
    csrw mie, zero
    li a0, -1
    li a1, CLINT_MTIMECMP
    sd a0, 0(a1)                /* no timer: nothing can complete a wfi on its own */

    /* ---- TW ---- */
    li a0, MSTATUS_TW
    csrs mstatus, a0
    GOTO_S
    TEST_ILLEGAL 1, wfi
    TEST_CASE 2                 /* TW does not apply to M-mode: with MSIP pending and */
    li a0, CLINT_MSIP           /* enabled in mie (MIE = 0) wfi returns at once      */
    li a1, 1
    sw a1, 0(a0)
    li a1, MIP_MSIP
    csrw mie, a1
    li a7, 100000
1:  csrr a1, mip
    andi a1, a1, MIP_MSIP
    bnez a1, 2f
    addi a7, a7, -1
    bnez a7, 1b
    j hv_fail
2:  wfi
    csrw mie, zero
    sw zero, 0(a0)
    li a0, MSTATUS_TW
    csrc mstatus, a0
    GOTO_U
    TEST_ILLEGAL 3, wfi         /* U-mode WFI with TW = 0 */

    /* ---- TSR ---- */
    li a0, MSTATUS_TSR
    csrs mstatus, a0
    GOTO_S
    TEST_ILLEGAL 4, sret
    TEST_CASE 5                 /* sret in M-mode still works with TSR = 1 */
    li a0, MSTATUS_SPP
    csrs mstatus, a0
    la a0, 1f
    csrw sepc, a0
    sret
    j hv_fail
1:  EXPECT_TRAP 2f              /* we are in S now */
    ecall
2:  CHECK_TRAP_CAUSE CAUSE_ECALL_S
    li a0, MSTATUS_TSR
    csrc mstatus, a0
    TEST_CASE 6                 /* TSR = 0: S may sret (to S) */
    GOTO_S
    li a0, MSTATUS_SPP
    csrs sstatus, a0
    la a0, 1f
    csrw sepc, a0
    sret
    j hv_fail
1:  GOTO_M

    /* ---- TVM ---- */
    li a0, MSTATUS_TVM
    csrs mstatus, a0
    GOTO_S
    TEST_ILLEGAL 7, csrr a0, satp
    GOTO_S
    TEST_ILLEGAL 8, csrw satp, zero
    GOTO_S
    TEST_ILLEGAL 9, sfence.vma
    GOTO_S
    TEST_ILLEGAL 10, sfence.vma a0, a1
    TEST_CASE 11                /* M-mode is not affected */
    csrr a0, satp
    csrw satp, zero
    sfence.vma
    li a0, MSTATUS_TVM
    csrc mstatus, a0
    TEST_CASE 12                /* TVM = 0: S may use satp and sfence.vma */
    GOTO_S
    csrr a0, satp
    csrw satp, zero
    sfence.vma
    CHECK a0, 0
    GOTO_M

    PASS
