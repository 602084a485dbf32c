/*
 * rv64ui_jump.S - RV64I unconditional jumps: jal and jalr.
 *
 * Covers the link value (address of the next instruction), forward and backward targets,
 * jal/jalr with rd = x0 (no link written), alternate link registers, jalr computing
 * (rs1 + imm) & ~1 (odd rs1, odd immediate, negative and extreme immediates), and
 * jalr with rd == rs1 (the target uses the old rs1, then rd receives the link).
 */
#include "hvtest.h"

HVTEST_BEGIN
    /* ---- jal ---- */
    TEST_CASE 1
    li ra, 0
    jal ra, 1f
2:  j hv_fail
1:  CHECK_ADDR ra, 2b

    TEST_CASE 2                 /* backward jal */
    j 3f
4:  CHECK_ADDR t0, 5f
    j 6f
3:  jal t0, 4b
5:  j hv_fail
6:
    TEST_CASE 3                 /* jal x0 writes nothing */
    li a0, 77
    jal x0, 1f
    li a0, 0
1:  CHECK a0, 77
    CHECK x0, 0

    TEST_CASE 4                 /* a longer forward jump over 64 KiB of illegal words */
    jal a3, 1f
2:  .fill 16384, 4, 0
1:  CHECK_ADDR a3, 2b

    /* ---- jalr ---- */
    TEST_CASE 5
    la a0, 1f
    jalr a1, 0(a0)
2:  j hv_fail
1:  CHECK_ADDR a1, 2b
    CHECK_ADDR a0, 1b           /* rs1 is unchanged */

    TEST_CASE 6                 /* rd == rs1: target from the old value, then the link */
    la a0, 1f
    jalr a0, 0(a0)
2:  j hv_fail
1:  CHECK_ADDR a0, 2b

    TEST_CASE 7                 /* bit 0 of the target is cleared (odd rs1) */
    la a0, 1f
    addi a0, a0, 1
    jalr a1, 0(a0)
2:  j hv_fail
1:  CHECK_ADDR a1, 2b

    TEST_CASE 8                 /* odd immediate */
    la a0, 1f
    jalr a1, 1(a0)
2:  j hv_fail
1:  CHECK_ADDR a1, 2b

    TEST_CASE 9                 /* negative immediate */
    la a0, 1f
    addi a0, a0, 12
    jalr a1, -12(a0)
2:  j hv_fail
1:  CHECK_ADDR a1, 2b

    TEST_CASE 10                /* immediate -2048 */
    la a0, 1f
    li a2, 2048
    add a0, a0, a2
    jalr a1, -2048(a0)
2:  j hv_fail
1:  CHECK_ADDR a1, 2b

    TEST_CASE 11                /* immediate +2047 with rs1 = target - 2047 (odd sum cleared) */
    la a0, 1f
    addi a0, a0, -2047
    jalr a1, 2047(a0)
2:  j hv_fail
1:  CHECK_ADDR a1, 2b

    TEST_CASE 12                /* jalr x0: jr, no link */
    li a1, 55
    la a0, 1f
    jalr x0, 0(a0)
    li a1, 0
1:  CHECK a1, 55

    TEST_CASE 13                /* call / ret through a real subroutine */
    li a0, 20
    call double_it
    CHECK a0, 40
    call double_it
    CHECK a0, 80

    TEST_CASE 14                /* backward jalr */
    j 2f
1:  CHECK_ADDR a1, 3f
    j 4f
2:  la a0, 1b
    jalr a1, 0(a0)
3:  j hv_fail
4:
    PASS

double_it:
    add a0, a0, a0
    ret
