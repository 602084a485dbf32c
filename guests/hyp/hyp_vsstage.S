/*
 * hyp_vsstage.S - two-stage address translation: a guest with its own Sv39 VS-stage page
 * tables under an Sv39x4 (then Sv48x4) G-stage.
 *
 * HS builds the guest's VS-stage tables in guest memory (the image, mapped at its own
 * address by the G-stage) and extra G-stage mappings, so that VA, GPA and host address all
 * differ; the guest enables its tables itself (csrw satp in VS-mode writes vsatp).
 * Covers:
 *  - loads, stores and fetches translated through both stages; hardware A/D updates in the
 *    VS-stage PTE and in the G-stage PTE (a load sets A, a store sets D);
 *  - a G-stage fault on an implicit access of the VS-stage walk (non-leaf PTE pointing at an
 *    unmapped GPA): guest-page fault of the original access type (load/store/fetch), stval =
 *    the VA, htval = 0 or the PTE's GPA >> 2, and then htinst = 0x3000 (pseudo-instruction);
 *    a VS-stage A/D update into a page-table page that the G-stage maps read-only: guest-page
 *    fault with htinst = 0x3020, while reads of that page table still work;
 *  - G-stage permission faults: fetch without X (htinst 0), store without W, access to a page
 *    without U, unmapped GPA, GPA wider than 41 bits under Sv39x4; hstatus.GVA = SPV = 1;
 *  - a misaligned load whose second half hits an unmapped GPA: a misaligned exception, or a
 *    guest-page fault whose stval, htval and htinst address offset agree (spec: the offset
 *    is stval minus the original address);
 *  - VS-stage page faults: to HS without hedeleg (htval = 0, GVA = 1), to the guest's own
 *    vstvec handler with hedeleg (vscause/vstval right, no exit to HS); SUM for U pages in
 *    VS-mode, U-only access from VU-mode;
 *  - HFENCE.VVMA and HFENCE.GVMA from HS and SFENCE.VMA from VS make PTE changes visible;
 *    two VMIDs with different G-stage tables switch by writing hgatp alone;
 *  - Sv48x4: a GPA above 2^41 is mapped, one at 2^50 faults.
 * QEMU 7.2 departs from the spec here (left out with -DQEMU_COMPAT): a G-stage fault of the
 * VS-stage walk is always reported as a load guest-page fault, even for a store or a fetch
 * (cases 7, 8), so is an AMO guest-page fault (case 15), and the VS-stage A/D update ignores
 * the G-stage write permission of the page-table page (cases 17, 18).
 */
#include "hyp.h"

#define VS_RW   (PTE_R | PTE_W | PTE_A | PTE_D)

/* guest virtual -> guest physical -> host */
#define VA_A      0x10000000    /* -> GPA_A -> page_a; A/D clear at both stages */
#define VA_CODE   0x10001000    /* -> GPA_CODE -> code_page (R+X) */
#define VA_NX     0x10002000    /* -> GPA_NX: G-stage without X */
#define VA_RO     0x10003000    /* -> GPA_RO: G-stage without W (page_b) */
#define VA_NOU    0x10004000    /* -> GPA_NOU: G-stage without U */
#define VA_NOG    0x10005000    /* -> GPA_NOG: no G-stage mapping */
#define VA_X1     0x10006000    /* -> GPA_X1 -> page_b */
#define VA_X2     0x10007000    /* -> GPA_X2: no G-stage mapping */
#define VA_HIGH   0x10008000    /* -> GPA_HIGH = 2^42 */
#define VA_HOLE   0x10009000    /* no VS-stage mapping at all */
#define VA_TOP    0x1000a000    /* -> GPA_TOP = 2^50 */
#define VA_PTW    0x20000000    /* level-1 PTE -> a page table at GPA_PT_HOLE (no G mapping) */
#define VA_ADW    0x20200000    /* level-1 PTE -> a page table at GPA_PT_RO (G: read-only) */

#define GPA_A     0x90000000
#define GPA_CODE  0x90001000
#define GPA_NX    0x90002000
#define GPA_RO    0x90003000
#define GPA_NOU   0x90004000
#define GPA_NOG   0x90005000
#define GPA_X1    0x90006000
#define GPA_X2    0x90007000
#define GPA_HIGH  0x40000000000
#define GPA_TOP   0x4000000000000
#define GPA_PT_HOLE 0xa0000000
#define GPA_PT_RO 0xa0100000

