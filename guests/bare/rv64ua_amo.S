/*
 * rv64ua_amo.S - RV64A atomic memory operations: amoswap, amoadd, amoand, amoor, amoxor,
 * amomin, amomax, amominu, amomaxu, each in .d and .w form.
 *
 * Each case checks the value returned in rd (the old memory value; for .w sign-extended
 * from bit 31), the new memory value, and for .w that the neighbouring words are untouched
 * and that only the low 32 bits of rs2 are used.  Signed vs unsigned min/max are tried on
 * operands whose order differs between the two interpretations.  Then: rd = x0, rd = rs2,
 * the .aq/.rl/.aqrl forms.  (Misaligned AMOs are in rv64ua_misaligned.S.)
 */
#include "hvtest.h"

/* amo on the doubleword at amo_d: init, operand, expected rd, expected memory */
.macro TEST_AMO_D n, inst, init, operand, rd, mem
    TEST_CASE \n
    la a1, amo_d
    li a2, \init
    sd a2, 0(a1)
    li a3, \operand
    \inst a0, a3, (a1)
    CHECK a0, \rd
    ld a4, 0(a1)
    CHECK a4, \mem
    CHECK a3, \operand
.endm

/* amo on the word at amo_w (between two guard words) */
.macro TEST_AMO_W n, inst, init, operand, rd, mem
    TEST_CASE \n
    la a1, amo_w
    li a2, \init
    sw a2, 0(a1)
    li a3, \operand
    \inst a0, a3, (a1)
    CHECK a0, \rd
    lwu a4, 0(a1)
    CHECK a4, \mem
    lwu a4, -4(a1)
    CHECK a4, 0x5a5a5a5a
    lwu a4, 4(a1)
    CHECK a4, 0xa5a5a5a5
.endm

