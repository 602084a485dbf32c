/*
 * priv_illegal.S - illegal-instruction exceptions carry the instruction bits in mtval; ebreak
 * raises a breakpoint with mtval = pc.
 *
 * Covers encodings from unimplemented extensions (V, F with mstatus.FS = 0), reserved
 * funct3/funct7 values in OP, LOAD, STORE, BRANCH, JALR, OP-IMM-32 and AMO, the all-zero
 * word (decoded as the 16-bit illegal 0x0000: mtval = 0), a retired extension's encoding
 * (uret), and that the trapping instruction did not write its destination register.
 */
#include "hvtest.h"

.macro TEST_BAD_WORD n, word
    TEST_CASE \n
    li a0, 0x5a5a
    EXPECT_TRAP .Lresume\@
.Linsn\@:
    .word \word
    j hv_fail
.Lresume\@:
    CHECK_TRAP CAUSE_ILLEGAL, .Linsn\@
    CHECK_TVAL \word
    CHECK a0, 0x5a5a            /* rd (a0 where the encoding has one) unchanged */
.endm

HVTEST_BEGIN
    li a0, MSTATUS_FS
    csrc mstatus, a0
    TEST_BAD_WORD 1, 0x02a50557   /* vadd.vv v10, v10, v10 (OP-V) */
    TEST_BAD_WORD 2, 0x00a57553   /* fadd.s fa0, fa0, fa0 with FS = 0 (or no F) */
    TEST_BAD_WORD 3, 0x04b50533   /* OP with funct7 = 0000010 */
    TEST_BAD_WORD 4, 0x0005f503   /* LOAD with funct3 = 111 */
    TEST_BAD_WORD 5, 0x00a5c023   /* STORE with funct3 = 100 */
    TEST_BAD_WORD 6, 0x00a5a063   /* BRANCH with funct3 = 010 */
    TEST_BAD_WORD 7, 0x00059567   /* JALR with funct3 = 001 */
    TEST_BAD_WORD 8, 0x0205951b   /* slliw a0, a1, 32: shamt[5] set is reserved */
    TEST_BAD_WORD 9, 0xf8b5a52f   /* AMO .w with funct5 = 11111 */
    TEST_BAD_WORD 10, 0x00200073  /* uret (N extension, gone) */

    TEST_CASE 11                /* 32 zero bits: the 16-bit illegal 0x0000, mtval = 0 */
    EXPECT_TRAP 2f
1:  .word 0
    j hv_fail
2:  CHECK_TRAP CAUSE_ILLEGAL, 1b
    CHECK_TVAL 0

    TEST_CASE 12                /* ebreak in M: cause 3, mepc = mtval = its address */
    EXPECT_TRAP 2f
1:  ebreak
    j hv_fail
2:  CHECK_TRAP CAUSE_BREAKPOINT, 1b
#ifndef QEMU_COMPAT
    CHECK_TVAL_ADDR 1b          /* QEMU 7.2 writes 0 (also allowed by the spec) */
#endif
    TEST_CASE 13                /* and from U-mode */
    GOTO_U
    EXPECT_TRAP 2f
1:  ebreak
    j hv_fail
2:  CHECK_TRAP CAUSE_BREAKPOINT, 1b
    CHECK_TRAP_STATUS MSTATUS_MPP, MPP_U
#ifndef QEMU_COMPAT
    CHECK_TVAL_ADDR 1b
#endif

    TEST_CASE 14                /* 13 traps in all */
    ld a0, hv_trap_count
    CHECK a0, 13

    PASS
