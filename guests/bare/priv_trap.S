/*
 * priv_trap.S - synchronous trap entry into M-mode and the xRET instructions.
 *
 * Covers: ecall from M, S and U (mcause 11, 9, 8; mepc = the ecall; mtval = 0); the
 * mstatus update on trap entry (MPP = previous privilege, MPIE = old MIE, MIE = 0, the S
 * fields untouched); mret (privilege from MPP, MIE = MPIE, MPIE = 1, MPP = U, MPRV cleared
 * when returning below M, kept when returning to M); sret (privilege from SPP, SIE = SPIE,
 * SPIE = 1, SPP = U); mret/sret are illegal below their level; medeleg cannot delegate
 * ecall from M (bit 11 reads 0) and delegation never applies to traps taken in M-mode.
 */
#include "hvtest.h"

HVTEST_BEGIN
    /* ---- ecall from each privilege level ---- */
    TEST_CASE 1
    EXPECT_TRAP 2f
1:  ecall
    j hv_fail
2:  CHECK_TRAP CAUSE_ECALL_M, 1b
    CHECK_TVAL 0
    CHECK_TRAP_LEVEL PRV_M
    CHECK_TRAP_STATUS MSTATUS_MPP, MPP_M

    TEST_CASE 2
    GOTO_S
    EXPECT_TRAP 2f
1:  ecall
    j hv_fail
2:  CHECK_TRAP CAUSE_ECALL_S, 1b
    CHECK_TVAL 0
    CHECK_TRAP_STATUS MSTATUS_MPP, MPP_S

    TEST_CASE 3
    GOTO_U
    EXPECT_TRAP 2f
1:  ecall
    j hv_fail
2:  CHECK_TRAP CAUSE_ECALL_U, 1b
    CHECK_TVAL 0
    CHECK_TRAP_STATUS MSTATUS_MPP, MPP_U

    /* ---- mstatus on trap entry ---- */
    TEST_CASE 4                 /* MIE -> MPIE, MIE = 0 (mie = 0: no interrupt can come) */
    csrw mie, zero
    csrsi mstatus, MSTATUS_MIE
    EXPECT_TRAP 2f
    ecall
2:  CHECK_TRAP_STATUS MSTATUS_MIE | MSTATUS_MPIE, MSTATUS_MPIE
    TEST_CASE 5                 /* MIE = 0 -> MPIE = 0 */
    csrci mstatus, MSTATUS_MIE
    EXPECT_TRAP 2f
    ecall
2:  CHECK_TRAP_STATUS MSTATUS_MIE | MSTATUS_MPIE, 0
    TEST_CASE 6                 /* a trap into M leaves SIE/SPIE/SPP alone */
    li a0, MSTATUS_SIE | MSTATUS_SPP
    csrs mstatus, a0
    li a0, MSTATUS_SPIE
    csrc mstatus, a0
    GOTO_S
    EXPECT_TRAP 2f
    ecall
2:  CHECK_TRAP_STATUS MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP, MSTATUS_SIE | MSTATUS_SPP
    li a0, MSTATUS_SIE | MSTATUS_SPP
    csrc mstatus, a0

    /* ---- mret ---- */
    TEST_CASE 7                 /* mret to M: MIE = MPIE (1), MPIE = 1, MPP = U */
    li a0, MSTATUS_MPP | MSTATUS_MPIE
    csrs mstatus, a0
    csrci mstatus, MSTATUS_MIE
    la a0, 1f
    csrw mepc, a0
    mret
    j hv_fail
1:  CHECK_CSR_BITS mstatus, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP, MSTATUS_MIE | MSTATUS_MPIE | MPP_U
    csrci mstatus, MSTATUS_MIE
    TEST_CASE 8                 /* mret to M with MPIE = 0: MIE = 0, MPIE = 1 */
    li a0, MSTATUS_MPP
    csrs mstatus, a0
    li a0, MSTATUS_MPIE
    csrc mstatus, a0
    csrsi mstatus, MSTATUS_MIE
    la a0, 1f
    csrw mepc, a0
    mret
    j hv_fail
1:  CHECK_CSR_BITS mstatus, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP, MSTATUS_MPIE | MPP_U
    TEST_CASE 9                 /* mret to M keeps MPRV */
    li a0, MSTATUS_MPP | MSTATUS_MPRV
    csrs mstatus, a0
    la a0, 1f
    csrw mepc, a0
    mret
