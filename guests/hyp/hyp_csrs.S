/*
 * hyp_csrs.S - the CSR side of the H extension: VS aliasing, virtual-instruction
 * exceptions, counters, htimedelta, Sstc's vstimecmp and hvip injection.
 *
 * Covers:
 *  - hedeleg/hideleg writable bits, hstatus.VSXL, hgatp PPN[1:0] and VMID;
 *  - with V=1, sstatus/stvec/sscratch/sepc/scause/stval/satp/sie/sip reach vsstatus/vstvec/
 *    vsscratch/vsepc/vscause/vstval/vsatp/vsie/vsip (checked from HS by reading the vs*
 *    CSRs, and the other way round), leaving the HS registers alone;
 *  - virtual-instruction exceptions (stval = the instruction): hypervisor and VS CSRs from
 *    VS and VU, S CSRs from VU, HLV/HLVX/HSV/HFENCE from VS and VU, SRET with VTSR, WFI with
 *    VTW, SFENCE.VMA and satp with VTVM, SRET/WFI/SFENCE.VMA from VU; illegal-instruction
 *    exceptions instead for M CSRs, a write to a read-only hypervisor CSR, WFI with
 *    mstatus.TW, hypervisor instructions and CSRs from U-mode; mstatus.TVM/TSR affect HS
 *    only (HS: hgatp and HFENCE.GVMA illegal, HFENCE.VVMA and vsatp fine);
 *  - counters: mcounteren beats hcounteren (illegal), hcounteren (virtual), and in VU-mode
 *    scounteren too;
 *  - htimedelta added to `time` read in VS-mode (with wrap-around), not in HS;
 *  - Sstc: vstimecmp against time + htimedelta drives hip.VSTIP; with hideleg the guest
 *    takes it as a supervisor timer interrupt (vscause = interrupt 5) on time; the guest's
 *    stimecmp is vstimecmp; henvcfg.STCE/hcounteren.TM gate VS access (virtual instruction),
 *    menvcfg.STCE/mcounteren.TM gate stimecmp and vstimecmp below M (illegal instruction);
 *  - hvip.VSSIP injected with hideleg: the guest takes interrupt 1 (vscause), sees vsip.SSIP
 *    and clears it through sip;
 *  - hedeleg: an ecall from VU-mode goes to the guest's handler, one from VS-mode to HS.
 * QEMU's spike machine has no `time` CSR: cross-check on QEMU with -machine virt.
 * QEMU 7.2 departs from the spec in these places, left out with -DQEMU_COMPAT:
 *  - hgatp PPN[1:0] are kept (case 4);
 *  - stval is not written on the virtual- or illegal-instruction trap of HLV/HLVX/HSV;
 *  - satp accesses in VS-mode ignore hstatus.VTVM (24, 25);
 *  - VU-mode gets illegal- instead of virtual-instruction exceptions for S CSRs, SRET,
 *    SFENCE.VMA and HFENCE (27, 28, 31, 33, 35), but a virtual-instruction exception for
 *    WFI with mstatus.TW = 1 (46);
 *  - mstatus.TVM = 1 does not stop HS from accessing hgatp (51) but does stop VS-mode from
 *    accessing satp (55); mstatus.TSR = 1 makes SRET in VS-mode illegal (57; M entering VS
 *    directly with MRET and taking the guest's ecall also leaves QEMU with V=1 in M-mode);
 *  - henvcfg.STCE is not read-only zero while menvcfg.STCE = 0 (83).
 */
#include "hyp.h"

/* From HS: run `insn...` on CSR `csr` with value `val` in M-mode, then come back. */
.macro M_DO insn, csr, val
    GOTO_M
    li t0, \val
    \insn \csr, t0
    GOTO_S
.endm

/* QEMU 7.2 leaves stval unwritten on the exceptions of HLV/HLVX/HSV themselves:
 * with -DQEMU_COMPAT only the cause and sepc of those are checked */
#ifdef QEMU_COMPAT
#define TEST_VS_VIRTUAL_HLV(n, ...) TEST_VS_EXIT n, CAUSE_VIRTUAL, __VA_ARGS__
#define TEST_VU_VIRTUAL_HLV(n, ...) TEST_VU_EXIT n, CAUSE_VIRTUAL, __VA_ARGS__
#define TEST_HS_ILLEGAL_HLV(n, ...) TEST_HS_TRAP n, CAUSE_ILLEGAL, __VA_ARGS__
#else
#define TEST_HS_ILLEGAL_HLV(n, ...) TEST_HS_ILLEGAL n, __VA_ARGS__
#define TEST_VS_VIRTUAL_HLV(n, ...) TEST_VS_VIRTUAL n, __VA_ARGS__
#define TEST_VU_VIRTUAL_HLV(n, ...) TEST_VU_VIRTUAL n, __VA_ARGS__
#endif