#define PAGE_A0   0xaaaa0001aaaa0000
#define PAGE_B0   0xbbbb0001bbbb0000
#define PAGE_C0   0xcccc0001cccc0000

/* `ld a0, 0(a1)` / `sd a2, 0(a1)` as transformed instructions (rs1 = address offset) */
#define TINST_LD_A0 ((10 << 7) | (3 << 12) | 0x03)
#define TINST_SD_A2 ((12 << 20) | (3 << 12) | 0x23)
#define TINST_AMOADD_A0 ((12 << 20) | (3 << 12) | (10 << 7) | 0x2f)  /* amoadd.d a0, a2 */

/* HS: the leaf PTE whose address is stored at `slot` must have (A, D) == (a, d) */
.macro CHECK_PTE_AD slot, a, d
    ld t0, \slot
    ld t0, 0(t0)
    CHECK_BITS t0, PTE_A | PTE_D, ((\a) * PTE_A) | ((\d) * PTE_D)
.endm

/* test n: the load/store/fetch `inst` (using a1 = va) run in VS must exit to HS with a
 * guest-page fault `cause`, stval = va, hstatus.GVA = SPV = SPVP = 1 */
.macro TEST_VS_GPF n, cause, va, inst:vararg
    TEST_CASE \n
    li a1, \va
    EXPECT_EXIT .Lr\@
    ENTER_VS .Li\@
.Li\@:
    \inst
    j hv_fail
.Lr\@:
    CHECK_EXIT_CAUSE \cause
    CHECK_EXIT_TVAL_REG a1
    CHECK_EXIT_HSTATUS HSTATUS_GVA | HSTATUS_SPV | HSTATUS_SPVP, HSTATUS_GVA | HSTATUS_SPV | HSTATUS_SPVP
.endm

