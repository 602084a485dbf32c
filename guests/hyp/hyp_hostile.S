/*
 * hyp_hostile.S - a hostile guest tries to reach memory outside its G-stage mapping.
 *
 * The guest owns five pages (its section of the image) at GPA 0x10000000, nothing else: the
 * G-stage maps neither the hypervisor's image nor any device.  HS hands it the host address
 * of a "secret" page of the hypervisor (a canary and guard words) and runs it with vcpu.S.
 * The guest then attacks, in every way it can think of:
 *  - loads, stores, AMO and LR at GPA 0, at the secret page's host address used as a GPA,
 *    just below and just past its RAM, at 2^41 and above (beyond Sv39x4) and with high bits
 *    added to the secret's address; a misaligned store straddling the end of its RAM;
 *  - instruction fetches from those addresses, a 32-bit instruction straddling the end of
 *    its RAM, and execution falling through the end of its RAM;
 *  - hypervisor instructions and CSRs (HLV, hgatp, vsatp, HFENCE.GVMA);
 *  - its own Sv39 VS-stage table (built by the guest in its memory) mapping 1 GiB at GPA
 *    0x80000000 (where the hypervisor lives in host memory), a non-leaf PTE pointing at the
 *    secret page as its next-level table, leaves pointing at GPA 2^41 and at the largest
 *    PPN, a leaf with reserved bits, and finally vsatp with its root at the secret page.
 * Each attack must end in a trap to HS - a guest-page fault, or a page fault / virtual
 * instruction where that is the architected outcome - matching a table of expectations
 * (cause, stval, sepc for fetches, htval = 0 or the GPA >> 2, hstatus.GVA/SPV, htinst = 0,
 * the transformed instruction with the right address offset, or the VS-stage
 * pseudo-instruction); HS checks after each one that the secret page is untouched, then
 * skips the instruction (for fetches: returns to the guest's ra; for the bad vsatp: turns
 * the VS-stage off) and lets the guest go on.  At the end HS checks that every attack was
 * seen, the secret page and the host memory right after the guest's RAM are intact, and the
 * guest's legitimate stores landed in its own pages.  A failure reports the attack number.
 * QEMU 7.2 reports an AMO guest-page fault, and a store or fetch whose VS-stage walk faults
 * in the G-stage, as load guest-page faults (accepted for attacks 4, 23, 27 with
 * -DQEMU_COMPAT).
 */
#include "hyp.h"

#define GUEST_GPA   0x10000000
#define CANARY      0x5ec12e7ca7a12ee5
#define GUARD1      0x1111222233334444
#define GUARD2      0x5555666677778888
#define GUEST_MARK  0x0dd0c0ffee
#define HUGE_PPN    (((1 << 44) - 1) & ~((1 << 18) - 1))    /* largest 1 GiB-aligned PPN */
#define ANY         -1          /* E_GPA: htval not checked (GPA wider than any mode) */

/* attack table entry: 8 doublewords */
#define E_CAUSE   0
#define E_STVAL   8
#define E_GPA     16            /* the faulting GPA (htval = 0 or E_GPA >> 2), or ANY */
#define E_ORIG    24            /* the original address of the access (sepc for a fetch) */
#define E_PSEUDO  32            /* the htinst pseudo-instruction for a VS-stage walk, or 0 */
#define E_ALT     40            /* another acceptable cause (stval = E_ORIG then), or 0 */
#define E_ACTION  48            /* how HS continues the guest: */
#define E_SIZE    64
#define ACT_SKIP  0             /* past the instruction */
#define ACT_RET   1             /* at the guest's ra (after a fetch fault) */
#define ACT_BARE  2             /* vsatp = Bare, retry (after a fetch fault with vsatp bad) */

/* VS-stage layout the guest builds */
#define VA_HV     0x40000000    /* 1 GiB leaf -> GPA 0x80000000 */
#define VA_PTSEC  0x80000000    /* non-leaf -> next table at the secret page's address */
#define VA_PTSEC_ACC (VA_PTSEC + 3 * PAGE_2M + 5 * PAGE_4K)
#define VA_BIG    0xc0000000    /* 1 GiB leaf -> GPA 2^41 */
#define VA_HUGE   0x100000000   /* 1 GiB leaf -> the largest PPN */
#define VA_RSV    0x140000000   /* leaf with reserved bit 60 */

.macro ATTACK cause, stval, gpa, orig, pseudo=0, alt=0, action=ACT_SKIP
    .dword \cause, \stval, \gpa, \orig, \pseudo, \alt, \action, 0
