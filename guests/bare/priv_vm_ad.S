/*
 * priv_vm_ad.S - the accessed (A) and dirty (D) bits are set by hardware (Svadu; the
 * program sets menvcfg.ADUE, which Svadu defines to enable the update).
 *
 * Covers: a load sets A (not D) in the leaf PTE in memory, a store sets A and D, an
 * instruction fetch sets A, a store to a page already marked accessed sets D, a store after
 * a load through the same (now cached) translation still sets D, a 2 MiB leaf gets its A
 * bit, and an access that faults on permissions updates nothing.  The rest of every PTE
 * (PPN and permissions) stays unchanged.
 */
#include "hvtest.h"

#define VA_L   0x30000000       /* page_a RW, A=0 D=0: loaded */
#define VA_S   0x30001000       /* page_a RW, A=0 D=0: stored */
#define VA_F   0x30002000       /* code_page RX, A=0: fetched */
#define VA_D   0x30003000       /* page_a RW, A=1 D=0: stored */
#define VA_RO  0x30004000       /* page_a R,  A=0: stored to (faults) */
#define VA_LS  0x30005000       /* page_a RW, A=0 D=0: loaded, then stored */
#define VA_2M  0x30200000       /* 2 MiB of RAM_BASE, RW, A=0 D=0: loaded */

/* the PTE at the address in register `pte` must equal `orig` | `set` */
.macro CHECK_PTE n, pte, orig, set
    TEST_CASE \n
    ld a0, 0(\pte)
    li a1, \set
    or a1, \orig, a1
    CHECK_EQ a0, a1
.endm

HVTEST_BEGIN
    li a0, MENVCFG_ADUE
    csrs CSR_MENVCFG, a0
    li a0, 3
    call hv_vm_basic
    VM_MAP_LABEL VA_L, page_a, PTE_R | PTE_W, 0
    mv s2, a0
    VM_MAP_LABEL VA_S, page_a, PTE_R | PTE_W, 0
    mv s3, a0
    VM_MAP_LABEL VA_F, code_page, PTE_R | PTE_X, 0
    mv s4, a0
    VM_MAP_LABEL VA_D, page_a, PTE_R | PTE_W | PTE_A, 0
    mv s5, a0
    VM_MAP_LABEL VA_RO, page_a, PTE_R, 0
    mv s6, a0
    VM_MAP_LABEL VA_LS, page_a, PTE_R | PTE_W, 0
    mv s7, a0
    li a1, RAM_BASE
    VM_MAP VA_2M, a1, PTE_R | PTE_W, 1
    mv s8, a0
    /* remember the original PTEs */
    ld s9, 0(s2)
    ld s10, 0(s3)
    ld s11, 0(s4)
    la a0, orig_ptes
    ld a1, 0(s5)
    sd a1, 0(a0)
    ld a1, 0(s6)
    sd a1, 8(a0)
    ld a1, 0(s7)
    sd a1, 16(a0)
    ld a1, 0(s8)
    sd a1, 24(a0)
    VM_ENABLE

    GOTO_S
    li a1, VA_L
    ld a0, 0(a1)
    li a1, VA_S
    sd a0, 8(a1)
    li a1, VA_F + 0x100
    jalr ra, 0(a1)
    li a1, VA_D
    sd a0, 16(a1)
    li a1, VA_LS
    ld a0, 24(a1)
    sd a0, 32(a1)               /* the translation is cached now, without D */
    la a1, page_a               /* identity address of the same data: no A/D there */
    li a2, RAM_BASE
    sub a1, a1, a2
    li a2, VA_2M
    add a1, a1, a2
    ld a0, 0(a1)
    li a1, VA_RO
    EXPECT_TRAP 2f
1:  sd a0, 0(a1)
    j hv_fail
2:  CHECK_TRAP CAUSE_STORE_PF, 1b

    /* in M-mode: inspect the PTEs */
    CHECK_PTE 1, s2, s9, PTE_A              /* load: A only */
    CHECK_PTE 2, s3, s10, PTE_A | PTE_D     /* store: A and D */
    CHECK_PTE 3, s4, s11, PTE_A             /* fetch: A */
    la s9, orig_ptes
    ld a2, 0(s9)
    CHECK_PTE 4, s5, a2, PTE_D              /* store to an accessed page: D */
    ld a2, 8(s9)
    CHECK_PTE 5, s6, a2, 0                  /* permission fault: untouched */
    ld a2, 16(s9)
    CHECK_PTE 6, s7, a2, PTE_A | PTE_D      /* load then store */
    ld a2, 24(s9)
    CHECK_PTE 7, s8, a2, PTE_A              /* 2 MiB leaf */
    VM_DISABLE

    PASS

    .balign 4096
code_page:
    .skip 0x100
    li a0, 5
    ret
    .balign 4096

    .data
    .balign 8
orig_ptes:
    .dword 0, 0, 0, 0
    .balign 4096
page_a:
    .fill 512, 8, 0x4242
