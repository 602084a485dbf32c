/*
 * hyp_basic.S - a minimal M + HS hypervisor running one VS-mode guest, like KVM does.
 *
 * M-mode delegates to HS (medeleg incl. VS ecall 10, guest-page faults 20/21/23 and
 * virtual instruction 22; mideleg).  HS builds an Sv39x4 G-stage table (16 KiB-aligned root,
 * 4 KiB leaves with U=1) mapping the guest image (its own page-aligned section) at GPA
 * 0x80000000, sets hgatp (VMID 1), and runs the guest with vcpu.S (hstatus.SPV=1, SPVP=1,
 * sepc = guest entry, sret).  The guest (vsatp = Bare):
 *   - prints "Hi!\n" with SBI legacy putchar ecalls (a7 = 1): exits with scause 10, which HS
 *     collects in a buffer and forwards to the HTIF console, advancing sepc;
 *   - loads from GPA 64, which the G-stage does not map (an emulated "MMIO register"), once
 *     with `ld a0, 64(zero)` and once with a compressed `c.ld a2, 0(s1)`: load guest-page
 *     faults (scause 21), whose stval (GVA), htval (GPA >> 2), hstatus.GVA/SPV/SPVP and
 *     htinst (0 or the transformed instruction) HS checks before emulating the load with
 *     0x6688 and skipping the instruction (its length from htinst or read with HLVX.HU);
 *   - reads mhartid: illegal-instruction exit (scause 2, stval = the instruction bits), which
 *     HS emulates with 0x1234;
 *   - reads its own first doubleword at GPA 0x80000000 and stores to its data page, which
 *     proves the G-stage translation (HS compares with the host pages);
 *   - shuts down (a7 = 8): HS checks a0 == 0x6688, a1 == 0x1234, a2 == 0x6688, the callee-
 *     saved registers the guest set at entry (preserved across every exit), the console
 *     text, and the number of exits of each kind.
 * Expected output: "Hi!" then "PASS hyp_basic".
 */
#include "hyp.h"

#define GUEST_BASE      0x80000000  /* GPA of the guest image */
#define MMIO_GPA        64          /* an unmapped GPA whose loads HS emulates */
#define MMIO_VALUE      0x6688
#define MHARTID_VALUE   0x1234
#define SBI_PUTCHAR     1
#define SBI_SHUTDOWN    8
#define STOP_SHUTDOWN   1           /* hyp_vcpu_run's result when the guest shuts down */
#define CONSOLE_SIZE    64
#define PATTERN(n)      (0x5a5a000000000000 + (n))

/* ld a0, 64(zero) and c.ld a2, 0(s1) as transformed instructions: imm and rs1 cleared, and
 * bit 1 cleared for the compressed one */
#define TINST_LD_A0     ((10 << 7) | (3 << 12) | 0x03)
#define TINST_CLD_A2    ((12 << 7) | (3 << 12) | 0x01)

HVTEST_BEGIN
    /* ---- M-mode: delegate to HS ---- */
    TEST_CASE 1
    li t0, HYP_MEDELEG
    csrw medeleg, t0
    CHECK_CSR_BITS medeleg, (1 << CAUSE_ECALL_VS) | (0xb << CAUSE_FETCH_GPF) | (1 << CAUSE_VIRTUAL), (1 << CAUSE_ECALL_VS) | (0xb << CAUSE_FETCH_GPF) | (1 << CAUSE_VIRTUAL)
    li t0, HYP_MIDELEG
    csrw mideleg, t0
    /* the VS-level interrupts are always delegated: mideleg bits 2, 6, 10 read as one */
    CHECK_CSR_BITS mideleg, VS_INTS | HYP_MIDELEG, VS_INTS | HYP_MIDELEG
    GOTO_S

    /* ---- HS-mode: the G-stage table ---- */
    TEST_CASE 2
    la t0, hyp_strap
    csrw stvec, t0
    G_INIT 3
    ld t0, hyp_g_root
    CHECK_BITS t0, 4 * PAGE_4K - 1, 0       /* 16 KiB-aligned root */
    la s1, guest_image
    la s2, guest_image_end
    li s3, GUEST_BASE
