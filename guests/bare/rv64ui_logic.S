/*
 * rv64ui_logic.S - RV64I bitwise logic: and, or, xor, andi, ori, xori.
 *
 * Covers all-ones/all-zeros and alternating bit patterns, the sign extension of the 12-bit
 * immediate (andi with a negative immediate keeps the upper bits), and rd aliasing rs1/rs2
 * or x0.
 */
#include "hvtest.h"

HVTEST_BEGIN
    /* ---- and ---- */
    TEST_RR_OP 1, and, 0x0000000000000000, 0, 0
    TEST_RR_OP 2, and, 0x0000000000000000, -1, 0
    TEST_RR_OP 3, and, 0xffffffffffffffff, -1, -1
    TEST_RR_OP 4, and, 0x0f000f000f000f00, 0xff00ff00ff00ff00, 0xff00ff00ff00ff0
    TEST_RR_OP 5, and, 0x000f000f000f000f, 0xff00ff00ff00ff, 0xf00ff00ff00ff00f
    TEST_RR_OP 6, and, 0x0000000000000001, 0x8000000000000001, 0x7fffffffffffffff
    TEST_RR_OP 7, and, 0x123456789abcdef0, 0x123456789abcdef0, -1
    TEST_RR_SRC1_EQ_DEST 8, and, 0x0f000f000f000f00, 0xff00ff00ff00ff00, 0xf0f0f0f0f0f0f0f
    TEST_RR_SRC2_EQ_DEST 9, and, 0x0f000f000f000f00, 0xff00ff00ff00ff00, 0xf0f0f0f0f0f0f0f
    TEST_RR_SRC12_EQ_DEST 10, and, 0xff00ff00ff00ff00, 0xff00ff00ff00ff00
    TEST_RR_ZERODEST 11, and, 0x1234, 0x5678
    /* ---- or ---- */
    TEST_RR_OP 12, or, 0x0000000000000000, 0, 0
    TEST_RR_OP 13, or, 0xffffffffffffffff, -1, 0
    TEST_RR_OP 14, or, 0xffffffffffffffff, -1, -1
    TEST_RR_OP 15, or, 0xfff0fff0fff0fff0, 0xff00ff00ff00ff00, 0xff00ff00ff00ff0
    TEST_RR_OP 16, or, 0xf0fff0fff0fff0ff, 0xff00ff00ff00ff, 0xf00ff00ff00ff00f
    TEST_RR_OP 17, or, 0xffffffffffffffff, 0x8000000000000001, 0x7fffffffffffffff
    TEST_RR_OP 18, or, 0xffffffffffffffff, 0x123456789abcdef0, -1
    TEST_RR_SRC1_EQ_DEST 19, or, 0xff0fff0fff0fff0f, 0xff00ff00ff00ff00, 0xf0f0f0f0f0f0f0f
    TEST_RR_SRC2_EQ_DEST 20, or, 0xff0fff0fff0fff0f, 0xff00ff00ff00ff00, 0xf0f0f0f0f0f0f0f
    TEST_RR_SRC12_EQ_DEST 21, or, 0xff00ff00ff00ff00, 0xff00ff00ff00ff00
    TEST_RR_ZERODEST 22, or, 0x1234, 0x5678
    /* ---- xor ---- */
    TEST_RR_OP 23, xor, 0x0000000000000000, 0, 0
    TEST_RR_OP 24, xor, 0xffffffffffffffff, -1, 0
    TEST_RR_OP 25, xor, 0x0000000000000000, -1, -1
    TEST_RR_OP 26, xor, 0xf0f0f0f0f0f0f0f0, 0xff00ff00ff00ff00, 0xff00ff00ff00ff0
    TEST_RR_OP 27, xor, 0xf0f0f0f0f0f0f0f0, 0xff00ff00ff00ff, 0xf00ff00ff00ff00f
    TEST_RR_OP 28, xor, 0xfffffffffffffffe, 0x8000000000000001, 0x7fffffffffffffff
    TEST_RR_OP 29, xor, 0xedcba9876543210f, 0x123456789abcdef0, -1
    TEST_RR_SRC1_EQ_DEST 30, xor, 0xf00ff00ff00ff00f, 0xff00ff00ff00ff00, 0xf0f0f0f0f0f0f0f
    TEST_RR_SRC2_EQ_DEST 31, xor, 0xf00ff00ff00ff00f, 0xff00ff00ff00ff00, 0xf0f0f0f0f0f0f0f
    TEST_RR_SRC12_EQ_DEST 32, xor, 0x0000000000000000, 0xff00ff00ff00ff00
    TEST_RR_ZERODEST 33, xor, 0x1234, 0x5678
    /* ---- andi: the immediate is sign-extended ---- */
    TEST_IMM_OP 34, andi, 0x0000000000000000, 0, 0
    TEST_IMM_OP 35, andi, 0x0000000000000000, -1, 0
    TEST_IMM_OP 36, andi, 0x0000000000000000, 0xff00ff00ff00ff00, 240
    TEST_IMM_OP 37, andi, 0xff00ff00ff00ff00, 0xff00ff00ff00ff00, -16
    TEST_IMM_OP 38, andi, 0x000000000000000f, 0xff00ff00ff00ff, 1807
    TEST_IMM_OP 39, andi, 0x00ff00ff00ff0000, 0xff00ff00ff00ff, -2048
    TEST_IMM_OP 40, andi, 0x123456789abcdef0, 0x123456789abcdef0, -1
    TEST_IMM_OP 41, andi, 0x0000000000000000, 0, 2047
    TEST_IMM_SRC1_EQ_DEST 42, andi, 0x0000000000000700, 0xff00ff00ff00ff00, 1807
    TEST_IMM_ZERODEST 43, andi, 0xff00ff00ff00ff00, 1807
    /* ---- ori: the immediate is sign-extended ---- */
    TEST_IMM_OP 44, ori, 0x0000000000000000, 0, 0
    TEST_IMM_OP 45, ori, 0xffffffffffffffff, -1, 0
    TEST_IMM_OP 46, ori, 0xff00ff00ff00fff0, 0xff00ff00ff00ff00, 240
    TEST_IMM_OP 47, ori, 0xfffffffffffffff0, 0xff00ff00ff00ff00, -16
    TEST_IMM_OP 48, ori, 0x00ff00ff00ff07ff, 0xff00ff00ff00ff, 1807
    TEST_IMM_OP 49, ori, 0xfffffffffffff8ff, 0xff00ff00ff00ff, -2048
    TEST_IMM_OP 50, ori, 0xffffffffffffffff, 0x123456789abcdef0, -1
    TEST_IMM_OP 51, ori, 0x00000000000007ff, 0, 2047
    TEST_IMM_SRC1_EQ_DEST 52, ori, 0xff00ff00ff00ff0f, 0xff00ff00ff00ff00, 1807
    TEST_IMM_ZERODEST 53, ori, 0xff00ff00ff00ff00, 1807
    /* ---- xori: the immediate is sign-extended ---- */
    TEST_IMM_OP 54, xori, 0x0000000000000000, 0, 0
    TEST_IMM_OP 55, xori, 0xffffffffffffffff, -1, 0
    TEST_IMM_OP 56, xori, 0xff00ff00ff00fff0, 0xff00ff00ff00ff00, 240
    TEST_IMM_OP 57, xori, 0x00ff00ff00ff00f0, 0xff00ff00ff00ff00, -16
    TEST_IMM_OP 58, xori, 0x00ff00ff00ff07f0, 0xff00ff00ff00ff, 1807
    TEST_IMM_OP 59, xori, 0xff00ff00ff00f8ff, 0xff00ff00ff00ff, -2048
    TEST_IMM_OP 60, xori, 0xedcba9876543210f, 0x123456789abcdef0, -1
    TEST_IMM_OP 61, xori, 0x00000000000007ff, 0, 2047
    TEST_IMM_SRC1_EQ_DEST 62, xori, 0xff00ff00ff00f80f, 0xff00ff00ff00ff00, 1807
    TEST_IMM_ZERODEST 63, xori, 0xff00ff00ff00ff00, 1807
    /* not is xori rd, rs, -1 */
    TEST_IMM_OP 64, xori, 0xfedcba9876543210, 0x123456789abcdef, -1

    PASS