1:  csrr a1, mstatus            /* MPRV=1 with MPP=U now: no loads/stores until cleared */
    li a0, MSTATUS_MPRV
    csrc mstatus, a0
    CHECK_BITS a1, MSTATUS_MPRV, MSTATUS_MPRV
    TEST_CASE 10                /* mret to S clears MPRV; the trap back shows MPP = S */
    li a0, MSTATUS_MPP
    csrc mstatus, a0
    li a0, MPP_S | MSTATUS_MPRV
    csrs mstatus, a0
    la a0, 1f
    csrw mepc, a0
    mret
    j hv_fail
1:  EXPECT_TRAP 2f
    ecall
2:  CHECK_TRAP_CAUSE CAUSE_ECALL_S
#ifndef QEMU_COMPAT
    CHECK_TRAP_STATUS MSTATUS_MPRV | MSTATUS_MPP, MPP_S    /* QEMU 7.2 keeps MPRV */
#endif
    li a0, MSTATUS_MPRV
    csrc mstatus, a0
    TEST_CASE 11                /* mret to U */
    li a0, MSTATUS_MPP
    csrc mstatus, a0
    la a0, 1f
    csrw mepc, a0
    mret
    j hv_fail
1:  EXPECT_TRAP 2f
    ecall
2:  CHECK_TRAP_CAUSE CAUSE_ECALL_U

    /* ---- sret ---- */
    TEST_CASE 12                /* sret from S to U: SIE = SPIE (1), SPIE = 1, SPP = U */
    GOTO_S
    li a0, MSTATUS_SPIE
    csrs sstatus, a0
    li a0, MSTATUS_SPP | MSTATUS_SIE
    csrc sstatus, a0
    la a0, 1f
    csrw sepc, a0
    sret
    j hv_fail
1:  EXPECT_TRAP 2f
    ecall
2:  CHECK_TRAP_CAUSE CAUSE_ECALL_U
    CHECK_TRAP_STATUS MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP, MSTATUS_SIE | MSTATUS_SPIE
    csrci mstatus, MSTATUS_SIE
    TEST_CASE 13                /* sret from S to S with SPIE = 0: SIE = 0, SPIE = 1, SPP = U */
    GOTO_S
    li a0, MSTATUS_SPP
    csrs sstatus, a0
    li a0, MSTATUS_SPIE
    csrc sstatus, a0
    csrsi sstatus, MSTATUS_SIE
    la a0, 1f
    csrw sepc, a0
    sret
    j hv_fail
1:  csrr a1, sstatus            /* still in S: sstatus is readable */
    CHECK_BITS a1, MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP, MSTATUS_SPIE
    GOTO_M
    TEST_CASE 14                /* sret in M-mode works too (M may execute sret) */
    li a0, MSTATUS_SPP
    csrs mstatus, a0
    la a0, 1f
    csrw sepc, a0
    sret
    j hv_fail
1:  EXPECT_TRAP 2f
    ecall
2:  CHECK_TRAP_CAUSE CAUSE_ECALL_S

    /* ---- xRET below its level is illegal ---- */
    GOTO_S
    TEST_ILLEGAL 15, mret
    GOTO_U
    TEST_ILLEGAL 16, mret
    GOTO_U
    TEST_ILLEGAL 17, sret

    /* ---- medeleg ---- */
    TEST_CASE 18                /* ecall from M cannot be delegated */
    li a0, -1
    csrw medeleg, a0
    csrr a1, medeleg
#ifndef QEMU_COMPAT
    CHECK_BITS a1, 1 << CAUSE_ECALL_M, 0    /* QEMU 7.2 lets bit 11 be set */
#endif
    CHECK_BITS a1, (1 << CAUSE_ILLEGAL) | (1 << CAUSE_ECALL_U), (1 << CAUSE_ILLEGAL) | (1 << CAUSE_ECALL_U)
    TEST_CASE 19                /* delegation does not apply to traps taken in M-mode */
    EXPECT_TRAP 2f
1:  .word 0                     /* illegal */
    j hv_fail
2:  CHECK_TRAP CAUSE_ILLEGAL, 1b
    CHECK_TRAP_LEVEL PRV_M
    TEST_CASE 20
    EXPECT_TRAP 2f
1:  ecall
2:  CHECK_TRAP CAUSE_ECALL_M, 1b
    CHECK_TRAP_LEVEL PRV_M
    csrw medeleg, zero

    PASS
