/*
 * rv64ui_arith.S - RV64I integer arithmetic: add, sub, addi, addw, subw, addiw, slt, sltu,
 * slti, sltiu, lui, auipc.
 *
 * Covers wrap-around on signed overflow, the sign extension of every *W result from bit 31,
 * the 12-bit sign-extended immediates at both ends of their range, signed vs unsigned
 * comparisons with negative operands, and the register-aliasing cases (rd == rs1, rd == rs2,
 * rd == x0).  Expected values follow the RISC-V unprivileged specification.
 */
#include "hvtest.h"

HVTEST_BEGIN
    /* ---- add: carries, signed overflow wraps, no flags ---- */
    TEST_RR_OP 1, add, 0x0000000000000000, 0, 0
    TEST_RR_OP 2, add, 0x0000000000000002, 1, 1
    TEST_RR_OP 3, add, 0x000000000000000a, 3, 7
    TEST_RR_OP 4, add, 0x0000000000000000, -1, 1
    TEST_RR_OP 5, add, 0x8000000000000000, 0x7fffffffffffffff, 1
    TEST_RR_OP 6, add, 0x7fffffffffffffff, 0x8000000000000000, -1
    TEST_RR_OP 7, add, 0xfffffffffffffffe, -1, -1
    TEST_RR_OP 8, add, 0x0000000080000000, 0x7fffffff, 1
    TEST_RR_OP 9, add, 0x0000000100000000, 0xffffffff, 1
    TEST_RR_OP 10, add, 0x2222222222222211, 0x123456789abcdef0, 0xfedcba987654321
    TEST_RR_SRC1_EQ_DEST 11, add, 0x0000000000000018, 13, 11
    TEST_RR_SRC2_EQ_DEST 12, add, 0x0000000000000019, 14, 11
    TEST_RR_SRC12_EQ_DEST 13, add, 0x000000000000001a, 13
    TEST_RR_ZERODEST 14, add, 11, 13
    /* ---- sub ---- */
    TEST_RR_OP 15, sub, 0x0000000000000000, 0, 0
    TEST_RR_OP 16, sub, 0x0000000000000000, 1, 1
    TEST_RR_OP 17, sub, 0xfffffffffffffffc, 3, 7
    TEST_RR_OP 18, sub, 0xffffffffffffffff, 0, 1
    TEST_RR_OP 19, sub, 0x7fffffffffffffff, 0x8000000000000000, 1
    TEST_RR_OP 20, sub, 0x8000000000000000, 0x7fffffffffffffff, -1
    TEST_RR_OP 21, sub, 0x8000000000000000, -1, 0x7fffffffffffffff
    TEST_RR_OP 22, sub, 0x00000000ffffffff, 0x100000000, 1
    TEST_RR_OP 23, sub, 0x02468acf13579bcf, 0x123456789abcdef0, 0xfedcba987654321
    TEST_RR_SRC1_EQ_DEST 24, sub, 0x0000000000000002, 13, 11
    TEST_RR_SRC2_EQ_DEST 25, sub, 0x0000000000000003, 14, 11
    TEST_RR_SRC12_EQ_DEST 26, sub, 0x0000000000000000, 13
    /* ---- addi: 12-bit sign-extended immediate ---- */
    TEST_IMM_OP 27, addi, 0x0000000000000000, 0, 0
    TEST_IMM_OP 28, addi, 0x0000000000000002, 1, 1
    TEST_IMM_OP 29, addi, 0x000000000000000a, 3, 7
    TEST_IMM_OP 30, addi, 0xfffffffffffff800, 0, -2048
    TEST_IMM_OP 31, addi, 0x00000000000007ff, 0, 2047
    TEST_IMM_OP 32, addi, 0x0000000000000000, -1, 1
    TEST_IMM_OP 33, addi, 0x8000000000000000, 0x7fffffffffffffff, 1
    TEST_IMM_OP 34, addi, 0x7fffffffffffffff, 0x8000000000000000, -1
    TEST_IMM_OP 35, addi, 0x0000000080000000, 0x7fffffff, 1
    TEST_IMM_OP 36, addi, 0x0000000100000000, 0xffffffff, 1
    TEST_IMM_OP 37, addi, 0x000000007fffffff, 0x80000000, -1
    TEST_IMM_SRC1_EQ_DEST 38, addi, 0x0000000000000018, 13, 11
    TEST_IMM_ZERODEST 39, addi, 13, 11
    /* ---- addw / subw / addiw: 32-bit result, sign-extended to 64 bits ---- */
    TEST_RR_OP 40, addw, 0x0000000000000000, 0, 0
    TEST_RR_OP 41, addw, 0x0000000000000002, 1, 1
    TEST_RR_OP 42, addw, 0xffffffff80000000, 0x7fffffff, 1
    TEST_RR_OP 43, addw, 0x0000000000000000, 0xffffffff, 1
    TEST_RR_OP 44, addw, 0x000000007fffffff, 0x80000000, -1
    TEST_RR_OP 45, addw, 0xffffffff80000000, 0xffffffff80000000, 0
    TEST_RR_OP 46, addw, 0x0000000023456789, 0x123456789, 0x100000000
    TEST_RR_OP 47, addw, 0xfffffffffffffffe, -1, -1
    TEST_RR_OP 48, addw, 0xfffffffffffffffe, 0x7fffffff, 0x7fffffff
    TEST_RR_OP 49, subw, 0x0000000000000000, 0, 0
    TEST_RR_OP 50, subw, 0xffffffffffffffff, 0, 1
    TEST_RR_OP 51, subw, 0x000000007fffffff, 0x80000000, 1
    TEST_RR_OP 52, subw, 0xffffffff80000000, 0x7fffffff, -1
    TEST_RR_OP 53, subw, 0xffffffffffffffff, 0x100000000, 1
    TEST_RR_OP 54, subw, 0x0000000000000000, 0xfffffffe00000000, 0
    TEST_RR_OP 55, subw, 0x0000000000000000, 0xabcdef0123456789, 0x23456789
    TEST_RR_SRC12_EQ_DEST 56, subw, 0x0000000000000000, 0x123456789
    TEST_IMM_OP 57, addiw, 0x0000000000000000, 0, 0
    TEST_IMM_OP 58, addiw, 0xffffffff80000000, 0x7fffffff, 1
    TEST_IMM_OP 59, addiw, 0x0000000000000000, 0xffffffff, 1
    TEST_IMM_OP 60, addiw, 0x000000007fffffff, 0x80000000, -1
    TEST_IMM_OP 61, addiw, 0xffffffffffffffff, 0x100000000, -1
    TEST_IMM_OP 62, addiw, 0xffffffffffffffff, 0x12345678ffffffff, 0
    TEST_IMM_OP 63, addiw, 0x000000007fffffff, 0x7ffff800, 2047
    TEST_IMM_OP 64, addiw, 0xfffffffffffff000, -2048, -2048
    TEST_IMM_SRC1_EQ_DEST 65, addiw, 0xffffffff80000001, 0x7fffffff, 2
    /* ---- slt / sltu / slti / sltiu: signed vs unsigned compare ---- */
    TEST_RR_OP 66, slt, 0x0000000000000000, 0, 0
    TEST_RR_OP 67, slt, 0x0000000000000001, 0, 1
    TEST_RR_OP 68, slt, 0x0000000000000000, 1, 0
    TEST_RR_OP 69, slt, 0x0000000000000001, -1, 0
    TEST_RR_OP 70, slt, 0x0000000000000000, 0, -1
    TEST_RR_OP 71, slt, 0x0000000000000001, -2, -1
    TEST_RR_OP 72, slt, 0x0000000000000000, -1, -2
    TEST_RR_OP 73, slt, 0x0000000000000001, 0x8000000000000000, 0x7fffffffffffffff
    TEST_RR_OP 74, slt, 0x0000000000000000, 0x7fffffffffffffff, 0x8000000000000000
    TEST_RR_OP 75, slt, 0x0000000000000000, 0x80000000, 0x7fffffff
    TEST_RR_OP 76, slt, 0x0000000000000001, 0x8000000000000000, 0
    TEST_RR_OP 77, sltu, 0x0000000000000000, 0, 0
    TEST_RR_OP 78, sltu, 0x0000000000000001, 0, 1
    TEST_RR_OP 79, sltu, 0x0000000000000000, 1, 0
    TEST_RR_OP 80, sltu, 0x0000000000000000, -1, 0
    TEST_RR_OP 81, sltu, 0x0000000000000001, 0, -1
    TEST_RR_OP 82, sltu, 0x0000000000000001, -2, -1
    TEST_RR_OP 83, sltu, 0x0000000000000000, -1, -2
    TEST_RR_OP 84, sltu, 0x0000000000000000, 0x8000000000000000, 0x7fffffffffffffff
    TEST_RR_OP 85, sltu, 0x0000000000000001, 0x7fffffffffffffff, 0x8000000000000000
    TEST_RR_OP 86, sltu, 0x0000000000000001, 0xffffffff, 0x100000000
    TEST_RR_SRC12_EQ_DEST 87, slt, 0x0000000000000000, -5
    TEST_RR_SRC2_EQ_DEST 88, sltu, 0x0000000000000001, 3, 5
    TEST_IMM_OP 89, slti, 0x0000000000000000, 0, 0
    TEST_IMM_OP 90, slti, 0x0000000000000001, 0, 1
    TEST_IMM_OP 91, slti, 0x0000000000000001, -1, 0
    TEST_IMM_OP 92, slti, 0x0000000000000000, 0, -1
    TEST_IMM_OP 93, slti, 0x0000000000000001, -2048, -2047
    TEST_IMM_OP 94, slti, 0x0000000000000001, 0x8000000000000000, -2048
    TEST_IMM_OP 95, slti, 0x0000000000000000, 0x7fffffffffffffff, 2047
    TEST_IMM_OP 96, slti, 0x0000000000000000, 2047, 2047
    TEST_IMM_OP 97, slti, 0x0000000000000001, -2049, -2048
    TEST_IMM_OP 98, sltiu, 0x0000000000000000, 0, 0
    TEST_IMM_OP 99, sltiu, 0x0000000000000001, 0, 1
    TEST_IMM_OP 100, sltiu, 0x0000000000000001, 0, -1
    TEST_IMM_OP 101, sltiu, 0x0000000000000001, -2, -1
    TEST_IMM_OP 102, sltiu, 0x0000000000000000, -1, -2
    TEST_IMM_OP 103, sltiu, 0x0000000000000001, 0x7fffffffffffffff, -2048
    TEST_IMM_OP 104, sltiu, 0x0000000000000001, 2046, 2047
    TEST_IMM_OP 105, sltiu, 0x0000000000000000, 0xfffffffffffff800, -2048
    /* sltiu rd, rs, 1 is seqz */
    TEST_IMM_OP 106, sltiu, 0x0000000000000001, 0, 1
    TEST_IMM_OP 107, sltiu, 0x0000000000000000, 5, 1

    /* ---- lui: imm << 12, sign-extended from bit 31 ---- */
    TEST_CASE 108
    lui a0, 0
    CHECK a0, 0
    TEST_CASE 109
    lui a0, 0x7ffff
    CHECK a0, 0x000000007ffff000
    TEST_CASE 110
    lui a0, 0x80000
    CHECK a0, 0xffffffff80000000
    TEST_CASE 111
    lui a0, 0xfffff
    CHECK a0, 0xfffffffffffff000
    TEST_CASE 112
    lui a0, 0x12345
    addi a0, a0, 0x678
    CHECK a0, 0x12345678
    TEST_CASE 113
    lui x0, 0x12345
    CHECK x0, 0

    /* ---- auipc: pc + (imm << 12); the pc is measured independently with jal ---- */
    TEST_CASE 114
    jal a1, 1f
1:  auipc a0, 0
    CHECK_EQ a0, a1
    TEST_CASE 115
    jal a1, 1f
1:  auipc a0, 1
    li a2, 0x1000
    add a1, a1, a2
    CHECK_EQ a0, a1
    TEST_CASE 116
    jal a1, 1f
1:  auipc a0, 0x80000           /* the offset is -2 GiB */
    li a2, 0xffffffff80000000
    add a1, a1, a2
    CHECK_EQ a0, a1
    TEST_CASE 117
    jal a1, 1f
1:  auipc a0, 0xfffff           /* -4096 */
    addi a1, a1, -2048
    addi a1, a1, -2048
    CHECK_EQ a0, a1

    PASS