HVTEST_BEGIN
    HYP_INIT 3
    li a0, 3
    call hv_vm_basic            /* a VS-stage table for the satp test */
    call hv_vm_satp
    sd a0, vs_satp_value, t0

    /* ==== hypervisor CSRs' own fields ==== */
    TEST_CASE 1                 /* hedeleg: 0-8, 12, 13, 15 writable, the rest zero */
    li t0, -1
    csrw hedeleg, t0
    CHECK_CSR hedeleg, 0xb1ff
    csrw hedeleg, zero
    TEST_CASE 2                 /* hideleg: the VS-level interrupts */
    li t0, -1
    csrw hideleg, t0
    CHECK_CSR_BITS hideleg, 0xffff, VS_INTS
    csrw hideleg, zero
    TEST_CASE 3                 /* hstatus.VSXL: VS-mode is RV64 */
    CHECK_CSR_BITS hstatus, HSTATUS_VSXL, 2 << 32
    TEST_CASE 4                 /* hgatp: PPN[1:0] read as zero; VMID bits fill from bit 0 */
    csrr s1, hgatp
    li t0, (HGATP_MODE_SV39X4 << SATP_MODE_SHIFT) | (0x3fff << HGATP_VMID_SHIFT) | 3
    ld t1, hyp_g_root
    srli t1, t1, 12
    or t0, t0, t1
    csrw hgatp, t0
    csrr t2, hgatp
#ifndef QEMU_COMPAT
    CHECK_BITS t2, 3, 0         /* QEMU 7.2 keeps them */
