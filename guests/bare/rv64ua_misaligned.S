/*
 * rv64ua_misaligned.S - misaligned atomics trap even though ordinary misaligned loads and
 * stores do not: LR raises load address-misaligned (cause 4), SC and AMOs raise store/AMO
 * address-misaligned (cause 6); mtval holds the address, rd is not written, memory is
 * unchanged.
 *
 * Known deviations of QEMU 7.2 (skipped when built with -DQEMU_COMPAT): it raises cause 4
 * instead of 6 for misaligned AMOs, and lets a misaligned SC fail silently (rd = 1) instead
 * of trapping.
 */
#include "hvtest.h"

#ifdef QEMU_COMPAT
#define QEMU_72 1
#else
#define QEMU_72 0
#endif

.macro EXPECT_MISALIGNED n, cause, inst:vararg
    TEST_CASE \n
    li a0, 0x77
    EXPECT_TRAP .Lm_resume\@
.Lm_insn\@:
    \inst
    j hv_fail
.Lm_resume\@:
    .if \cause != CAUSE_MISALIGNED_STORE || !QEMU_72
    CHECK_TRAP \cause, .Lm_insn\@
    .endif
    CHECK_TVAL_REG a1
    CHECK a0, 0x77
.endm


HVTEST_BEGIN
    la a1, data
    li a2, 0x1111111111111111
    sd a2, 0(a1)
    sd a2, 8(a1)
    li a3, 1

    addi a1, a1, 2
    EXPECT_MISALIGNED 1, CAUSE_MISALIGNED_LOAD, lr.w a0, (a1)
    EXPECT_MISALIGNED 2, CAUSE_MISALIGNED_LOAD, lr.d a0, (a1)
    addi a1, a1, 2              /* data + 4: word-aligned, not dword-aligned */
    EXPECT_MISALIGNED 3, CAUSE_MISALIGNED_LOAD, lr.d a0, (a1)
    addi a1, a1, 3              /* data + 7 */
    EXPECT_MISALIGNED 4, CAUSE_MISALIGNED_LOAD, lr.w a0, (a1)

    la a1, data
    addi a1, a1, 2
    EXPECT_MISALIGNED 5, CAUSE_MISALIGNED_STORE, amoadd.w a0, a3, (a1)
    EXPECT_MISALIGNED 6, CAUSE_MISALIGNED_STORE, amoswap.d a0, a3, (a1)
    addi a1, a1, 2
    EXPECT_MISALIGNED 7, CAUSE_MISALIGNED_STORE, amomaxu.d a0, a3, (a1)
    addi a1, a1, 3
    EXPECT_MISALIGNED 8, CAUSE_MISALIGNED_STORE, amoor.w a0, a3, (a1)
    EXPECT_MISALIGNED 9, CAUSE_MISALIGNED_STORE, amominu.w a0, a3, (a1)

    la a1, data
    lr.d a0, (a1)               /* a valid reservation nearby must not matter */
    addi a1, a1, 4
#ifndef QEMU_COMPAT
    EXPECT_MISALIGNED 10, CAUSE_MISALIGNED_STORE, sc.d a0, a3, (a1)
    addi a1, a1, -3
    EXPECT_MISALIGNED 11, CAUSE_MISALIGNED_STORE, sc.w a0, a3, (a1)
#endif

    TEST_CASE 12                /* memory unchanged by all of the above */
    CHECK_MEM ld, data, 0, 0x1111111111111111
    CHECK_MEM ld, data, 8, 0x1111111111111111

    PASS

    .data
    .balign 16
data:
    .dword 0, 0