.endm

#define GPA_OF(label) ((label) - guest_image + GUEST_GPA)
#define GUEST_END GPA_OF(guest_image_end)

HVTEST_BEGIN
    /* ---- M: delegate; HS: the guest's G-stage (its five pages, nothing else) ---- */
    li t0, HYP_MEDELEG
    csrw medeleg, t0
    li t0, HYP_MIDELEG
    csrw mideleg, t0
    GOTO_S
    la t0, hyp_strap
    csrw stvec, t0
    csrw hedeleg, zero
    csrw hideleg, zero
    csrw vsatp, zero
    csrw vsstatus, zero
    G_INIT 3
    la s1, guest_image
    la s2, guest_image_end
    li s3, GUEST_GPA
1:  mv a0, s3
    mv a1, s1
    li a2, G_RWX | PTE_V
    li a3, 0
    call hyp_g_map
    li t0, PAGE_4K
    add s1, s1, t0
    add s3, s3, t0
    bltu s1, s2, 1b
    G_ENABLE 7
    csrr t0, hgatp
    sd t0, hgatp_value, t1

    /* ---- run it ---- */
    TEST_CASE 100
    la t0, guest_image_end      /* host memory right after the guest's RAM */
    ld t0, 0(t0)
    sd t0, after_guest, t1
    la a0, vcpu
    li t0, GUEST_GPA
    sd t0, VC_PC(a0)
    la t0, exit_table
    sd t0, VC_TABLE(a0)
    la t0, hv_secret
    sd t0, VC_X(10)(a0)         /* the guest knows where the secret lives */
    call hyp_vcpu_run
    CHECK a0, 1

    /* ---- after the last attack ---- */
    TEST_CASE 101               /* every attack was seen, in order */
    ld t0, attack_next
    ld t1, attack_count
    CHECK_EQ t0, t1
    TEST_CASE 102               /* the secret page and the host memory after the guest's */
    call check_secret
    la t0, guest_image_end
    ld t0, 0(t0)
    ld t1, after_guest
    CHECK_EQ t0, t1
    TEST_CASE 103               /* the guest's own stores landed in its pages */
    CHECK_MEM ld, guest_data, 0, GUEST_MARK
    TEST_CASE 104               /* hgatp as HS left it */
    csrr t0, hgatp
    ld t1, hgatp_value
    CHECK_EQ t0, t1
    PASS

/* the secret page must be intact; clobbers t0, t5, t6 */
check_secret:
    la t0, hv_secret
    ld t0, 0(t0)
    CHECK t0, CANARY
    la t0, hv_secret
    ld t0, 8(t0)
    CHECK t0, GUARD1
    la t0, hv_secret
    ld t0, 16(t0)
    CHECK t0, GUARD2
    ret

/* ==== exit handlers (a0 = s0 = &vcpu) ========================================================= */

/* scause 10: a7 = 0 means "done" */
exit_ecall:
    ld t0, VC_X(17)(s0)
    bnez t0, hyp_vcpu_fail
    li a0, 1
    ret

/* every other exception: the next attack of the table */
exit_attack:
    mv s1, ra
    ld t0, attack_next
    addi gp, t0, 1              /* failures report the attack number */
    ld t1, attack_count
    bgeu t0, t1, hyp_vcpu_fail  /* more faults than attacks */
    slli t1, t0, 6
    la s2, attacks
    add s2, s2, t1
    csrr s3, scause
    csrr s4, stval
    csrr s5, htval
    csrr s6, htinst
    csrr s7, hstatus
    CHECK_BITS s7, HSTATUS_SPV | HSTATUS_SPVP, HSTATUS_SPV | HSTATUS_SPVP
    /* the cause and stval: as expected, or the alternative cause at the original address */
    ld t0, E_CAUSE(s2)
    ld t1, E_STVAL(s2)
    bne s3, t0, 1f
    beq s4, t1, 2f
1:  ld t0, E_ALT(s2)
    beqz t0, 7f
    bne s3, t0, 7f
    ld t1, E_ORIG(s2)
    beq s4, t1, 2f
7:  ld t0, E_CAUSE(s2)          /* neither: report the cause, then stval */
    CHECK_EQ s3, t0
    ld t1, E_STVAL(s2)
    CHECK_EQ s4, t1
2:  /* a fetch fault: sepc = the fetched address */
    li t0, CAUSE_FETCH_GPF
    bne s3, t0, 3f
    csrr t1, sepc
    ld t2, E_ORIG(s2)
    CHECK_EQ t1, t2
