/*
 * priv_vm_satp.S - satp MODE values: Bare, supported, unsupported.
 *
 * Covers: in Bare mode S-mode addresses are physical (RAM works, an address with nothing
 * behind it raises an access fault, not a page fault); a write with an unsupported MODE
 * (reserved 1, 5, 7, Sv64 = 11, and Sv57 = 10 on harts without Sv57 such as hvsim) has no
 * effect at all - satp keeps its previous MODE, ASID and PPN; Sv39 and Sv48 are accepted.
 *
 * QEMU 7.2 implements Sv57, so the Sv57 check is left out with -DQEMU_COMPAT.
 */
#include "hvtest.h"

/* with satp = s2, writing `val` must leave satp == s2 */
.macro TEST_SATP_IGNORED n, mode
    TEST_CASE \n
    li a0, (\mode << SATP_MODE_SHIFT) | (0x1234 << 44) | 0x87654
    csrw satp, a0
    csrr a1, satp
    CHECK_EQ a1, s2
.endm

HVTEST_BEGIN
    csrw satp, zero
    TEST_CASE 1                 /* Bare: S-mode uses physical addresses */
    GOTO_S
    la a1, data
    ld a0, 0(a1)
    CHECK a0, 0x600d
    TEST_CASE 2                 /* nothing at 0x80000 (spike, virt, hvsim): access fault */
    li a1, 0x80000
    EXPECT_TRAP 2f
1:  ld a0, 0(a1)
    j hv_fail
2:  CHECK_TRAP CAUSE_LOAD_ACCESS, 1b
    CHECK_TVAL 0x80000

    li a0, 3
    call hv_vm_basic
    call hv_vm_satp
    mv s2, a0
    csrw satp, s2
    TEST_CASE 3                 /* Sv39 accepted */
    csrr a1, satp
    CHECK_EQ a1, s2
    TEST_SATP_IGNORED 4, 1
    TEST_SATP_IGNORED 5, 5
    TEST_SATP_IGNORED 6, 7
    TEST_SATP_IGNORED 7, 11
#ifndef QEMU_COMPAT
    TEST_SATP_IGNORED 8, SATP_MODE_SV57
#endif
    TEST_CASE 9                 /* Sv48 accepted (same root, now read as 4 levels) */
    li a0, SATP_MODE_SV48 << SATP_MODE_SHIFT
    li a1, SATP_MODE_SV39 << SATP_MODE_SHIFT
    xor a0, s2, a0
    xor a0, a0, a1
    csrw satp, a0
    csrr a1, satp
    CHECK_EQ a1, a0
    TEST_CASE 10                /* and back to Bare */
    csrw satp, zero
    csrr a1, satp
    CHECK a1, 0
    sfence.vma

    PASS

    .data
    .balign 8
data:
    .dword 0x600d
