/*
 * rv64um_mul.S - RV64M multiplication: mul, mulh, mulhsu, mulhu, mulw.
 *
 * Covers the low and the three kinds of high 64-bit halves of the 128-bit product with
 * positive, negative and extreme operands (INT64_MIN * -1, INT64_MIN^2, UINT64_MAX^2), the
 * signed x unsigned mix of mulhsu, mulw using only the low 32 bits of its operands and
 * sign-extending the 32-bit product, and register aliasing.
 */
#include "hvtest.h"

HVTEST_BEGIN
    /* ---- mul ---- */
    TEST_RR_OP 1, mul, 0x0000000000000000, 0, 0
    TEST_RR_OP 2, mul, 0x0000000000000001, 1, 1
    TEST_RR_OP 3, mul, 0x0000000000000015, 3, 7
    TEST_RR_OP 4, mul, 0x0000000000000001, -1, -1
    TEST_RR_OP 5, mul, 0xffffffffffffffff, -1, 1
    TEST_RR_OP 6, mul, 0x8000000000000000, 0x8000000000000000, -1
    TEST_RR_OP 7, mul, 0x0000000000000000, 0x8000000000000000, 0x8000000000000000
    TEST_RR_OP 8, mul, 0x0000000000000001, 0x7fffffffffffffff, 0x7fffffffffffffff
    TEST_RR_OP 9, mul, 0x8000000000000001, 0x7fffffffffffffff, -1
    TEST_RR_OP 10, mul, 0x0000000000000000, 0x8000000000000000, 2
    TEST_RR_OP 11, mul, 0xfffffffe00000001, 0xffffffff, 0xffffffff
    TEST_RR_OP 12, mul, 0x236d88fe5618cf00, 0x123456789abcdef0, 0xfedcba9876543210
    TEST_RR_OP 13, mul, 0xffffffffffffffeb, -7, 3
    TEST_RR_OP 14, mul, 0x0000000000000000, 0x100000000, 0x100000000
    TEST_RR_SRC1_EQ_DEST 15, mul, 0xb000000000000000, -3, 0x7000000000000000
    TEST_RR_SRC2_EQ_DEST 16, mul, 0xb000000000000000, -3, 0x7000000000000000
    TEST_RR_SRC12_EQ_DEST 17, mul, 0x0000000000000009, -3
    TEST_RR_ZERODEST 18, mul, 5, 6
    /* ---- mulh ---- */
    TEST_RR_OP 19, mulh, 0x0000000000000000, 0, 0
    TEST_RR_OP 20, mulh, 0x0000000000000000, 1, 1
    TEST_RR_OP 21, mulh, 0x0000000000000000, 3, 7
    TEST_RR_OP 22, mulh, 0x0000000000000000, -1, -1
    TEST_RR_OP 23, mulh, 0xffffffffffffffff, -1, 1
    TEST_RR_OP 24, mulh, 0x0000000000000000, 0x8000000000000000, -1
    TEST_RR_OP 25, mulh, 0x4000000000000000, 0x8000000000000000, 0x8000000000000000
    TEST_RR_OP 26, mulh, 0x3fffffffffffffff, 0x7fffffffffffffff, 0x7fffffffffffffff
    TEST_RR_OP 27, mulh, 0xffffffffffffffff, 0x7fffffffffffffff, -1
    TEST_RR_OP 28, mulh, 0xffffffffffffffff, 0x8000000000000000, 2
    TEST_RR_OP 29, mulh, 0x0000000000000000, 0xffffffff, 0xffffffff
    TEST_RR_OP 30, mulh, 0xffeb49923cc09532, 0x123456789abcdef0, 0xfedcba9876543210
    TEST_RR_OP 31, mulh, 0xffffffffffffffff, -7, 3
    TEST_RR_OP 32, mulh, 0x0000000000000001, 0x100000000, 0x100000000
    TEST_RR_SRC1_EQ_DEST 33, mulh, 0xfffffffffffffffe, -3, 0x7000000000000000
    TEST_RR_SRC2_EQ_DEST 34, mulh, 0xfffffffffffffffe, -3, 0x7000000000000000
    TEST_RR_SRC12_EQ_DEST 35, mulh, 0x0000000000000000, -3
    TEST_RR_ZERODEST 36, mulh, 5, 6
    /* ---- mulhsu ---- */
    TEST_RR_OP 37, mulhsu, 0x0000000000000000, 0, 0
    TEST_RR_OP 38, mulhsu, 0x0000000000000000, 1, 1
    TEST_RR_OP 39, mulhsu, 0x0000000000000000, 3, 7
    TEST_RR_OP 40, mulhsu, 0xffffffffffffffff, -1, -1
    TEST_RR_OP 41, mulhsu, 0xffffffffffffffff, -1, 1
    TEST_RR_OP 42, mulhsu, 0x8000000000000000, 0x8000000000000000, -1
    TEST_RR_OP 43, mulhsu, 0xc000000000000000, 0x8000000000000000, 0x8000000000000000
    TEST_RR_OP 44, mulhsu, 0x3fffffffffffffff, 0x7fffffffffffffff, 0x7fffffffffffffff
    TEST_RR_OP 45, mulhsu, 0x7ffffffffffffffe, 0x7fffffffffffffff, -1
    TEST_RR_OP 46, mulhsu, 0xffffffffffffffff, 0x8000000000000000, 2
    TEST_RR_OP 47, mulhsu, 0x0000000000000000, 0xffffffff, 0xffffffff
    TEST_RR_OP 48, mulhsu, 0x121fa00ad77d7422, 0x123456789abcdef0, 0xfedcba9876543210
    TEST_RR_OP 49, mulhsu, 0xffffffffffffffff, -7, 3
    TEST_RR_OP 50, mulhsu, 0x0000000000000001, 0x100000000, 0x100000000
    TEST_RR_SRC1_EQ_DEST 51, mulhsu, 0xfffffffffffffffe, -3, 0x7000000000000000
    TEST_RR_SRC2_EQ_DEST 52, mulhsu, 0xfffffffffffffffe, -3, 0x7000000000000000
    TEST_RR_SRC12_EQ_DEST 53, mulhsu, 0xfffffffffffffffd, -3
    TEST_RR_ZERODEST 54, mulhsu, 5, 6
    /* ---- mulhu ---- */
    TEST_RR_OP 55, mulhu, 0x0000000000000000, 0, 0
    TEST_RR_OP 56, mulhu, 0x0000000000000000, 1, 1
    TEST_RR_OP 57, mulhu, 0x0000000000000000, 3, 7
    TEST_RR_OP 58, mulhu, 0xfffffffffffffffe, -1, -1
    TEST_RR_OP 59, mulhu, 0x0000000000000000, -1, 1
    TEST_RR_OP 60, mulhu, 0x7fffffffffffffff, 0x8000000000000000, -1
    TEST_RR_OP 61, mulhu, 0x4000000000000000, 0x8000000000000000, 0x8000000000000000
    TEST_RR_OP 62, mulhu, 0x3fffffffffffffff, 0x7fffffffffffffff, 0x7fffffffffffffff
    TEST_RR_OP 63, mulhu, 0x7ffffffffffffffe, 0x7fffffffffffffff, -1
    TEST_RR_OP 64, mulhu, 0x0000000000000001, 0x8000000000000000, 2
    TEST_RR_OP 65, mulhu, 0x0000000000000000, 0xffffffff, 0xffffffff
    TEST_RR_OP 66, mulhu, 0x121fa00ad77d7422, 0x123456789abcdef0, 0xfedcba9876543210
    TEST_RR_OP 67, mulhu, 0x0000000000000002, -7, 3
    TEST_RR_OP 68, mulhu, 0x0000000000000001, 0x100000000, 0x100000000
    TEST_RR_SRC1_EQ_DEST 69, mulhu, 0x6ffffffffffffffe, -3, 0x7000000000000000
    TEST_RR_SRC2_EQ_DEST 70, mulhu, 0x6ffffffffffffffe, -3, 0x7000000000000000
    TEST_RR_SRC12_EQ_DEST 71, mulhu, 0xfffffffffffffffa, -3
    TEST_RR_ZERODEST 72, mulhu, 5, 6
    /* ---- mulw: low 32 bits of the product, sign-extended; upper operand bits ignored ---- */
    TEST_RR_OP 73, mulw, 0x0000000000000000, 0, 0
    TEST_RR_OP 74, mulw, 0x0000000000000015, 3, 7
    TEST_RR_OP 75, mulw, 0xfffffffffffffffe, 0x7fffffff, 2
    TEST_RR_OP 76, mulw, 0x0000000000000001, 0xffffffff, 0xffffffff
    TEST_RR_OP 77, mulw, 0xffffffff80000000, 0x10000, 0x8000
    TEST_RR_OP 78, mulw, 0x0000000023456789, 0x123456789, 1
    TEST_RR_OP 79, mulw, 0x000000000000000f, 0xdeadbeef00000003, 0xcafebabe00000005
    TEST_RR_OP 80, mulw, 0xffffffff80000000, -1, 0x80000000
    TEST_RR_SRC12_EQ_DEST 81, mulw, 0x0000000000000000, 0x10000

    PASS