HVTEST_BEGIN
    HYP_INIT 3
    /* ---- G-stage mappings beyond the identity image ---- */
    G_MAP_LABEL GPA_A, page_a, PTE_R | PTE_W | PTE_U, 0
    sd a0, g_pte_a, t0
    G_MAP_LABEL GPA_CODE, code_page, PTE_R | PTE_X | PTE_U | PTE_A, 0
    G_MAP_LABEL GPA_NX, page_b, G_RW, 0
    G_MAP_LABEL GPA_RO, page_b, PTE_R | PTE_U | PTE_A, 0
    G_MAP_LABEL GPA_NOU, page_b, PTE_R | PTE_W | PTE_A | PTE_D, 0
    G_MAP_LABEL GPA_X1, page_b, G_RW, 0
    G_MAP_LABEL GPA_PT_RO, vs_pt_page, PTE_R | PTE_U | PTE_A, 0
    hfence.gvma zero, zero

    /* ---- the guest's VS-stage table (in guest memory: GPA = host address here) ---- */
    li a0, 3
    call hv_vm_basic            /* image identity (VS-mode RWX) + U alias */
    li a1, GPA_A
    VM_MAP VA_A, a1, PTE_R | PTE_W, 0
    sd a0, vs_pte_a, t0
    li a1, GPA_CODE
    VM_MAP VA_CODE, a1, PTE_R | PTE_X | PTE_A, 0
    li a1, GPA_NX
    VM_MAP VA_NX, a1, VS_RW | PTE_X, 0
    li a1, GPA_RO
    VM_MAP VA_RO, a1, VS_RW, 0
    li a1, GPA_NOU
    VM_MAP VA_NOU, a1, VS_RW, 0
    li a1, GPA_NOG
    VM_MAP VA_NOG, a1, VS_RW, 0
    li a1, GPA_X1
    VM_MAP VA_X1, a1, VS_RW, 0
    li a1, GPA_X2
    VM_MAP VA_X2, a1, VS_RW, 0
    li a1, GPA_HIGH
    VM_MAP VA_HIGH, a1, VS_RW, 0
    li a1, GPA_TOP
    VM_MAP VA_TOP, a1, VS_RW, 0
    li a1, GPA_PT_HOLE
    VM_MAP VA_PTW, a1, 0, 1     /* V only: a pointer to the next-level table */
    li a1, GPA_PT_RO
    VM_MAP VA_ADW, a1, 0, 1
    /* the level-0 table at GPA_PT_RO: VA_ADW -> GPA_A with A clear, VA_ADW + 4K with A set */
    li t1, ((GPA_A >> 12) << PTE_PPN_SHIFT) | PTE_V | PTE_R | PTE_W
    sd t1, vs_pt_page, t0
    li t1, ((GPA_A >> 12) << PTE_PPN_SHIFT) | PTE_V | PTE_R | PTE_W | PTE_A
    sd t1, vs_pt_page + 8, t0
    call hv_vm_satp
    sd a0, vs_satp, t0

    /* ---- the guest turns its VS-stage on ---- */
    TEST_CASE 1
    GOTO_VS
    ld a0, vs_satp
    csrw satp, a0               /* vsatp */
    sfence.vma
    la a1, page_a               /* its own image, identity-mapped by both stages */
    ld a0, 0(a1)
    CHECK a0, PAGE_A0
    GOTO_HS
    ld t0, vs_satp
    csrr t1, vsatp
    CHECK_EQ t1, t0
    CHECK_CSR satp, 0

    /* ---- both stages ---- */
    TEST_CASE 2                 /* load VA_A -> GPA_A -> page_a */
    GOTO_VS
    li a1, VA_A
    ld a0, 0(a1)
    CHECK a0, PAGE_A0
    GOTO_HS
    TEST_CASE 3                 /* the load set A (not D) at both stages */
    CHECK_PTE_AD vs_pte_a, 1, 0
    CHECK_PTE_AD g_pte_a, 1, 0
    TEST_CASE 4                 /* store: lands in page_a, sets D at both stages */
    GOTO_VS
    li a1, VA_A
    li a2, 0x1122334455667788
    sd a2, 16(a1)
    GOTO_HS
    CHECK_MEM ld, page_a, 16, 0x1122334455667788
    CHECK_PTE_AD vs_pte_a, 1, 1
    CHECK_PTE_AD g_pte_a, 1, 1
    TEST_CASE 5                 /* fetch through both stages */
    GOTO_VS
    la a1, code_func
    la t0, code_page
    sub a1, a1, t0
    li t0, VA_CODE
    add a1, a1, t0
    li a0, 0
    jalr ra, 0(a1)
    CHECK a0, 0x777
    GOTO_HS

    /* ---- G-stage faults on the implicit accesses of the VS-stage walk ---- */
    TEST_VS_GPF 6, CAUSE_LOAD_GPF, VA_PTW + 0x3000, ld a0, 0(a1)
    CHECK_EXIT_HTVAL_GPA GPA_PT_HOLE + 3 * 8
    CHECK_EXIT_HTINST_PSEUDO TINST_PT_READ
    ld t0, hyp_exit_htinst      /* implicit access: never the transformed ld */
    li t1, TINST_LD_A0
    CHECK_NE t0, t1
#ifndef QEMU_COMPAT
    TEST_VS_GPF 7, CAUSE_STORE_GPF, VA_PTW + 0x5000, sd a2, 0(a1)
    CHECK_EXIT_HTVAL_GPA GPA_PT_HOLE + 5 * 8
    CHECK_EXIT_HTINST_PSEUDO TINST_PT_READ      /* the PTE read failed, not a write */
    TEST_VS_GPF 8, CAUSE_FETCH_GPF, VA_PTW + 0x7000, jalr ra, 0(a1)
    CHECK_EXIT_EPC_REG a1       /* sepc = the fetch target */
    CHECK_EXIT_HTVAL_GPA GPA_PT_HOLE + 7 * 8
    CHECK_EXIT_HTINST_PSEUDO TINST_PT_READ
