/*
 * rv64ui_branch.S - RV64I conditional branches: beq, bne, blt, bge, bltu, bgeu.
 *
 * Every branch is tried on zero, positive, negative and extreme operands (INT64_MIN,
 * INT64_MAX, values that differ only above bit 31); each case checks both a forward and a
 * backward branch, taken or not taken as the specification demands.  Then: the same
 * register as both operands, x0 as an operand, and branches near the +-4 KiB range limit.
 */
#include "hvtest.h"

HVTEST_BEGIN
    /* ---- beq ---- */
    TEST_BR2_OP_TAKEN 1, beq, 0, 0
    TEST_BR2_OP_TAKEN 2, beq, 1, 1
    TEST_BR2_OP_TAKEN 3, beq, -1, -1
    TEST_BR2_OP_NOTTAKEN 4, beq, 0, 1
    TEST_BR2_OP_NOTTAKEN 5, beq, 1, 0
    TEST_BR2_OP_NOTTAKEN 6, beq, -1, 1
    TEST_BR2_OP_NOTTAKEN 7, beq, 1, -1
    TEST_BR2_OP_NOTTAKEN 8, beq, -2, -1
    TEST_BR2_OP_NOTTAKEN 9, beq, -1, -2
    TEST_BR2_OP_NOTTAKEN 10, beq, 0x8000000000000000, 0x7fffffffffffffff
    TEST_BR2_OP_NOTTAKEN 11, beq, 0x7fffffffffffffff, 0x8000000000000000
    TEST_BR2_OP_NOTTAKEN 12, beq, 0x8000000000000000, 0
    TEST_BR2_OP_NOTTAKEN 13, beq, 0x100000000, 0
    TEST_BR2_OP_NOTTAKEN 14, beq, 0x80000000, 0xffffffff80000000
    /* ---- bne ---- */
    TEST_BR2_OP_NOTTAKEN 15, bne, 0, 0
    TEST_BR2_OP_NOTTAKEN 16, bne, 1, 1
    TEST_BR2_OP_NOTTAKEN 17, bne, -1, -1
    TEST_BR2_OP_TAKEN 18, bne, 0, 1
    TEST_BR2_OP_TAKEN 19, bne, 1, 0
    TEST_BR2_OP_TAKEN 20, bne, -1, 1
    TEST_BR2_OP_TAKEN 21, bne, 1, -1
    TEST_BR2_OP_TAKEN 22, bne, -2, -1
    TEST_BR2_OP_TAKEN 23, bne, -1, -2
    TEST_BR2_OP_TAKEN 24, bne, 0x8000000000000000, 0x7fffffffffffffff
    TEST_BR2_OP_TAKEN 25, bne, 0x7fffffffffffffff, 0x8000000000000000
    TEST_BR2_OP_TAKEN 26, bne, 0x8000000000000000, 0
    TEST_BR2_OP_TAKEN 27, bne, 0x100000000, 0
    TEST_BR2_OP_TAKEN 28, bne, 0x80000000, 0xffffffff80000000
    /* ---- blt ---- */
    TEST_BR2_OP_NOTTAKEN 29, blt, 0, 0
    TEST_BR2_OP_NOTTAKEN 30, blt, 1, 1
    TEST_BR2_OP_NOTTAKEN 31, blt, -1, -1
    TEST_BR2_OP_TAKEN 32, blt, 0, 1
    TEST_BR2_OP_NOTTAKEN 33, blt, 1, 0
    TEST_BR2_OP_TAKEN 34, blt, -1, 1
    TEST_BR2_OP_NOTTAKEN 35, blt, 1, -1
    TEST_BR2_OP_TAKEN 36, blt, -2, -1
    TEST_BR2_OP_NOTTAKEN 37, blt, -1, -2
    TEST_BR2_OP_TAKEN 38, blt, 0x8000000000000000, 0x7fffffffffffffff
    TEST_BR2_OP_NOTTAKEN 39, blt, 0x7fffffffffffffff, 0x8000000000000000
    TEST_BR2_OP_TAKEN 40, blt, 0x8000000000000000, 0
    TEST_BR2_OP_NOTTAKEN 41, blt, 0x100000000, 0
    TEST_BR2_OP_NOTTAKEN 42, blt, 0x80000000, 0xffffffff80000000
    /* ---- bge ---- */
    TEST_BR2_OP_TAKEN 43, bge, 0, 0
    TEST_BR2_OP_TAKEN 44, bge, 1, 1
    TEST_BR2_OP_TAKEN 45, bge, -1, -1
    TEST_BR2_OP_NOTTAKEN 46, bge, 0, 1
    TEST_BR2_OP_TAKEN 47, bge, 1, 0
    TEST_BR2_OP_NOTTAKEN 48, bge, -1, 1
    TEST_BR2_OP_TAKEN 49, bge, 1, -1
    TEST_BR2_OP_NOTTAKEN 50, bge, -2, -1
    TEST_BR2_OP_TAKEN 51, bge, -1, -2
    TEST_BR2_OP_NOTTAKEN 52, bge, 0x8000000000000000, 0x7fffffffffffffff
    TEST_BR2_OP_TAKEN 53, bge, 0x7fffffffffffffff, 0x8000000000000000
    TEST_BR2_OP_NOTTAKEN 54, bge, 0x8000000000000000, 0
    TEST_BR2_OP_TAKEN 55, bge, 0x100000000, 0
    TEST_BR2_OP_TAKEN 56, bge, 0x80000000, 0xffffffff80000000
    /* ---- bltu ---- */
    TEST_BR2_OP_NOTTAKEN 57, bltu, 0, 0
    TEST_BR2_OP_NOTTAKEN 58, bltu, 1, 1
    TEST_BR2_OP_NOTTAKEN 59, bltu, -1, -1
    TEST_BR2_OP_TAKEN 60, bltu, 0, 1
    TEST_BR2_OP_NOTTAKEN 61, bltu, 1, 0
    TEST_BR2_OP_NOTTAKEN 62, bltu, -1, 1
    TEST_BR2_OP_TAKEN 63, bltu, 1, -1
    TEST_BR2_OP_TAKEN 64, bltu, -2, -1
    TEST_BR2_OP_NOTTAKEN 65, bltu, -1, -2
    TEST_BR2_OP_NOTTAKEN 66, bltu, 0x8000000000000000, 0x7fffffffffffffff
    TEST_BR2_OP_TAKEN 67, bltu, 0x7fffffffffffffff, 0x8000000000000000
    TEST_BR2_OP_NOTTAKEN 68, bltu, 0x8000000000000000, 0
    TEST_BR2_OP_NOTTAKEN 69, bltu, 0x100000000, 0
    TEST_BR2_OP_TAKEN 70, bltu, 0x80000000, 0xffffffff80000000
    /* ---- bgeu ---- */
    TEST_BR2_OP_TAKEN 71, bgeu, 0, 0
    TEST_BR2_OP_TAKEN 72, bgeu, 1, 1
    TEST_BR2_OP_TAKEN 73, bgeu, -1, -1
    TEST_BR2_OP_NOTTAKEN 74, bgeu, 0, 1
    TEST_BR2_OP_TAKEN 75, bgeu, 1, 0
    TEST_BR2_OP_TAKEN 76, bgeu, -1, 1
    TEST_BR2_OP_NOTTAKEN 77, bgeu, 1, -1
    TEST_BR2_OP_NOTTAKEN 78, bgeu, -2, -1
    TEST_BR2_OP_TAKEN 79, bgeu, -1, -2
    TEST_BR2_OP_TAKEN 80, bgeu, 0x8000000000000000, 0x7fffffffffffffff
    TEST_BR2_OP_NOTTAKEN 81, bgeu, 0x7fffffffffffffff, 0x8000000000000000
    TEST_BR2_OP_TAKEN 82, bgeu, 0x8000000000000000, 0
    TEST_BR2_OP_TAKEN 83, bgeu, 0x100000000, 0
    TEST_BR2_OP_NOTTAKEN 84, bgeu, 0x80000000, 0xffffffff80000000

    /* ---- same register on both sides ---- */
    TEST_CASE 85
    li a1, -7
    beq a1, a1, 1f
    j hv_fail
