/*
 * priv_vm_sv39.S - Sv39 address translation in S-mode with page tables built by the program.
 *
 * Covers: identity and non-identity 4 KiB mappings, two virtual pages aliasing one physical
 * page, 2 MiB and 1 GiB superpages, execution through a non-identity mapping, a misaligned
 * load/store crossing two virtual pages that map to non-adjacent physical pages; and the
 * page faults, with mtval (or stval when delegated) = the faulting virtual address and
 * mepc = the instruction (or, for fetches, the target): invalid PTE, missing intermediate
 * table, misaligned 2 MiB and 1 GiB superpages, the reserved W-without-R encoding, a
 * non-leaf PTE at the last level, reserved PTE bits 60:54, and non-canonical addresses.
 */
#include "hvtest.h"

#define RW   (PTE_R | PTE_W | PTE_A | PTE_D)
#define RX   (PTE_R | PTE_X | PTE_A)
#define VA_A    0x10000000      /* -> page_a */
#define VA_A2   0x10001000      /* -> page_a as well */
#define VA_HOLE 0x10002000      /* level-0 table exists, PTE invalid */
#define VA_CODE 0x10003000      /* -> code_page, R+X */
#define VA_X1   0x10004000      /* -> page_b */
#define VA_X2   0x10005000      /* -> page_a (so VA_X1..VA_X2 is not contiguous in PA) */
#define VA_WO   0x10006000      /* W without R: reserved */
#define VA_RSV  0x10007000      /* reserved PTE bit 60 set */
#define VA_2M   0x20000000      /* 2 MiB page -> RAM_BASE */
#define VA_2MBAD 0x20200000     /* 2 MiB page with a misaligned PPN */
#define VA_1G   0xc0000000      /* 1 GiB page -> 0x80000000 */
#define VA_1GBAD 0x100000000    /* 1 GiB page with a misaligned PPN */
#define VA_NOMAP 0x3000000000   /* nothing mapped at any level */
#define VA_LEAF0 0x10008000     /* a non-leaf PTE (V only) at level 0 */

/* from S-mode: a load from `va` raises a page fault taken in M with tval = va */
.macro TEST_LOAD_PF n, va
    TEST_CASE \n
    GOTO_S
    li a1, \va
    EXPECT_TRAP .Lr\@
.Li\@:
    ld a0, 0(a1)
    j hv_fail
.Lr\@:
    CHECK_TRAP CAUSE_LOAD_PF, .Li\@
    CHECK_TVAL_REG a1
.endm

HVTEST_BEGIN
    li a0, 3
    call hv_vm_basic            /* identity 2 MiB for the image + the U alias */
    VM_MAP_LABEL VA_A, page_a, RW, 0
    VM_MAP_LABEL VA_A2, page_a, RW, 0
    VM_MAP_LABEL VA_HOLE, page_a, RW, 0
    sd zero, 0(a0)              /* make it invalid */
    VM_MAP_LABEL VA_CODE, code_page, RX, 0
    VM_MAP_LABEL VA_X1, page_b, RW, 0
    VM_MAP_LABEL VA_X2, page_a, RW, 0
    VM_MAP_LABEL VA_WO, page_a, PTE_W | PTE_A | PTE_D, 0
    VM_MAP_LABEL VA_RSV, page_a, RW | (1 << 60), 0
    li a1, RAM_BASE
    VM_MAP VA_2M, a1, RW, 1
    VM_MAP_LABEL VA_2MBAD, page_a, RW, 1
    li a1, 0x80000000
    VM_MAP VA_1G, a1, RW, 2
    li a1, 0x80200000
    VM_MAP VA_1GBAD, a1, RW, 2
    VM_MAP_LABEL VA_LEAF0, page_a, RW, 0
    ld a1, 0(a0)
    andi a1, a1, ~(PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)
    sd a1, 0(a0)                /* V only: a pointer to a "next level" that cannot exist */
    VM_ENABLE

    TEST_CASE 1                 /* identity mapping */
    GOTO_S
    la a1, page_a
    ld a0, 0(a1)
    CHECK a0, 0xaaaa0001aaaa0000
    TEST_CASE 2                 /* non-identity 4 KiB page */
    li a1, VA_A
    ld a0, 8(a1)
    CHECK a0, 0xaaaa0003aaaa0002
    TEST_CASE 3                 /* store through one alias, load through the other */
    li a1, VA_A
    li a2, VA_A2
    li a3, 0x5555666677778888
    sd a3, 64(a1)
    ld a0, 64(a2)
    CHECK_EQ a0, a3
    la a4, page_a               /* and through the identity mapping */
    ld a0, 64(a4)
    CHECK_EQ a0, a3
    TEST_CASE 4                 /* 2 MiB superpage */
    la a1, page_a
    li a2, RAM_BASE
    sub a1, a1, a2
    li a2, VA_2M
    add a1, a1, a2
    ld a0, 0(a1)
    CHECK a0, 0xaaaa0001aaaa0000
    TEST_CASE 5                 /* 1 GiB superpage */
    la a1, page_b
    li a2, 0x80000000
    sub a1, a1, a2
    li a2, VA_1G
    add a1, a1, a2
    ld a0, 0(a1)
    CHECK a0, 0xbbbb0001bbbb0000
    TEST_CASE 6                 /* execute through a non-identity R+X mapping */
    la a1, vm_func
    la a2, code_page
    sub a1, a1, a2
    li a2, VA_CODE
    add a1, a1, a2
    li a0, 0
    jalr ra, 0(a1)
    CHECK a0, 0x777
    TEST_CASE 7                 /* misaligned ld across two pages, non-adjacent in PA */
    li a1, VA_X2 - 4
    ld a0, 0(a1)
    CHECK a0, 0xaaaa0000bbbbbbbb
    TEST_CASE 8                 /* misaligned sd across them */
    li a2, 0x0102030405060708
    sd a2, 0(a1)
    GOTO_M
    la a1, page_b
    li a2, 4092
    add a1, a1, a2
    lwu a0, 0(a1)
    CHECK a0, 0x05060708
    la a1, page_a
    lwu a0, 0(a1)
    CHECK a0, 0x01020304

    /* ---- page faults, taken in M ---- */
    TEST_LOAD_PF 9, VA_HOLE
    TEST_CASE 10                /* store to an invalid PTE: store page fault */
    GOTO_S
    li a1, VA_HOLE + 8
    EXPECT_TRAP 2f
