/*
 * rv64uc_alu.S - RVC integer instructions: c.li, c.lui, c.addi, c.addiw, c.slli, c.srli,
 * c.srai, c.andi, c.mv, c.add, c.sub, c.xor, c.or, c.and, c.subw, c.addw, c.addi16sp,
 * c.addi4spn, c.nop and the HINT encodings.
 *
 * Covers the sign extension of the 6-bit immediates (c.li, c.addi, c.andi, c.lui's bits
 * 17:12), c.addiw as sext.w (immediate 0) and its 32-bit wrap-around, shift amounts up to
 * 63, the 32-bit results of c.addw/c.subw, c.addi16sp/c.addi4spn at the ends of their
 * ranges, and that HINTs (c.nop with an immediate, c.li/c.mv/c.add/c.slli with rd = x0)
 * change nothing.  Every instruction is written with its c.* mnemonic, so each is a real
 * 16-bit encoding.
 */
#include "hvtest.h"

HVTEST_BEGIN
    .option rvc
    TEST_CASE 1                /* c.li */
    c.li a0, 0
    CHECK a0, 0x0000000000000000
    TEST_CASE 2
    c.li a0, 1
    CHECK a0, 0x0000000000000001
    TEST_CASE 3
    c.li a0, 31
    CHECK a0, 0x000000000000001f
    TEST_CASE 4
    c.li a0, -1
    CHECK a0, 0xffffffffffffffff
    TEST_CASE 5
    c.li a0, -32
    CHECK a0, 0xffffffffffffffe0
    TEST_CASE 6
    c.lui a0, 0x1
    CHECK a0, 0x0000000000001000
    TEST_CASE 7
    c.lui a0, 0x1f
    CHECK a0, 0x000000000001f000
    TEST_CASE 8
    c.lui a0, 0xfffe0
    CHECK a0, 0xfffffffffffe0000
    TEST_CASE 9
    c.lui a0, 0xfffff
    CHECK a0, 0xfffffffffffff000
    TEST_CASE 10
    li a0, 5
    c.addi a0, 1
    CHECK a0, 0x0000000000000006
    TEST_CASE 11
    li a0, 5
    c.addi a0, -1
    CHECK a0, 0x0000000000000004
    TEST_CASE 12
    li a0, 0x7fffffffffffffff
    c.addi a0, 1
    CHECK a0, 0x8000000000000000
    TEST_CASE 13
    li a0, -1
    c.addi a0, 31
    CHECK a0, 0x000000000000001e
    TEST_CASE 14
    li a0, 0
    c.addi a0, -32
    CHECK a0, 0xffffffffffffffe0
    TEST_CASE 15
    li a0, 0x7fffffff
    c.addiw a0, 1
    CHECK a0, 0xffffffff80000000
    TEST_CASE 16
    li a0, 0x80000000
    c.addiw a0, 0
    CHECK a0, 0xffffffff80000000
    TEST_CASE 17
    li a0, 0x123456789
    c.addiw a0, 0
    CHECK a0, 0x0000000023456789
    TEST_CASE 18
    li a0, 0xffffffff
    c.addiw a0, 1
    CHECK a0, 0x0000000000000000
    TEST_CASE 19
    li a0, 5
    c.addiw a0, -32
    CHECK a0, 0xffffffffffffffe5
    TEST_CASE 20
    li a0, 0xfffffffe00000001
    c.addiw a0, 31
    CHECK a0, 0x0000000000000020
    TEST_CASE 21
    li a0, 0x8421000000000ff1
    c.slli a0, 1
    CHECK a0, 0x0842000000001fe2
    TEST_CASE 22
    li a0, 0x8421000000000ff1
    c.slli a0, 31
    CHECK a0, 0x000007f880000000
    TEST_CASE 23
    li a0, 0x8421000000000ff1
    c.slli a0, 32
    CHECK a0, 0x00000ff100000000
    TEST_CASE 24
    li a0, 0x8421000000000ff1
    c.slli a0, 63
    CHECK a0, 0x8000000000000000
    TEST_CASE 25
    li s1, 0x8421000000000ff1
    c.srli s1, 1
    CHECK s1, 0x42108000000007f8
    TEST_CASE 26
    li s1, 0x8421000000000ff1
    c.srli s1, 31
    CHECK s1, 0x0000000108420000
    TEST_CASE 27
    li s1, 0x8421000000000ff1
    c.srli s1, 32
    CHECK s1, 0x0000000084210000
    TEST_CASE 28
    li s1, 0x8421000000000ff1
    c.srli s1, 63
    CHECK s1, 0x0000000000000001
    TEST_CASE 29
    li a5, 0x8421000000000ff1
    c.srai a5, 1
    CHECK a5, 0xc2108000000007f8
    TEST_CASE 30
    li a5, 0x8421000000000ff1
    c.srai a5, 31
    CHECK a5, 0xffffffff08420000
    TEST_CASE 31
    li a5, 0x8421000000000ff1
    c.srai a5, 32
    CHECK a5, 0xffffffff84210000
    TEST_CASE 32
    li a5, 0x8421000000000ff1
    c.srai a5, 63
    CHECK a5, 0xffffffffffffffff
    TEST_CASE 33
    li a2, 0x8421000000000ff1
    c.andi a2, 0
    CHECK a2, 0x0000000000000000
    TEST_CASE 34
    li a2, 0x8421000000000ff1
    c.andi a2, 31
    CHECK a2, 0x0000000000000011
    TEST_CASE 35
    li a2, 0x8421000000000ff1
    c.andi a2, -1
    CHECK a2, 0x8421000000000ff1
    TEST_CASE 36
    li a2, 0x8421000000000ff1
    c.andi a2, -16
    CHECK a2, 0x8421000000000ff0
    TEST_CASE 37
    li a2, 0x8421000000000ff1
    c.andi a2, -32
    CHECK a2, 0x8421000000000fe0
    TEST_CASE 38
    li a2, 0x8421000000000ff1
    c.andi a2, 5
    CHECK a2, 0x0000000000000001
    TEST_CASE 39
    li a1, 0x123456789abcdef0
    c.mv t3, a1
    CHECK t3, 0x123456789abcdef0
    TEST_CASE 40
    li a1, 0x7fffffffffffffff
    li t3, 1
    c.add t3, a1
    CHECK t3, 0x8000000000000000
    TEST_CASE 41
    li a1, -5
    c.add a1, a1
    CHECK a1, 0xfffffffffffffff6
    TEST_CASE 42
    li s0, 0x123456789abcdef
    li a4, 0xfedcba9876543210
    c.sub s0, a4
    CHECK s0, 0x02468acf13579bdf
    TEST_CASE 43
    li s0, 0x80000000
    li a4, 1
    c.sub s0, a4
    CHECK s0, 0x000000007fffffff
    TEST_CASE 44
    li s0, 0x7fffffff
    li a4, 0xffffffff
    c.sub s0, a4
    CHECK s0, 0xffffffff80000000
    TEST_CASE 45
    li s0, 0
    li a4, 0xffffffff80000000
    c.sub s0, a4
    CHECK s0, 0x0000000080000000
    TEST_CASE 46
    li s0, 0x123456789abcdef
    li a4, 0xfedcba9876543210
    c.xor s0, a4
    CHECK s0, 0xffffffffffffffff
    TEST_CASE 47
    li s0, 0x80000000
    li a4, 1
    c.xor s0, a4
    CHECK s0, 0x0000000080000001
    TEST_CASE 48
    li s0, 0x7fffffff
    li a4, 0xffffffff
    c.xor s0, a4
    CHECK s0, 0x0000000080000000
    TEST_CASE 49
    li s0, 0
    li a4, 0xffffffff80000000
    c.xor s0, a4
    CHECK s0, 0xffffffff80000000
    TEST_CASE 50
    li s0, 0x123456789abcdef
    li a4, 0xfedcba9876543210
    c.or s0, a4
    CHECK s0, 0xffffffffffffffff
    TEST_CASE 51
    li s0, 0x80000000
    li a4, 1
    c.or s0, a4
    CHECK s0, 0x0000000080000001
    TEST_CASE 52
    li s0, 0x7fffffff
    li a4, 0xffffffff
    c.or s0, a4
    CHECK s0, 0x00000000ffffffff
    TEST_CASE 53
    li s0, 0
    li a4, 0xffffffff80000000
    c.or s0, a4
    CHECK s0, 0xffffffff80000000
    TEST_CASE 54
    li s0, 0x123456789abcdef
    li a4, 0xfedcba9876543210
    c.and s0, a4
    CHECK s0, 0x0000000000000000
    TEST_CASE 55
    li s0, 0x80000000
    li a4, 1
    c.and s0, a4
    CHECK s0, 0x0000000000000000
    TEST_CASE 56
    li s0, 0x7fffffff
    li a4, 0xffffffff
    c.and s0, a4
    CHECK s0, 0x000000007fffffff
    TEST_CASE 57
    li s0, 0
    li a4, 0xffffffff80000000
    c.and s0, a4
    CHECK s0, 0x0000000000000000
    TEST_CASE 58
    li s0, 0x123456789abcdef
    li a4, 0xfedcba9876543210
    c.subw s0, a4
    CHECK s0, 0x0000000013579bdf
    TEST_CASE 59
    li s0, 0x80000000
    li a4, 1
    c.subw s0, a4
    CHECK s0, 0x000000007fffffff
    TEST_CASE 60
    li s0, 0x7fffffff
    li a4, 0xffffffff
    c.subw s0, a4
    CHECK s0, 0xffffffff80000000
    TEST_CASE 61
    li s0, 0
    li a4, 0xffffffff80000000
    c.subw s0, a4
    CHECK s0, 0xffffffff80000000
    TEST_CASE 62
    li s0, 0x123456789abcdef
    li a4, 0xfedcba9876543210
    c.addw s0, a4
    CHECK s0, 0xffffffffffffffff
    TEST_CASE 63
    li s0, 0x80000000
    li a4, 1
    c.addw s0, a4
    CHECK s0, 0xffffffff80000001
    TEST_CASE 64
    li s0, 0x7fffffff
    li a4, 0xffffffff
    c.addw s0, a4
    CHECK s0, 0x000000007ffffffe
    TEST_CASE 65
    li s0, 0
    li a4, 0xffffffff80000000
    c.addw s0, a4
    CHECK s0, 0xffffffff80000000

    /* ---- c.addi16sp: sp += nzimm (multiple of 16, -512..496) ---- */
    TEST_CASE 66
    mv s1, sp
    c.addi16sp sp, -512
    sub a0, s1, sp
    CHECK a0, 512
    c.addi16sp sp, 496
    sub a0, s1, sp
    CHECK a0, 16
    c.addi16sp sp, 16
    CHECK_EQ sp, s1

    /* ---- c.addi4spn: rd' = sp + nzuimm (multiple of 4, 4..1020) ---- */
    TEST_CASE 67
    c.addi4spn a0, sp, 4
    sub a0, a0, sp
    CHECK a0, 4
    c.addi4spn s0, sp, 1020
    sub s0, s0, sp
    CHECK s0, 1020
    c.addi4spn a5, sp, 344
    sub a5, a5, sp
    CHECK a5, 344

    /* ---- c.nop and HINTs execute without effect ---- */
    TEST_CASE 68
    li a0, 42
    mv s0, a0
    c.nop
    .hword 0x0015               /* c.addi x0, 5   (HINT: c.nop with nzimm) */
    .hword 0x4005               /* c.li x0, 1     (HINT) */
    .hword 0x802a               /* c.mv x0, a0    (HINT) */
    .hword 0x902a               /* c.add x0, a0   (HINT) */
    .hword 0x0006               /* c.slli x0, 1   (HINT) */
    CHECK x0, 0
    CHECK_EQ a0, s0
    CHECK a0, 42

    PASS