#endif
    srli t2, t2, HGATP_VMID_SHIFT
    li t0, 0x3fff
    and t2, t2, t0
    addi t0, t2, 1              /* VMIDLEN low ones: v & (v + 1) == 0 */
    and t0, t0, t2
    CHECK t0, 0
    csrw hgatp, s1
    hfence.gvma

    /* ==== VS CSR aliasing ==== */
    TEST_CASE 5                 /* HS writes vs*, the guest reads them as s* */
    li t0, 0x1111
    csrw vsscratch, t0
    li t0, 0x2222
    csrw vsepc, t0
    li t0, 0xd
    csrw vscause, t0
    li t0, 0x4444
    csrw vstval, t0
    li t0, MSTATUS_MXR
    csrw vsstatus, t0
    GOTO_VS
    CHECK_CSR sscratch, 0x1111
    CHECK_CSR sepc, 0x2222
    CHECK_CSR scause, 0xd
    CHECK_CSR stval, 0x4444
    CHECK_CSR_BITS sstatus, MSTATUS_MXR | MSTATUS_SUM, MSTATUS_MXR
    csrr t0, stvec
    CHECK_ADDR t0, hv_strap
    csrr t0, satp
    CHECK t0, 0
    TEST_CASE 6                 /* the guest writes s*, HS finds them in vs* */
    li t0, 0x5555
    csrw sscratch, t0
    li t0, 0x6666
    csrw sepc, t0
    li t0, 0x7
    csrw scause, t0
    li t0, 0x8888
    csrw stval, t0
    la t0, alt_vstvec
    csrw stvec, t0
    li t0, MSTATUS_SUM
    csrs sstatus, t0
    ld t0, vs_satp_value        /* Sv39, identity for the image: runs on */
    csrw satp, t0
    sfence.vma
    GOTO_HS
    CHECK_CSR vsscratch, 0x5555
    CHECK_CSR vsepc, 0x6666
    CHECK_CSR vscause, 0x7
    CHECK_CSR vstval, 0x8888
    csrr t0, vstvec
    CHECK_ADDR t0, alt_vstvec
    CHECK_CSR_BITS vsstatus, MSTATUS_SUM | MSTATUS_MXR, MSTATUS_SUM | MSTATUS_MXR
    csrr t0, vsatp
    ld t1, vs_satp_value
    CHECK_EQ t0, t1
    TEST_CASE 7                 /* ... and HS's own registers did not change */
    CHECK_CSR satp, 0
    CHECK_CSR_BITS sstatus, MSTATUS_SUM | MSTATUS_MXR, 0
    csrr t0, stvec
    CHECK_ADDR t0, hyp_strap
    csrw vsatp, zero
    la t0, hv_strap
    csrw vstvec, t0
    csrw vsstatus, zero
    TEST_CASE 8                 /* sie/sip -> vsie/vsip: VS view of the hideleg'd bits */
    li t0, VS_INTS
    csrw hideleg, t0
    GOTO_VS
    li t0, MIP_SSIP | MIP_STIP | MIP_SEIP
    csrw sie, t0
    CHECK_CSR sie, MIP_SSIP | MIP_STIP | MIP_SEIP
    li t0, MIP_SSIP
    csrs sip, t0                /* vsip.SSIP = hvip.VSSIP (SIE = 0: not taken) */
    CHECK_CSR_BITS sip, MIP_SSIP, MIP_SSIP
    GOTO_HS
    CHECK_CSR vsie, MIP_SSIP | MIP_STIP | MIP_SEIP
    CHECK_CSR_BITS hie, VS_INTS, VS_INTS
    CHECK_CSR_BITS sie, MIP_SSIP | MIP_STIP | MIP_SEIP, 0
    CHECK_CSR_BITS hvip, VS_INTS, MIP_VSSIP
    CHECK_CSR_BITS hip, MIP_VSSIP, MIP_VSSIP
    CHECK_CSR_BITS sip, MIP_SSIP, 0
    csrw hvip, zero
    csrw hie, zero
    csrw hideleg, zero
    CHECK_CSR vsie, 0           /* not delegated: vsie reads zero */

    /* ==== virtual-instruction exceptions from VS-mode ==== */
    TEST_VS_VIRTUAL 10, csrr a0, hstatus
    TEST_VS_VIRTUAL 11, csrr a0, hgatp
    TEST_VS_VIRTUAL 12, csrw hvip, zero
    TEST_VS_VIRTUAL 13, csrr a0, vsstatus       /* a VS CSR by its own number */
    TEST_VS_VIRTUAL 14, csrr a0, hcounteren
    TEST_VS_VIRTUAL 15, csrr a0, hgeip          /* read-only, but readable in HS */
    TEST_VS_VIRTUAL 16, hfence.vvma zero, zero
    TEST_VS_VIRTUAL 17, hfence.gvma zero, zero
    TEST_VS_VIRTUAL_HLV(18, hlv.d a0, (sp))
    TEST_VS_VIRTUAL_HLV(19, hlvx.hu a0, (sp))
    TEST_VS_VIRTUAL_HLV(20, hsv.d zero, (sp))
    li t0, HSTATUS_VTSR
    csrs hstatus, t0
    TEST_VS_VIRTUAL 21, sret
    li t0, HSTATUS_VTSR
    csrc hstatus, t0
    li t0, HSTATUS_VTW
    csrs hstatus, t0
    TEST_VS_VIRTUAL 22, wfi
    li t0, HSTATUS_VTW
    csrc hstatus, t0
    li t0, HSTATUS_VTVM
    csrs hstatus, t0
    TEST_VS_VIRTUAL 23, sfence.vma
#ifndef QEMU_COMPAT
    TEST_VS_VIRTUAL 24, csrr a0, satp           /* QEMU 7.2 lets these through */
    TEST_VS_VIRTUAL 25, csrw satp, zero
#endif
    TEST_CASE 26                /* VTVM does not stop HS from using vsatp or HFENCE.VVMA */
    csrr t0, vsatp
    csrw vsatp, t0
    hfence.vvma zero, zero
    li t0, HSTATUS_VTVM
    csrc hstatus, t0

    /* ==== ... from VU-mode (QEMU 7.2 raises illegal-instruction exceptions for S CSRs,
     * SRET, SFENCE.VMA and HFENCE from VU: left out with -DQEMU_COMPAT) ==== */
#ifndef QEMU_COMPAT
    TEST_VU_VIRTUAL 27, csrr a0, sstatus        /* an S CSR */
    TEST_VU_VIRTUAL 28, csrr a0, sscratch
#endif
    TEST_VU_VIRTUAL 29, csrr a0, vsstatus
    TEST_VU_VIRTUAL 30, csrr a0, hstatus
#ifndef QEMU_COMPAT
    TEST_VU_VIRTUAL 31, sret
#endif
    TEST_VU_VIRTUAL 32, wfi
#ifndef QEMU_COMPAT
    TEST_VU_VIRTUAL 33, sfence.vma