1:  bne a1, a1, hv_fail_near
    blt a1, a1, hv_fail_near
    bltu a1, a1, hv_fail_near
    bge a1, a1, 2f
    j hv_fail
2:  bgeu a1, a1, 3f
    j hv_fail
3:
    /* ---- x0 as an operand (beqz/bnez/bltz/bgez/bgtz/blez) ---- */
    TEST_CASE 86
    li a1, -3
    beqz a1, hv_fail_near
    bgez a1, hv_fail_near
    bgtz a1, hv_fail_near
    bltz a1, 1f
    j hv_fail
1:  blez a1, 2f
    j hv_fail
2:  bltu a1, x0, hv_fail_near   /* nothing is unsigned-below zero */
    bgeu x0, a1, hv_fail_near
    bnez a1, 3f
    j hv_fail
3:  beq x0, x0, 4f
    j hv_fail
4:
    /* ---- branch displacement near +4 KiB: skip 4088 bytes of traps ---- */
    TEST_CASE 87
    li a1, 1
    bnez a1, 5f
    .fill 1022, 4, 0x00000000   /* illegal instructions: executing any would trap */
5:  j 6f
    /* ---- backward near -4 KiB ---- */
7:  j 8f
    .fill 1021, 4, 0x00000000
6:  TEST_CASE 88
    li a1, 1
    bnez a1, 7b
    j hv_fail
8:
    /* ---- a not-taken branch falls through exactly to the next instruction ---- */
    TEST_CASE 89
    li a0, 0
    li a1, 1
    beq a1, x0, 9f
    addi a0, a0, 1
9:  addi a0, a0, 1
    CHECK a0, 2

    PASS

hv_fail_near:
    j hv_fail