HVTEST_BEGIN
    /* ---- amoswap.d / amoswap.w ---- */
    TEST_AMO_D 1, amoswap.d, 5, 3, 0x0000000000000005, 0x0000000000000003
    TEST_AMO_D 2, amoswap.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff
    TEST_AMO_D 3, amoswap.d, -1, 1, 0xffffffffffffffff, 0x0000000000000001
    TEST_AMO_D 4, amoswap.d, 0xffffffff, 0xffffffff00000000, 0x00000000ffffffff, 0xffffffff00000000
    TEST_AMO_D 5, amoswap.d, -5, -3, 0xfffffffffffffffb, 0xfffffffffffffffd
    TEST_AMO_W 6, amoswap.w, 5, 3, 0x0000000000000005, 0x0000000000000003
    TEST_AMO_W 7, amoswap.w, 0x80000000, 0x7fffffff, 0xffffffff80000000, 0x000000007fffffff
    TEST_AMO_W 8, amoswap.w, 0xffffffff, 1, 0xffffffffffffffff, 0x0000000000000001
    TEST_AMO_W 9, amoswap.w, 0x7fffffff, 0xffffffff80000000, 0x000000007fffffff, 0x0000000080000000
    TEST_AMO_W 10, amoswap.w, 0xfffffffb, 0x12345678fffffffd, 0xfffffffffffffffb, 0x00000000fffffffd
    /* ---- amoadd.d / amoadd.w ---- */
    TEST_AMO_D 11, amoadd.d, 5, 3, 0x0000000000000005, 0x0000000000000008
    TEST_AMO_D 12, amoadd.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0xffffffffffffffff
    TEST_AMO_D 13, amoadd.d, -1, 1, 0xffffffffffffffff, 0x0000000000000000
    TEST_AMO_D 14, amoadd.d, 0xffffffff, 0xffffffff00000000, 0x00000000ffffffff, 0xffffffffffffffff
    TEST_AMO_D 15, amoadd.d, -5, -3, 0xfffffffffffffffb, 0xfffffffffffffff8
    TEST_AMO_W 16, amoadd.w, 5, 3, 0x0000000000000005, 0x0000000000000008
    TEST_AMO_W 17, amoadd.w, 0x80000000, 0x7fffffff, 0xffffffff80000000, 0x00000000ffffffff
    TEST_AMO_W 18, amoadd.w, 0xffffffff, 1, 0xffffffffffffffff, 0x0000000000000000
    TEST_AMO_W 19, amoadd.w, 0x7fffffff, 0xffffffff80000000, 0x000000007fffffff, 0x00000000ffffffff
    TEST_AMO_W 20, amoadd.w, 0xfffffffb, 0x12345678fffffffd, 0xfffffffffffffffb, 0x00000000fffffff8
    /* ---- amoand.d / amoand.w ---- */
    TEST_AMO_D 21, amoand.d, 5, 3, 0x0000000000000005, 0x0000000000000001
    TEST_AMO_D 22, amoand.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x0000000000000000
    TEST_AMO_D 23, amoand.d, -1, 1, 0xffffffffffffffff, 0x0000000000000001
    TEST_AMO_D 24, amoand.d, 0xffffffff, 0xffffffff00000000, 0x00000000ffffffff, 0x0000000000000000
    TEST_AMO_D 25, amoand.d, -5, -3, 0xfffffffffffffffb, 0xfffffffffffffff9
    TEST_AMO_W 26, amoand.w, 5, 3, 0x0000000000000005, 0x0000000000000001
    TEST_AMO_W 27, amoand.w, 0x80000000, 0x7fffffff, 0xffffffff80000000, 0x0000000000000000
    TEST_AMO_W 28, amoand.w, 0xffffffff, 1, 0xffffffffffffffff, 0x0000000000000001
    TEST_AMO_W 29, amoand.w, 0x7fffffff, 0xffffffff80000000, 0x000000007fffffff, 0x0000000000000000
    TEST_AMO_W 30, amoand.w, 0xfffffffb, 0x12345678fffffffd, 0xfffffffffffffffb, 0x00000000fffffff9
    /* ---- amoor.d / amoor.w ---- */
    TEST_AMO_D 31, amoor.d, 5, 3, 0x0000000000000005, 0x0000000000000007
    TEST_AMO_D 32, amoor.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0xffffffffffffffff
    TEST_AMO_D 33, amoor.d, -1, 1, 0xffffffffffffffff, 0xffffffffffffffff
    TEST_AMO_D 34, amoor.d, 0xffffffff, 0xffffffff00000000, 0x00000000ffffffff, 0xffffffffffffffff
    TEST_AMO_D 35, amoor.d, -5, -3, 0xfffffffffffffffb, 0xffffffffffffffff
    TEST_AMO_W 36, amoor.w, 5, 3, 0x0000000000000005, 0x0000000000000007
    TEST_AMO_W 37, amoor.w, 0x80000000, 0x7fffffff, 0xffffffff80000000, 0x00000000ffffffff
    TEST_AMO_W 38, amoor.w, 0xffffffff, 1, 0xffffffffffffffff, 0x00000000ffffffff
    TEST_AMO_W 39, amoor.w, 0x7fffffff, 0xffffffff80000000, 0x000000007fffffff, 0x00000000ffffffff
    TEST_AMO_W 40, amoor.w, 0xfffffffb, 0x12345678fffffffd, 0xfffffffffffffffb, 0x00000000ffffffff
    /* ---- amoxor.d / amoxor.w ---- */
    TEST_AMO_D 41, amoxor.d, 5, 3, 0x0000000000000005, 0x0000000000000006
    TEST_AMO_D 42, amoxor.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0xffffffffffffffff
    TEST_AMO_D 43, amoxor.d, -1, 1, 0xffffffffffffffff, 0xfffffffffffffffe
    TEST_AMO_D 44, amoxor.d, 0xffffffff, 0xffffffff00000000, 0x00000000ffffffff, 0xffffffffffffffff
    TEST_AMO_D 45, amoxor.d, -5, -3, 0xfffffffffffffffb, 0x0000000000000006
    TEST_AMO_W 46, amoxor.w, 5, 3, 0x0000000000000005, 0x0000000000000006
    TEST_AMO_W 47, amoxor.w, 0x80000000, 0x7fffffff, 0xffffffff80000000, 0x00000000ffffffff
    TEST_AMO_W 48, amoxor.w, 0xffffffff, 1, 0xffffffffffffffff, 0x00000000fffffffe
    TEST_AMO_W 49, amoxor.w, 0x7fffffff, 0xffffffff80000000, 0x000000007fffffff, 0x00000000ffffffff
    TEST_AMO_W 50, amoxor.w, 0xfffffffb, 0x12345678fffffffd, 0xfffffffffffffffb, 0x0000000000000006
    /* ---- amomin.d / amomin.w ---- */
    TEST_AMO_D 51, amomin.d, 5, 3, 0x0000000000000005, 0x0000000000000003
    TEST_AMO_D 52, amomin.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x8000000000000000
    TEST_AMO_D 53, amomin.d, -1, 1, 0xffffffffffffffff, 0xffffffffffffffff
    TEST_AMO_D 54, amomin.d, 0xffffffff, 0xffffffff00000000, 0x00000000ffffffff, 0xffffffff00000000
    TEST_AMO_D 55, amomin.d, -5, -3, 0xfffffffffffffffb, 0xfffffffffffffffb
    TEST_AMO_W 56, amomin.w, 5, 3, 0x0000000000000005, 0x0000000000000003
    TEST_AMO_W 57, amomin.w, 0x80000000, 0x7fffffff, 0xffffffff80000000, 0x0000000080000000
    TEST_AMO_W 58, amomin.w, 0xffffffff, 1, 0xffffffffffffffff, 0x00000000ffffffff
    TEST_AMO_W 59, amomin.w, 0x7fffffff, 0xffffffff80000000, 0x000000007fffffff, 0x0000000080000000
    TEST_AMO_W 60, amomin.w, 0xfffffffb, 0x12345678fffffffd, 0xfffffffffffffffb, 0x00000000fffffffb
    /* ---- amomax.d / amomax.w ---- */
    TEST_AMO_D 61, amomax.d, 5, 3, 0x0000000000000005, 0x0000000000000005
    TEST_AMO_D 62, amomax.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff
    TEST_AMO_D 63, amomax.d, -1, 1, 0xffffffffffffffff, 0x0000000000000001
    TEST_AMO_D 64, amomax.d, 0xffffffff, 0xffffffff00000000, 0x00000000ffffffff, 0x00000000ffffffff
    TEST_AMO_D 65, amomax.d, -5, -3, 0xfffffffffffffffb, 0xfffffffffffffffd
    TEST_AMO_W 66, amomax.w, 5, 3, 0x0000000000000005, 0x0000000000000005
    TEST_AMO_W 67, amomax.w, 0x80000000, 0x7fffffff, 0xffffffff80000000, 0x000000007fffffff
    TEST_AMO_W 68, amomax.w, 0xffffffff, 1, 0xffffffffffffffff, 0x0000000000000001
    TEST_AMO_W 69, amomax.w, 0x7fffffff, 0xffffffff80000000, 0x000000007fffffff, 0x000000007fffffff
    TEST_AMO_W 70, amomax.w, 0xfffffffb, 0x12345678fffffffd, 0xfffffffffffffffb, 0x00000000fffffffd
    /* ---- amominu.d / amominu.w ---- */
    TEST_AMO_D 71, amominu.d, 5, 3, 0x0000000000000005, 0x0000000000000003
    TEST_AMO_D 72, amominu.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff
    TEST_AMO_D 73, amominu.d, -1, 1, 0xffffffffffffffff, 0x0000000000000001
    TEST_AMO_D 74, amominu.d, 0xffffffff, 0xffffffff00000000, 0x00000000ffffffff, 0x00000000ffffffff
    TEST_AMO_D 75, amominu.d, -5, -3, 0xfffffffffffffffb, 0xfffffffffffffffb
    TEST_AMO_W 76, amominu.w, 5, 3, 0x0000000000000005, 0x0000000000000003
    TEST_AMO_W 77, amominu.w, 0x80000000, 0x7fffffff, 0xffffffff80000000, 0x000000007fffffff
    TEST_AMO_W 78, amominu.w, 0xffffffff, 1, 0xffffffffffffffff, 0x0000000000000001
    TEST_AMO_W 79, amominu.w, 0x7fffffff, 0xffffffff80000000, 0x000000007fffffff, 0x000000007fffffff
    TEST_AMO_W 80, amominu.w, 0xfffffffb, 0x12345678fffffffd, 0xfffffffffffffffb, 0x00000000fffffffb
    /* ---- amomaxu.d / amomaxu.w ---- */
    TEST_AMO_D 81, amomaxu.d, 5, 3, 0x0000000000000005, 0x0000000000000005
    TEST_AMO_D 82, amomaxu.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x8000000000000000
    TEST_AMO_D 83, amomaxu.d, -1, 1, 0xffffffffffffffff, 0xffffffffffffffff
    TEST_AMO_D 84, amomaxu.d, 0xffffffff, 0xffffffff00000000, 0x00000000ffffffff, 0xffffffff00000000
    TEST_AMO_D 85, amomaxu.d, -5, -3, 0xfffffffffffffffb, 0xfffffffffffffffd
    TEST_AMO_W 86, amomaxu.w, 5, 3, 0x0000000000000005, 0x0000000000000005
    TEST_AMO_W 87, amomaxu.w, 0x80000000, 0x7fffffff, 0xffffffff80000000, 0x0000000080000000
    TEST_AMO_W 88, amomaxu.w, 0xffffffff, 1, 0xffffffffffffffff, 0x00000000ffffffff
    TEST_AMO_W 89, amomaxu.w, 0x7fffffff, 0xffffffff80000000, 0x000000007fffffff, 0x0000000080000000
    TEST_AMO_W 90, amomaxu.w, 0xfffffffb, 0x12345678fffffffd, 0xfffffffffffffffb, 0x00000000fffffffd

    /* ---- register and ordering variants ---- */
    TEST_CASE 91                /* rd = x0: memory is still updated */
    la a1, amo_d
    li a2, 40
    sd a2, 0(a1)
    li a3, 2
    amoadd.d x0, a3, (a1)
    CHECK x0, 0
    ld a0, 0(a1)
    CHECK a0, 42
    TEST_CASE 92                /* rd = rs2: rd gets the old value, memory the old rs2 */
    li a3, 7
    amoswap.d a3, a3, (a1)
    CHECK a3, 42
    ld a0, 0(a1)
    CHECK a0, 7
    TEST_CASE 93                /* acquire/release annotations change nothing on one hart */
    amoadd.d.aq a0, a3, (a1)
    amoadd.d.rl a0, a3, (a1)
    amoadd.w.aqrl a0, a3, (a1)
    ld a0, 0(a1)
    CHECK a0, 7 + 3 * 42
    TEST_CASE 94                /* an AMO to a word-aligned but not dword-aligned address */
    la a1, amo_w
    li a2, 100
    sw a2, 0(a1)
    li a3, -1
    amoadd.w a0, a3, (a1)
    CHECK a0, 100
    lw a0, 0(a1)
    CHECK a0, 99

    PASS

    .data
    .balign 16
amo_d:
    .dword 0
    .dword 0
    .word 0x5a5a5a5a
amo_w:
    .word 0
    .word 0xa5a5a5a5
