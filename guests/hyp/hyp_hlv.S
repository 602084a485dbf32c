/*
 * hyp_hlv.S - the hypervisor virtual-machine loads and stores HLV, HLVX and HSV.
 *
 * HS builds a guest address space (VS-stage Sv39 table in guest memory, Sv39x4 G-stage) with
 * pages of every permission mix, then accesses it from HS-mode (V=0) as though V=1.
 * Covers:
 *  - HLV.B/BU/H/HU/W/WU/D (sign and zero extension), HSV.B/H/W/D, through both stages;
 *  - hstatus.SPVP selects VS (1) or VU (0) permissions: U pages need vsstatus.SUM at VS
 *    level (HS's own sstatus.SUM is ignored), VU may not touch non-U pages;
 *  - HLVX needs execute permission at both stages instead of read: it reads execute-only
 *    pages, fails (as a *load* fault) on readable non-executable ones; MXR: vsstatus.MXR
 *    opens VS-stage execute-only pages to HLV, HS-level sstatus.MXR both stages;
 *  - faults are taken by HS with stval = the guest virtual address and hstatus.GVA = 1 while
 *    SPV = 0: VS-stage page faults (htval = 0), guest-page faults (htval = 0 or GPA >> 2),
 *    htinst = 0 or the instruction with rs1 cleared;
 *  - HLV/HSV set the A/D bits of the VS-stage PTE;
 *  - vsatp = Bare: the address is a GPA; HLV works in M-mode too;
 *  - M-mode with mstatus.MPRV = 1 and MPV = 1: ordinary loads and stores translated by both
 *    stages with VS (MPP = S) or VU (MPP = U) permissions; faults taken by M with mtval =
 *    the guest virtual address, mstatus.GVA = 1, mtval2 = 0 or GPA >> 2, mtinst;
 *  - U-mode: HLV/HSV work with hstatus.HU = 1 (still using SPVP), are illegal with HU = 0;
 *    HFENCE stays illegal in U-mode even with HU = 1.
 * QEMU 7.2 gets much of this wrong; left out with -DQEMU_COMPAT: it checks read instead of
 * execute permission for HLVX (at both stages) and ignores MXR for HLV (20-31), ignores
 * vsstatus.SUM (10, 11) and SPVP = 0 (16, 17), reports the VS-stage page faults of HLV/HSV
 * and MPRV accesses as access faults (accepted as such), reports the guest-page faults of
 * MPRV accesses as page faults (53, 54) and sets no mstatus.GVA for them, and does not write
 * stval on the illegal-instruction trap of HLV from U-mode.
 */
#include "hyp.h"

#define VS_RW   (PTE_R | PTE_W | PTE_A | PTE_D)

#define VA_S    0x10000000      /* VS-only RW page -> page_s */
#define VA_U    0x10001000      /* U RW page -> page_u */
#define VA_XO   0x10002000      /* VS-stage execute-only -> page_x */
#define VA_RNX  0x10003000      /* VS-stage read-only, not executable -> page_x */
#define VA_GXO  0x10004000      /* VS R+X -> G-stage execute-only -> page_x */
#define VA_GNX  0x10005000      /* VS R+X -> G-stage read-only -> page_x */
#define VA_RO   0x10006000      /* VS-stage read-only -> page_s */
#define VA_GRO  0x10007000      /* VS RW -> G-stage read-only -> page_s */
#define VA_NOG  0x10008000      /* VS RW -> no G-stage mapping */
#define VA_HOLE 0x10009000      /* no VS-stage mapping */
#define VA_NA   0x1000a000      /* VS RW with A and D clear -> page_s */

#define GPA_S   0x90000000
#define GPA_U   0x90001000
#define GPA_X   0x90002000
#define GPA_GXO 0x90003000
#define GPA_GNX 0x90004000
#define GPA_GRO 0x90005000
#define GPA_NOG 0x90006000

#define S8      0xfedcba9876543210
#define X8      0x1234567890abcdef
#define U8      0x5555666677778888

/* HS: `inst` (HLV/HLVX/HSV with a1 = va) must trap to HS itself with `cause`, stval = va,
 * GVA = 1 while SPV = 0, htinst = 0 or the instruction with rs1 cleared */