#endif

    /* ---- G-stage permission faults ---- */
    TEST_VS_GPF 9, CAUSE_FETCH_GPF, VA_NX, jalr ra, 0(a1)
    CHECK_EXIT_EPC_REG a1
    CHECK_EXIT_HTVAL_GPA GPA_NX
    CHECK_EXIT_HTINST 0         /* fetch faults: no transformed instruction */
    TEST_VS_GPF 10, CAUSE_STORE_GPF, VA_RO + 8, sd a2, 0(a1)
    CHECK_EXIT_HTVAL_GPA GPA_RO + 8
    CHECK_EXIT_HTINST_OR0 TINST_SD_A2
    TEST_CASE 11                /* ... the load from there works */
    GOTO_VS
    li a1, VA_RO
    ld a0, 0(a1)
    CHECK a0, PAGE_B0
    GOTO_HS
    TEST_VS_GPF 12, CAUSE_LOAD_GPF, VA_NOU + 16, ld a0, 0(a1)
    CHECK_EXIT_HTVAL_GPA GPA_NOU + 16
    CHECK_EXIT_HTINST_OR0 TINST_LD_A0
    TEST_VS_GPF 13, CAUSE_LOAD_GPF, VA_NOG + 24, ld a0, 0(a1)
    CHECK_EXIT_HTVAL_GPA GPA_NOG + 24
    CHECK_EXIT_HTINST_OR0 TINST_LD_A0
    TEST_VS_GPF 14, CAUSE_LOAD_GPF, VA_HIGH, ld a0, 0(a1)
    CHECK_EXIT_HTVAL_GPA GPA_HIGH       /* wider than the 41 bits of Sv39x4 */
#ifndef QEMU_COMPAT
    TEST_VS_GPF 15, CAUSE_STORE_GPF, VA_NOG + 8, amoadd.d a0, a2, (a1)
    CHECK_EXIT_HTVAL_GPA GPA_NOG + 8
    CHECK_EXIT_HTINST_OR0 TINST_AMOADD_A0
#endif

    /* ---- a misaligned load whose second half has no G-stage mapping ---- */
    TEST_CASE 16
    li a1, VA_X2 - 4
    EXPECT_EXIT 2f
    ENTER_VS 1f
1:  ld a0, 0(a1)
    j hv_fail
2:  ld t0, hyp_exit_cause
    li t1, CAUSE_MISALIGNED_LOAD
    bne t0, t1, 3f
    CHECK_EXIT_TVAL_REG a1      /* misaligned exception: stval = the address */
    j 9f
3:  CHECK t0, CAUSE_LOAD_GPF
    CHECK_EXIT_HSTATUS HSTATUS_GVA, HSTATUS_GVA
    ld t0, hyp_exit_tval
    li t1, VA_X2
    bne t0, t1, 4f
    /* the faulting portion is reported: its GPA, and address offset 4 in htinst */
    CHECK_EXIT_HTVAL_GPA GPA_X2
    CHECK_EXIT_HTINST_OR0 TINST_LD_A0 | (4 << 15)
    j 9f
4:  /* the whole access is reported at its own address (offset 0, htval 0) */
    CHECK_EQ t0, a1
    CHECK_EXIT_HTVAL 0
    CHECK_EXIT_HTINST_OR0 TINST_LD_A0
9:

#ifndef QEMU_COMPAT
    /* ---- A/D update of a VS-stage PTE in a page the G-stage maps read-only ---- */
    TEST_VS_GPF 17, CAUSE_LOAD_GPF, VA_ADW, ld a0, 0(a1)
    CHECK_EXIT_HTVAL_GPA GPA_PT_RO
    CHECK_EXIT_HTINST_PSEUDO TINST_PT_WRITE     /* the implicit write of A failed */
    CHECK_MEM ld, vs_pt_page, 0, ((GPA_A >> 12) << PTE_PPN_SHIFT) | PTE_V | PTE_R | PTE_W
    TEST_VS_GPF 18, CAUSE_STORE_GPF, VA_ADW + PAGE_4K, sd a2, 0(a1)
    CHECK_EXIT_HTVAL_GPA GPA_PT_RO + 8
    CHECK_EXIT_HTINST_PSEUDO TINST_PT_WRITE     /* the implicit write of D failed */
