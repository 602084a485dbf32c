/*
 * hyp.h - the H-extension layer of hvsim's bare-metal test framework (assembler macros).
 *
 * Owns the programming interface of the guests/hyp/ programs, on top of hvtest.h:
 *
 *  - constants of the H extension (cause codes 20-23, hstatus/mstatus bits, VS-level
 *    interrupts, hgatp modes, htinst pseudo-instructions, henvcfg.STCE);
 *  - HYP_INIT: the standard start of a program (M delegates to HS, HS takes over stvec,
 *    builds an identity G-stage mapping of the image and the CLINT, and sets hgatp);
 *  - G-stage page tables (G_INIT, G_MAP, G_ENABLE; code in hyp.S);
 *  - "exits": a trap into HS-mode while HS is waiting for it.  EXPECT_EXIT arms a resume
 *    label; the HS handler hyp_strap (hyp.S) records scause, sepc, stval, htval, htinst,
 *    hstatus and sstatus, then resumes at the label *in HS-mode* (V=0) with the guest's
 *    registers still in place (t0-t3 are preserved, t5/t6 belong to the macros as usual).
 *    An exit nobody expected fails the running test and prints the record.
 *  - ENTER_VS / ENTER_VU: from HS, continue at a label in VS- or VU-mode;
 *    GOTO_HS: from VS/VU, back to HS at the next instruction (through an ecall);
 *  - TEST_VS_EXIT / TEST_VU_EXIT / TEST_VS_VIRTUAL ...: one instruction run in the guest
 *    that must exit to HS with a given cause and sepc.
 *
 * Traps *delegated to VS* (hedeleg/hideleg) are handled by the standard S-mode handler of
 * start.S (hv_strap), installed as vstvec: inside the guest, EXPECT_TRAP / CHECK_TRAP /
 * TEST_TRAP of hvtest.h work as usual (the recorded level is PRV_S).  This needs the guest
 * to see the image at its own address (identity G-stage mapping, and an identity or Bare
 * VS-stage), which HYP_INIT provides.
 *
 * Interrupts taken by hyp_strap are logged in hvtest's interrupt log as (LVL_HS << 8) | code
 * and their enable bit (sie or hie) is cleared; the VS handler logs (LVL_VS << 8) | code,
 * M-mode (LVL_M << 8) | code.  CHECK_IRQ_LOG of hvtest.h reads the log.
 */
#ifndef HYP_H
#define HYP_H

#include "hvtest.h"

/* ---- cause codes added by the H extension --------------------------------------------- */
#define CAUSE_FETCH_GPF  20
#define CAUSE_LOAD_GPF   21
#define CAUSE_VIRTUAL    22
#define CAUSE_STORE_GPF  23

/* ---- hstatus ---------------------------------------------------------------------------- */
#define HSTATUS_VSBE  (1 << 5)
#define HSTATUS_GVA   (1 << 6)
#define HSTATUS_SPV   (1 << 7)
#define HSTATUS_SPVP  (1 << 8)
#define HSTATUS_HU    (1 << 9)
#define HSTATUS_VTVM  (1 << 20)
#define HSTATUS_VTW   (1 << 21)
#define HSTATUS_VTSR  (1 << 22)
#define HSTATUS_VSXL  (3 << 32)

/* ---- mstatus fields added by the H extension ---------------------------------------------- */
#define MSTATUS_GVA   (1 << 38)
#define MSTATUS_MPV   (1 << 39)

/* ---- VS-level interrupts (as HS and M see them) -------------------------------------------- */
#define IRQ_VSSI 2
#define IRQ_VSTI 6
#define IRQ_VSEI 10
#define IRQ_SGEI 12
#define MIP_VSSIP (1 << IRQ_VSSI)
#define MIP_VSTIP (1 << IRQ_VSTI)
#define MIP_VSEIP (1 << IRQ_VSEI)
#define MIP_SGEIP (1 << IRQ_SGEI)
#define VS_INTS   (MIP_VSSIP | MIP_VSTIP | MIP_VSEIP)

/* ---- hgatp ---------------------------------------------------------------------------------- */
#define HGATP_MODE_SV39X4 8
#define HGATP_MODE_SV48X4 9
#define HGATP_VMID_SHIFT  44

/* ---- htinst/mtinst pseudo-instructions for implicit VS-stage page-table accesses (RV64) --- */
#define TINST_PT_READ  0x3000
#define TINST_PT_WRITE 0x3020