#endif
    TEST_VU_VIRTUAL_HLV(34, hlv.w a0, (sp))
#ifndef QEMU_COMPAT
    TEST_VU_VIRTUAL 35, hfence.vvma zero, zero
#endif

    /* ==== illegal, not virtual ==== */
    TEST_VS_ILLEGAL 40, csrr a0, mstatus        /* M-level CSRs */
    TEST_VS_ILLEGAL 41, csrr a0, mhartid
    TEST_VS_ILLEGAL 42, csrw mscratch, zero
    TEST_VS_ILLEGAL 43, csrw hgeip, zero        /* read-only: HS may not write it either */
    TEST_VU_ILLEGAL 44, csrr a0, mstatus
    M_DO csrs, mstatus, MSTATUS_TW
    TEST_VS_ILLEGAL 45, wfi                     /* mstatus.TW: illegal even in VS */
#ifndef QEMU_COMPAT
    TEST_VU_ILLEGAL 46, wfi                     /* (QEMU 7.2: virtual instruction) */
#endif
    M_DO csrc, mstatus, MSTATUS_TW
    /* U-mode with V=0 and hstatus.HU=0 */
    TEST_CASE 47
    S_GOTO_U
    TEST_HS_ILLEGAL_HLV(47, hlv.d a0, (sp))
    S_GOTO_U
    TEST_HS_ILLEGAL 48, hfence.vvma zero, zero
    S_GOTO_U
    TEST_HS_ILLEGAL 49, csrr a0, hstatus
    S_GOTO_U
    TEST_HS_ILLEGAL 50, csrr a0, vsstatus
    /* mstatus.TVM: HS only */
    M_DO csrs, mstatus, MSTATUS_TVM
#ifndef QEMU_COMPAT
    TEST_HS_ILLEGAL 51, csrr a0, hgatp          /* (QEMU 7.2 lets it through) */
#endif
    TEST_HS_ILLEGAL 52, hfence.gvma zero, zero
    TEST_HS_ILLEGAL 53, csrr a0, satp
    TEST_CASE 54                /* fine in HS: vsatp, HFENCE.VVMA */
    csrr t0, vsatp
    csrw vsatp, t0
    hfence.vvma zero, zero
#ifndef QEMU_COMPAT
    TEST_CASE 55                /* and in VS: satp, SFENCE.VMA (QEMU 7.2: illegal) */
    GOTO_VS
    csrr t0, satp
    csrw satp, t0
    sfence.vma
    GOTO_HS
#endif
    M_DO csrc, mstatus, MSTATUS_TVM
    /* mstatus.TSR: HS's SRET is illegal (taken by M here: hyp_strap itself returns with
     * SRET), VS's is not; M enters VS directly (MPV = 1) and gets its ecall back */
    TEST_CASE 56
    GOTO_M
    li t0, MSTATUS_TSR
    csrs mstatus, t0
    li t0, (1 << CAUSE_ILLEGAL) | (1 << CAUSE_ECALL_VS)
    csrc medeleg, t0
    GOTO_S
    TEST_TRAP 56, CAUSE_ILLEGAL, sret
    CHECK_TRAP_LEVEL PRV_M      /* (resumed in M-mode) */
#ifndef QEMU_COMPAT
    TEST_CASE 57
    li t0, MSTATUS_MPP
    csrc mstatus, t0
    li t0, MPP_S | MSTATUS_MPV
    csrs mstatus, t0
    la t0, 1f
    csrw mepc, t0
    mret
1:  la t0, 2f                   /* in VS-mode: SRET works */
    csrw sepc, t0
    li t0, MSTATUS_SPP
    csrs sstatus, t0
    sret
    j hv_fail
2:  GOTO_M                      /* the VS ecall, not delegated: M takes it */
    CHECK_TRAP_CAUSE CAUSE_ECALL_VS
    CHECK_TRAP_STATUS MSTATUS_MPV | MSTATUS_MPP, MSTATUS_MPV | MPP_S  /* from VS */
    CHECK_CSR_BITS mstatus, MSTATUS_MPV, 0      /* hv_mtrap's MRET cleared MPV */
    li t0, MSTATUS_MPV
    csrc mstatus, t0