#endif
    TEST_CASE 19                /* A already set: reading through that table works */
    GOTO_VS
    li a1, VA_ADW + PAGE_4K
    ld a0, 0(a1)
    CHECK a0, PAGE_A0
    GOTO_HS

    /* ---- VS-stage page faults without hedeleg: to HS ---- */
    TEST_VS_GPF 20, CAUSE_LOAD_PF, VA_HOLE, ld a0, 0(a1)
    CHECK_EXIT_HTVAL 0          /* not a guest-page fault */
    CHECK_EXIT_HTINST_OR0 TINST_LD_A0

    /* ---- VS-stage page faults delegated to the guest (its vstvec = hv_strap) ---- */
    li t0, (1 << CAUSE_FETCH_PF) | (1 << CAUSE_LOAD_PF) | (1 << CAUSE_STORE_PF)
    csrw hedeleg, t0
    GET_EXIT_COUNT s1
    TEST_CASE 21
    GOTO_VS
    li a1, VA_HOLE + 8
    TEST_TRAP 21, CAUSE_LOAD_PF, ld a0, 0(a1)
    CHECK_TVAL_REG a1
    CHECK_TRAP_LEVEL PRV_S
    CHECK_TRAP_STATUS MSTATUS_SPP, MSTATUS_SPP   /* vsstatus.SPP: from VS */
    li a1, VA_CODE
    TEST_TRAP 22, CAUSE_STORE_PF, sd a0, 0(a1)  /* VS-stage: not writable */
    CHECK_TVAL_REG a1
    TEST_CASE 23                /* fetch from a VS-stage page without X */
    li a1, VA_A
    EXPECT_TRAP 2f
    jalr ra, 0(a1)
    j hv_fail
2:  CHECK_TRAP_CAUSE CAUSE_FETCH_PF
    ld t0, hv_trap_epc
    CHECK_EQ t0, a1
    CHECK_TVAL_REG a1
    TEST_CASE 24                /* a U page from VS-mode: fault without SUM, fine with it */
    la a1, page_a
    li t0, HV_UALIAS_OFF
    add a1, a1, t0
    EXPECT_TRAP 2f
    ld a0, 0(a1)
    j hv_fail
2:  CHECK_TRAP_CAUSE CAUSE_LOAD_PF
    CHECK_TVAL_REG a1
    li t0, MSTATUS_SUM
    csrs sstatus, t0            /* vsstatus.SUM */
    ld a0, 0(a1)
    CHECK a0, PAGE_A0
    li t0, MSTATUS_SUM
    csrc sstatus, t0
    GOTO_HS
    TEST_CASE 25                /* none of this exited to HS but the GOTO_HS ecall */
    GET_EXIT_COUNT t0
    addi t0, t0, -1
    CHECK_EQ t0, s1
    CHECK_CSR vscause, CAUSE_LOAD_PF    /* the guest's CSRs hold the last VS trap */
    la t1, page_a
    li t0, HV_UALIAS_OFF
    add t1, t1, t0
    csrr t0, vstval
    CHECK_EQ t0, t1
    CHECK_CSR_BITS hstatus, HSTATUS_SPVP, HSTATUS_SPVP
    TEST_CASE 26                /* VU-mode may not touch a non-U page: fault to VS */
    ENTER_VU_ALIAS 1f
1:  la a1, page_a               /* the identity address: a VS-only page */
    li t0, HV_UALIAS_OFF
    sub a1, a1, t0
    EXPECT_TRAP 2f
    ld a0, 0(a1)
    j hv_fail