/* ---- henvcfg ---------------------------------------------------------------------------------- */
#define HENVCFG_STCE (1 << 63)

/* ---- levels in the interrupt log ------------------------------------------------------------- */
#define LVL_VS PRV_S            /* hv_strap running as the guest's vstvec handler */
#define LVL_HS 2                /* hyp_strap */
#define LVL_M  PRV_M

/* ---- the standard G-stage leaf: guest RAM (U=1 as G-stage requires, A/D preset) ---------- */
#define G_RWX (PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D)
#define G_RW  (PTE_R | PTE_W | PTE_U | PTE_A | PTE_D)

/* Exceptions M-mode delegates to HS in HYP_INIT: everything except an HS-mode ecall (cause
 * 9, so that GOTO_M works from HS) and an M-mode ecall. */
#define HYP_MEDELEG ((1 << CAUSE_MISALIGNED_FETCH) | (1 << CAUSE_FETCH_ACCESS) | \
    (1 << CAUSE_ILLEGAL) | (1 << CAUSE_BREAKPOINT) | (1 << CAUSE_MISALIGNED_LOAD) | \
    (1 << CAUSE_LOAD_ACCESS) | (1 << CAUSE_MISALIGNED_STORE) | (1 << CAUSE_STORE_ACCESS) | \
    (1 << CAUSE_ECALL_U) | (1 << CAUSE_ECALL_VS) | (1 << CAUSE_FETCH_PF) | \
    (1 << CAUSE_LOAD_PF) | (1 << CAUSE_STORE_PF) | (1 << CAUSE_FETCH_GPF) | \
    (1 << CAUSE_LOAD_GPF) | (1 << CAUSE_VIRTUAL) | (1 << CAUSE_STORE_GPF))
#define HYP_MIDELEG (MIP_SSIP | MIP_STIP | MIP_SEIP)

/* Layout of hyp_exit_info (hyp.S), offsets in bytes. */
#define XI_RESUME   0
#define XI_CAUSE    8
#define XI_EPC      16
#define XI_TVAL     24
#define XI_HTVAL    32
#define XI_HTINST   40
#define XI_HSTATUS  48
#define XI_SSTATUS  56
#define XI_COUNT    64
#define XI_IRQ_HSTATUS 72

/* Layout of a vCPU of the vcpu.S runtime, offsets in bytes. */
#define VC_X(n)     (8 * (n))   /* guest x0..x31 (x0 unused) */
#define VC_PC       256         /* guest pc: where the guest resumes */
#define VC_TABLE    264         /* exit table: 24 handler addresses, one per exception cause */
#define VC_EXITS    272         /* exits taken so far */
#define VC_HOST     280         /* host context saved by hyp_vcpu_run: ra sp gp tp s0-s11 */
#define VC_SIZE     408

#ifdef __ASSEMBLER__

/* ==== set-up ================================================================================ */

/* From M-mode at the start of a program: delegate to HS, enter HS, install hyp_strap as
 * stvec and hv_strap as vstvec, clear the hypervisor CSRs, build a G-stage table with
 * `levels` levels (3 = Sv39x4, 4 = Sv48x4) that maps the image's 2 MiB and the CLINT page
 * at their own addresses, and enable it with VMID 1.  Continues in HS-mode. */
.macro HYP_INIT levels=3
    li t0, HYP_MEDELEG
    csrw medeleg, t0
    li t0, HYP_MIDELEG
    csrw mideleg, t0
    GOTO_S
    la t0, hyp_strap
    csrw stvec, t0
    la t0, hv_strap
    csrw vstvec, t0
    csrw hedeleg, zero
    csrw hideleg, zero
    csrw hvip, zero
    csrw hie, zero
    csrw hstatus, zero
    csrw vsstatus, zero
    csrw vsie, zero
    csrw vsatp, zero
    li t0, COUNTER_CY | COUNTER_TM | COUNTER_IR
    csrw hcounteren, t0
    li a0, \levels
    call hyp_g_basic
    li a0, 1
    call hyp_g_hgatp
    csrw hgatp, a0
    hfence.gvma zero, zero
.endm

/* ==== G-stage page tables (hyp.S; call in HS-mode or M-mode) ================================ */

/* Start a new, empty G-stage table with `levels` levels (its 16 KiB root comes from a pool;
 * earlier tables stay intact). */
.macro G_INIT levels
    li a0, \levels
    call hyp_g_init
.endm

