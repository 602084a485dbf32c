/*
 * rv64ui_misaligned.S - misaligned loads and stores, which the spike machine (like hvsim and
 * QEMU) performs in hardware: they must not trap and must give the same bytes as aligned
 * byte accesses would (little-endian).
 *
 * Covers lh/lhu/lw/lwu/ld and sh/sw/sd at every misalignment, accesses that cross an
 * 8-byte boundary and accesses that cross a 4 KiB page boundary (mis_data + 32), with
 * sign/zero extension, and that a misaligned store changes exactly its own bytes.
 * (AMOs and LR/SC are different: they raise misaligned exceptions, see rv64ua_*.)
 */
#include "hvtest.h"

HVTEST_BEGIN
    /* ---- misaligned loads (offsets relative to mis_data; +32 is a 4 KiB page boundary) ---- */
    TEST_LD_OP 1, lh, 0x0000000000005530, 1, mis_data
    TEST_LD_OP 2, lh, 0xffffffffffff9f7a, 3, mis_data
    TEST_LD_OP 3, lh, 0x000000000000330e, 7, mis_data
    TEST_LD_OP 4, lh, 0x0000000000005b36, 15, mis_data
    TEST_LD_OP 5, lh, 0xffffffffffffab86, 31, mis_data
    TEST_LD_OP 6, lhu, 0x0000000000005530, 1, mis_data
    TEST_LD_OP 7, lhu, 0x000000000000330e, 7, mis_data
    TEST_LD_OP 8, lhu, 0x000000000000ab86, 31, mis_data
    TEST_LD_OP 9, lw, 0xffffffff9f7a5530, 1, mis_data
    TEST_LD_OP 10, lw, 0xffffffffc49f7a55, 2, mis_data
    TEST_LD_OP 11, lw, 0xffffffffe9c49f7a, 3, mis_data
    TEST_LD_OP 12, lw, 0x00000000330ee9c4, 5, mis_data
    TEST_LD_OP 13, lw, 0x0000000058330ee9, 6, mis_data
    TEST_LD_OP 14, lw, 0x000000007d58330e, 7, mis_data
    TEST_LD_OP 15, lw, 0x000000005b3611ec, 13, mis_data
    TEST_LD_OP 16, lw, 0xffffffffab86613c, 29, mis_data
    TEST_LD_OP 17, lw, 0xffffffffd0ab8661, 30, mis_data
    TEST_LD_OP 18, lw, 0xfffffffff5d0ab86, 31, mis_data
    TEST_LD_OP 19, lwu, 0x000000009f7a5530, 1, mis_data
    TEST_LD_OP 20, lwu, 0x0000000058330ee9, 6, mis_data
    TEST_LD_OP 21, lwu, 0x00000000d0ab8661, 30, mis_data
    TEST_LD_OP 22, ld, 0x330ee9c49f7a5530, 1, mis_data
    TEST_LD_OP 23, ld, 0x58330ee9c49f7a55, 2, mis_data
    TEST_LD_OP 24, ld, 0x7d58330ee9c49f7a, 3, mis_data
    TEST_LD_OP 25, ld, 0xa27d58330ee9c49f, 4, mis_data
    TEST_LD_OP 26, ld, 0xc7a27d58330ee9c4, 5, mis_data
    TEST_LD_OP 27, ld, 0xecc7a27d58330ee9, 6, mis_data
    TEST_LD_OP 28, ld, 0x11ecc7a27d58330e, 7, mis_data
    TEST_LD_OP 29, ld, 0x5b3611ecc7a27d58, 9, mis_data
    TEST_LD_OP 30, ld, 0xcaa5805b3611ecc7, 12, mis_data
    TEST_LD_OP 31, ld, 0xab86613c17f2cda8, 25, mis_data
    TEST_LD_OP 32, ld, 0x1af5d0ab86613c17, 28, mis_data
    TEST_LD_OP 33, ld, 0x89643f1af5d0ab86, 31, mis_data
    /* ---- misaligned stores, checked with a misaligned load and the aligned dwords around ---- */
    TEST_ST_OP 34, sh, lhu, 0x000000000000beef, 0xbeef, 1, mis_data
    TEST_CASE 35
    CHECK_MEM ld, mis_data, 0, 0x0ee9c49f7abeef0b
    TEST_ST_OP 36, sh, lh, 0xffffffffffff8001, 0x8001, 7, mis_data
    TEST_CASE 37
    CHECK_MEM ld, mis_data, 0, 0x01e9c49f7abeef0b
    CHECK_MEM ld, mis_data, 8, 0x3611ecc7a27d5880
    TEST_ST_OP 38, sh, lhu, 0x0000000000001234, 0x1234, 31, mis_data
    TEST_CASE 39
    CHECK_MEM ld, mis_data, 24, 0x34613c17f2cda883
    CHECK_MEM ld, mis_data, 32, 0xae89643f1af5d012
    TEST_ST_OP 40, sw, lwu, 0x00000000deadbeef, 0xdeadbeef, 1, mis_data
    TEST_CASE 41
    CHECK_MEM ld, mis_data, 0, 0x01e9c4deadbeef0b
    TEST_ST_OP 42, sw, lw, 0xffffffff87654321, 0x87654321, 6, mis_data
    TEST_CASE 43
    CHECK_MEM ld, mis_data, 0, 0x4321c4deadbeef0b
    CHECK_MEM ld, mis_data, 8, 0x3611ecc7a27d8765
    TEST_ST_OP 44, sw, lw, 0x000000000badf00d, 0xbadf00d, 30, mis_data
    TEST_CASE 45
    CHECK_MEM ld, mis_data, 24, 0xf00d3c17f2cda883
    CHECK_MEM ld, mis_data, 32, 0xae89643f1af50bad
    TEST_ST_OP 46, sd, ld, 0x0123456789abcdef, 0x123456789abcdef, 3, mis_data
    TEST_CASE 47
    CHECK_MEM ld, mis_data, 0, 0x6789abcdefbeef0b
    CHECK_MEM ld, mis_data, 8, 0x3611ecc7a2012345
    TEST_ST_OP 48, sd, ld, 0xfedcba9876543210, 0xfedcba9876543210, 12, mis_data
    TEST_CASE 49
    CHECK_MEM ld, mis_data, 8, 0x76543210a2012345
    CHECK_MEM ld, mis_data, 16, 0x5e3914effedcba98
    TEST_ST_OP 50, sd, ld, 0x8877665544332211, 0x8877665544332211, 29, mis_data
    TEST_CASE 51
    CHECK_MEM ld, mis_data, 24, 0x33221117f2cda883
    CHECK_MEM ld, mis_data, 32, 0xae89648877665544

    TEST_CASE 52                /* no trap was taken along the way */
    ld a0, hv_trap_count
    CHECK a0, 0
    TEST_CASE 53                /* misaligned load with rd == rs1 */
    la a1, mis_data
    addi a1, a1, 41             /* bytes 41..48 were not stored to */
    ld a1, 0(a1)
    CHECK a1, 0xfbd6b18c67421df8

    PASS

    .data
    .balign 4096
    .skip 4096 - 32
mis_data:                       /* mis_data + 32 is 4 KiB aligned */
    .byte 0x0b, 0x30, 0x55, 0x7a, 0x9f, 0xc4, 0xe9, 0x0e
    .byte 0x33, 0x58, 0x7d, 0xa2, 0xc7, 0xec, 0x11, 0x36
    .byte 0x5b, 0x80, 0xa5, 0xca, 0xef, 0x14, 0x39, 0x5e
    .byte 0x83, 0xa8, 0xcd, 0xf2, 0x17, 0x3c, 0x61, 0x86
    .byte 0xab, 0xd0, 0xf5, 0x1a, 0x3f, 0x64, 0x89, 0xae
    .byte 0xd3, 0xf8, 0x1d, 0x42, 0x67, 0x8c, 0xb1, 0xd6
    .byte 0xfb, 0x20, 0x45, 0x6a, 0x8f, 0xb4, 0xd9, 0xfe
    .byte 0x23, 0x48, 0x6d, 0x92, 0xb7, 0xdc, 0x01, 0x26
