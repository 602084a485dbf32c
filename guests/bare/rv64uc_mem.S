/*
 * rv64uc_mem.S - RVC loads and stores: c.lw, c.ld, c.sw, c.sd (base x8-x15) and the
 * stack-pointer forms c.lwsp, c.ldsp, c.swsp, c.sdsp.
 *
 * Covers the scaled unsigned offsets at 0 and at their maxima (c.lw/c.sw 124, c.ld/c.sd 248,
 * c.lwsp/c.swsp 252, c.ldsp/c.sdsp 504), the sign extension of c.lw/c.lwsp, that c.sw/c.swsp
 * store 32 bits only, and rd == rs1 for c.ld.  sp is pointed at a data buffer for the SP forms
 * and restored afterwards.
 */
#include "hvtest.h"

HVTEST_BEGIN
    .option rvc
    /* ---- c.lw / c.ld ---- */
    TEST_CASE 1
    la s0, buf
    li a0, 0x0123456789abcdef
    sd a0, 0(s0)
    c.lw a1, 0(s0)
    CHECK a1, 0xffffffff89abcdef
    c.lw a2, 4(s0)
    CHECK a2, 0x01234567
    c.ld a3, 0(s0)
    CHECK a3, 0x0123456789abcdef

    TEST_CASE 2                 /* maximum offsets */
    li a0, 0x00000000fedcba98
    sd a0, 120(s0)
    c.lw a4, 124(s0)
    CHECK a4, 0
    c.lw a4, 120(s0)
    CHECK a4, 0xfffffffffedcba98
    li a0, 0x7766554433221100
    sd a0, 248(s0)
    c.ld a5, 248(s0)
    CHECK a5, 0x7766554433221100

    TEST_CASE 3                 /* rd == rs1 */
    mv s1, s0
    c.ld s1, 248(s1)
    CHECK s1, 0x7766554433221100

    /* ---- c.sw / c.sd ---- */
    TEST_CASE 4
    li a0, -1
    sd a0, 16(s0)
    li a1, 0x1234567880000000
    c.sw a1, 16(s0)
    ld a2, 16(s0)
    CHECK a2, 0xffffffff80000000
    c.sw a1, 124(s0)
    lwu a2, 124(s0)
    CHECK a2, 0x80000000
    li a3, 0x0f1e2d3c4b5a6978
    c.sd a3, 248(s0)
    ld a4, 248(s0)
    CHECK a4, 0x0f1e2d3c4b5a6978
    c.sd a3, 8(s0)
    ld a4, 8(s0)
    CHECK a4, 0x0f1e2d3c4b5a6978

    /* ---- SP-relative forms: sp points at buf ---- */
    mv s1, sp
    la sp, buf
    TEST_CASE 5
    li a0, 0x8899aabbccddeeff
    c.sdsp a0, 504(sp)
    ld a1, 504(sp)
    CHECK a1, 0x8899aabbccddeeff
    c.ldsp t1, 504(sp)
    CHECK t1, 0x8899aabbccddeeff
    c.sdsp a0, 0(sp)
    c.ldsp t2, 0(sp)
    CHECK t2, 0x8899aabbccddeeff

    TEST_CASE 6
    c.lwsp t3, 0(sp)
    CHECK t3, 0xffffffffccddeeff
    c.lwsp t3, 4(sp)
    CHECK t3, 0xffffffff8899aabb
    li a2, 0x7fff0001
    c.swsp a2, 252(sp)
    c.lwsp t4, 252(sp)
    CHECK t4, 0x7fff0001
    lwu t4, 248(sp)
    CHECK t4, 0x4b5a6978        /* c.swsp wrote only its own word (248 holds test 4's value) */
    li a2, 0xdeadbeef
    c.swsp a2, 4(sp)
    c.ldsp t4, 0(sp)
    CHECK t4, 0xdeadbeefccddeeff

    TEST_CASE 7                 /* ra and other non-x8..x15 registers with the SP forms */
    li ra, 0x1234
    c.sdsp ra, 64(sp)
    li ra, 0
    c.ldsp ra, 64(sp)
    CHECK ra, 0x1234
    mv sp, s1

    PASS

    .data
    .balign 16
buf:
    .fill 64, 8, 0