#endif
    li t0, MSTATUS_TSR
    csrc mstatus, t0
    li t0, (1 << CAUSE_ILLEGAL) | (1 << CAUSE_ECALL_VS)
    csrs medeleg, t0
    GOTO_S

    /* ==== counters ==== */
    csrw hcounteren, zero
    TEST_VS_VIRTUAL 60, rdcycle a0
    TEST_VS_VIRTUAL 61, rdinstret a0
    li t0, COUNTER_CY | COUNTER_IR
    csrw hcounteren, t0
    TEST_CASE 62                /* allowed by hcounteren */
    GOTO_VS
    rdcycle a0
    rdinstret a0
    GOTO_HS
    csrw scounteren, zero
    TEST_VU_VIRTUAL 63, rdcycle a0              /* VU also needs scounteren */
    li t0, COUNTER_CY
    csrw scounteren, t0
    TEST_CASE 64
    GOTO_VU
    rdcycle a0
    GOTO_HS
    M_DO csrc, mcounteren, COUNTER_CY
    TEST_VS_ILLEGAL 65, rdcycle a0              /* mcounteren first: illegal */
    TEST_VU_ILLEGAL 66, rdcycle a0
    M_DO csrs, mcounteren, COUNTER_CY
    li t0, COUNTER_CY | COUNTER_TM | COUNTER_IR
    csrw hcounteren, t0
    csrw scounteren, t0

    /* ==== htimedelta ==== */
    li t0, COUNTER_CY | COUNTER_IR
    csrw hcounteren, t0
    TEST_VS_VIRTUAL 70, rdtime a0
    li t0, COUNTER_CY | COUNTER_TM | COUNTER_IR
    csrw hcounteren, t0
    TEST_CASE 71                /* VS time = time + htimedelta */
    li s1, 0x100000000000
    csrw htimedelta, s1
    CHECK_CSR htimedelta, 0x100000000000
    rdtime s2
    GOTO_VS
    rdtime s3
    GOTO_HS
    rdtime s4
    add t0, s2, s1
    CHECK_LEU t0, s3
    add t0, s4, s1
    CHECK_LEU s3, t0
    TEST_CASE 72                /* HS time has no delta */
    li t0, 0x100000000000
    CHECK_LTU s4, t0
    TEST_CASE 73                /* a "negative" delta wraps around */
    li s1, -5000
    csrw htimedelta, s1
    rdtime s2
    GOTO_VS
    rdtime s3
    GOTO_HS
    rdtime s4
    add t0, s2, s1
    CHECK_LEU t0, s3
    add t0, s4, s1
    CHECK_LEU s3, t0
    li s1, 0x10000000
    csrw htimedelta, s1         /* keep a delta for the timer tests */

    /* ==== Sstc: vstimecmp ==== */
    M_DO csrs, CSR_MENVCFG, MENVCFG_STCE
    li t0, HENVCFG_STCE
    csrs henvcfg, t0
    TEST_CASE 74
    CHECK_CSR_BITS henvcfg, HENVCFG_STCE, HENVCFG_STCE
    li t0, -1
    csrw vstimecmp, t0
    CHECK_CSR_BITS hip, MIP_VSTIP, 0
    csrw vstimecmp, zero        /* in the past: VSTIP */
    CHECK_CSR_BITS hip, MIP_VSTIP, MIP_VSTIP
    li t0, -1
    csrw vstimecmp, t0
    CHECK_CSR_BITS hip, MIP_VSTIP, 0
    TEST_CASE 75                /* compared with the guest's time: time + htimedelta */
    rdtime t0
    srli t1, s1, 1
    add t0, t0, t1              /* host time + delta/2: behind the guest's time */
    csrw vstimecmp, t0
    CHECK_CSR_BITS hip, MIP_VSTIP, MIP_VSTIP
    rdtime t0
    add t0, t0, s1
    add t0, t0, t1              /* host time + 1.5 delta: ahead of it */
    csrw vstimecmp, t0
    CHECK_CSR_BITS hip, MIP_VSTIP, 0
    li t0, -1
    csrw vstimecmp, t0
    TEST_CASE 76                /* the guest programs its timer and takes interrupt 5 */
    li t0, MIP_VSTIP
    csrw hideleg, t0
    IRQ_LOG_RESET
    GOTO_VS
    li t0, MIP_STIP
    csrw sie, t0                /* vsie.STIE */
    rdtime a0
    li t0, 2000
    add s5, a0, t0
    csrw CSR_STIMECMP, s5       /* vstimecmp */
    csrsi sstatus, MSTATUS_SIE
    WAIT_IRQS 1              /* polls CLINT mtime (G-mapped) */
    csrci sstatus, MSTATUS_SIE
    rdtime a0
    CHECK_LEU s5, a0            /* not before its time */
    CHECK_IRQ_LOG 0, LVL_VS, IRQ_STI
    CHECK_CSR scause, INTERRUPT | IRQ_STI
    GOTO_HS
    TEST_CASE 77
    csrr t0, vstimecmp          /* the guest's stimecmp was vstimecmp */
    CHECK_EQ t0, s5
    CHECK_CSR vscause, INTERRUPT | IRQ_STI
    CHECK_IRQ_COUNT 1
    li t0, -1
    csrw vstimecmp, t0
    csrw hideleg, zero
    TEST_CASE 78                /* henvcfg.STCE = 0: virtual instruction in VS */
    li t0, HENVCFG_STCE
    csrc henvcfg, t0
    TEST_VS_VIRTUAL 78, csrr a0, CSR_STIMECMP
    li t0, HENVCFG_STCE
    csrs henvcfg, t0
    li t0, COUNTER_CY | COUNTER_IR
    csrw hcounteren, t0         /* hcounteren.TM = 0: virtual instruction too */
    TEST_VS_VIRTUAL 79, csrw CSR_STIMECMP, zero
    li t0, COUNTER_CY | COUNTER_TM | COUNTER_IR
    csrw hcounteren, t0
    M_DO csrc, mcounteren, COUNTER_TM           /* mcounteren.TM = 0: illegal below M */
    TEST_HS_ILLEGAL 80, csrr a0, CSR_STIMECMP
    TEST_HS_ILLEGAL 81, csrr a0, vstimecmp
    TEST_VS_ILLEGAL 82, csrr a0, CSR_STIMECMP
    M_DO csrs, mcounteren, COUNTER_TM
    M_DO csrc, CSR_MENVCFG, MENVCFG_STCE        /* menvcfg.STCE = 0: illegal below M */
