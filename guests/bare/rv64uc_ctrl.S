/*
 * rv64uc_ctrl.S - RVC control transfer: c.j, c.jr, c.jalr, c.beqz, c.bnez, c.ebreak, and
 * what the C extension changes for every instruction: jump and branch targets only need
 * 2-byte alignment, 32-bit instructions may sit at addresses that are 2 mod 4 (also
 * straddling a 4 KiB page boundary), and c.jalr links pc + 2.
 */
#include "hvtest.h"

HVTEST_BEGIN
    .option rvc
    /* ---- c.j ---- */
    TEST_CASE 1
    c.j 1f
    c.unimp
1:  c.j 3f
2:  c.j 4f                      /* backward target of the jump below */
3:  c.j 2b
    c.unimp
4:
    TEST_CASE 2                 /* a long c.j over 2000 bytes of illegal halfwords */
    c.j 1f
    .fill 1000, 2, 0
1:
    /* ---- c.jr / c.jalr ---- */
    TEST_CASE 3
    la a0, 1f
    li ra, 0
    c.jr a0
    c.unimp
1:  CHECK ra, 0                 /* c.jr does not link */
    TEST_CASE 4
    la a0, 1f
    c.jalr a0
2:  c.unimp
1:  CHECK_ADDR ra, 2b           /* link = address of c.jalr + 2 */
    TEST_CASE 5                 /* c.jalr ra: the target is the old ra */
    la ra, 1f
    c.jalr ra
2:  c.unimp
1:  CHECK_ADDR ra, 2b
    TEST_CASE 6                 /* c.jalr into a subroutine that returns with c.jr ra */
    la a5, sub_add3
    li a0, 4
    c.jalr a5
    CHECK a0, 7

    /* ---- c.beqz / c.bnez (x8-x15) ---- */
    TEST_CASE 7
    li s0, 0
    c.bnez s0, bad
    c.beqz s0, 1f
    c.unimp
1:  li a5, -1
    c.beqz a5, bad
    c.bnez a5, 2f
    c.unimp
3:  c.j 4f                      /* backward taken branches land here */
2:  li s1, 0
    c.beqz s1, 3b
    c.unimp
4:  c.bnez a5, 5f
    c.unimp
    TEST_CASE 8                 /* branch displacement near +254 bytes */
5:  li a4, 1
    c.bnez a4, 6f
    .fill 124, 2, 0
6:
    /* ---- 2-byte aligned targets of 32-bit jumps, 32-bit instructions at 2 mod 4 ---- */
    TEST_CASE 9
    jal ra, target_2mod4
    CHECK a0, 0x5a5
    TEST_CASE 10
    la a1, target_2mod4
    andi a2, a1, 3
    CHECK a2, 2
    jalr ra, 0(a1)
    CHECK a0, 0x5a5
    TEST_CASE 11                /* jalr clears bit 0: odd address -> the 2 mod 4 target */
    addi a1, a1, 1
    jalr ra, 0(a1)
    CHECK a0, 0x5a5
    TEST_CASE 12                /* a 32-bit branch taken to a 2 mod 4 address */
    li a3, 1
    bnez a3, 1f
    c.unimp
    .balign 4
    c.nop
1:  .option push
    .option norvc
    addi a4, a3, 41             /* 32-bit, at 2 mod 4 */
    .option pop
    CHECK a4, 42

    /* ---- a 32-bit instruction straddling a 4 KiB page boundary ---- */
    TEST_CASE 13
    li a0, 0
    la a1, page_crosser
    jalr ra, 0(a1)
    CHECK a0, 0x777

    /* ---- c.ebreak / ebreak: cause 3, mepc and mtval = address of the instruction ---- */
    TEST_CASE 14
    EXPECT_TRAP 2f
1:  c.ebreak
    c.unimp
2:  CHECK_TRAP CAUSE_BREAKPOINT, 1b
#ifndef QEMU_COMPAT
    CHECK_TVAL_ADDR 1b          /* QEMU 7.2 writes 0 (also allowed by the spec) */
#endif
    TEST_CASE 15
    EXPECT_TRAP 2f
    .balign 4
    c.nop
1:  .option push
    .option norvc
    ebreak                      /* 32-bit ebreak at 2 mod 4 */
    .option pop
    c.unimp
2:  CHECK_TRAP CAUSE_BREAKPOINT, 1b
#ifndef QEMU_COMPAT
    CHECK_TVAL_ADDR 1b
#endif

    PASS

bad:
    j hv_fail

sub_add3:
    c.addi a0, 3
    c.jr ra

    .balign 4
    c.nop
target_2mod4:
    .option push
    .option norvc
    li a0, 0x5a5                /* addi, 32 bits, at 2 mod 4 */
    jalr x0, 0(ra)
    .option pop

    .balign 4096
    .fill 2047, 2, 0x0001       /* c.nop: page_crosser is the page's last halfword */
page_crosser:
    .option push
    .option norvc
    addi a0, a0, 0x777          /* bytes 4094..4097: crosses into the next page */
    .option pop
    c.jr ra
