/*
 * rv64um_div.S - RV64M division: div, divu, rem, remu, divw, divuw, remw, remuw.
 *
 * Covers rounding toward zero and the sign of the remainder (sign of the dividend) for all
 * sign combinations, and the special cases of the specification's table, which never trap:
 * division by zero (quotient all ones, remainder = dividend) and signed overflow
 * (-2^63 / -1 = -2^63 with remainder 0; -2^31 / -1 for the W forms).  The W forms use the
 * low 32 bits of the operands and sign-extend the 32-bit result.
 */
#include "hvtest.h"

HVTEST_BEGIN
    /* ---- div ---- */
    TEST_RR_OP 1, div, 0x0000000000000003, 20, 6
    TEST_RR_OP 2, div, 0xfffffffffffffffd, -20, 6
    TEST_RR_OP 3, div, 0xfffffffffffffffd, 20, -6
    TEST_RR_OP 4, div, 0x0000000000000003, -20, -6
    TEST_RR_OP 5, div, 0x0000000000000000, 0, 5
    TEST_RR_OP 6, div, 0x0000000000000007, 7, 1
    TEST_RR_OP 7, div, 0x8000000000000000, 0x8000000000000000, 1
    TEST_RR_OP 8, div, 0x8000000000000000, 0x8000000000000000, -1
    TEST_RR_OP 9, div, 0xc000000000000000, 0x8000000000000000, 2
    TEST_RR_OP 10, div, 0x8000000000000001, 0x7fffffffffffffff, -1
    TEST_RR_OP 11, div, 0xffffffffffffffff, 1, 0
    TEST_RR_OP 12, div, 0xffffffffffffffff, 0, 0
    TEST_RR_OP 13, div, 0xffffffffffffffff, -1, 0
    TEST_RR_OP 14, div, 0xffffffffffffffff, 0x8000000000000000, 0
    TEST_RR_OP 15, div, 0x0000000000000001, -1, -1
    TEST_RR_OP 16, div, 0x0000000000000000, 5, 7
    TEST_RR_SRC1_EQ_DEST 17, div, 0xfffffffffffffff2, -100, 7
    TEST_RR_SRC2_EQ_DEST 18, div, 0xfffffffffffffff2, -100, 7
    TEST_RR_SRC12_EQ_DEST 19, div, 0x0000000000000001, -9
    TEST_RR_ZERODEST 20, div, 5, 0
    /* ---- divu ---- */
    TEST_RR_OP 21, divu, 0x0000000000000003, 20, 6
    TEST_RR_OP 22, divu, 0x2aaaaaaaaaaaaaa7, -20, 6
    TEST_RR_OP 23, divu, 0x0000000000000000, 20, -6
    TEST_RR_OP 24, divu, 0x0000000000000000, -20, -6
    TEST_RR_OP 25, divu, 0x0000000000000000, 0, 5
    TEST_RR_OP 26, divu, 0x0000000000000007, 7, 1
    TEST_RR_OP 27, divu, 0x8000000000000000, 0x8000000000000000, 1
    TEST_RR_OP 28, divu, 0x0000000000000000, 0x8000000000000000, -1
    TEST_RR_OP 29, divu, 0x4000000000000000, 0x8000000000000000, 2
    TEST_RR_OP 30, divu, 0x0000000000000000, 0x7fffffffffffffff, -1
    TEST_RR_OP 31, divu, 0xffffffffffffffff, 1, 0
    TEST_RR_OP 32, divu, 0xffffffffffffffff, 0, 0
    TEST_RR_OP 33, divu, 0xffffffffffffffff, -1, 0
    TEST_RR_OP 34, divu, 0xffffffffffffffff, 0x8000000000000000, 0
    TEST_RR_OP 35, divu, 0x0000000000000001, -1, -1
    TEST_RR_OP 36, divu, 0x0000000000000000, 5, 7
    TEST_RR_SRC1_EQ_DEST 37, divu, 0x2492492492492484, -100, 7
    TEST_RR_SRC2_EQ_DEST 38, divu, 0x2492492492492484, -100, 7
    TEST_RR_SRC12_EQ_DEST 39, divu, 0x0000000000000001, -9
    TEST_RR_ZERODEST 40, divu, 5, 0
    /* ---- rem ---- */
    TEST_RR_OP 41, rem, 0x0000000000000002, 20, 6
    TEST_RR_OP 42, rem, 0xfffffffffffffffe, -20, 6
    TEST_RR_OP 43, rem, 0x0000000000000002, 20, -6
    TEST_RR_OP 44, rem, 0xfffffffffffffffe, -20, -6
    TEST_RR_OP 45, rem, 0x0000000000000000, 0, 5
    TEST_RR_OP 46, rem, 0x0000000000000000, 7, 1
    TEST_RR_OP 47, rem, 0x0000000000000000, 0x8000000000000000, 1
    TEST_RR_OP 48, rem, 0x0000000000000000, 0x8000000000000000, -1
    TEST_RR_OP 49, rem, 0x0000000000000000, 0x8000000000000000, 2
    TEST_RR_OP 50, rem, 0x0000000000000000, 0x7fffffffffffffff, -1
    TEST_RR_OP 51, rem, 0x0000000000000001, 1, 0
    TEST_RR_OP 52, rem, 0x0000000000000000, 0, 0
    TEST_RR_OP 53, rem, 0xffffffffffffffff, -1, 0
    TEST_RR_OP 54, rem, 0x8000000000000000, 0x8000000000000000, 0
    TEST_RR_OP 55, rem, 0x0000000000000000, -1, -1
    TEST_RR_OP 56, rem, 0x0000000000000005, 5, 7
    TEST_RR_SRC1_EQ_DEST 57, rem, 0xfffffffffffffffe, -100, 7
    TEST_RR_SRC2_EQ_DEST 58, rem, 0xfffffffffffffffe, -100, 7
    TEST_RR_SRC12_EQ_DEST 59, rem, 0x0000000000000000, -9
    TEST_RR_ZERODEST 60, rem, 5, 0
    /* ---- remu ---- */
    TEST_RR_OP 61, remu, 0x0000000000000002, 20, 6
    TEST_RR_OP 62, remu, 0x0000000000000002, -20, 6
    TEST_RR_OP 63, remu, 0x0000000000000014, 20, -6
    TEST_RR_OP 64, remu, 0xffffffffffffffec, -20, -6
    TEST_RR_OP 65, remu, 0x0000000000000000, 0, 5
    TEST_RR_OP 66, remu, 0x0000000000000000, 7, 1
    TEST_RR_OP 67, remu, 0x0000000000000000, 0x8000000000000000, 1
    TEST_RR_OP 68, remu, 0x8000000000000000, 0x8000000000000000, -1
    TEST_RR_OP 69, remu, 0x0000000000000000, 0x8000000000000000, 2
    TEST_RR_OP 70, remu, 0x7fffffffffffffff, 0x7fffffffffffffff, -1
    TEST_RR_OP 71, remu, 0x0000000000000001, 1, 0
    TEST_RR_OP 72, remu, 0x0000000000000000, 0, 0
    TEST_RR_OP 73, remu, 0xffffffffffffffff, -1, 0
    TEST_RR_OP 74, remu, 0x8000000000000000, 0x8000000000000000, 0
    TEST_RR_OP 75, remu, 0x0000000000000000, -1, -1
    TEST_RR_OP 76, remu, 0x0000000000000005, 5, 7
    TEST_RR_SRC1_EQ_DEST 77, remu, 0x0000000000000000, -100, 7
    TEST_RR_SRC2_EQ_DEST 78, remu, 0x0000000000000000, -100, 7
    TEST_RR_SRC12_EQ_DEST 79, remu, 0x0000000000000000, -9
    TEST_RR_ZERODEST 80, remu, 5, 0
    /* ---- divw: on the low 32 bits, result sign-extended ---- */
    TEST_RR_OP 81, divw, 0x0000000000000003, 20, 6
    TEST_RR_OP 82, divw, 0xfffffffffffffffd, -20, 6
    TEST_RR_OP 83, divw, 0xfffffffffffffffd, 20, -6
    TEST_RR_OP 84, divw, 0x0000000000000003, -20, -6
    TEST_RR_OP 85, divw, 0xffffffff80000000, 0x80000000, -1
    TEST_RR_OP 86, divw, 0xffffffff80000000, 0xffffffff80000000, 0xffffffff
    TEST_RR_OP 87, divw, 0xffffffffffffffff, 1, 0
    TEST_RR_OP 88, divw, 0xffffffffffffffff, 0xfffffff0, 0
    TEST_RR_OP 89, divw, 0x0000000000000003, 0x100000007, 0x100000002
    TEST_RR_OP 90, divw, 0x0000000000000000, 0x7fffffff, 0x80000000
    TEST_RR_OP 91, divw, 0xffffffffffffffff, 0x12345678ffffffff, 1
    /* ---- divuw: on the low 32 bits, result sign-extended ---- */
    TEST_RR_OP 92, divuw, 0x0000000000000003, 20, 6
    TEST_RR_OP 93, divuw, 0x000000002aaaaaa7, -20, 6
    TEST_RR_OP 94, divuw, 0x0000000000000000, 20, -6
    TEST_RR_OP 95, divuw, 0x0000000000000000, -20, -6
    TEST_RR_OP 96, divuw, 0x0000000000000000, 0x80000000, -1
    TEST_RR_OP 97, divuw, 0x0000000000000000, 0xffffffff80000000, 0xffffffff
    TEST_RR_OP 98, divuw, 0xffffffffffffffff, 1, 0
    TEST_RR_OP 99, divuw, 0xffffffffffffffff, 0xfffffff0, 0
    TEST_RR_OP 100, divuw, 0x0000000000000003, 0x100000007, 0x100000002
    TEST_RR_OP 101, divuw, 0x0000000000000000, 0x7fffffff, 0x80000000
    TEST_RR_OP 102, divuw, 0xffffffffffffffff, 0x12345678ffffffff, 1
    /* ---- remw: on the low 32 bits, result sign-extended ---- */
    TEST_RR_OP 103, remw, 0x0000000000000002, 20, 6
    TEST_RR_OP 104, remw, 0xfffffffffffffffe, -20, 6
    TEST_RR_OP 105, remw, 0x0000000000000002, 20, -6
    TEST_RR_OP 106, remw, 0xfffffffffffffffe, -20, -6
    TEST_RR_OP 107, remw, 0x0000000000000000, 0x80000000, -1
    TEST_RR_OP 108, remw, 0x0000000000000000, 0xffffffff80000000, 0xffffffff
    TEST_RR_OP 109, remw, 0x0000000000000001, 1, 0
    TEST_RR_OP 110, remw, 0xfffffffffffffff0, 0xfffffff0, 0
    TEST_RR_OP 111, remw, 0x0000000000000001, 0x100000007, 0x100000002
    TEST_RR_OP 112, remw, 0x000000007fffffff, 0x7fffffff, 0x80000000
    TEST_RR_OP 113, remw, 0x0000000000000000, 0x12345678ffffffff, 1
    /* ---- remuw: on the low 32 bits, result sign-extended ---- */
    TEST_RR_OP 114, remuw, 0x0000000000000002, 20, 6
    TEST_RR_OP 115, remuw, 0x0000000000000002, -20, 6
    TEST_RR_OP 116, remuw, 0x0000000000000014, 20, -6
    TEST_RR_OP 117, remuw, 0xffffffffffffffec, -20, -6
    TEST_RR_OP 118, remuw, 0xffffffff80000000, 0x80000000, -1
    TEST_RR_OP 119, remuw, 0xffffffff80000000, 0xffffffff80000000, 0xffffffff
    TEST_RR_OP 120, remuw, 0x0000000000000001, 1, 0
    TEST_RR_OP 121, remuw, 0xfffffffffffffff0, 0xfffffff0, 0
    TEST_RR_OP 122, remuw, 0x0000000000000001, 0x100000007, 0x100000002
    TEST_RR_OP 123, remuw, 0x000000007fffffff, 0x7fffffff, 0x80000000
    TEST_RR_OP 124, remuw, 0x0000000000000000, 0x12345678ffffffff, 1

    TEST_CASE 125               /* none of the above trapped */
    ld a0, hv_trap_count
    CHECK a0, 0

    PASS