1:  sd a0, 0(a1)
    j hv_fail
2:  CHECK_TRAP CAUSE_STORE_PF, 1b
    CHECK_TVAL_REG a1
    TEST_CASE 11                /* fetch from an invalid PTE: mepc = mtval = target */
    GOTO_S
    li a1, VA_HOLE + 0x10
    EXPECT_TRAP 2f
    jalr ra, 0(a1)
    j hv_fail
2:  ld a0, hv_trap_cause
    CHECK a0, CAUSE_FETCH_PF
    ld a0, hv_trap_epc
    CHECK_EQ a0, a1
    CHECK_TVAL_REG a1
    TEST_LOAD_PF 12, VA_NOMAP
    TEST_LOAD_PF 13, VA_2MBAD + 0x18
    TEST_LOAD_PF 14, VA_1GBAD + 0x1000
    TEST_LOAD_PF 15, VA_WO
    TEST_LOAD_PF 16, VA_LEAF0
    TEST_LOAD_PF 17, VA_RSV
    TEST_LOAD_PF 18, 0x0000008000000000 /* bit 39 set, bit 38 clear: not canonical */
    TEST_LOAD_PF 19, 0xffffff0000000000 + VA_A /* upper bits set, bit 38 clear */
    TEST_CASE 20                /* a canonical high address that is simply unmapped */
    GOTO_S
    li a1, 0xffffffc000000000
    EXPECT_TRAP 2f
1:  ld a0, 0(a1)
    j hv_fail
2:  CHECK_TRAP CAUSE_LOAD_PF, 1b
    CHECK_TVAL_REG a1

    /* ---- delegated to S: scause/stval ---- */
    li a0, (1 << CAUSE_LOAD_PF) | (1 << CAUSE_STORE_PF) | (1 << CAUSE_FETCH_PF)
    csrw medeleg, a0
    TEST_CASE 21
    GOTO_S
    li a1, VA_HOLE + 0x28
    EXPECT_TRAP 2f
1:  lw a0, 0(a1)
    j hv_fail
2:  CHECK_TRAP CAUSE_LOAD_PF, 1b
    CHECK_TRAP_LEVEL PRV_S
    CHECK_TVAL_REG a1
    csrr a0, stval
    CHECK_EQ a0, a1
    TEST_CASE 22
    li a1, VA_WO + 0x30
    EXPECT_TRAP 2f
1:  sw a0, 0(a1)
    j hv_fail
2:  CHECK_TRAP CAUSE_STORE_PF, 1b
    CHECK_TRAP_LEVEL PRV_S
    CHECK_TVAL_REG a1
    GOTO_M
    csrw medeleg, zero

    TEST_CASE 23                /* M-mode ignores satp */
    la a1, page_a
    ld a0, 8(a1)
    CHECK a0, 0xaaaa0003aaaa0002
    VM_DISABLE

    PASS

    .balign 4096
code_page:
    .skip 256
vm_func:
    li a0, 0x777
    ret
    .balign 4096

    .data
    .balign 4096
page_a:
    .dword 0xaaaa0001aaaa0000, 0xaaaa0003aaaa0002
    .fill 510, 8, 0
    .balign 4096
page_b:
    .dword 0xbbbb0001bbbb0000
    .fill 510, 8, 0
    .dword 0xbbbbbbbbcccccccc
