/*
 * rv64ui_ldst.S - RV64I loads and stores of every width: lb, lbu, lh, lhu, lw, lwu, ld,
 * sb, sh, sw, sd.
 *
 * Covers sign vs zero extension (bytes 0x80/0x7f/0xff, halfwords 0x8000, words with bit 31
 * set), positive and negative offsets, stores of values wider than the access (only the low
 * bytes are written), that a store leaves the neighbouring bytes alone, loads with rd == rs1,
 * loads into x0, and storing a base register into its own address.
 */
#include "hvtest.h"

HVTEST_BEGIN
    /* ---- loads from ld_data, positive offsets ---- */
    TEST_LD_OP 1, lb, 0x0000000000000000, 0, ld_data
    TEST_LD_OP 2, lb, 0xffffffffffffff80, 1, ld_data
    TEST_LD_OP 3, lb, 0x000000000000007f, 2, ld_data
    TEST_LD_OP 4, lb, 0xffffffffffffffff, 3, ld_data
    TEST_LD_OP 5, lb, 0xffffffffffffff98, 15, ld_data
    TEST_LD_OP 6, lb, 0xffffffffffffff80, 16, ld_data
    TEST_LD_OP 7, lb, 0xffffffffffffff80, 27, ld_data
    TEST_LD_OP 8, lbu, 0x0000000000000000, 0, ld_data
    TEST_LD_OP 9, lbu, 0x0000000000000080, 1, ld_data
    TEST_LD_OP 10, lbu, 0x000000000000007f, 2, ld_data
    TEST_LD_OP 11, lbu, 0x00000000000000ff, 3, ld_data
    TEST_LD_OP 12, lbu, 0x0000000000000098, 15, ld_data
    TEST_LD_OP 13, lbu, 0x0000000000000080, 16, ld_data
    TEST_LD_OP 14, lbu, 0x0000000000000080, 27, ld_data
    TEST_LD_OP 15, lh, 0xffffffffffff8000, 0, ld_data
    TEST_LD_OP 16, lh, 0xffffffffffffff7f, 2, ld_data
    TEST_LD_OP 17, lh, 0x0000000000006745, 6, ld_data
    TEST_LD_OP 18, lh, 0xffffffffffff98ba, 14, ld_data
    TEST_LD_OP 19, lh, 0x0000000000000080, 16, ld_data
    TEST_LD_OP 20, lh, 0xffffffffffff8000, 26, ld_data
    TEST_LD_OP 21, lh, 0xffffffffffffffff, 30, ld_data
    TEST_LD_OP 22, lhu, 0x0000000000008000, 0, ld_data
    TEST_LD_OP 23, lhu, 0x000000000000ff7f, 2, ld_data
    TEST_LD_OP 24, lhu, 0x0000000000006745, 6, ld_data
    TEST_LD_OP 25, lhu, 0x00000000000098ba, 14, ld_data
    TEST_LD_OP 26, lhu, 0x0000000000000080, 16, ld_data
    TEST_LD_OP 27, lhu, 0x0000000000008000, 26, ld_data
    TEST_LD_OP 28, lhu, 0x000000000000ffff, 30, ld_data
    TEST_LD_OP 29, lw, 0xffffffffff7f8000, 0, ld_data
    TEST_LD_OP 30, lw, 0x0000000067452301, 4, ld_data
    TEST_LD_OP 31, lw, 0xffffffff98badcfe, 12, ld_data
    TEST_LD_OP 32, lw, 0x0000000000000080, 16, ld_data
    TEST_LD_OP 33, lw, 0x000000007fffffff, 20, ld_data
    TEST_LD_OP 34, lw, 0xffffffff80000000, 24, ld_data
    TEST_LD_OP 35, lw, 0xffffffffffffffff, 28, ld_data
    TEST_LD_OP 36, lwu, 0x00000000ff7f8000, 0, ld_data
    TEST_LD_OP 37, lwu, 0x0000000067452301, 4, ld_data
    TEST_LD_OP 38, lwu, 0x0000000098badcfe, 12, ld_data
    TEST_LD_OP 39, lwu, 0x0000000000000080, 16, ld_data
    TEST_LD_OP 40, lwu, 0x000000007fffffff, 20, ld_data
    TEST_LD_OP 41, lwu, 0x0000000080000000, 24, ld_data
    TEST_LD_OP 42, lwu, 0x00000000ffffffff, 28, ld_data
    TEST_LD_OP 43, ld, 0x67452301ff7f8000, 0, ld_data
    TEST_LD_OP 44, ld, 0x98badcfeefcdab89, 8, ld_data
    TEST_LD_OP 45, ld, 0x7fffffff00000080, 16, ld_data
    TEST_LD_OP 46, ld, 0xffffffff80000000, 24, ld_data
    /* ---- negative offsets from the end of ld_data ---- */
    TEST_LD_OP 47, lb, 0xffffffffffffffff, -1, ld_data_end
    TEST_LD_OP 48, lb, 0xffffffffffffffff, -4, ld_data_end
    TEST_LD_OP 49, lbu, 0x00000000000000ff, -1, ld_data_end
    TEST_LD_OP 50, lbu, 0x00000000000000ff, -4, ld_data_end
    TEST_LD_OP 51, lh, 0xffffffffffffffff, -2, ld_data_end
    TEST_LD_OP 52, lh, 0x0000000000000000, -8, ld_data_end
    TEST_LD_OP 53, lhu, 0x000000000000ffff, -2, ld_data_end
    TEST_LD_OP 54, lhu, 0x0000000000000000, -8, ld_data_end
    TEST_LD_OP 55, lw, 0xffffffffffffffff, -4, ld_data_end
    TEST_LD_OP 56, lw, 0x0000000000000080, -16, ld_data_end
    TEST_LD_OP 57, lwu, 0x00000000ffffffff, -4, ld_data_end
    TEST_LD_OP 58, lwu, 0x0000000000000080, -16, ld_data_end
    TEST_LD_OP 59, ld, 0xffffffff80000000, -8, ld_data_end
    TEST_LD_OP 60, ld, 0x98badcfeefcdab89, -24, ld_data_end
    /* ---- stores, read back with a load of the same width ---- */
    TEST_ST_OP 61, sb, lb, 0xffffffffffffff80, 128, 0, st_data
    TEST_CASE 62   /* the rest of the doubleword is untouched */
    CHECK_MEM ld, st_data, 0, 0xa7a6a5a4a3a2a180
    TEST_ST_OP 63, sb, lbu, 0x0000000000000080, 0xffffffffffffff80, 1, st_data
    TEST_CASE 64   /* the rest of the doubleword is untouched */
    CHECK_MEM ld, st_data, 0, 0xa7a6a5a4a3a28080
    TEST_ST_OP 65, sb, lb, 0x000000000000007f, 0x1234567f, 2, st_data
    TEST_CASE 66   /* the rest of the doubleword is untouched */
    CHECK_MEM ld, st_data, 0, 0xa7a6a5a4a37f8080
    TEST_ST_OP 67, sh, lh, 0xffffffffffff8001, 0x8001, 4, st_data
    TEST_CASE 68   /* the rest of the doubleword is untouched */
    CHECK_MEM ld, st_data, 0, 0xa7a68001a37f8080
    TEST_ST_OP 69, sh, lhu, 0x0000000000008001, 0xffff8001, 6, st_data
    TEST_CASE 70   /* the rest of the doubleword is untouched */
    CHECK_MEM ld, st_data, 0, 0x80018001a37f8080
    TEST_ST_OP 71, sh, lh, 0x0000000000007ffe, 0x7ffe, -2, st_data_mid
    TEST_CASE 72   /* the rest of the doubleword is untouched */
    CHECK_MEM ld, st_data, 8, 0x7ffeadacabaaa9a8
    TEST_ST_OP 73, sw, lw, 0xffffffff80000001, 0x80000001, 8, st_data
    TEST_CASE 74   /* the rest of the doubleword is untouched */
    CHECK_MEM ld, st_data, 8, 0x7ffeadac80000001
    TEST_ST_OP 75, sw, lwu, 0x00000000deadbeef, 0xdeadbeef, 12, st_data
    TEST_CASE 76   /* the rest of the doubleword is untouched */
    CHECK_MEM ld, st_data, 8, 0xdeadbeef80000001
    TEST_ST_OP 77, sw, lw, 0xffffffff9abcdef0, 0x123456789abcdef0, -4, st_data_mid
    TEST_CASE 78   /* the rest of the doubleword is untouched */
    CHECK_MEM ld, st_data, 8, 0x9abcdef080000001
    TEST_ST_OP 79, sd, ld, 0x0123456789abcdef, 0x123456789abcdef, 16, st_data
    TEST_CASE 80   /* the rest of the doubleword is untouched */
    CHECK_MEM ld, st_data, 16, 0x0123456789abcdef
    TEST_ST_OP 81, sd, ld, 0xfedcba9876543210, 0xfedcba9876543210, 24, st_data
    TEST_CASE 82   /* the rest of the doubleword is untouched */
    CHECK_MEM ld, st_data, 24, 0xfedcba9876543210
    TEST_ST_OP 83, sd, lw, 0xffffffffffffffff, 0xffffffff, -8, st_data_mid
    TEST_CASE 84   /* the rest of the doubleword is untouched */
    CHECK_MEM ld, st_data, 8, 0x00000000ffffffff

    /* ---- register aliasing ---- */
    TEST_CASE 85                /* rd == rs1 */
    la a1, ld_data
    ld a1, 8(a1)
    CHECK a1, 0x98badcfeefcdab89
    TEST_CASE 86                /* a load into x0 is performed but not written */
    la a1, ld_data
    lw x0, 4(a1)
    CHECK x0, 0
    TEST_CASE 87                /* sd of the base register itself */
    la a1, st_data
    sd a1, 0(a1)
    ld a0, 0(a1)
    CHECK_EQ a0, a1
    TEST_CASE 88                /* a store and load through different base registers */
    la a1, st_data
    addi a2, a1, 32
    li a3, 0x5a5a5a5a
    sw a3, -32(a2)
    lwu a0, 0(a1)
    CHECK a0, 0x5a5a5a5a

    PASS

    .data
    .balign 16
ld_data:
    .byte 0x00, 0x80, 0x7f, 0xff, 0x01, 0x23, 0x45, 0x67
    .byte 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98
    .byte 0x80, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0x7f
    .byte 0x00, 0x00, 0x00, 0x80, 0xff, 0xff, 0xff, 0xff
ld_data_end:
    .balign 16
st_data:
    .byte 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7
    .byte 0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf
st_data_mid:
    .byte 0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7
    .byte 0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf
