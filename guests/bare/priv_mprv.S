/*
 * priv_mprv.S - mstatus.MPRV: M-mode loads and stores translated and checked as if in
 * mode MPP, while instruction fetch stays untranslated.
 *
 * Covers: with MPRV = 1 and MPP = S, M-mode loads, stores and AMOs go through an Sv39 table
 * that does not map the running code at all (so fetches are evidently not translated);
 * MPP = U applies U-mode permissions (S pages fault, U pages work); with MPP = S, SUM and
 * MXR apply; with MPP = M, or MPRV = 0, nothing is translated.  Faults under MPRV are taken
 * in M with mtval = the virtual address.
 */
#include "hvtest.h"

#define VA_S  0x80000           /* page_a, S read/write  (nothing physical there) */
#define VA_U  0x81000           /* page_b, U read/write */
#define VA_X  0x82000           /* page_a, S execute-only */

/* set MPRV with MPP = mode (no memory access may happen until MPRV_OFF) */
.macro MPRV_ON mode
    li t6, MSTATUS_MPP
    csrc mstatus, t6
    li t6, MSTATUS_MPRV | \mode
    csrs mstatus, t6
.endm

.macro MPRV_OFF
    li t6, MSTATUS_MPRV
    csrc mstatus, t6
.endm

/* with MPRV on as `mode`, ld from a1 must fault with `cause` and tval = a1 */
.macro TEST_MPRV_FAULT n, mode, cause
    TEST_CASE \n
    EXPECT_TRAP .Lr\@
    MPRV_ON \mode
.Li\@:
    ld a0, 0(a1)
    MPRV_OFF
    j hv_fail
.Lr\@:
    CHECK_TRAP \cause, .Li\@
    CHECK_TVAL_REG a1
    CHECK_CSR_BITS mstatus, MSTATUS_MPRV, 0
.endm

HVTEST_BEGIN
    VM_INIT 3                   /* a table WITHOUT the image: only the three pages */
    VM_MAP_LABEL VA_S, page_a, PTE_R | PTE_W | PTE_A | PTE_D, 0
    VM_MAP_LABEL VA_U, page_b, PTE_U | PTE_R | PTE_W | PTE_A | PTE_D, 0
    VM_MAP_LABEL VA_X, page_a, PTE_X | PTE_A, 0
    VM_ENABLE
    li a0, MSTATUS_SUM | MSTATUS_MXR
    csrc mstatus, a0

    li a1, VA_S
    TEST_MPRV_FAULT 1, MPP_M, CAUSE_LOAD_ACCESS    /* MPP = M: physical 0x80000 */
    TEST_CASE 2                 /* MPP = S: translated */
    li a1, VA_S
    MPRV_ON MPP_S
    ld a0, 0(a1)
    MPRV_OFF
    CHECK a0, 0xaaaa
    TEST_CASE 3                 /* stores and AMOs too */
    li a2, 0x1234
    li a3, 5
    MPRV_ON MPP_S
    sd a2, 8(a1)
    addi a4, a1, 16
    amoadd.d a5, a3, (a4)
    MPRV_OFF
    CHECK_MEM ld, page_a, 8, 0x1234
    CHECK_MEM ld, page_a, 16, 5 + 0x10
    CHECK a5, 0x10
    li a1, VA_S
    TEST_MPRV_FAULT 4, MPP_U, CAUSE_LOAD_PF        /* MPP = U: S page */
    TEST_CASE 5                 /* MPP = U: U page */
    li a1, VA_U
    MPRV_ON MPP_U
    ld a0, 0(a1)
    MPRV_OFF
    CHECK a0, 0xbbbb
    li a1, VA_U
    TEST_MPRV_FAULT 6, MPP_S, CAUSE_LOAD_PF        /* MPP = S, SUM = 0: U page */
    TEST_CASE 7                 /* MPP = S, SUM = 1: U page */
    li a0, MSTATUS_SUM
    csrs mstatus, a0
    li a1, VA_U
    MPRV_ON MPP_S
    ld a0, 0(a1)
    MPRV_OFF
    CHECK a0, 0xbbbb
    li a0, MSTATUS_SUM
    csrc mstatus, a0
    li a1, VA_X
    TEST_MPRV_FAULT 8, MPP_S, CAUSE_LOAD_PF        /* execute-only, MXR = 0 */
    TEST_CASE 9                 /* execute-only, MXR = 1 */
    li a0, MSTATUS_MXR
    csrs mstatus, a0
    li a1, VA_X
    MPRV_ON MPP_S
    ld a0, 0(a1)
    MPRV_OFF
    CHECK a0, 0xaaaa
    li a0, MSTATUS_MXR
    csrc mstatus, a0
    TEST_CASE 10                /* a store fault under MPRV: cause 15, tval = address */
    li a1, VA_X + 8
    EXPECT_TRAP 2f
    MPRV_ON MPP_S
1:  sd a0, 0(a1)
    MPRV_OFF
    j hv_fail
2:  CHECK_TRAP CAUSE_STORE_PF, 1b
    CHECK_TVAL_REG a1
    TEST_CASE 11                /* MPRV = 0: physical again */
    li a1, VA_S
    EXPECT_TRAP 2f
1:  ld a0, 0(a1)
    j hv_fail
2:  CHECK_TRAP CAUSE_LOAD_ACCESS, 1b
    VM_DISABLE

    PASS

    .data
    .balign 4096
page_a:
    .dword 0xaaaa, 0, 0x10
    .fill 509, 8, 0
    .balign 4096
page_b:
    .dword 0xbbbb
    .fill 511, 8, 0