/* Map guest-physical `gpa` (constant) to the host address in `pareg` at `level`
 * (0 = 4 KiB, 1 = 2 MiB, 2 = 1 GiB, 3 = 512 GiB) with `flags` (V is added).
 * a0 = address of the leaf PTE. */
.macro G_MAP gpa, pareg, flags, level
    .ifnc \pareg, a1
    mv a1, \pareg
    .endif
    li a0, \gpa
    li a2, (\flags) | PTE_V
    li a3, \level
    call hyp_g_map
.endm

/* Same, with the host address of `label` (+ off). */
.macro G_MAP_LABEL gpa, label, flags, level, off=0
    la a1, \label
    .if \off
    li t6, \off
    add a1, a1, t6
    .endif
    G_MAP \gpa, a1, \flags, \level
.endm

/* hgatp <- the current G-stage table with VMID `vmid`; HFENCE.GVMA. */
.macro G_ENABLE vmid=1
    li a0, \vmid
    call hyp_g_hgatp
    csrw hgatp, a0
    hfence.gvma zero, zero
.endm

/* ==== exits to HS ============================================================================ */

/* The next trap into HS is expected: record it and resume in HS at `resume`. */
.macro EXPECT_EXIT resume
    li t6, -1
    sd t6, hyp_exit_cause, t5
    la t6, \resume
    sd t6, hyp_exit_resume, t5
.endm

.macro DISARM_EXIT
    sd zero, hyp_exit_resume, t5
.endm

/* Fail unless the last exit had cause `cause` and sepc == address of `label` + off. */
.macro CHECK_EXIT cause, label, off=0
    ld t5, hyp_exit_cause
    CHECK t5, \cause
    ld t5, hyp_exit_epc
    .if \off
    li t6, \off
    sub t5, t5, t6
    .endif
    CHECK_ADDR t5, \label
.endm

.macro CHECK_EXIT_CAUSE cause
    ld t5, hyp_exit_cause
    CHECK t5, \cause
.endm

.macro CHECK_EXIT_EPC_REG reg
    ld t5, hyp_exit_epc
    CHECK_EQ t5, \reg
.endm

.macro CHECK_EXIT_TVAL val
    ld t5, hyp_exit_tval
    CHECK t5, \val
.endm

.macro CHECK_EXIT_TVAL_REG reg
    ld t5, hyp_exit_tval
    CHECK_EQ t5, \reg
.endm

/* stval must hold the bits of the 32-bit instruction at `label` */
.macro CHECK_EXIT_TVAL_INSN32 label
    la t5, \label
    lwu t6, 0(t5)
    ld t5, hyp_exit_tval
    CHECK_EQ t5, t6
.endm

.macro CHECK_EXIT_HTVAL val
    ld t5, hyp_exit_htval
    CHECK t5, \val
.endm

/* htval must be zero or `gpa` >> 2 (the spec lets an implementation report zero) */
.macro CHECK_EXIT_HTVAL_GPA gpa
    ld t5, hyp_exit_htval
    beqz t5, .Lhv_ok\@
    CHECK t5, (\gpa) >> 2
.Lhv_ok\@:
.endm

/* the same, with the GPA in register `reg` (reg != t5, t6) */
.macro CHECK_EXIT_HTVAL_GPA_REG reg
    ld t5, hyp_exit_htval
    beqz t5, .Lhv_ok\@
    srli t6, \reg, 2
    CHECK_EQ t5, t6
.Lhv_ok\@:
.endm

.macro CHECK_EXIT_HTINST val
    ld t5, hyp_exit_htinst
    CHECK t5, \val
.endm

/* htinst must be zero or `val` (a transformed instruction is optional) */
.macro CHECK_EXIT_HTINST_OR0 val
    ld t5, hyp_exit_htinst
    beqz t5, .Lhv_ok\@
    CHECK t5, \val
.Lhv_ok\@:
.endm

/* htinst must be zero or the 32-bit instruction at `label` with its rs1 field (the address
 * offset) replaced by `off`: the transformed form of AMO, LR/SC, HLV/HLVX/HSV */
.macro CHECK_EXIT_HTINST_RS1 label, off=0
    ld t5, hyp_exit_htinst
    beqz t5, .Lhv_ok\@
    la t6, \label
    lwu t6, 0(t6)
    li t5, ~(0x1f << 15)
    and t6, t6, t5
    .if \off
    li t5, (\off) << 15
    or t6, t6, t5
    .endif
    ld t5, hyp_exit_htinst
    CHECK_EQ t5, t6