3:  /* the rest depends on the kind of trap */
    li t0, CAUSE_FETCH_GPF
    beq s3, t0, gpf
    li t0, CAUSE_LOAD_GPF
    beq s3, t0, gpf
    li t0, CAUSE_STORE_GPF
    beq s3, t0, gpf
    li t0, CAUSE_VIRTUAL
    beq s3, t0, virt
    /* page fault or misaligned: a guest virtual address, no htval */
    CHECK_BITS s7, HSTATUS_GVA, HSTATUS_GVA
    CHECK s5, 0
    j checked
virt:
    CHECK_BITS s7, HSTATUS_GVA, 0
    CHECK s5, 0
    CHECK s6, 0
    j checked
gpf:
    CHECK_BITS s7, HSTATUS_GVA, HSTATUS_GVA
    ld t0, E_GPA(s2)
    li t1, ANY
    beq t0, t1, 4f
    beqz s5, 4f
    srli t0, t0, 2
    CHECK_EQ s5, t0
4:  ld t0, E_PSEUDO(s2)
    beqz t0, 5f
    /* a VS-stage walk: the pseudo-instruction (required once htval is nonzero) */
    beqz s6, 6f
    CHECK_EQ s6, t0
    j checked
6:  CHECK s5, 0
    j checked
5:  /* an explicit access: htinst = 0 or a transformed instruction with the address offset */
    beqz s6, checked
    li t0, CAUSE_FETCH_GPF
    CHECK_NE s3, t0             /* never for a fetch */
    andi t0, s6, 3
    CHECK t0, 3
    srli t0, s6, 15
    andi t0, t0, 31
    ld t1, E_ORIG(s2)
    sub t1, s4, t1
    CHECK_EQ t0, t1
checked:
    call check_secret
    ld t0, E_ACTION(s2)
    slli t0, t0, 3
    la t1, actions
    add t1, t1, t0
    ld t1, 0(t1)
    jalr ra, 0(t1)
    ld t0, attack_next
    addi t0, t0, 1
    sd t0, attack_next, t1
    li a0, 0
    jr s1

act_skip:
    mv a0, s0
    j hyp_vcpu_skip
act_ret:
    ld t0, VC_X(1)(s0)
    sd t0, VC_PC(s0)
    ret
act_bare:
    csrw vsatp, zero
    hfence.vvma zero, zero
    ret

/* fill in the trap record and report */
hyp_vcpu_fail:
    la t1, hyp_exit_info
    csrr t0, scause
    sd t0, XI_CAUSE(t1)
    csrr t0, sepc
    sd t0, XI_EPC(t1)
    csrr t0, stval
    sd t0, XI_TVAL(t1)
    csrr t0, htval
    sd t0, XI_HTVAL(t1)
    csrr t0, htinst
    sd t0, XI_HTINST(t1)
    csrr t0, hstatus
    sd t0, XI_HSTATUS(t1)
    j hyp_unexpected

    .section .rodata
    .balign 8
actions:
    .dword act_skip, act_ret, act_bare
exit_table:
    .rept 10
    .dword exit_attack          /* 0-9 */
    .endr
    .dword exit_ecall           /* 10 */
    .rept 13
    .dword exit_attack          /* 11-23 */
    .endr

/* QEMU 7.2 reports AMO guest-page faults, and faults of the VS-stage walk for a store or a
 * fetch, as load guest-page faults: accepted with -DQEMU_COMPAT */
#ifdef QEMU_COMPAT
#define QEMU_ALT CAUSE_LOAD_GPF
#else
#define QEMU_ALT 0
#endif

