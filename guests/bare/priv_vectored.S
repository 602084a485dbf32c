/*
 * priv_vectored.S - vectored trap-vector mode of mtvec and stvec (MODE = 1).
 *
 * Covers: the MODE field reads back as 1; interrupts jump to BASE + 4 * cause (SSI 1,
 * MSI 3, STI 5, MTI 7, SEI 9 through mtvec; SSI 1 through stvec) while exceptions jump to
 * BASE itself (ecall from M through mtvec, a delegated ecall from U through stvec);
 * mcause/scause still hold the full cause.  The program installs its own vector tables:
 * entry 0 is the framework's handler (so exceptions are recorded as usual), every other
 * entry k records (level << 8) | k and the cause, disables interrupt k and returns.  Those
 * handlers use t0 and t1 only.
 */
#include "hvtest.h"

/* raise `bit` through mip, enable it, check that vector `irq` took it */
.macro TEST_VECTOR n, irq, bit
    TEST_CASE \n
    sd zero, vec_hit, t5
    li a0, \bit
    csrs mip, a0
    csrs mie, a0
    csrsi mstatus, MSTATUS_MIE
    nop
    csrci mstatus, MSTATUS_MIE
    ld a1, vec_hit
    CHECK a1, (PRV_M << 8) | \irq
    ld a1, vec_cause
    CHECK a1, INTERRUPT | \irq
    li a0, \bit
    csrc mip, a0
.endm

/* spin until vec_hit == val (bounded) */
.macro WAIT_VEC val
    li a7, 1000000
.Lw\@:
    ld a1, vec_hit
    li t6, \val
    beq a1, t6, .Ld\@
    addi a7, a7, -1
    bnez a7, .Lw\@
    j hv_fail
.Ld\@:
.endm

HVTEST_BEGIN
    csrw CSR_MENVCFG, zero
    csrw mie, zero
    csrw mideleg, zero
    la a0, m_vectors
    ori a0, a0, 1
    csrw mtvec, a0

    TEST_CASE 1                 /* vectored mode is implemented */
    csrr a1, mtvec
    CHECK_EQ a1, a0

    TEST_CASE 2                 /* an exception goes to BASE (the framework's handler) */
    EXPECT_TRAP 2f
1:  ecall
    j hv_fail
2:  CHECK_TRAP CAUSE_ECALL_M, 1b

    TEST_VECTOR 3, IRQ_SSI, MIP_SSIP
    TEST_VECTOR 4, IRQ_STI, MIP_STIP
    TEST_VECTOR 5, IRQ_SEI, MIP_SEIP

    TEST_CASE 6                 /* MSI through the CLINT */
    sd zero, vec_hit, t5
    li a2, CLINT_MSIP
    li a0, 1
    sw a0, 0(a2)
    li a0, MIP_MSIP
    csrs mie, a0
    csrsi mstatus, MSTATUS_MIE
    WAIT_VEC (PRV_M << 8) | IRQ_MSI
    csrci mstatus, MSTATUS_MIE
    sw zero, 0(a2)
    ld a1, vec_cause
    CHECK a1, INTERRUPT | IRQ_MSI

    TEST_CASE 7                 /* MTI through the CLINT */
    sd zero, vec_hit, t5
    li a2, CLINT_MTIMECMP
    sd zero, 0(a2)
    li a0, MIP_MTIP
    csrs mie, a0
    csrsi mstatus, MSTATUS_MIE
    WAIT_VEC (PRV_M << 8) | IRQ_MTI
    csrci mstatus, MSTATUS_MIE
    li a0, -1
    sd a0, 0(a2)
    ld a1, vec_cause
    CHECK a1, INTERRUPT | IRQ_MTI

    /* ---- stvec ---- */
    la a0, s_vectors
    ori a0, a0, 1
    csrw stvec, a0
    TEST_CASE 8
    csrr a1, stvec
    CHECK_EQ a1, a0
    TEST_CASE 9                 /* a delegated SSI in S: stvec BASE + 4 */
    li a0, MIP_SSIP
    csrw mideleg, a0
    csrs mie, a0
    sd zero, vec_hit, t5
    csrs mip, a0
    GOTO_S
    csrsi sstatus, MSTATUS_SIE
    nop
    csrci sstatus, MSTATUS_SIE
    ld a1, vec_hit
    CHECK a1, (PRV_S << 8) | IRQ_SSI
    ld a1, vec_cause
    CHECK a1, INTERRUPT | IRQ_SSI
    GOTO_M                      /* ecall from S is not delegated: mtvec BASE */
    TEST_CASE 10                /* a delegated exception: stvec BASE */
    li a0, 1 << CAUSE_ECALL_U
    csrw medeleg, a0
    GOTO_U
    EXPECT_TRAP 2f
1:  ecall
    j hv_fail
2:  CHECK_TRAP CAUSE_ECALL_U, 1b
    CHECK_TRAP_LEVEL PRV_S
    GOTO_M
    csrw medeleg, zero
    csrw mideleg, zero
    csrw mie, zero
    li a0, MIP_SSIP
    csrc mip, a0
    TEST_CASE 11                /* back to direct mode: MODE reads 0 */
    la a0, hv_mtrap
    csrw mtvec, a0
    csrr a1, mtvec
    CHECK_EQ a1, a0
    la a0, hv_strap
    csrw stvec, a0

    PASS

/* ---- vector tables ---- */
    .balign 256
m_vectors:
    j hv_mtrap
    .irp k, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
    j m_vec_\k
    .endr
    .irp k, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
m_vec_\k:
    li t0, \k
    j m_vec_common
    .endr
m_vec_common:
    la t1, vec_hit
    sd t0, 8(t1)                /* (scratch: the index) */
    ori t0, t0, PRV_M << 8
    sd t0, 0(t1)
    csrr t0, mcause
    sd t0, 16(t1)
    ld t0, 8(t1)
    li t1, 1
    sll t1, t1, t0
    csrc mie, t1
    mret

    .balign 256
s_vectors:
    j hv_strap
    .irp k, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
    j s_vec_\k
    .endr
    .irp k, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
s_vec_\k:
    li t0, \k
    j s_vec_common
    .endr
s_vec_common:
    la t1, vec_hit
    sd t0, 8(t1)
    ori t0, t0, PRV_S << 8
    sd t0, 0(t1)
    csrr t0, scause
    sd t0, 16(t1)
    ld t0, 8(t1)
    li t1, 1
    sll t1, t1, t0
    csrc sie, t1
    sret

    .data
    .balign 8
vec_hit:    .dword 0
vec_index:  .dword 0
vec_cause:  .dword 0
