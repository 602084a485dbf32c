/*
 * rv64ua_lrsc.S - RV64A load-reserved / store-conditional: lr.w, lr.d, sc.w, sc.d.
 *
 * Covers: an SC without any reservation fails (rd != 0, memory unchanged); LR then SC to the
 * same address succeeds (rd = 0, memory written, LR returned the old value, lr.w sign-extends);
 * the reservation is consumed by an SC, so a second SC fails; an SC to an address in another
 * page than the reserved one fails and clears the reservation; sc.w writes only 32 bits; an
 * LR/SC retry loop makes progress; and the .aq/.rl forms behave the same on one hart.
 * (Misaligned LR/SC are in rv64ua_misaligned.S.)
 */
#include "hvtest.h"

HVTEST_BEGIN
    TEST_CASE 1                 /* no reservation yet: sc.d fails */
    la a1, word_a
    li a2, 0x1111
    sd a2, 0(a1)
    li a3, 0x2222
    sc.d a0, a3, (a1)
    CHECK_NE a0, zero
    ld a4, 0(a1)
    CHECK a4, 0x1111

    TEST_CASE 2                 /* no reservation: sc.w fails */
    sc.w a0, a3, (a1)
    CHECK_NE a0, zero
    ld a4, 0(a1)
    CHECK a4, 0x1111

    TEST_CASE 3                 /* lr.d / sc.d succeed */
    lr.d a0, (a1)
    CHECK a0, 0x1111
    li a3, 0x123456789abcdef0
    sc.d a4, a3, (a1)
    CHECK a4, 0
    ld a5, 0(a1)
    CHECK a5, 0x123456789abcdef0

    TEST_CASE 4                 /* the successful SC consumed the reservation */
    li a3, 0x3333
    sc.d a4, a3, (a1)
    CHECK_NE a4, zero
    ld a5, 0(a1)
    CHECK a5, 0x123456789abcdef0

    TEST_CASE 5                 /* lr.w sign-extends; sc.w writes the low 32 bits only */
    li a2, 0x55555555c0000001
    sd a2, 0(a1)
    lr.w a0, (a1)
    CHECK a0, 0xffffffffc0000001
    li a3, 0x77777777000000ab
    sc.w a4, a3, (a1)
    CHECK a4, 0
    ld a5, 0(a1)
    CHECK a5, 0x55555555000000ab

    TEST_CASE 6                 /* SC to a different address (another page) fails ... */
    la a6, word_b
    li a2, 0x4444
    sd a2, 0(a6)
    lr.d a0, (a1)
    li a3, 0x5555
    sc.d a4, a3, (a6)
    CHECK_NE a4, zero
    ld a5, 0(a6)
    CHECK a5, 0x4444
    TEST_CASE 7                 /* ... and the failed SC also cleared the reservation */
    sc.d a4, a3, (a1)
    CHECK_NE a4, zero
    ld a5, 0(a1)
    CHECK a5, 0x55555555000000ab

    TEST_CASE 8                 /* a later LR replaces the reservation */
    lr.d a0, (a6)
    lr.d a0, (a1)
    li a3, 0x6666
    sc.d a4, a3, (a1)
    CHECK a4, 0
    ld a5, 0(a1)
    CHECK a5, 0x6666

    TEST_CASE 9                 /* LR/SC with rd == rs2 for the SC, and .aq/.rl forms */
    lr.w.aq a0, (a1)
    CHECK a0, 0x6666
    li a3, 0x7777
    sc.w.rl a3, a3, (a1)
    CHECK a3, 0
    lwu a5, 0(a1)
    CHECK a5, 0x7777
    lr.d.aqrl a0, (a1)
    sc.d.aqrl a3, a0, (a1)
    CHECK a3, 0

    TEST_CASE 10                /* an atomic-increment retry loop, 100 times */
    sd zero, 0(a1)
    li a7, 100
1:  lr.d a0, (a1)
    addi a0, a0, 3
    sc.d a4, a0, (a1)
    bnez a4, 1b
    addi a7, a7, -1
    bnez a7, 1b
    ld a5, 0(a1)
    CHECK a5, 300

    TEST_CASE 11                /* the word version at a word (not dword) aligned address */
    addi a2, a1, 4
    li a3, -5
    sw a3, 0(a2)
    lr.w a0, (a2)
    CHECK a0, -5
    li a3, 9
    sc.w a4, a3, (a2)
    CHECK a4, 0
    lw a5, 0(a2)
    CHECK a5, 9
    lw a5, 0(a1)
    CHECK a5, 300

    PASS

    .data
    .balign 4096
word_a:
    .dword 0, 0
    .balign 4096
word_b:
    .dword 0, 0