attacks:
    /* vsatp = Bare: GVA = GPA */
    ATTACK CAUSE_LOAD_GPF, 0, 0, 0                                          /* 1 */
    ATTACK CAUSE_LOAD_GPF, hv_secret, hv_secret, hv_secret                  /* 2 */
    ATTACK CAUSE_STORE_GPF, hv_secret, hv_secret, hv_secret                 /* 3 */
    ATTACK CAUSE_STORE_GPF, hv_secret + 8, hv_secret + 8, hv_secret + 8, 0, QEMU_ALT /* 4 */
    ATTACK CAUSE_LOAD_GPF, hv_secret + 16, hv_secret + 16, hv_secret + 16   /* 5: LR */
    ATTACK CAUSE_STORE_GPF, GUEST_GPA - 8, GUEST_GPA - 8, GUEST_GPA - 8     /* 6 */
    ATTACK CAUSE_LOAD_GPF, GUEST_END, GUEST_END, GUEST_END                  /* 7 */
    /* 8: sd straddling the end of guest RAM (or a misaligned-store exception) */
    ATTACK CAUSE_STORE_GPF, GUEST_END, GUEST_END, GUEST_END - 4, 0, CAUSE_MISALIGNED_STORE
    ATTACK CAUSE_LOAD_GPF, 1 << 41, ANY, 1 << 41                            /* 9 */
    ATTACK CAUSE_LOAD_GPF, -8, ANY, -8                                      /* 10 */
    ATTACK CAUSE_LOAD_GPF, hv_secret + (1 << 41), ANY, hv_secret + (1 << 41) /* 11 */
    ATTACK CAUSE_FETCH_GPF, hv_secret, hv_secret, hv_secret, 0, 0, ACT_RET  /* 12 */
    ATTACK CAUSE_FETCH_GPF, 1 << 41, ANY, 1 << 41, 0, 0, ACT_RET            /* 13 */
    /* 14: a 32-bit instruction in the last two bytes of guest RAM */
    ATTACK CAUSE_FETCH_GPF, GUEST_END, GUEST_END, GUEST_END - 2, 0, 0, ACT_RET
    /* virtual instruction: stval = the instruction bits, or 0 (the alternative) */
    ATTACK CAUSE_VIRTUAL, 0x6c05c573, 0, 0, 0, CAUSE_VIRTUAL                /* 15: hlv.d */
    ATTACK CAUSE_VIRTUAL, 0x68001073, 0, 0, 0, CAUSE_VIRTUAL                /* 16: hgatp */
    ATTACK CAUSE_VIRTUAL, 0x28001073, 0, 0, 0, CAUSE_VIRTUAL                /* 17: vsatp */
    ATTACK CAUSE_VIRTUAL, 0x62000073, 0, 0, 0, CAUSE_VIRTUAL                /* 18: hfence */
    /* its own VS-stage table */
    ATTACK CAUSE_LOAD_GPF, hv_secret - 0x80000000 + VA_HV, hv_secret, hv_secret - 0x80000000 + VA_HV /* 19 */
    ATTACK CAUSE_STORE_GPF, hv_secret - 0x80000000 + VA_HV + 8, hv_secret + 8, hv_secret - 0x80000000 + VA_HV + 8 /* 20 */
    ATTACK CAUSE_FETCH_GPF, hv_secret - 0x80000000 + VA_HV, hv_secret, hv_secret - 0x80000000 + VA_HV, 0, 0, ACT_RET /* 21 */
    ATTACK CAUSE_LOAD_GPF, VA_PTSEC_ACC, hv_secret + 3 * 8, VA_PTSEC_ACC, TINST_PT_READ /* 22 */
    ATTACK CAUSE_STORE_GPF, VA_PTSEC_ACC, hv_secret + 3 * 8, VA_PTSEC_ACC, TINST_PT_READ, QEMU_ALT /* 23 */
    ATTACK CAUSE_LOAD_GPF, VA_BIG + 0x100, ANY, VA_BIG + 0x100              /* 24 */
    ATTACK CAUSE_LOAD_GPF, VA_HUGE + 0x200, ANY, VA_HUGE + 0x200            /* 25 */
    ATTACK CAUSE_LOAD_PF, VA_RSV, 0, VA_RSV                                 /* 26 */
    /* 27: vsatp's root at the secret page: the next fetch walks it */
    ATTACK CAUSE_FETCH_GPF, GPA_OF(bad_root_next), hv_secret, GPA_OF(bad_root_next), TINST_PT_READ, QEMU_ALT, ACT_BARE
    /* 28: execution running off the end of its RAM */
    ATTACK CAUSE_FETCH_GPF, GUEST_END, GUEST_END, GUEST_END, 0, 0, ACT_RET
attacks_end:
attack_count:
    .dword (attacks_end - attacks) / E_SIZE

    .data
    .balign 8
vcpu:        .fill VC_SIZE / 8, 8, 0
attack_next: .dword 0
after_guest: .dword 0
hgatp_value: .dword 0
    .balign PAGE_4K
hv_secret:   .dword CANARY, GUARD1, GUARD2
    .balign PAGE_4K

/* ==== the guest ================================================================================ */
    GUEST_IMAGE_BEGIN