.Lhv_ok\@:
.endm

/* for a fault of an implicit VS-stage page-table access: if htval is nonzero, htinst must
 * be the pseudo-instruction `pseudo` (zero is not allowed then) */
.macro CHECK_EXIT_HTINST_PSEUDO pseudo
    ld t5, hyp_exit_htval
    beqz t5, .Lhv_ok\@
    ld t5, hyp_exit_htinst
    CHECK t5, \pseudo
.Lhv_ok\@:
.endm

/* (hstatus after the trap entry & mask) == val */
.macro CHECK_EXIT_HSTATUS mask, val
    ld t5, hyp_exit_hstatus
    CHECK_BITS t5, \mask, \val
.endm

/* (sstatus after the trap entry & mask) == val */
.macro CHECK_EXIT_SSTATUS mask, val
    ld t5, hyp_exit_sstatus
    CHECK_BITS t5, \mask, \val
.endm

.macro CHECK_EXIT_COUNT_REG reg
    ld t5, hyp_exit_count
    CHECK_EQ t5, \reg
.endm

/* reg <- number of exits recorded so far */
.macro GET_EXIT_COUNT reg
    ld \reg, hyp_exit_count
.endm

/* ==== moving between HS and the guest =========================================================== */

/* From HS: continue at `label` in VS-mode (SPV=1, SPVP=1, SPP=1, sret). */
.macro ENTER_VS label
    li t6, HSTATUS_SPV | HSTATUS_SPVP
    csrs hstatus, t6
    li t6, MSTATUS_SPP
    csrs sstatus, t6
    li t6, MSTATUS_SPIE
    csrc sstatus, t6
    la t6, \label
    csrw sepc, t6
    sret
.endm

/* From HS: continue at `label` in VU-mode (SPV=1, SPVP=0, SPP=0, sret). */
.macro ENTER_VU label
    li t6, HSTATUS_SPV
    csrs hstatus, t6
    li t6, HSTATUS_SPVP
    csrc hstatus, t6
    li t6, MSTATUS_SPP | MSTATUS_SPIE
    csrc sstatus, t6
    la t6, \label
    csrw sepc, t6
    sret
.endm

/* From HS: continue at `label` in VU-mode, running through the U alias of the image
 * (HV_UALIAS_VA, mapped by hv_vm_basic in the guest's VS-stage table, vsatp active).
 * EXPECT_TRAP / EXPECT_EXIT armed there resume at the identity address. */
.macro ENTER_VU_ALIAS label
    li t6, HSTATUS_SPV
    csrs hstatus, t6
    li t6, HSTATUS_SPVP
    csrc hstatus, t6
    li t6, MSTATUS_SPP | MSTATUS_SPIE
    csrc sstatus, t6
    la t6, \label
    li t5, HV_UALIAS_OFF
    add t6, t6, t5
    csrw sepc, t6
    sret
.endm

/* From HS: continue at the next instruction in VS-mode / VU-mode. */
.macro GOTO_VS
    ENTER_VS .Lhv_next\@
.Lhv_next\@:
.endm

.macro GOTO_VU
    ENTER_VU .Lhv_next\@
.Lhv_next\@:
.endm

/* From VS or VU: back to HS at the next instruction (an ecall that exits to HS; hedeleg
 * must not delegate ecalls from VU). */
.macro GOTO_HS
    EXPECT_EXIT .Lhv_next\@
    ecall
    j hv_fail
.Lhv_next\@:
.endm

/* Test case n: `inst`, run in VS-mode, must exit to HS with `cause` and sepc at it.
 * Continues in HS. */
.macro TEST_VS_EXIT n, cause, inst:vararg
    TEST_CASE \n
    EXPECT_EXIT .Lhv_resume\@
    ENTER_VS .Lhv_insn\@
.Lhv_insn\@:
    \inst
    j hv_fail
.Lhv_resume\@:
    CHECK_EXIT \cause, .Lhv_insn\@
.endm

/* Same from VU-mode. */
.macro TEST_VU_EXIT n, cause, inst:vararg
    TEST_CASE \n
    EXPECT_EXIT .Lhv_resume\@
    ENTER_VU .Lhv_insn\@
.Lhv_insn\@:
    \inst
    j hv_fail
.Lhv_resume\@:
    CHECK_EXIT \cause, .Lhv_insn\@
.endm

/* `inst` in VS (VU) must raise a virtual-instruction exception taken by HS, with
 * stval = the instruction bits (written as for an illegal instruction). */