2:  CHECK_TRAP_CAUSE CAUSE_LOAD_PF
    CHECK_TVAL_REG a1
    CHECK_TRAP_STATUS MSTATUS_SPP, 0    /* vsstatus.SPP: from VU */
    GOTO_HS                     /* (hv_strap resumed in VS-mode) */
    csrw hedeleg, zero

    /* ---- fences ---- */
    TEST_CASE 27                /* HFENCE.VVMA after changing a VS-stage PTE */
    ld s2, vs_pte_a
    ld s3, 0(s2)
    li t0, ((GPA_RO >> 12) << PTE_PPN_SHIFT) | PTE_V | VS_RW
    sd t0, 0(s2)
    hfence.vvma zero, zero
    GOTO_VS
    li a1, VA_A
    ld a0, 0(a1)
    CHECK a0, PAGE_B0
    GOTO_HS
    sd s3, 0(s2)
    hfence.vvma zero, zero
    TEST_CASE 28                /* HFENCE.GVMA after changing a G-stage PTE */
    ld s2, g_pte_a
    ld s3, 0(s2)
    la t0, page_c
    srli t0, t0, 12
    slli t0, t0, PTE_PPN_SHIFT
    ori t0, t0, PTE_V | G_RW
    sd t0, 0(s2)
    hfence.gvma zero, zero
    GOTO_VS
    li a1, VA_A
    ld a0, 0(a1)
    CHECK a0, PAGE_C0
    GOTO_HS
    sd s3, 0(s2)
    hfence.gvma zero, zero
    TEST_CASE 29                /* the guest edits its own PTE and uses SFENCE.VMA */
    GOTO_VS
    ld s2, vs_pte_a
    ld s3, 0(s2)
    li t0, ((GPA_X1 >> 12) << PTE_PPN_SHIFT) | PTE_V | VS_RW
    sd t0, 0(s2)
    li a1, VA_A
    sfence.vma a1, zero
    ld a0, 0(a1)
    CHECK a0, PAGE_B0
    sd s3, 0(s2)
    sfence.vma
    ld a0, 0(a1)
    CHECK a0, PAGE_A0
    GOTO_HS

    /* ---- two VMIDs with their own G-stage tables: no fence needed to switch ---- */
    TEST_CASE 33
    ld s4, hyp_g_root           /* VMID 1's table */
    li a0, 3
    call hyp_g_basic
    G_MAP_LABEL GPA_A, page_b, G_RW, 0
    G_ENABLE 3                  /* VMID 3: GPA_A -> page_b */
    csrr s5, hgatp
    GOTO_VS
    li a1, VA_A
    ld a0, 0(a1)
    CHECK a0, PAGE_B0
    GOTO_HS
    sd s4, hyp_g_root, t0       /* back to VMID 1 (cached or not: page_a) */
    G_ENABLE 1
    GOTO_VS
    li a1, VA_A
    ld a0, 0(a1)
    CHECK a0, PAGE_A0
    GOTO_HS
    csrw hgatp, s5              /* and VMID 3 again, without any fence */
    GOTO_VS
    li a1, VA_A
    ld a0, 0(a1)
    CHECK a0, PAGE_B0
    GOTO_HS

    /* ---- Sv48x4: 50-bit guest physical addresses ---- */
    TEST_CASE 30
    li a0, 4
    call hyp_g_basic
    G_MAP_LABEL GPA_A, page_a, G_RW, 0
    G_MAP_LABEL GPA_HIGH, page_c, G_RW, 0
    G_ENABLE 2
    csrr t0, hgatp
    srli t0, t0, SATP_MODE_SHIFT
    CHECK t0, HGATP_MODE_SV48X4
    GOTO_VS
    li a1, VA_HIGH              /* GPA 2^42: mapped now */
    ld a0, 0(a1)
    CHECK a0, PAGE_C0
    li a1, VA_A
    ld a0, 0(a1)
    CHECK a0, PAGE_A0
    GOTO_HS
    TEST_VS_GPF 31, CAUSE_LOAD_GPF, VA_TOP + 32, ld a0, 0(a1)
    CHECK_EXIT_HTVAL_GPA GPA_TOP + 32   /* wider than the 50 bits of Sv48x4 */
    TEST_VS_GPF 32, CAUSE_STORE_GPF, VA_NOG, sd a2, 0(a1)
    CHECK_EXIT_HTVAL_GPA GPA_NOG
    PASS

/* a function executed through VA_CODE: position independent */
    .text
    .balign PAGE_4K
code_page:
    .dword 0
code_func:
    li a0, 0x777
    ret
    .balign PAGE_4K

    .data
    .balign PAGE_4K
page_a:
    .dword PAGE_A0, 0xaaaa0003aaaa0002, 0, 0
    .balign PAGE_4K
page_b:
    .dword PAGE_B0, 0xbbbb0003bbbb0002
    .balign PAGE_4K
page_c:
    .dword PAGE_C0, 0xcccc0003cccc0002
    .balign PAGE_4K
vs_pt_page:                     /* a VS-stage level-0 table (GPA_PT_RO) */
    .fill 512, 8, 0
vs_satp:  .dword 0
vs_pte_a: .dword 0
g_pte_a:  .dword 0
