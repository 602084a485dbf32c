/*
 * priv_vm_sfence.S - SFENCE.VMA makes page-table changes visible; satp switches tables.
 *
 * Covers: after a translation has been used (and may be cached), changing its PTE and
 * executing sfence.vma (all, by address, by ASID, by address and ASID) makes the next
 * access use the new PTE - a new physical page, or a fault for an invalidated PTE; S-mode
 * can edit its own page table and fence; writing satp with another root (plus a fence)
 * switches address spaces; and, when ASIDs are implemented, a translation cached for one
 * ASID is not used for another.
 */
#include "hvtest.h"

#define RW   (PTE_R | PTE_W | PTE_A | PTE_D)
#define VA   0x30000000

HVTEST_BEGIN
    li a0, 3
    call hv_vm_basic
    VM_MAP_LABEL VA, page_a, RW, 0
    mv s2, a0                   /* &PTE of VA in table 1 */
    ld s3, 0(s2)                /* PTE -> page_a */
    la a1, page_b
    srli a1, a1, 12
    slli a1, a1, PTE_PPN_SHIFT
    ori s4, a1, RW | PTE_V      /* PTE -> page_b */
    ld s10, hv_vm_root          /* table 1 */
    VM_ENABLE
    csrr s11, satp

    TEST_CASE 1                 /* warm up the translation */
    GOTO_S
    li a1, VA
    ld a0, 0(a1)
    CHECK a0, 0xaaaa
    GOTO_M
    TEST_CASE 2                 /* retarget to page_b, fence everything */
    sd s4, 0(s2)
    sfence.vma
    GOTO_S
    li a1, VA
    ld a0, 0(a1)
    CHECK a0, 0xbbbb
    TEST_CASE 3                 /* invalidate, fence just this address: load faults */
    sd zero, 0(s2)
    li a2, VA
    sfence.vma a2, zero
    EXPECT_TRAP 2f
1:  ld a0, 0(a1)
    j hv_fail
2:  CHECK_TRAP CAUSE_LOAD_PF, 1b
    CHECK_TVAL VA
    TEST_CASE 4                 /* S edits its own table (identity-mapped) and fences */
    GOTO_S
    sd s3, 0(s2)
    sfence.vma a1, zero
    ld a0, 0(a1)
    CHECK a0, 0xaaaa
    TEST_CASE 5                 /* fence by ASID (satp.ASID, 0 here, non-global page) */
    sd s4, 0(s2)
    csrr a3, satp
    srli a3, a3, 44
    li a4, 0xffff
    and a3, a3, a4
    sfence.vma zero, a3
    ld a0, 0(a1)
    CHECK a0, 0xbbbb
    TEST_CASE 6                 /* fence by address and ASID */
    sd s3, 0(s2)
    sfence.vma a1, a3
    ld a0, 0(a1)
    CHECK a0, 0xaaaa
    GOTO_M

    TEST_CASE 7                 /* a second table maps VA to page_b: switch satp */
    li a0, 3
    call hv_vm_basic
    VM_MAP_LABEL VA, page_b, RW, 0
    call hv_vm_satp
    mv s9, a0                   /* satp for table 2 */
    csrw satp, s9
    sfence.vma
    GOTO_S
    li a1, VA
    ld a0, 0(a1)
    CHECK a0, 0xbbbb
    csrw satp, s11              /* S may switch back (TVM = 0) */
    sfence.vma
    ld a0, 0(a1)
    CHECK a0, 0xaaaa
    GOTO_M

    TEST_CASE 8                 /* ASIDs: if implemented, entries of ASID 1 do not serve ASID 2 */
    li a0, 1 << 44
    or a0, s11, a0
    csrw satp, a0               /* table 1, ASID 1 */
    csrr a1, satp
    li a2, 0xffff << 44
    not a2, a2
    and a3, a1, a2
    CHECK_EQ a3, s11            /* mode and root unchanged (ASID bits may be read-only 0) */
    sfence.vma
    srli a1, a1, 44
    andi a1, a1, 0xff
    beqz a1, 9f                 /* ASIDLEN = 0: nothing more to test */
    GOTO_S
    li a1, VA
    ld a0, 0(a1)                /* cached for ASID 1: page_a */
    CHECK a0, 0xaaaa
    GOTO_M
    sd s4, 0(s2)                /* table 1 now says page_b; no fence */
    li a0, 2 << 44
    or a0, s11, a0
    csrw satp, a0               /* same table, ASID 2 */
    GOTO_S
    li a1, VA
    ld a0, 0(a1)
    CHECK a0, 0xbbbb
    GOTO_M
9:
    VM_DISABLE

    PASS

    .data
    .balign 4096
page_a:
    .dword 0xaaaa
    .fill 511, 8, 0
    .balign 4096
page_b:
    .dword 0xbbbb
    .fill 511, 8, 0
