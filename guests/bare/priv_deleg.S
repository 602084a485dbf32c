/*
 * priv_deleg.S - exception delegation to S-mode with medeleg.
 *
 * Covers: a delegated exception from U or S enters the S handler (stvec) with scause,
 * sepc and stval set (stval = instruction bits for illegal instructions, 0 for ecall), and
 * sstatus updated (SPP = previous privilege, SPIE = old SIE, SIE = 0) while the M-mode
 * registers (mcause, mepc, MPP) stay untouched; a cause whose medeleg bit is clear still goes
 * to M; ebreak delegates the same way (scause 3, stval = pc); delegating ecall from S makes
 * S-mode trap to itself.
 */
#include "hvtest.h"

HVTEST_BEGIN
    li a0, (1 << CAUSE_ECALL_U) | (1 << CAUSE_ILLEGAL) | (1 << CAUSE_BREAKPOINT)
    csrw medeleg, a0
    li a0, 0x1234
    csrw mcause, a0
    csrw mepc, a0

    TEST_CASE 1                 /* ecall from U, delegated: S handler, scause 8 */
    csrsi sstatus, MSTATUS_SIE  /* SIE = 1 (sie = 0: no interrupt can come) */
    GOTO_U
    EXPECT_TRAP 2f
1:  ecall
    j hv_fail
2:  CHECK_TRAP CAUSE_ECALL_U, 1b
    CHECK_TRAP_LEVEL PRV_S
    CHECK_TVAL 0
    CHECK_TRAP_STATUS MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE, MSTATUS_SPIE
    csrr a0, scause             /* (sepc now holds the resume address) */
    CHECK a0, CAUSE_ECALL_U
    TEST_CASE 2                 /* (still in S after the resume) M state untouched */
    GOTO_M
    csrr a0, mcause             /* the ecall of GOTO_M itself went to M: nothing before */
    CHECK a0, CAUSE_ECALL_S

    TEST_CASE 3                 /* illegal instruction from U: stval = its bits */
    csrci sstatus, MSTATUS_SIE
    GOTO_U
    EXPECT_TRAP 2f
1:  csrw 0x0ff, x0             /* no such CSR */
    j hv_fail
2:  CHECK_TRAP CAUSE_ILLEGAL, 1b
    CHECK_TRAP_LEVEL PRV_S
    CHECK_TVAL_INSN32 1b
    CHECK_TRAP_STATUS MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE, 0
    GOTO_M

    TEST_CASE 4                 /* illegal instruction from S: SPP = S */
    GOTO_S
    EXPECT_TRAP 2f
1:  csrr a0, mstatus
    j hv_fail
2:  CHECK_TRAP CAUSE_ILLEGAL, 1b
    CHECK_TRAP_LEVEL PRV_S
    CHECK_TVAL_INSN32 1b
    CHECK_TRAP_STATUS MSTATUS_SPP, MSTATUS_SPP
    GOTO_M

    TEST_CASE 5                 /* ebreak from U, delegated: scause 3, stval = pc */
    GOTO_U
    EXPECT_TRAP 2f
1:  ebreak
    j hv_fail
2:  CHECK_TRAP CAUSE_BREAKPOINT, 1b
    CHECK_TRAP_LEVEL PRV_S
#ifndef QEMU_COMPAT
    CHECK_TVAL_ADDR 1b          /* QEMU 7.2 writes 0 (also allowed by the spec) */
#endif
    GOTO_M

    TEST_CASE 6                 /* ecall from S is not delegated: goes to M */
    GOTO_S
    EXPECT_TRAP 2f
1:  ecall
    j hv_fail
2:  CHECK_TRAP CAUSE_ECALL_S, 1b
    CHECK_TRAP_LEVEL PRV_M

    TEST_CASE 7                 /* clearing the medeleg bit sends the trap to M again */
    li a0, 1 << CAUSE_ILLEGAL
    csrc medeleg, a0
    GOTO_U
    EXPECT_TRAP 2f
1:  .word 0
    j hv_fail
2:  CHECK_TRAP CAUSE_ILLEGAL, 1b
    CHECK_TRAP_LEVEL PRV_M
    CHECK_TRAP_STATUS MSTATUS_MPP, MPP_U

    TEST_CASE 8                 /* ecall from S delegated: S traps to itself */
    li a0, 1 << CAUSE_ECALL_S
    csrs medeleg, a0
    GOTO_S
    EXPECT_TRAP 2f
1:  ecall
    j hv_fail
2:  CHECK_TRAP CAUSE_ECALL_S, 1b
    CHECK_TRAP_LEVEL PRV_S
    CHECK_TRAP_STATUS MSTATUS_SPP, MSTATUS_SPP
    /* back to M through a cause that is not delegated (ecall from S now is) */
    EXPECT_TRAP 3f
    csrr a0, mstatus
3:  CHECK_TRAP_LEVEL PRV_M
    csrw medeleg, zero

    PASS