guest_entry:
    mv s11, a0                  /* the secret's host address */
    la t0, guest_data
    li t1, GUEST_MARK
    sd t1, 0(t0)                /* a legitimate store */
    la s10, guest_image_end     /* GPA just past its RAM */

    /* ---- vsatp = Bare ---- */
    ld a1, 0(zero)                              /* 1 */
    ld a1, 0(s11)                               /* 2 */
    li t1, 0xbad
    sd t1, 0(s11)                               /* 3 */
    addi t0, s11, 8
    amoswap.d a1, t1, (t0)                      /* 4 */
    addi t0, s11, 16
    lr.d a1, (t0)                               /* 5 */
    li t0, GUEST_GPA
    sd t1, -8(t0)                               /* 6 */
    ld a1, 0(s10)                               /* 7 */
    li t1, 0x0123456789abcdef
    sd t1, -4(s10)                              /* 8 */
    li t0, 1 << 41
    ld a1, 0(t0)                                /* 9 */
    ld a1, -8(zero)                             /* 10 */
    li t0, 1 << 41
    add t0, t0, s11
    ld a1, 0(t0)                                /* 11 */
    jalr ra, 0(s11)                             /* 12 */
    li t0, 1 << 41
    jalr ra, 0(t0)                              /* 13 */
    li t1, 0x0013                               /* the first half of a 32-bit addi */
    sh t1, -2(s10)
    fence.i
    addi t0, s10, -2
    jalr ra, 0(t0)                              /* 14 */
    hlv.d a0, (a1)                              /* 15 */
    csrw hgatp, zero                            /* 16 */
    csrw vsatp, zero                            /* 17 */
    hfence.gvma zero, zero                      /* 18 */

    /* ---- its own VS-stage table ---- */
    la s0, guest_pt_root
    la s1, guest_pt_l1
    srli t0, s1, 12             /* root[0] -> l1 */
    slli t0, t0, PTE_PPN_SHIFT
    ori t0, t0, PTE_V
    sd t0, 0(s0)
    li t0, ((GUEST_GPA >> 12) << PTE_PPN_SHIFT) | PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D
    sd t0, ((GUEST_GPA >> 21) & 0x1ff) * 8(s1)  /* l1: its own 2 MiB, identity */
    li t0, ((0x80000000 >> 12) << PTE_PPN_SHIFT) | PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D
    sd t0, 8(s0)                /* root[1]: VA_HV -> GPA 0x80000000 */
    srli t0, s11, 12
    slli t0, t0, PTE_PPN_SHIFT
    ori t0, t0, PTE_V
    sd t0, 16(s0)               /* root[2]: next table = the secret page */
    li t0, (((1 << 41) >> 12) << PTE_PPN_SHIFT) | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
    sd t0, 24(s0)               /* root[3]: VA_BIG -> GPA 2^41 */
    li t0, (HUGE_PPN << PTE_PPN_SHIFT) | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
    sd t0, 32(s0)               /* root[4]: VA_HUGE -> the largest PPN */
    li t0, ((GUEST_GPA >> 12) << PTE_PPN_SHIFT) | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D | (1 << 60)
    sd t0, 40(s0)               /* root[5]: reserved bit 60 */
    srli s2, s0, 12
    li t0, SATP_MODE_SV39 << SATP_MODE_SHIFT
    or s2, s2, t0
    csrw satp, s2
    sfence.vma
    li t0, VA_HV - 0x80000000
    add s3, s11, t0             /* the secret through root[1] */
    ld a1, 0(s3)                                /* 19 */
    sd t1, 8(s3)                                /* 20 */
    jalr ra, 0(s3)                              /* 21 */
    li t0, VA_PTSEC_ACC
    ld a1, 0(t0)                                /* 22 */
    sd t1, 0(t0)                                /* 23 */
    li t0, VA_BIG + 0x100
    ld a1, 0(t0)                                /* 24 */
    li t0, VA_HUGE + 0x200
    ld a1, 0(t0)                                /* 25 */
    li t0, VA_RSV
    ld a1, 0(t0)                                /* 26 */
    srli t0, s11, 12            /* 27: vsatp's root = the secret page */
    li t1, SATP_MODE_SV39 << SATP_MODE_SHIFT
    or t0, t0, t1
    csrw satp, t0
bad_root_next:
    nop                         /* HS turned the VS-stage off: back to GVA = GPA */
    li t1, 0x00000013           /* nop in the last word of its RAM, then fall through */
    sw t1, -4(s10)
    fence.i
    addi t0, s10, -4
    jalr ra, 0(t0)                              /* 28 */
    li a7, 0
    ecall
1:  j 1b

    .balign PAGE_4K
guest_pt_root:
    .fill 512, 8, 0
guest_pt_l1:
    .fill 512, 8, 0
guest_data:
    .fill 512, 8, 0
    GUEST_IMAGE_END