#ifndef QEMU_COMPAT
    TEST_CASE 83                /* (QEMU 7.2 keeps it) */
    CHECK_CSR_BITS henvcfg, HENVCFG_STCE, 0     /* read-only zero now */
#endif
    TEST_HS_ILLEGAL 84, csrr a0, vstimecmp
    TEST_HS_ILLEGAL 85, csrr a0, CSR_STIMECMP
    TEST_VS_ILLEGAL 86, csrr a0, CSR_STIMECMP
    csrw htimedelta, zero

    /* ==== hvip.VSSIP injection ==== */
    TEST_CASE 90
    li t0, MIP_VSSIP
    csrw hideleg, t0
    IRQ_LOG_RESET
    li t0, MIP_VSSIP
    csrw hvip, t0
    GOTO_VS
    CHECK_CSR_BITS sip, MIP_SSIP, MIP_SSIP      /* vsip.SSIP */
    li t0, MIP_SSIP
    csrw sie, t0
    csrsi sstatus, MSTATUS_SIE  /* taken right here */
    csrci sstatus, MSTATUS_SIE
    CHECK_IRQ_COUNT 1
    CHECK_IRQ_LOG 0, LVL_VS, IRQ_SSI
    CHECK_CSR scause, INTERRUPT | IRQ_SSI
    li t0, MIP_SSIP
    csrc sip, t0                /* clears hvip.VSSIP */
    GOTO_HS
    TEST_CASE 91
    CHECK_CSR vscause, INTERRUPT | IRQ_SSI
    CHECK_CSR_BITS hvip, MIP_VSSIP, 0
    csrw hideleg, zero

    /* ==== hedeleg: a VU ecall to the guest's own handler ==== */
    TEST_CASE 92
    li t0, 1 << CAUSE_ECALL_U
    csrw hedeleg, t0
    GET_EXIT_COUNT s1
    ENTER_VU 1f
1:  TEST_TRAP 92, CAUSE_ECALL_U, ecall      /* resumed in VS-mode by hv_strap */
    CHECK_TRAP_LEVEL PRV_S
    CHECK_TRAP_STATUS MSTATUS_SPP, 0
    GOTO_HS                     /* VS ecall: cause 10 cannot be delegated */
    CHECK_EXIT_CAUSE CAUSE_ECALL_VS
    GET_EXIT_COUNT t0
    addi t0, t0, -1
    CHECK_EQ t0, s1
    csrw hedeleg, zero
    PASS

/* a direct-mode vstvec other than hv_strap (only its address is used) */
    .balign 4
alt_vstvec:
    j hv_strap

    .data
    .balign 8
vs_satp_value: .dword 0