1:  mv a0, s3
    mv a1, s1
    li a2, G_RWX | PTE_V
    li a3, 0
    call hyp_g_map
    li t0, PAGE_4K
    add s1, s1, t0
    add s3, s3, t0
    bltu s1, s2, 1b
    G_ENABLE 1
    csrr t0, hgatp                          /* Sv39x4, VMID 1, the root's PPN */
    srli t1, t0, SATP_MODE_SHIFT
    CHECK t1, HGATP_MODE_SV39X4
    srli t1, t0, HGATP_VMID_SHIFT
    andi t1, t1, 0xff
    CHECK t1, 1
    slli t1, t0, 20
    srli t1, t1, 20
    ld t2, hyp_g_root
    srli t2, t2, 12
    CHECK_EQ t1, t2

    /* ---- run the guest ---- */
    TEST_CASE 3
    csrw hedeleg, zero
    csrw hideleg, zero
    csrw vsatp, zero
    csrw vsstatus, zero
    la a0, vcpu
    li t0, GUEST_BASE
    sd t0, VC_PC(a0)
    la t0, exit_table
    sd t0, VC_TABLE(a0)
    call hyp_vcpu_run
    CHECK a0, STOP_SHUTDOWN

    /* ---- what the guest left behind ---- */
    TEST_CASE 20                /* the emulated MMIO loads and mhartid read */
    la s0, vcpu
    ld t0, VC_X(10)(s0)
    CHECK t0, MMIO_VALUE
    ld t0, VC_X(11)(s0)
    CHECK t0, MHARTID_VALUE
    ld t0, VC_X(12)(s0)
    CHECK t0, MMIO_VALUE
    TEST_CASE 21                /* s2-s11 survived every world switch */
    li s1, 18
    li s2, 28
1:  slli t0, s1, 3
    add t0, t0, s0
    ld t0, 0(t0)
    li t1, PATTERN(0)
    add t1, t1, s1
    CHECK_EQ t0, t1
    addi s1, s1, 1
    bltu s1, s2, 1b
    TEST_CASE 22                /* GPA 0x80000000 was the guest's first doubleword... */
    ld t0, VC_X(13)(s0)
    la t1, guest_image
    ld t1, 0(t1)
    CHECK_EQ t0, t1
    li t1, RAM_BASE             /* ... not the host's */
    ld t1, 0(t1)
    CHECK_NE t0, t1
    TEST_CASE 23                /* the guest's store landed in its host page */
    CHECK_MEM ld, guest_data, 0, 0x600dcafe
    TEST_CASE 24                /* the console text */
    ld t0, console_len
    CHECK t0, 4
    CHECK_MEM lwu, console_buf, 0, 0x0a216948       /* "Hi!\n" */
    TEST_CASE 25                /* exits: 4 putchar + 2 MMIO + 1 illegal + shutdown */
    ld t0, VC_EXITS(s0)
    CHECK t0, 8
    ld t0, mmio_exits
    CHECK t0, 2
    ld t0, csr_exits
    CHECK t0, 1
    TEST_CASE 26                /* the last trap (the shutdown ecall) came from V=1 */
    CHECK_CSR_BITS hstatus, HSTATUS_SPV | HSTATUS_SPVP, HSTATUS_SPV | HSTATUS_SPVP
    PASS

/* ==== exit handlers: a0 = s0 = &vcpu; return a0 = 0 to resume the guest ==================== */

/* scause 10: SBI call, dispatched on a7 through sbi_table */
exit_ecall:
    TEST_CASE 4
    mv s1, ra
    csrr t0, hstatus            /* from VS-mode, no guest virtual address */
    CHECK_BITS t0, HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_GVA, HSTATUS_SPV | HSTATUS_SPVP
    CHECK_CSR_BITS sstatus, MSTATUS_SPP, MSTATUS_SPP    /* nominal privilege S */
    CHECK_CSR stval, 0
    CHECK_CSR htval, 0
    CHECK_CSR htinst, 0         /* ECALL has no transformed form */
    ld t0, VC_X(17)(s0)         /* a7 */
    la t1, sbi_table
1:  ld t2, 0(t1)
    beqz t2, hv_fail            /* an SBI call this hypervisor does not know */
    addi t1, t1, 16
    bne t2, t0, 1b
    ld s2, -8(t1)
    mv a0, s0
    call hyp_vcpu_skip
    mv a0, s0
    mv ra, s1
    jr s2

sbi_putchar:
    TEST_CASE 5
    mv s1, ra
    ld t0, console_len
    li t1, CONSOLE_SIZE
    bgeu t0, t1, hv_fail
    ld a0, VC_X(10)(s0)
    la t1, console_buf
    add t1, t1, t0
    sb a0, 0(t1)
    addi t0, t0, 1
    sd t0, console_len, t1
    jal t4, hyp_putchar         /* forward to the real console */
    sd zero, VC_X(10)(s0)       /* SBI legacy: a0 = 0 */
    li a0, 0
    jr s1

sbi_shutdown:
    li a0, STOP_SHUTDOWN
    ret

/* scause 21: the emulated MMIO register at MMIO_GPA */
exit_load_gpf:
    TEST_CASE 6
    mv s1, ra
    CHECK_CSR stval, MMIO_GPA   /* vsatp = Bare: GVA = GPA */
    csrr t0, htval
    beqz t0, 1f
    CHECK t0, MMIO_GPA >> 2