.macro TEST_VS_VIRTUAL n, inst:vararg
    TEST_CASE \n
    EXPECT_EXIT .Lhv_resume\@
    ENTER_VS .Lhv_insn\@
.Lhv_insn\@:
    \inst
    j hv_fail
.Lhv_resume\@:
    CHECK_EXIT CAUSE_VIRTUAL, .Lhv_insn\@
    CHECK_EXIT_TVAL_INSN32 .Lhv_insn\@
    CHECK_EXIT_HSTATUS HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_GVA, HSTATUS_SPV | HSTATUS_SPVP
.endm

.macro TEST_VU_VIRTUAL n, inst:vararg
    TEST_CASE \n
    EXPECT_EXIT .Lhv_resume\@
    ENTER_VU .Lhv_insn\@
.Lhv_insn\@:
    \inst
    j hv_fail
.Lhv_resume\@:
    CHECK_EXIT CAUSE_VIRTUAL, .Lhv_insn\@
    CHECK_EXIT_TVAL_INSN32 .Lhv_insn\@
    CHECK_EXIT_HSTATUS HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_GVA, HSTATUS_SPV
.endm

/* `inst` in VS (VU) must raise an illegal-instruction exception that reaches HS (hedeleg
 * must not delegate it), with stval = the instruction bits. */
.macro TEST_VS_ILLEGAL n, inst:vararg
    TEST_CASE \n
    EXPECT_EXIT .Lhv_resume\@
    ENTER_VS .Lhv_insn\@
.Lhv_insn\@:
    \inst
    j hv_fail
.Lhv_resume\@:
    CHECK_EXIT CAUSE_ILLEGAL, .Lhv_insn\@
    CHECK_EXIT_TVAL_INSN32 .Lhv_insn\@
    CHECK_EXIT_HSTATUS HSTATUS_SPV | HSTATUS_SPVP, HSTATUS_SPV | HSTATUS_SPVP
.endm

.macro TEST_VU_ILLEGAL n, inst:vararg
    TEST_CASE \n
    EXPECT_EXIT .Lhv_resume\@
    ENTER_VU .Lhv_insn\@
.Lhv_insn\@:
    \inst
    j hv_fail
.Lhv_resume\@:
    CHECK_EXIT CAUSE_ILLEGAL, .Lhv_insn\@
    CHECK_EXIT_TVAL_INSN32 .Lhv_insn\@
    CHECK_EXIT_HSTATUS HSTATUS_SPV | HSTATUS_SPVP, HSTATUS_SPV
.endm

/* `inst` in HS must trap to HS itself (V=0) with `cause`. */
.macro TEST_HS_TRAP n, cause, inst:vararg
    TEST_CASE \n
    EXPECT_EXIT .Lhv_resume\@
.Lhv_insn\@:
    \inst
    j hv_fail
.Lhv_resume\@:
    CHECK_EXIT \cause, .Lhv_insn\@
    CHECK_EXIT_HSTATUS HSTATUS_SPV, 0
.endm

/* `inst` (32-bit) in HS must raise an illegal-instruction exception with stval = its bits. */
.macro TEST_HS_ILLEGAL n, inst:vararg
    TEST_CASE \n
    EXPECT_EXIT .Lhv_resume\@
.Lhv_insn\@:
    \inst
    j hv_fail
.Lhv_resume\@:
    CHECK_EXIT CAUSE_ILLEGAL, .Lhv_insn\@
    CHECK_EXIT_TVAL_INSN32 .Lhv_insn\@
    CHECK_EXIT_HSTATUS HSTATUS_SPV, 0
.endm

/* ==== a guest image apart from the hypervisor's (hyp_basic, hyp_hostile) ===================== */

/* Open the guest's own page-aligned section: everything up to GUEST_IMAGE_END is guest
 * code and data, reached by the guest only through the G-stage mapping its hypervisor
 * builds.  Code inside must be position independent (la/auipc, branches) and may not call
 * the framework (hv_fail & co. are not mapped for it). */
.macro GUEST_IMAGE_BEGIN
    .pushsection .text.hypguest, "ax", @progbits
    .balign PAGE_4K
    .globl guest_image
guest_image:
.endm

.macro GUEST_IMAGE_END
    .balign PAGE_4K
    .globl guest_image_end
guest_image_end:
    .popsection
.endm

#endif /* __ASSEMBLER__ */
#endif /* HYP_H */
