/*
 * rv64ui_shift.S - RV64I shifts: sll, srl, sra, slli, srli, srai and the 32-bit forms
 * sllw, srlw, sraw, slliw, srliw, sraiw.
 *
 * Covers shift amounts 0, 1, 31, 32 and 63, that only rs2[5:0] (rs2[4:0] for *W) is used,
 * arithmetic vs logical right shifts of negative values, and the sign extension of *W
 * results from bit 31 (e.g. srlw by 0 of a value with bit 31 set is negative).
 */
#include "hvtest.h"

HVTEST_BEGIN
    /* ---- sll: shift amount is rs2[5:0] ---- */
    TEST_RR_OP 1, sll, 0x8000000000000001, 0x8000000000000001, 0
    TEST_RR_OP 2, sll, 0x0000000000000002, 0x8000000000000001, 1
    TEST_RR_OP 3, sll, 0x0000000080000000, 0x8000000000000001, 31
    TEST_RR_OP 4, sll, 0x0000000100000000, 0x8000000000000001, 32
    TEST_RR_OP 5, sll, 0x8000000000000000, 0x8000000000000001, 63
    TEST_RR_OP 6, sll, 0x0123456789abcdef, 0x123456789abcdef, 0
    TEST_RR_OP 7, sll, 0x02468acf13579bde, 0x123456789abcdef, 1
    TEST_RR_OP 8, sll, 0xc4d5e6f780000000, 0x123456789abcdef, 31
    TEST_RR_OP 9, sll, 0x89abcdef00000000, 0x123456789abcdef, 32
    TEST_RR_OP 10, sll, 0x8000000000000000, 0x123456789abcdef, 63
    TEST_RR_OP 11, sll, 0xfedcba9876543210, 0xfedcba9876543210, 0
    TEST_RR_OP 12, sll, 0xfdb97530eca86420, 0xfedcba9876543210, 1
    TEST_RR_OP 13, sll, 0x3b2a190800000000, 0xfedcba9876543210, 31
    TEST_RR_OP 14, sll, 0x7654321000000000, 0xfedcba9876543210, 32
    TEST_RR_OP 15, sll, 0x0000000000000000, 0xfedcba9876543210, 63
    /* only the low 6 bits of rs2 count */
    TEST_RR_OP 16, sll, 0xfedcba9876543210, 0xfedcba9876543210, 64
    TEST_RR_OP 17, sll, 0x6e5d4c3b2a190800, 0xfedcba9876543210, 0xffffffffffffffc7
    TEST_RR_OP 18, sll, 0xfffffffe00000000, -1, 33
    TEST_RR_SRC1_EQ_DEST 19, sll, 0x6e5d4c3b2a190800, 0xfedcba9876543210, 7
    TEST_RR_SRC2_EQ_DEST 20, sll, 0x6e5d4c3b2a190800, 0xfedcba9876543210, 7
    TEST_RR_SRC12_EQ_DEST 21, sll, 0x0000000000000018, 3
    TEST_RR_ZERODEST 22, sll, 0xfedcba9876543210, 3
    /* ---- srl: shift amount is rs2[5:0] ---- */
    TEST_RR_OP 23, srl, 0x8000000000000001, 0x8000000000000001, 0
    TEST_RR_OP 24, srl, 0x4000000000000000, 0x8000000000000001, 1
    TEST_RR_OP 25, srl, 0x0000000100000000, 0x8000000000000001, 31
    TEST_RR_OP 26, srl, 0x0000000080000000, 0x8000000000000001, 32
    TEST_RR_OP 27, srl, 0x0000000000000001, 0x8000000000000001, 63
    TEST_RR_OP 28, srl, 0x0123456789abcdef, 0x123456789abcdef, 0
    TEST_RR_OP 29, srl, 0x0091a2b3c4d5e6f7, 0x123456789abcdef, 1
    TEST_RR_OP 30, srl, 0x0000000002468acf, 0x123456789abcdef, 31
    TEST_RR_OP 31, srl, 0x0000000001234567, 0x123456789abcdef, 32
    TEST_RR_OP 32, srl, 0x0000000000000000, 0x123456789abcdef, 63
    TEST_RR_OP 33, srl, 0xfedcba9876543210, 0xfedcba9876543210, 0
    TEST_RR_OP 34, srl, 0x7f6e5d4c3b2a1908, 0xfedcba9876543210, 1
    TEST_RR_OP 35, srl, 0x00000001fdb97530, 0xfedcba9876543210, 31
    TEST_RR_OP 36, srl, 0x00000000fedcba98, 0xfedcba9876543210, 32
    TEST_RR_OP 37, srl, 0x0000000000000001, 0xfedcba9876543210, 63
    /* only the low 6 bits of rs2 count */
    TEST_RR_OP 38, srl, 0xfedcba9876543210, 0xfedcba9876543210, 64
    TEST_RR_OP 39, srl, 0x01fdb97530eca864, 0xfedcba9876543210, 0xffffffffffffffc7
    TEST_RR_OP 40, srl, 0x000000007fffffff, -1, 33
    TEST_RR_SRC1_EQ_DEST 41, srl, 0x01fdb97530eca864, 0xfedcba9876543210, 7
    TEST_RR_SRC2_EQ_DEST 42, srl, 0x01fdb97530eca864, 0xfedcba9876543210, 7
    TEST_RR_SRC12_EQ_DEST 43, srl, 0x0000000000000000, 3
    TEST_RR_ZERODEST 44, srl, 0xfedcba9876543210, 3
    /* ---- sra: shift amount is rs2[5:0] ---- */
    TEST_RR_OP 45, sra, 0x8000000000000001, 0x8000000000000001, 0
    TEST_RR_OP 46, sra, 0xc000000000000000, 0x8000000000000001, 1
    TEST_RR_OP 47, sra, 0xffffffff00000000, 0x8000000000000001, 31
    TEST_RR_OP 48, sra, 0xffffffff80000000, 0x8000000000000001, 32
    TEST_RR_OP 49, sra, 0xffffffffffffffff, 0x8000000000000001, 63
    TEST_RR_OP 50, sra, 0x0123456789abcdef, 0x123456789abcdef, 0
    TEST_RR_OP 51, sra, 0x0091a2b3c4d5e6f7, 0x123456789abcdef, 1
    TEST_RR_OP 52, sra, 0x0000000002468acf, 0x123456789abcdef, 31
    TEST_RR_OP 53, sra, 0x0000000001234567, 0x123456789abcdef, 32
    TEST_RR_OP 54, sra, 0x0000000000000000, 0x123456789abcdef, 63
    TEST_RR_OP 55, sra, 0xfedcba9876543210, 0xfedcba9876543210, 0
    TEST_RR_OP 56, sra, 0xff6e5d4c3b2a1908, 0xfedcba9876543210, 1
    TEST_RR_OP 57, sra, 0xfffffffffdb97530, 0xfedcba9876543210, 31
    TEST_RR_OP 58, sra, 0xfffffffffedcba98, 0xfedcba9876543210, 32
    TEST_RR_OP 59, sra, 0xffffffffffffffff, 0xfedcba9876543210, 63
    /* only the low 6 bits of rs2 count */
    TEST_RR_OP 60, sra, 0xfedcba9876543210, 0xfedcba9876543210, 64
    TEST_RR_OP 61, sra, 0xfffdb97530eca864, 0xfedcba9876543210, 0xffffffffffffffc7
    TEST_RR_OP 62, sra, 0xffffffffffffffff, -1, 33
    TEST_RR_SRC1_EQ_DEST 63, sra, 0xfffdb97530eca864, 0xfedcba9876543210, 7
    TEST_RR_SRC2_EQ_DEST 64, sra, 0xfffdb97530eca864, 0xfedcba9876543210, 7
    TEST_RR_SRC12_EQ_DEST 65, sra, 0x0000000000000000, 3
    TEST_RR_ZERODEST 66, sra, 0xfedcba9876543210, 3
    /* ---- slli: 6-bit shift amount ---- */
    TEST_IMM_OP 67, slli, 0x8000000000000001, 0x8000000000000001, 0
    TEST_IMM_OP 68, slli, 0x0000000000000002, 0x8000000000000001, 1
    TEST_IMM_OP 69, slli, 0x0000000080000000, 0x8000000000000001, 31
    TEST_IMM_OP 70, slli, 0x0000000100000000, 0x8000000000000001, 32
    TEST_IMM_OP 71, slli, 0x8000000000000000, 0x8000000000000001, 63
    TEST_IMM_OP 72, slli, 0x0123456789abcdef, 0x123456789abcdef, 0
    TEST_IMM_OP 73, slli, 0x02468acf13579bde, 0x123456789abcdef, 1
    TEST_IMM_OP 74, slli, 0xc4d5e6f780000000, 0x123456789abcdef, 31
    TEST_IMM_OP 75, slli, 0x89abcdef00000000, 0x123456789abcdef, 32
    TEST_IMM_OP 76, slli, 0x8000000000000000, 0x123456789abcdef, 63
    TEST_IMM_OP 77, slli, 0xfedcba9876543210, 0xfedcba9876543210, 0
    TEST_IMM_OP 78, slli, 0xfdb97530eca86420, 0xfedcba9876543210, 1
    TEST_IMM_OP 79, slli, 0x3b2a190800000000, 0xfedcba9876543210, 31
    TEST_IMM_OP 80, slli, 0x7654321000000000, 0xfedcba9876543210, 32
    TEST_IMM_OP 81, slli, 0x0000000000000000, 0xfedcba9876543210, 63
    TEST_IMM_SRC1_EQ_DEST 82, slli, 0x6e5d4c3b2a190800, 0xfedcba9876543210, 7
    /* ---- srli: 6-bit shift amount ---- */
    TEST_IMM_OP 83, srli, 0x8000000000000001, 0x8000000000000001, 0
    TEST_IMM_OP 84, srli, 0x4000000000000000, 0x8000000000000001, 1
    TEST_IMM_OP 85, srli, 0x0000000100000000, 0x8000000000000001, 31
    TEST_IMM_OP 86, srli, 0x0000000080000000, 0x8000000000000001, 32
    TEST_IMM_OP 87, srli, 0x0000000000000001, 0x8000000000000001, 63
    TEST_IMM_OP 88, srli, 0x0123456789abcdef, 0x123456789abcdef, 0
    TEST_IMM_OP 89, srli, 0x0091a2b3c4d5e6f7, 0x123456789abcdef, 1
    TEST_IMM_OP 90, srli, 0x0000000002468acf, 0x123456789abcdef, 31
    TEST_IMM_OP 91, srli, 0x0000000001234567, 0x123456789abcdef, 32
    TEST_IMM_OP 92, srli, 0x0000000000000000, 0x123456789abcdef, 63
    TEST_IMM_OP 93, srli, 0xfedcba9876543210, 0xfedcba9876543210, 0
    TEST_IMM_OP 94, srli, 0x7f6e5d4c3b2a1908, 0xfedcba9876543210, 1
    TEST_IMM_OP 95, srli, 0x00000001fdb97530, 0xfedcba9876543210, 31
    TEST_IMM_OP 96, srli, 0x00000000fedcba98, 0xfedcba9876543210, 32
    TEST_IMM_OP 97, srli, 0x0000000000000001, 0xfedcba9876543210, 63
    TEST_IMM_SRC1_EQ_DEST 98, srli, 0x01fdb97530eca864, 0xfedcba9876543210, 7
    /* ---- srai: 6-bit shift amount ---- */
    TEST_IMM_OP 99, srai, 0x8000000000000001, 0x8000000000000001, 0
    TEST_IMM_OP 100, srai, 0xc000000000000000, 0x8000000000000001, 1
    TEST_IMM_OP 101, srai, 0xffffffff00000000, 0x8000000000000001, 31
    TEST_IMM_OP 102, srai, 0xffffffff80000000, 0x8000000000000001, 32
    TEST_IMM_OP 103, srai, 0xffffffffffffffff, 0x8000000000000001, 63
    TEST_IMM_OP 104, srai, 0x0123456789abcdef, 0x123456789abcdef, 0
    TEST_IMM_OP 105, srai, 0x0091a2b3c4d5e6f7, 0x123456789abcdef, 1
    TEST_IMM_OP 106, srai, 0x0000000002468acf, 0x123456789abcdef, 31
    TEST_IMM_OP 107, srai, 0x0000000001234567, 0x123456789abcdef, 32
    TEST_IMM_OP 108, srai, 0x0000000000000000, 0x123456789abcdef, 63
    TEST_IMM_OP 109, srai, 0xfedcba9876543210, 0xfedcba9876543210, 0
    TEST_IMM_OP 110, srai, 0xff6e5d4c3b2a1908, 0xfedcba9876543210, 1
    TEST_IMM_OP 111, srai, 0xfffffffffdb97530, 0xfedcba9876543210, 31
    TEST_IMM_OP 112, srai, 0xfffffffffedcba98, 0xfedcba9876543210, 32
    TEST_IMM_OP 113, srai, 0xffffffffffffffff, 0xfedcba9876543210, 63
    TEST_IMM_SRC1_EQ_DEST 114, srai, 0xfffdb97530eca864, 0xfedcba9876543210, 7
    /* ---- sllw: operates on rs1[31:0], amount rs2[4:0], result sign-extended ---- */
    TEST_RR_OP 115, sllw, 0xffffffff80000001, 0xffffffff80000001, 0
    TEST_RR_OP 116, sllw, 0x0000000000000002, 0xffffffff80000001, 1
    TEST_RR_OP 117, sllw, 0xffffffff80000000, 0xffffffff80000001, 31
    TEST_RR_OP 118, sllw, 0xffffffffdeadbeef, 0x12345678deadbeef, 0
    TEST_RR_OP 119, sllw, 0xffffffffbd5b7dde, 0x12345678deadbeef, 1
    TEST_RR_OP 120, sllw, 0xffffffff80000000, 0x12345678deadbeef, 31
    TEST_RR_OP 121, sllw, 0x000000007fffffff, 0x7fffffff, 0
    TEST_RR_OP 122, sllw, 0xfffffffffffffffe, 0x7fffffff, 1
    TEST_RR_OP 123, sllw, 0xffffffff80000000, 0x7fffffff, 31
    TEST_RR_OP 124, sllw, 0xffffffffdeadbeef, 0x12345678deadbeef, 32
    TEST_RR_OP 125, sllw, 0xffffffffbd5b7dde, 0x12345678deadbeef, 33
    TEST_RR_OP 126, sllw, 0xffffffffeadbeef0, 0x12345678deadbeef, 0xffffffffffffffe4
    TEST_RR_SRC12_EQ_DEST 127, sllw, 0x0000000000000018, 0x80000003
    /* ---- srlw: operates on rs1[31:0], amount rs2[4:0], result sign-extended ---- */
    TEST_RR_OP 128, srlw, 0xffffffff80000001, 0xffffffff80000001, 0
    TEST_RR_OP 129, srlw, 0x0000000040000000, 0xffffffff80000001, 1
    TEST_RR_OP 130, srlw, 0x0000000000000001, 0xffffffff80000001, 31
    TEST_RR_OP 131, srlw, 0xffffffffdeadbeef, 0x12345678deadbeef, 0
    TEST_RR_OP 132, srlw, 0x000000006f56df77, 0x12345678deadbeef, 1
    TEST_RR_OP 133, srlw, 0x0000000000000001, 0x12345678deadbeef, 31
    TEST_RR_OP 134, srlw, 0x000000007fffffff, 0x7fffffff, 0
    TEST_RR_OP 135, srlw, 0x000000003fffffff, 0x7fffffff, 1
    TEST_RR_OP 136, srlw, 0x0000000000000000, 0x7fffffff, 31
    TEST_RR_OP 137, srlw, 0xffffffffdeadbeef, 0x12345678deadbeef, 32
    TEST_RR_OP 138, srlw, 0x000000006f56df77, 0x12345678deadbeef, 33
    TEST_RR_OP 139, srlw, 0x000000000deadbee, 0x12345678deadbeef, 0xffffffffffffffe4
    TEST_RR_SRC12_EQ_DEST 140, srlw, 0x0000000010000000, 0x80000003
    /* ---- sraw: operates on rs1[31:0], amount rs2[4:0], result sign-extended ---- */
    TEST_RR_OP 141, sraw, 0xffffffff80000001, 0xffffffff80000001, 0
    TEST_RR_OP 142, sraw, 0xffffffffc0000000, 0xffffffff80000001, 1
    TEST_RR_OP 143, sraw, 0xffffffffffffffff, 0xffffffff80000001, 31
    TEST_RR_OP 144, sraw, 0xffffffffdeadbeef, 0x12345678deadbeef, 0
    TEST_RR_OP 145, sraw, 0xffffffffef56df77, 0x12345678deadbeef, 1
    TEST_RR_OP 146, sraw, 0xffffffffffffffff, 0x12345678deadbeef, 31
    TEST_RR_OP 147, sraw, 0x000000007fffffff, 0x7fffffff, 0
    TEST_RR_OP 148, sraw, 0x000000003fffffff, 0x7fffffff, 1
    TEST_RR_OP 149, sraw, 0x0000000000000000, 0x7fffffff, 31
    TEST_RR_OP 150, sraw, 0xffffffffdeadbeef, 0x12345678deadbeef, 32
    TEST_RR_OP 151, sraw, 0xffffffffef56df77, 0x12345678deadbeef, 33
    TEST_RR_OP 152, sraw, 0xfffffffffdeadbee, 0x12345678deadbeef, 0xffffffffffffffe4
    TEST_RR_SRC12_EQ_DEST 153, sraw, 0xfffffffff0000000, 0x80000003
    /* ---- slliw ---- */
    TEST_IMM_OP 154, slliw, 0xffffffff80000001, 0xffffffff80000001, 0
    TEST_IMM_OP 155, slliw, 0x0000000000000002, 0xffffffff80000001, 1
    TEST_IMM_OP 156, slliw, 0xffffffff80000000, 0xffffffff80000001, 31
    TEST_IMM_OP 157, slliw, 0xffffffffdeadbeef, 0x12345678deadbeef, 0
    TEST_IMM_OP 158, slliw, 0xffffffffbd5b7dde, 0x12345678deadbeef, 1
    TEST_IMM_OP 159, slliw, 0xffffffff80000000, 0x12345678deadbeef, 31
    TEST_IMM_OP 160, slliw, 0x000000007fffffff, 0x7fffffff, 0
    TEST_IMM_OP 161, slliw, 0xfffffffffffffffe, 0x7fffffff, 1
    TEST_IMM_OP 162, slliw, 0xffffffff80000000, 0x7fffffff, 31
    TEST_IMM_SRC1_EQ_DEST 163, slliw, 0xffffffffeadbeef0, 0x12345678deadbeef, 4
    /* ---- srliw ---- */
    TEST_IMM_OP 164, srliw, 0xffffffff80000001, 0xffffffff80000001, 0
    TEST_IMM_OP 165, srliw, 0x0000000040000000, 0xffffffff80000001, 1
    TEST_IMM_OP 166, srliw, 0x0000000000000001, 0xffffffff80000001, 31
    TEST_IMM_OP 167, srliw, 0xffffffffdeadbeef, 0x12345678deadbeef, 0
    TEST_IMM_OP 168, srliw, 0x000000006f56df77, 0x12345678deadbeef, 1
    TEST_IMM_OP 169, srliw, 0x0000000000000001, 0x12345678deadbeef, 31
    TEST_IMM_OP 170, srliw, 0x000000007fffffff, 0x7fffffff, 0
    TEST_IMM_OP 171, srliw, 0x000000003fffffff, 0x7fffffff, 1
    TEST_IMM_OP 172, srliw, 0x0000000000000000, 0x7fffffff, 31
    TEST_IMM_SRC1_EQ_DEST 173, srliw, 0x000000000deadbee, 0x12345678deadbeef, 4
    /* ---- sraiw ---- */
    TEST_IMM_OP 174, sraiw, 0xffffffff80000001, 0xffffffff80000001, 0
    TEST_IMM_OP 175, sraiw, 0xffffffffc0000000, 0xffffffff80000001, 1
    TEST_IMM_OP 176, sraiw, 0xffffffffffffffff, 0xffffffff80000001, 31
    TEST_IMM_OP 177, sraiw, 0xffffffffdeadbeef, 0x12345678deadbeef, 0
    TEST_IMM_OP 178, sraiw, 0xffffffffef56df77, 0x12345678deadbeef, 1
    TEST_IMM_OP 179, sraiw, 0xffffffffffffffff, 0x12345678deadbeef, 31
    TEST_IMM_OP 180, sraiw, 0x000000007fffffff, 0x7fffffff, 0
    TEST_IMM_OP 181, sraiw, 0x000000003fffffff, 0x7fffffff, 1
    TEST_IMM_OP 182, sraiw, 0x0000000000000000, 0x7fffffff, 31
    TEST_IMM_SRC1_EQ_DEST 183, sraiw, 0xfffffffffdeadbee, 0x12345678deadbeef, 4
    TEST_IMM_ZERODEST 184, slli, 1, 3

    PASS