.macro TEST_HLV_FAULT n, cause, va, inst:vararg
    TEST_CASE \n
    li a1, \va
    EXPECT_EXIT .Lr\@
.Li\@:
    \inst
    j hv_fail
.Lr\@:
#ifdef QEMU_COMPAT
    /* QEMU 7.2 reports VS-stage page faults of HLV/HSV as access faults */
    .if (\cause == CAUSE_LOAD_PF) || (\cause == CAUSE_STORE_PF)
    ld t0, hyp_exit_cause
    li t1, \cause - 8
    bne t0, t1, .Lpf\@
    li t1, \cause
    sd t1, hyp_exit_cause, t2
.Lpf\@:
    .endif
#endif
    CHECK_EXIT \cause, .Li\@
    CHECK_EXIT_TVAL_REG a1
    CHECK_EXIT_HSTATUS HSTATUS_GVA | HSTATUS_SPV, HSTATUS_GVA
    CHECK_EXIT_HTINST_RS1 .Li\@
.endm

/* a0 = `inst` (a1 = va) must read `val` */
.macro TEST_HLV n, inst, va, val
    TEST_CASE \n
    li a1, \va
    \inst a0, (a1)
    CHECK a0, \val
.endm

/* M-mode: MPRV = 1, MPV = 1, MPP = mpp (explicit accesses as though in VS/VU-mode) */
.macro SET_MPRV mpp
    li t0, MSTATUS_MPP
    csrc mstatus, t0
    li t0, \mpp | MSTATUS_MPV | MSTATUS_MPRV
    csrs mstatus, t0
.endm

/* M-mode: `inst` (a1 = va) with MPRV = 1, MPV = 1, MPP = mpp must trap to M with `cause`
 * and mtval = va.  (Armed before MPRV is set: the framework's own stores must not be
 * translated; the trap entry makes them M-level again, MPP = M.) */
.macro TEST_MPRV_TRAP cause, mpp, inst:vararg
    EXPECT_TRAP .Lr\@
    SET_MPRV \mpp
.Li\@:
    \inst
    li t0, MSTATUS_MPRV
    csrc mstatus, t0
    j hv_fail
.Lr\@:
#ifdef QEMU_COMPAT
    /* QEMU 7.2 reports these VS-stage page faults as access faults too */
    .if (\cause == CAUSE_LOAD_PF) || (\cause == CAUSE_STORE_PF)
    ld t0, hv_trap_cause
    li t1, \cause - 8
    bne t0, t1, .Lpf\@
    li t1, \cause
    sd t1, hv_trap_cause, t2
.Lpf\@:
    .endif
#endif
    CHECK_TRAP \cause, .Li\@
    CHECK_TVAL_REG a1
.endm

.macro SET_SPVP on
    li t0, HSTATUS_SPVP
    .if \on
    csrs hstatus, t0
    .else
    csrc hstatus, t0
    .endif
.endm

HVTEST_BEGIN
    HYP_INIT 3
    G_MAP_LABEL GPA_S, page_s, G_RW, 0
    G_MAP_LABEL GPA_U, page_u, G_RW, 0
    G_MAP_LABEL GPA_X, page_x, G_RWX, 0
    G_MAP_LABEL GPA_GXO, page_x, PTE_X | PTE_U | PTE_A, 0
    G_MAP_LABEL GPA_GNX, page_x, PTE_R | PTE_U | PTE_A, 0
    G_MAP_LABEL GPA_GRO, page_s, PTE_R | PTE_U | PTE_A, 0
    hfence.gvma zero, zero
    li a0, 3
    call hv_vm_basic
    li a1, GPA_S
    VM_MAP VA_S, a1, VS_RW, 0
    li a1, GPA_U
    VM_MAP VA_U, a1, VS_RW | PTE_U, 0
    li a1, GPA_X
    VM_MAP VA_XO, a1, PTE_X | PTE_A, 0
    li a1, GPA_X
    VM_MAP VA_RNX, a1, PTE_R | PTE_A, 0
    li a1, GPA_GXO
    VM_MAP VA_GXO, a1, PTE_R | PTE_X | PTE_A, 0
    li a1, GPA_GNX
    VM_MAP VA_GNX, a1, PTE_R | PTE_X | PTE_A, 0
    li a1, GPA_S
    VM_MAP VA_RO, a1, PTE_R | PTE_A, 0
    li a1, GPA_GRO
    VM_MAP VA_GRO, a1, VS_RW, 0
    li a1, GPA_NOG
    VM_MAP VA_NOG, a1, VS_RW, 0
    li a1, GPA_S
    VM_MAP VA_NA, a1, PTE_R | PTE_W, 0
    sd a0, vs_pte_na, t0
    call hv_vm_satp
    csrw vsatp, a0
    hfence.vvma zero, zero
    csrw vsstatus, zero
    SET_SPVP 1

    /* ---- loads and stores as though in VS-mode ---- */
    TEST_HLV 1, hlv.d, VA_S + 8, S8
    TEST_HLV 2, hlv.w, VA_S + 12, 0xfffffffffedcba98
    TEST_HLV 3, hlv.wu, VA_S + 12, 0xfedcba98
    TEST_HLV 4, hlv.h, VA_S + 14, 0xfffffffffffffedc
    TEST_HLV 5, hlv.hu, VA_S + 14, 0xfedc
    TEST_HLV 6, hlv.b, VA_S + 15, 0xfffffffffffffffe
    TEST_HLV 7, hlv.bu, VA_S + 15, 0xfe
    TEST_CASE 8
    li a1, VA_S + 16
    li a2, 0x0102030405060708
    hsv.d a2, (a1)
    li a1, VA_S + 24
    hsv.w a2, (a1)
    li a1, VA_S + 28
    hsv.h a2, (a1)
    li a1, VA_S + 30
    hsv.b a2, (a1)
    CHECK_MEM ld, page_s, 16, 0x0102030405060708
    CHECK_MEM ld, page_s, 24, 0x0008070805060708
    TEST_CASE 9                 /* HS's own view of memory is untouched by SPVP/vsatp */
    la a1, page_s
    ld a0, 8(a1)
    CHECK a0, S8

    /* ---- VS permissions (SPVP = 1) ---- */
#ifndef QEMU_COMPAT
    TEST_HLV_FAULT 10, CAUSE_LOAD_PF, VA_U, hlv.d a0, (a1)   /* U page without SUM */
    CHECK_EXIT_HTVAL 0
    TEST_CASE 11                /* HS-level sstatus.SUM does not count */
    li t0, MSTATUS_SUM
    csrs sstatus, t0
    TEST_HLV_FAULT 11, CAUSE_LOAD_PF, VA_U, hlv.d a0, (a1)
    li t0, MSTATUS_SUM
    csrc sstatus, t0
#endif
    li t0, MSTATUS_SUM          /* vsstatus.SUM does */
    csrs vsstatus, t0
    TEST_HLV 12, hlv.d, VA_U, U8
    li t0, MSTATUS_SUM
    csrc vsstatus, t0
    TEST_HLV_FAULT 13, CAUSE_STORE_PF, VA_RO, hsv.d a2, (a1) /* VS-stage read-only */
    CHECK_EXIT_HTVAL 0
    TEST_HLV_FAULT 14, CAUSE_LOAD_PF, VA_HOLE, hlv.w a0, (a1)
    CHECK_EXIT_HTVAL 0

    /* ---- VU permissions (SPVP = 0) ---- */
    SET_SPVP 0
    TEST_HLV 15, hlv.d, VA_U, U8
#ifndef QEMU_COMPAT
    TEST_HLV_FAULT 16, CAUSE_LOAD_PF, VA_S + 8, hlv.d a0, (a1)
    TEST_CASE 17                /* even with vsstatus.SUM */
    li t0, MSTATUS_SUM
    csrs vsstatus, t0
    TEST_HLV_FAULT 17, CAUSE_STORE_PF, VA_S + 8, hsv.d a2, (a1)
    li t0, MSTATUS_SUM
    csrc vsstatus, t0
#endif
    SET_SPVP 1

#ifndef QEMU_COMPAT
    /* ---- HLVX: execute instead of read permission ---- */
    TEST_HLV 20, hlvx.wu, VA_XO + 4, 0x12345678
    TEST_HLV 21, hlvx.hu, VA_XO, 0xcdef
    TEST_HLV_FAULT 22, CAUSE_LOAD_PF, VA_XO, hlv.wu a0, (a1) /* HLV needs R */
    TEST_HLV_FAULT 23, CAUSE_LOAD_PF, VA_RNX, hlvx.wu a0, (a1) /* HLVX needs X: load fault */
    TEST_HLV 24, hlv.wu, VA_RNX, 0x90abcdef
    TEST_HLV 25, hlvx.wu, VA_GXO, 0x90abcdef                 /* G-stage execute-only */
    TEST_HLV_FAULT 26, CAUSE_LOAD_GPF, VA_GXO, hlv.wu a0, (a1)
    CHECK_EXIT_HTVAL_GPA GPA_GXO
    TEST_HLV_FAULT 27, CAUSE_LOAD_GPF, VA_GNX + 4, hlvx.hu a0, (a1) /* G-stage not X */
    CHECK_EXIT_HTVAL_GPA GPA_GNX + 4
    TEST_CASE 28                /* vsstatus.MXR: VS-stage execute-only readable... */
    li t0, MSTATUS_MXR
    csrs vsstatus, t0
    TEST_HLV 28, hlv.wu, VA_XO, 0x90abcdef
    TEST_HLV_FAULT 29, CAUSE_LOAD_GPF, VA_GXO, hlv.wu a0, (a1) /* ... not G-stage */
    li t0, MSTATUS_MXR
    csrc vsstatus, t0
    csrs sstatus, t0            /* HS-level MXR: both stages */
    TEST_HLV 30, hlv.wu, VA_GXO, 0x90abcdef
    TEST_HLV 31, hlv.wu, VA_XO + 4, 0x12345678
    li t0, MSTATUS_MXR
    csrc sstatus, t0
#endif

    /* ---- G-stage faults ---- */
    TEST_HLV_FAULT 32, CAUSE_LOAD_GPF, VA_NOG + 40, hlv.d a0, (a1)
    CHECK_EXIT_HTVAL_GPA GPA_NOG + 40
    TEST_HLV_FAULT 33, CAUSE_STORE_GPF, VA_GRO + 8, hsv.w a2, (a1)
    CHECK_EXIT_HTVAL_GPA GPA_GRO + 8
    TEST_HLV_FAULT 34, CAUSE_STORE_GPF, VA_NOG, hsv.b a2, (a1)
    CHECK_EXIT_HTVAL_GPA GPA_NOG

    /* ---- A/D bits of the VS-stage PTE ---- */
    TEST_CASE 35
    ld t0, vs_pte_na
    ld t0, 0(t0)
    CHECK_BITS t0, PTE_A | PTE_D, 0
    TEST_HLV 36, hlv.d, VA_NA + 8, S8
    ld t0, vs_pte_na
    ld t0, 0(t0)
    CHECK_BITS t0, PTE_A | PTE_D, PTE_A
    TEST_CASE 37
    li a1, VA_NA + 32
    li a2, 0x77
    hsv.b a2, (a1)
    CHECK_MEM lbu, page_s, 32, 0x77
    ld t0, vs_pte_na
    ld t0, 0(t0)
    CHECK_BITS t0, PTE_A | PTE_D, PTE_A | PTE_D

    /* ---- vsatp = Bare: guest physical addresses ---- */
    TEST_CASE 38
    csrr s1, vsatp
    csrw vsatp, zero
    hfence.vvma zero, zero
    TEST_HLV 38, hlv.d, GPA_S + 8, S8
    TEST_HLV 39, hlvx.wu, GPA_X + 4, 0x12345678
    TEST_HLV_FAULT 40, CAUSE_LOAD_GPF, GPA_NOG + 8, hlv.d a0, (a1)
    CHECK_EXIT_HTVAL_GPA GPA_NOG + 8
    csrw vsatp, s1
    hfence.vvma zero, zero

    /* ---- M-mode may use them too ---- */
    TEST_CASE 41
    GOTO_M
    li a1, VA_S + 8
    hlv.d a0, (a1)
    CHECK a0, S8
    GOTO_S

    /* ---- M-mode with MPRV = 1, MPV = 1: loads and stores as though in VS/VU-mode ---- */
    TEST_CASE 50
    GOTO_M
    SET_MPRV MPP_S
    li a1, VA_S + 8
    ld a0, 0(a1)                /* two-stage, VS permissions */
    li t0, MSTATUS_MPRV
    csrc mstatus, t0
    CHECK a0, S8
    TEST_CASE 51                /* VU permissions: a U page is fine... */
    SET_MPRV MPP_U
    li a1, VA_U
    ld a0, 0(a1)
    li t0, MSTATUS_MPRV
    csrc mstatus, t0
    CHECK a0, U8
    TEST_CASE 52                /* ... a VS-only page faults, in M: mtval = GVA, GVA = 1 */
    li a1, VA_S
    TEST_MPRV_TRAP CAUSE_LOAD_PF, MPP_U, ld a0, 0(a1)
#ifndef QEMU_COMPAT
    CHECK_TRAP_STATUS MSTATUS_GVA | MSTATUS_MPRV, MSTATUS_GVA | MSTATUS_MPRV
#endif
    CHECK_CSR mtval2, 0
#ifndef QEMU_COMPAT
    TEST_CASE 53                /* a guest-page fault: mtval2 = 0 or GPA >> 2, mtinst */
    li a1, VA_NOG + 16
    TEST_MPRV_TRAP CAUSE_LOAD_GPF, MPP_S, ld a0, 0(a1)
#ifndef QEMU_COMPAT
    CHECK_TRAP_STATUS MSTATUS_GVA, MSTATUS_GVA
#endif
    csrr t0, mtval2
    beqz t0, 1f
    CHECK t0, (GPA_NOG + 16) >> 2
1:  csrr t0, mtinst
    beqz t0, 2f
    CHECK t0, (10 << 7) | (3 << 12) | 0x03      /* ld a0, 0(x0) */
2:  TEST_CASE 54
    li a1, VA_GRO
    TEST_MPRV_TRAP CAUSE_STORE_GPF, MPP_S, sd a2, 0(a1)
#endif
    GOTO_S

    /* ---- U-mode: with hstatus.HU ---- */
    li t0, HSTATUS_HU
    csrs hstatus, t0
    TEST_CASE 42
    S_GOTO_U
    li a1, VA_S + 8             /* SPVP = 1 still: VS permissions */
    hlv.d a0, (a1)
    CHECK a0, S8
    li a1, VA_S + 40
    li a2, 0x4242
    hsv.h a2, (a1)
    GOTO_HS
    CHECK_EXIT_CAUSE CAUSE_ECALL_U
    CHECK_MEM lhu, page_s, 40, 0x4242
    TEST_CASE 43                /* a fault from U-mode: HS, SPV = 0, SPP = U, GVA = 1 */
    S_GOTO_U
    TEST_HLV_FAULT 43, CAUSE_LOAD_GPF, VA_NOG, hlv.d a0, (a1)
    CHECK_EXIT_SSTATUS MSTATUS_SPP, 0
    TEST_CASE 44
    S_GOTO_U
    TEST_HS_ILLEGAL 44, hfence.vvma zero, zero  /* HU covers HLV/HSV only */
    li t0, HSTATUS_HU
    csrc hstatus, t0
    TEST_CASE 45                /* without HU: illegal */
    S_GOTO_U
#ifndef QEMU_COMPAT
    TEST_HS_ILLEGAL 45, hlv.d a0, (sp)
    S_GOTO_U
    TEST_HS_ILLEGAL 46, hsv.d a0, (sp)
    S_GOTO_U
    TEST_HS_ILLEGAL 47, hlvx.hu a0, (sp)
#else
    TEST_HS_TRAP 45, CAUSE_ILLEGAL, hlv.d a0, (sp)
    S_GOTO_U
    TEST_HS_TRAP 46, CAUSE_ILLEGAL, hsv.d a0, (sp)
    S_GOTO_U
    TEST_HS_TRAP 47, CAUSE_ILLEGAL, hlvx.hu a0, (sp)
#endif
    PASS

    .data
    .balign PAGE_4K
page_s:
    .dword 0x8877665544332211, S8, 0, 0, 0, 0
    .balign PAGE_4K
page_u:
    .dword U8
    .balign PAGE_4K
page_x:
    .dword X8
    .balign PAGE_4K
vs_pte_na: .dword 0
