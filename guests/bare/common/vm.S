/*
 * vm.S - run-time page-table builder for hvsim's bare-metal tests (Sv39 and Sv48).
 *
 * Owns a pool of zeroed page-table pages and four M-mode routines (standard calling
 * convention; they clobber a0-a7 and t0-t4, use no stack):
 *
 *   hv_vm_init(a0 = levels)            start a new, empty table (a new root; earlier tables
 *                                      stay intact); levels = 3 (Sv39) or 4 (Sv48)
 *   hv_vm_map(a0 = va, a1 = pa, a2 = pte flags, a3 = leaf level) -> a0 = &leaf PTE
 *                                      creates the intermediate tables on the way; the leaf
 *                                      level is 0 for 4 KiB, 1 for 2 MiB, 2 for 1 GiB,
 *                                      3 for 512 GiB pages.  The PPN is pa >> 12 as given, so
 *                                      a misaligned superpage can be built on purpose.
 *   hv_vm_satp() -> a0                 the satp value selecting the current table
 *   hv_vm_basic(a0 = levels)           hv_vm_init + the standard mappings every VM test
 *                                      uses: the image's 2 MiB at RAM_BASE identity-mapped
 *                                      RWX for S-mode, and again at HV_UALIAS_VA with U set.
 *
 * hv_vm_root holds the root that hv_vm_map and hv_vm_satp work on: a program keeping
 * several tables saves and restores it.  Page tables are written through physical
 * addresses: call these in M-mode (or in S-mode with translation off).
 */
#include "hvtest.h"

#define PT_POOL_PAGES 48

    .text
    .option norvc

    .globl hv_vm_init
hv_vm_init:
    sd a0, hv_vm_levels, t0
    mv t4, ra
    jal ra, hv_pt_alloc
    sd a7, hv_vm_root, t0
    mv ra, t4
    ret

/* a7 = a fresh zeroed page from the pool; clobbers t0-t2 */
hv_pt_alloc:
    ld a7, hv_pt_next
    la t0, hv_pt_pool_end
    bgeu a7, t0, hv_fail
    li t0, PAGE_4K
    add t1, a7, t0
    sd t1, hv_pt_next, t2
    mv t0, a7
1:  sd zero, 0(t0)
    addi t0, t0, 8
    bltu t0, t1, 1b
    ret

    .globl hv_vm_map
hv_vm_map:
    mv a6, ra
    mv a4, a0                   /* va */
    ld a5, hv_vm_root           /* current table */
    ld t3, hv_vm_levels
    addi t3, t3, -1             /* current level */
1:  slli t0, t3, 3
    add t0, t0, t3              /* 9 * level */
    addi t0, t0, 12
    srl t1, a4, t0
    andi t1, t1, 0x1ff
    slli t1, t1, 3
    add t1, t1, a5              /* &pte at this level */
    beq t3, a3, 3f
    ld t2, 0(t1)
    andi t0, t2, PTE_V
    bnez t0, 2f
    /* no next-level table yet: allocate one */
    mv a0, t1
    jal ra, hv_pt_alloc
    mv t1, a0
    srli t2, a7, 12
    slli t2, t2, PTE_PPN_SHIFT
    ori t2, t2, PTE_V
    sd t2, 0(t1)
2:  srli t2, t2, PTE_PPN_SHIFT
    slli a5, t2, 12
    addi t3, t3, -1
    j 1b
3:  srli t2, a1, 12
    slli t2, t2, PTE_PPN_SHIFT
    or t2, t2, a2
    sd t2, 0(t1)
    mv a0, t1
    mv ra, a6
    ret

    .globl hv_vm_satp
hv_vm_satp:
    ld a0, hv_vm_root
    srli a0, a0, 12
    ld t0, hv_vm_levels
    li t1, SATP_MODE_SV39
    li t2, 3
    beq t0, t2, 1f
    li t1, SATP_MODE_SV48
1:  slli t1, t1, SATP_MODE_SHIFT
    or a0, a0, t1
    ret

    .globl hv_vm_basic
hv_vm_basic:
    mv a7, ra
    sd a7, hv_vm_ra, t0
    jal ra, hv_vm_init
    li a0, RAM_BASE
    li a1, RAM_BASE
    li a2, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D
    li a3, 1
    jal ra, hv_vm_map
    li a0, HV_UALIAS_VA
    li a1, RAM_BASE
    li a2, PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D
    li a3, 1
    jal ra, hv_vm_map
    ld ra, hv_vm_ra
    ret

    .data
    .balign 8
    .globl hv_vm_root, hv_vm_levels
hv_vm_root:   .dword 0
hv_vm_levels: .dword 3
hv_pt_next:   .dword hv_pt_pool
hv_vm_ra:     .dword 0

    .bss
    .balign 4096
hv_pt_pool:
    .space PT_POOL_PAGES * PAGE_4K
hv_pt_pool_end:
