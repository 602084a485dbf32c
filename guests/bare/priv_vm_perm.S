/*
 * priv_vm_perm.S - page permissions under Sv39: R, W, X, U, and mstatus.SUM and MXR.
 *
 * Covers, from S-mode: loads need R (or X with MXR = 1), stores need W, fetches need X;
 * U pages are inaccessible to S-mode loads/stores unless SUM = 1, and never executable by
 * S-mode; and from U-mode (running through the U alias of the image): only U pages are
 * accessible, with the same R/W/X rules, and MXR makes U execute-only pages loadable.
 * Every fault checks the cause (12 fetch, 13 load, 15 store), mepc and mtval = address.
 */
#include "hvtest.h"

#define VA_R   0x30000000       /* page_a    R         */
#define VA_RW  0x30001000       /* page_a    RW        */
#define VA_X   0x30002000       /* code_page X         */
#define VA_RX  0x30003000       /* code_page RX        */
#define VA_UR  0x30004000       /* page_a    U RW      */
#define VA_UX  0x30005000       /* code_page U RX      */
#define VA_UXO 0x30006000       /* code_page U X       */
#define FUNC   0x100            /* offset of perm_func in code_page */

/* `inst` (using a1 = address) must fault with `cause`, tval = a1, epc = inst */
.macro TEST_FAULT n, cause, off, inst:vararg
    TEST_CASE \n
    EXPECT_TRAP .Lr\@
.Li\@:
    \inst
    j hv_fail
.Lr\@:
    CHECK_TRAP \cause, .Li\@, \off
    CHECK_TVAL_REG a1
.endm

/* jump to a1: must raise an instruction page fault with epc = tval = a1 */
.macro TEST_FETCH_FAULT n
    TEST_CASE \n
    EXPECT_TRAP .Lr\@
    jalr ra, 0(a1)
    j hv_fail
.Lr\@:
    CHECK_TRAP_CAUSE CAUSE_FETCH_PF
    ld t5, hv_trap_epc
    CHECK_EQ t5, a1
    CHECK_TVAL_REG a1
.endm

HVTEST_BEGIN
    li a0, 3
    call hv_vm_basic
    VM_MAP_LABEL VA_R, page_a, PTE_R | PTE_A, 0
    VM_MAP_LABEL VA_RW, page_a, PTE_R | PTE_W | PTE_A | PTE_D, 0
    VM_MAP_LABEL VA_X, code_page, PTE_X | PTE_A, 0
    VM_MAP_LABEL VA_RX, code_page, PTE_R | PTE_X | PTE_A, 0
    VM_MAP_LABEL VA_UR, page_a, PTE_U | PTE_R | PTE_W | PTE_A | PTE_D, 0
    VM_MAP_LABEL VA_UX, code_page, PTE_U | PTE_R | PTE_X | PTE_A, 0
    VM_MAP_LABEL VA_UXO, code_page, PTE_U | PTE_X | PTE_A, 0
    VM_ENABLE
    la a0, code_page
    ld s5, 0(a0)                /* the first code bytes, as seen physically */
    li a0, MSTATUS_SUM | MSTATUS_MXR
    csrc mstatus, a0

    /* ---- S-mode ---- */
    GOTO_S
    TEST_CASE 1                 /* R: load ok */
    li a1, VA_R
    ld a0, 0(a1)
    CHECK a0, 0x0123456789abcdef
    li a1, VA_R + 8
    TEST_FAULT 2, CAUSE_STORE_PF, 0, sd a0, 0(a1)
    GOTO_S
    li a1, VA_R + FUNC
    TEST_FETCH_FAULT 3
    GOTO_S
    TEST_CASE 4                 /* RW: load and store */
    li a1, VA_RW
    li a2, 0x1111
    sd a2, 8(a1)
    ld a0, 8(a1)
    CHECK a0, 0x1111
    TEST_CASE 5                 /* X only: execute */
    li a1, VA_X + FUNC
    li a0, 0
    jalr ra, 0(a1)
    CHECK a0, 0x99
    li a1, VA_X
    TEST_FAULT 6, CAUSE_LOAD_PF, 0, ld a0, 0(a1)   /* X only, MXR = 0: no load */
    GOTO_S
    TEST_CASE 7                 /* MXR = 1: X-only pages become loadable */
    li a0, MSTATUS_MXR
    csrs sstatus, a0
    li a1, VA_X
    ld a0, 0(a1)
    CHECK_EQ a0, s5
    li a0, MSTATUS_MXR
    csrc sstatus, a0
    TEST_CASE 8                 /* RX: load ok */
    li a1, VA_RX
    ld a0, 0(a1)
    CHECK_EQ a0, s5
    li a1, VA_RX + 16
    TEST_FAULT 9, CAUSE_STORE_PF, 0, sw a0, 0(a1)
    GOTO_S
    li a1, VA_UR
    TEST_FAULT 10, CAUSE_LOAD_PF, 0, ld a0, 0(a1)  /* U page, SUM = 0 */
    GOTO_S
    li a1, VA_UR + 8
    TEST_FAULT 11, CAUSE_STORE_PF, 0, sd a0, 0(a1)
    GOTO_S
    TEST_CASE 12                /* SUM = 1: S may load and store U pages */
    li a0, MSTATUS_SUM
    csrs sstatus, a0
    li a1, VA_UR
    ld a0, 0(a1)
    CHECK a0, 0x0123456789abcdef
    li a2, 0x2222
    sd a2, 16(a1)
    ld a0, 16(a1)
    CHECK a0, 0x2222
    TEST_CASE 13                /* ... and load from a U R+X page */
    li a1, VA_UX
    ld a0, 0(a1)
    CHECK_EQ a0, s5
#ifndef QEMU_COMPAT
    li a1, VA_UX + FUNC
    TEST_FETCH_FAULT 14         /* but never execute U pages (QEMU 7.2 lets it, with SUM) */
#else
    GOTO_M
#endif
    li a0, MSTATUS_SUM
    csrc mstatus, a0

    /* ---- U-mode, running in the U alias ---- */
    GOTO_U_ALIAS
    TEST_CASE 15                /* U page: load and store */
    li a1, VA_UR
    ld a0, 0(a1)
    CHECK a0, 0x0123456789abcdef
    li a2, 0x3333
    sd a2, 24(a1)
    ld a0, 24(a1)
    CHECK a0, 0x3333
    TEST_CASE 16                /* U page: execute */
    li a1, VA_UX + FUNC
    li a0, 0
    jalr ra, 0(a1)
    CHECK a0, 0x99
    li a1, VA_RW
    TEST_FAULT 17, CAUSE_LOAD_PF, HV_UALIAS_OFF, ld a0, 0(a1)  /* not a U page */
    GOTO_U_ALIAS
    li a1, VA_RW
    TEST_FAULT 18, CAUSE_STORE_PF, HV_UALIAS_OFF, sd a0, 0(a1)
    GOTO_U_ALIAS
    li a1, VA_RX + FUNC
    TEST_FETCH_FAULT 19         /* not a U page */
    GOTO_U_ALIAS
    li a1, VA_UXO
    TEST_FAULT 20, CAUSE_LOAD_PF, HV_UALIAS_OFF, ld a0, 0(a1)  /* U X-only, MXR = 0 */
    li a0, MSTATUS_MXR | MSTATUS_SUM
    csrs mstatus, a0
    GOTO_U_ALIAS
    TEST_CASE 21                /* MXR = 1: loadable from U too */
    li a1, VA_UXO
    ld a0, 0(a1)
    CHECK_EQ a0, s5
    li a1, VA_RW                /* SUM means nothing to U-mode */
    TEST_FAULT 22, CAUSE_LOAD_PF, HV_UALIAS_OFF, ld a0, 0(a1)
    li a0, MSTATUS_MXR | MSTATUS_SUM
    csrc mstatus, a0
    VM_DISABLE

    PASS

    .balign 4096
code_page:
    .skip FUNC
perm_func:
    li a0, 0x99
    ret
    .balign 4096

    .data
    .balign 4096
page_a:
    .dword 0x0123456789abcdef
    .fill 511, 8, 0