1:  CHECK_CSR_BITS hstatus, HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_GVA, HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_GVA
    /* the instruction: htinst if it holds a transformed one, else read it with HLVX */
    csrr s2, htinst
    bnez s2, 2f
    mv a0, s0
    call hyp_vcpu_insn
    mv s2, a0
    andi t0, s2, 3
    li t1, 3
    beq t0, t1, 3f
    /* compressed (only c.ld here): re-encode as `ld rd', 0(x0)` to find rd */
    srli t0, s2, 2
    andi t0, t0, 7
    addi t0, t0, 8
    slli t0, t0, 7
    li s2, (3 << 12) | 0x01
    or s2, s2, t0
    j 3f
2:  /* a transformed instruction must be one of the two loads of the guest */
    li t0, TINST_LD_A0
    beq s2, t0, 3f
    CHECK s2, TINST_CLD_A2
3:  mv a0, s0
    mv a1, s2
    li a2, MMIO_VALUE
    call hyp_vcpu_set_rd
    mv a0, s0
    call hyp_vcpu_skip
    ld t0, mmio_exits
    addi t0, t0, 1
    sd t0, mmio_exits, t1
    li a0, 0
    jr s1

/* scause 2: emulate `csrr rd, mhartid` */
exit_illegal:
    TEST_CASE 7
    mv s1, ra
    CHECK_CSR_BITS hstatus, HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_GVA, HSTATUS_SPV | HSTATUS_SPVP
    CHECK_CSR htval, 0
    CHECK_CSR htinst, 0
    csrr s2, stval              /* the instruction bits (or 0: read it from guest memory) */
    bnez s2, 1f
    mv a0, s0
    call hyp_vcpu_insn
    mv s2, a0
1:  li t0, 0xfff0707f           /* csr, rs1, funct3, opcode */
    and t0, s2, t0
    CHECK t0, 0xf1402073        /* csrrs rd, mhartid, x0 */
    mv a0, s0
    mv a1, s2
    li a2, MHARTID_VALUE
    call hyp_vcpu_set_rd
    mv a0, s0
    call hyp_vcpu_skip
    ld t0, csr_exits
    addi t0, t0, 1
    sd t0, csr_exits, t1
    li a0, 0
    jr s1

    .section .rodata
    .balign 8
exit_table:                     /* one entry per exception cause, 0 = not handled */
    .dword 0, 0                                 /* 0, 1 */
    .dword exit_illegal                         /* 2 */
    .dword 0, 0, 0, 0, 0, 0, 0                  /* 3-9 */
    .dword exit_ecall                           /* 10 */
    .dword 0, 0, 0, 0, 0, 0, 0, 0, 0, 0         /* 11-20 */
    .dword exit_load_gpf                        /* 21 */
    .dword 0, 0                                 /* 22, 23 */
sbi_table:                      /* SBI extension id (a7), handler */
    .dword SBI_PUTCHAR, sbi_putchar
    .dword SBI_SHUTDOWN, sbi_shutdown
    .dword 0, 0

    .data
    .balign 8
vcpu:        .fill VC_SIZE / 8, 8, 0
console_len: .dword 0
mmio_exits:  .dword 0
csr_exits:   .dword 0
console_buf: .fill CONSOLE_SIZE, 1, 0

/* ==== the guest: its own pages, seen at GPA GUEST_BASE ====================================== */
    GUEST_IMAGE_BEGIN
guest_entry:
    li s2, PATTERN(18)
    li s3, PATTERN(19)
    li s4, PATTERN(20)
    li s5, PATTERN(21)
    li s6, PATTERN(22)
    li s7, PATTERN(23)
    li s8, PATTERN(24)
    li s9, PATTERN(25)
    li s10, PATTERN(26)
    li s11, PATTERN(27)
    la s1, guest_msg
1:  lbu a0, 0(s1)
    beqz a0, 2f
    li a7, SBI_PUTCHAR
    ecall
    addi s1, s1, 1
    j 1b
2:  li t0, GUEST_BASE           /* its own first doubleword, through the G-stage */
    ld a3, 0(t0)
    la t1, guest_data
    li t2, 0x600dcafe
    sd t2, 0(t1)
    li s1, MMIO_GPA
    .option push
    .option rvc
    c.ld a2, 0(s1)              /* emulated MMIO load, compressed */
    c.nop
    .option pop
    ld a0, MMIO_GPA(zero)       /* emulated MMIO load */
    csrr a1, mhartid            /* emulated CSR read */
    li a7, SBI_SHUTDOWN
    ecall
3:  j 3b

    .balign PAGE_4K
guest_data:
    .dword 0
guest_msg:
    .asciz "Hi!\n"
    GUEST_IMAGE_END
