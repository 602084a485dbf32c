/*
 * priv_vm_sv48.S - Sv48 address translation (four levels) in S-mode.
 *
 * Covers: identity mapping of the image; a 4 KiB page at a virtual address that needs all
 * four levels and lies beyond Sv39's reach (bit 46 set); 2 MiB, 1 GiB and 512 GiB leaf
 * pages; a misaligned 512 GiB page and an invalid PTE fault; addresses canonical for Sv48
 * (bits 63:48 = bit 47) work or fault as mapped, non-canonical ones fault; the highest
 * virtual page (0xffff_ffff_ffff_f000) can be mapped.
 */
#include "hvtest.h"

#define RW   (PTE_R | PTE_W | PTE_A | PTE_D)
#define VA_HIGH   0x00007f0000123000  /* needs a top-level index of 254 */
#define VA_2M     0x0000400000200000
#define VA_1G     0x00000040c0000000
#define VA_512G   0x0000008000000000  /* -> PA 0 */
#define VA_512BAD 0x0000010000000000  /* 512 GiB page with PPN = 0x80000000 >> 12 */
#define VA_TOP    0xfffffffffffff000
#define VA_HOLE   0x00007f0000124000

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
    li a0, 4
    call hv_vm_basic
    VM_MAP_LABEL VA_HIGH, page_a, RW, 0
    VM_MAP_LABEL VA_HOLE, page_a, RW, 0
    sd zero, 0(a0)
    li a1, RAM_BASE
    VM_MAP VA_2M, a1, RW, 1
    li a1, 0x80000000
    VM_MAP VA_1G, a1, RW, 2
    li a1, 0
    VM_MAP VA_512G, a1, RW, 3
    li a1, 0x80000000
    VM_MAP VA_512BAD, a1, RW, 3
    VM_MAP_LABEL VA_TOP, page_b, RW, 0
    VM_ENABLE

    TEST_CASE 1                 /* satp reads back Sv48 */
    csrr a0, satp
    srli a0, a0, SATP_MODE_SHIFT
    CHECK a0, SATP_MODE_SV48
    TEST_CASE 2                 /* identity mapping (the code runs through it) */
    GOTO_S
    la a1, page_a
    ld a0, 0(a1)
    CHECK a0, 0xaaaa0001aaaa0000
    TEST_CASE 3                 /* four-level 4 KiB page high up */
    li a1, VA_HIGH
    ld a0, 8(a1)
    CHECK a0, 0xaaaa0003aaaa0002
    TEST_CASE 4                 /* 2 MiB page */
    la a1, page_a
    li a2, RAM_BASE
    sub a1, a1, a2
    li a2, VA_2M
    add a1, a1, a2
    ld a0, 0(a1)
    CHECK a0, 0xaaaa0001aaaa0000
    TEST_CASE 5                 /* 1 GiB page */
    la a1, page_b
    li a2, 0x80000000
    sub a1, a1, a2
    li a2, VA_1G
    add a1, a1, a2
    ld a0, 0(a1)
    CHECK a0, 0xbbbb0001bbbb0000
    TEST_CASE 6                 /* 512 GiB page mapping PA 0: VA_512G + pa */
    la a1, page_b
    li a2, VA_512G
    add a1, a1, a2
    ld a0, 0(a1)
    CHECK a0, 0xbbbb0001bbbb0000
    li a3, 0x1234
    sd a3, 16(a1)               /* a store through it reaches the physical page */
    la a2, page_b
    ld a0, 16(a2)
    CHECK a0, 0x1234
    TEST_CASE 7                 /* the very last page of the address space */
    li a1, VA_TOP
    ld a0, 0(a1)
    CHECK a0, 0xbbbb0001bbbb0000
    GOTO_M

    TEST_LOAD_PF 8, VA_HOLE
    TEST_LOAD_PF 9, VA_512BAD + 0x40
    TEST_LOAD_PF 10, 0x0001000000000000        /* bit 48 set, bit 47 clear */
    TEST_LOAD_PF 11, 0xfff0008000000000 + 0x1000 /* bits 63:48 not all equal to bit 47 */
    TEST_LOAD_PF 12, 0xffff800000000000        /* canonical, not mapped */
    TEST_LOAD_PF 13, 0x00007f0000200000        /* same top-level table, not mapped below */

    TEST_CASE 14                /* a store page fault carries the address too */
    GOTO_S
    li a1, VA_HOLE + 0x100
    EXPECT_TRAP 2f
1:  sh a0, 0(a1)
    j hv_fail
2:  CHECK_TRAP CAUSE_STORE_PF, 1b
    CHECK_TVAL_REG a1
    VM_DISABLE

    PASS

    .data
    .balign 4096
page_a:
    .dword 0xaaaa0001aaaa0000, 0xaaaa0003aaaa0002
    .fill 510, 8, 0
    .balign 4096
page_b:
    .dword 0xbbbb0001bbbb0000
    .fill 511, 8, 0
