/*
 * rv64ui_misc.S - RV64I odds and ends: x0 is hard-wired to zero, fence, fence.tso, pause and
 * other HINT encodings are harmless, and fence.i makes stores to instruction memory visible to
 * instruction fetch (self-modifying code, including the instruction right after the fence.i).
 */
#include "hvtest.h"

HVTEST_BEGIN
    /* ---- writes to x0 are ignored, whatever instruction makes them ---- */
    TEST_CASE 1
    addi x0, x0, 5
    CHECK x0, 0
    TEST_CASE 2
    lui x0, 0x12345
    auipc x0, 0x1
    CHECK x0, 0
    TEST_CASE 3
    li a1, -1
    add x0, a1, a1
    or x0, a1, x0
    sltu x0, x0, a1
    CHECK x0, 0
    TEST_CASE 4
    jal x0, 1f
1:  la a1, 2f
    jalr x0, 0(a1)
2:  CHECK x0, 0
    TEST_CASE 5
    la a1, data
    ld x0, 0(a1)
    lbu x0, 0(a1)
    CHECK x0, 0
    TEST_CASE 6                 /* reading x0 gives zero in every operand position */
    li a0, 9
    add a0, a0, x0
    sub a0, x0, a0
    CHECK a0, -9

    /* ---- fences and hints execute as no-ops on a single hart ---- */
    TEST_CASE 7
    li a0, 1
    fence
    fence rw, rw
    fence r, w
    fence.tso
    .word 0x0100000f            /* pause (Zihintpause): a fence with pred=W, succ=0 */
    addi x0, x0, 1              /* HINT encodings */
    slli x0, x0, 1
    add x0, x0, x0
    addi a0, a0, 1
    CHECK a0, 2

    TEST_CASE 8                 /* a store then a load through a fence */
    la a1, data
    li a2, 0x1122334455667788
    sd a2, 8(a1)
    fence w, r
    ld a0, 8(a1)
    CHECK a0, 0x1122334455667788

    /* ---- fence.i: self-modifying code ---- */
    TEST_CASE 9
    call smc_func
    CHECK a0, 1
    la a1, smc_func
    lw a2, insn_ret2            /* the instruction `li a0, 2` */
    sw a2, 0(a1)
    fence.i
    call smc_func
    CHECK a0, 2

    TEST_CASE 10                /* and back again: a second modification of the same code */
    la a1, smc_func
    lw a2, insn_ret1
    sw a2, 0(a1)
    fence.i
    call smc_func
    CHECK a0, 1

    TEST_CASE 11                /* the patched instruction follows the fence.i directly */
    la a1, 1f
    lw a2, insn_ret2
    sw a2, 0(a1)
    fence.i
1:  li a0, 1
    CHECK a0, 2

    TEST_CASE 12                /* patched inside a loop that already ran (and was cached) */
    li a3, 0                    /* iterations */
    li a4, 0                    /* sum of a0 over the iterations */
2:  li a0, 1                    /* becomes `li a0, 2` after the first iteration */
    add a4, a4, a0
    addi a3, a3, 1
    li a5, 3
    beq a3, a5, 3f
    la a1, 2b
    lw a2, insn_ret2
    sw a2, 0(a1)
    fence.i
    j 2b
3:  CHECK a4, 5                 /* 1 + 2 + 2 */

    PASS

    .balign 4
smc_func:
    li a0, 1
    ret

insn_ret1:
    li a0, 1
insn_ret2:
    li a0, 2

    .data
    .balign 8
data:
    .dword 0x0123456789abcdef
    .dword 0
