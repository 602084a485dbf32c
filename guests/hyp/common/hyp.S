/*
 * hyp.S - the HS-mode side of hvsim's H-extension test framework.
 *
 * Owns:
 *  - hyp_strap: the HS-mode trap handler (stvec) of the straight-line test programs.  It
 *    records every exception (scause, sepc, stval, htval, htinst, hstatus, sstatus) in
 *    hyp_exit_info and resumes in HS-mode at the label armed with EXPECT_EXIT (hyp.h),
 *    whether the trap came from HS/U (V=0) or from the guest (V=1).  Interrupts are logged
 *    in hvtest's interrupt log as (LVL_HS << 8) | code, their sie/hie enable bit is
 *    cleared, and the interrupted context (guest or not) resumes.  An exception nobody
 *    expected prints the record and exits with the running test number.
 *  - the G-stage page-table builder (Sv39x4, Sv48x4) with its own pool, 16 KiB-aligned
 *    roots:
 *      hyp_g_init(a0 = levels)                 start a new empty table
 *      hyp_g_map(a0 = gpa, a1 = pa, a2 = flags, a3 = leaf level) -> a0 = &leaf PTE
 *      hyp_g_hgatp(a0 = vmid) -> a0            the hgatp value for the current table
 *      hyp_g_basic(a0 = levels)                hyp_g_init + identity mappings of the image's
 *                                              2 MiB (one 2 MiB leaf, RWX, U, A, D) and of
 *                                              the CLINT (mtime readable by the guest)
 *    hyp_g_root holds the table they work on (save/restore it to keep several tables).
 *    They clobber a0-a7 and t0-t4 and use no stack.
 *  - hyp_putchar(a0) / hyp_puts(a1) / hyp_puthex(a2): console output (HTIF, or the 16550
 *    UART of QEMU's virt machine when nobody consumes tohost), for hypervisor code that
 *    forwards guest output and for the failure report.
 */
#include "hyp.h"

#define G_POOL_PAGES 40

    .text
    .option norvc

/* ==== HS trap handler ====================================================================== */
    .balign 256
    .globl hyp_strap
hyp_strap:
    csrw sscratch, t0
    la t0, hyp_ssave
    sd t1, 0(t0)
    sd t2, 8(t0)
    sd t3, 16(t0)
    la t1, hyp_exit_info
    csrr t2, scause
    bltz t2, .Lirq
    sd t2, XI_CAUSE(t1)
    csrr t2, sepc
    sd t2, XI_EPC(t1)
    csrr t2, stval
    sd t2, XI_TVAL(t1)
    csrr t2, htval
    sd t2, XI_HTVAL(t1)
    csrr t2, htinst
    sd t2, XI_HTINST(t1)
    csrr t2, hstatus
    sd t2, XI_HSTATUS(t1)
    csrr t2, sstatus
    sd t2, XI_SSTATUS(t1)
    ld t2, XI_COUNT(t1)
    addi t2, t2, 1
    sd t2, XI_COUNT(t1)
    ld t2, XI_RESUME(t1)
    beqz t2, hyp_unexpected
    sd zero, XI_RESUME(t1)
    /* a label armed by code running in the U alias: resume at its identity address */
    li t3, HV_UALIAS_VA
    sub t3, t2, t3
    li t0, PAGE_2M
    bgeu t3, t0, 1f
    li t3, HV_UALIAS_OFF
    sub t2, t2, t3
1:  csrw sepc, t2
    li t2, HSTATUS_SPV          /* resume in HS, whatever mode trapped */
    csrc hstatus, t2
    li t2, MSTATUS_SPP
    csrs sstatus, t2
    li t2, MSTATUS_SPIE
    csrc sstatus, t2
    j .Lreturn
.Lirq:
    slli t2, t2, 1
    srli t2, t2, 1
    li t3, 1
    sll t3, t3, t2
    csrc sie, t3
    csrc hie, t3
    csrr t3, hstatus
    sd t3, XI_IRQ_HSTATUS(t1)
    ori t2, t2, LVL_HS << 8
    la t1, hv_trap_info
    ld t3, TI_IRQ_COUNT(t1)
    li t0, TI_IRQ_LOG_N
    bgeu t3, t0, 1f
    slli t0, t3, 3
    add t0, t0, t1
    sd t2, TI_IRQ_LOG(t0)
1:  addi t3, t3, 1
    sd t3, TI_IRQ_COUNT(t1)
    csrr t2, sepc
    sd t2, TI_IRQ_EPC(t1)
    csrr t2, sstatus
    sd t2, TI_IRQ_STATUS(t1)
.Lreturn:
    la t0, hyp_ssave
    ld t1, 0(t0)
    ld t2, 8(t0)
    ld t3, 16(t0)
    csrr t0, sscratch
    sret

/* An exception no test expected (the record is in hyp_exit_info): report and exit with gp.
 * Also the target of the vcpu runtime for exits its table does not handle. */
    .globl hyp_unexpected
hyp_unexpected:
    la a1, hyp_msg_fail
    jal t3, hyp_puts
    la a1, hv_test_name
    jal t3, hyp_puts
    la a1, hyp_msg_test
    jal t3, hyp_puts
    mv a2, gp
    jal t3, hyp_putdec
    la a1, hyp_msg_exit
    jal t3, hyp_puts
    la s1, hyp_exit_info
    la s2, hyp_report_fields
1:  ld a1, 0(s2)
    beqz a1, 2f
    jal t3, hyp_puts
    ld t0, 8(s2)
    add t0, t0, s1
    ld a2, 0(t0)
    jal t3, hyp_puthex
    addi s2, s2, 16
    j 1b
2:  li a0, ')'
    jal t4, hyp_putchar
    li a0, '\n'
    jal t4, hyp_putchar
    mv a0, gp
    li t0, 255
    beqz a0, 3f
    bltu a0, t0, 4f
3:  mv a0, t0
4:  j hv_exit

/* ==== console ============================================================================== */

/* putchar(a0) through HTIF (device 1, command 1), else the virt machine's UART; returns
 * through t4; clobbers t0-t2. */
    .globl hyp_putchar
hyp_putchar:
    ld t0, hyp_no_htif
    bnez t0, 4f
    li t1, (1 << 56) | (1 << 48)
    andi a0, a0, 0xff
    or t1, t1, a0
    la t0, tohost
    sd t1, 0(t0)
    li t2, 100000
1:  ld t1, 0(t0)
    beqz t1, 2f
    addi t2, t2, -1
    bnez t2, 1b
    sd zero, 0(t0)
    li t1, 1
    sd t1, hyp_no_htif, t2
    j 4f
2:  la t0, fromhost
    sd zero, 0(t0)
    jr t4
4:  li t0, VIRT_UART
    li t2, 100000
5:  lbu t1, 5(t0)
    andi t1, t1, 0x20
    bnez t1, 6f
    addi t2, t2, -1
    bnez t2, 5b
6:  sb a0, 0(t0)
    jr t4

/* puts(a1); returns through t3; clobbers a0, a1, t0-t2, t4 */
    .globl hyp_puts
hyp_puts:
1:  lbu a0, 0(a1)
    beqz a0, 2f
    jal t4, hyp_putchar
    addi a1, a1, 1
    j 1b
2:  jr t3

/* a2 in decimal; returns through t3; clobbers a0-a5, t0-t2, t4 */
hyp_putdec:
    la a3, hyp_numbuf + 31
    sb zero, 0(a3)
    li a4, 10
1:  addi a3, a3, -1
    remu a5, a2, a4
    addi a5, a5, '0'
    sb a5, 0(a3)
    divu a2, a2, a4
    bnez a2, 1b
    mv a1, a3
    j hyp_puts

/* a2 as 0x + 16 hex digits; returns through t3; clobbers a0-a5, t0-t2, t4 */
    .globl hyp_puthex
hyp_puthex:
    la a3, hyp_numbuf + 31
    sb zero, 0(a3)
    li a4, 16
1:  addi a3, a3, -1
    andi a5, a2, 15
    addi a5, a5, '0'
    li a0, '9'
    ble a5, a0, 2f
    addi a5, a5, 'a' - '0' - 10
2:  sb a5, 0(a3)
    srli a2, a2, 4
    addi a4, a4, -1
    bnez a4, 1b
    addi a3, a3, -1
    li a5, 'x'
    sb a5, 0(a3)
    addi a3, a3, -1
    li a5, '0'
    sb a5, 0(a3)
    mv a1, a3
    j hyp_puts

/* ==== G-stage page tables =================================================================== */

    .globl hyp_g_init
hyp_g_init:
    sd a0, hyp_g_levels, t0
    /* the root: 16 KiB, 16 KiB-aligned, from the pool */
    ld a7, hyp_g_next
    li t0, 4 * PAGE_4K - 1
    add a7, a7, t0
    not t0, t0
    and a7, a7, t0
    li t0, 4 * PAGE_4K
    add t1, a7, t0
    la t0, hyp_g_pool_end
    bgtu t1, t0, hv_fail
    sd t1, hyp_g_next, t2
    sd a7, hyp_g_root, t2
    mv t0, a7
1:  sd zero, 0(t0)
    addi t0, t0, 8
    bltu t0, t1, 1b
    ret

/* a7 = a fresh zeroed 4 KiB page from the pool; clobbers t0-t2 */
hyp_g_alloc:
    ld a7, hyp_g_next
    li t0, PAGE_4K
    add t1, a7, t0
    la t0, hyp_g_pool_end
    bgtu t1, t0, hv_fail
    sd t1, hyp_g_next, t2
    mv t0, a7
1:  sd zero, 0(t0)
    addi t0, t0, 8
    bltu t0, t1, 1b
    ret

    .globl hyp_g_map
hyp_g_map:
    mv a6, ra
    mv a4, a0                   /* gpa */
    ld a5, hyp_g_root           /* current table */
    ld t3, hyp_g_levels
    addi t3, t3, -1             /* current level */
    li t4, 0x7ff                /* index width: 11 bits at the root, 9 below */
1:  slli t0, t3, 3
    add t0, t0, t3              /* 9 * level */
    addi t0, t0, 12
    srl t1, a4, t0
    and t1, t1, t4
    li t4, 0x1ff
    slli t1, t1, 3
    add t1, t1, a5              /* &pte at this level */
    beq t3, a3, 3f
    ld t2, 0(t1)
    andi t0, t2, PTE_V
    bnez t0, 2f
    mv a0, t1
    jal ra, hyp_g_alloc
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

    .globl hyp_g_hgatp
hyp_g_hgatp:
    slli a1, a0, HGATP_VMID_SHIFT
    ld a0, hyp_g_root
    srli a0, a0, 12
    or a0, a0, a1
    ld t0, hyp_g_levels
    li t1, HGATP_MODE_SV39X4
    li t2, 3
    beq t0, t2, 1f
    li t1, HGATP_MODE_SV48X4
1:  slli t1, t1, SATP_MODE_SHIFT
    or a0, a0, t1
    ret

    .globl hyp_g_basic
hyp_g_basic:
    mv a7, ra
    sd a7, hyp_g_ra, t0
    jal ra, hyp_g_init
    li a0, RAM_BASE
    li a1, RAM_BASE
    li a2, G_RWX | PTE_V
    li a3, 1
    jal ra, hyp_g_map
    li a0, CLINT_MTIME & ~(PAGE_4K - 1)
    mv a1, a0
    li a2, G_RW | PTE_V
    li a3, 0
    jal ra, hyp_g_map
    ld ra, hyp_g_ra
    ret

/* ==== data =================================================================================== */
    .section .rodata
hyp_msg_fail: .asciz "FAIL "
hyp_msg_test: .asciz " test "
hyp_msg_exit: .asciz " (unexpected exit to HS:"
hyp_msg_cause: .asciz " cause "
hyp_msg_epc:  .asciz " epc "
hyp_msg_tval: .asciz " tval "
hyp_msg_htval: .asciz " htval "
hyp_msg_htinst: .asciz " htinst "
hyp_msg_hstatus: .asciz " hstatus "
    .balign 8
hyp_report_fields:
    .dword hyp_msg_cause, XI_CAUSE
    .dword hyp_msg_epc, XI_EPC
    .dword hyp_msg_tval, XI_TVAL
    .dword hyp_msg_htval, XI_HTVAL
    .dword hyp_msg_htinst, XI_HTINST
    .dword hyp_msg_hstatus, XI_HSTATUS
    .dword 0, 0

    .data
    .balign 64
    .globl hyp_exit_info, hyp_exit_resume, hyp_exit_cause, hyp_exit_epc, hyp_exit_tval
    .globl hyp_exit_htval, hyp_exit_htinst, hyp_exit_hstatus, hyp_exit_sstatus
    .globl hyp_exit_count, hyp_irq_hstatus
hyp_exit_info:
hyp_exit_resume:  .dword 0
hyp_exit_cause:   .dword 0
hyp_exit_epc:     .dword 0
hyp_exit_tval:    .dword 0
hyp_exit_htval:   .dword 0
hyp_exit_htinst:  .dword 0
hyp_exit_hstatus: .dword 0
hyp_exit_sstatus: .dword 0
hyp_exit_count:   .dword 0
hyp_irq_hstatus:  .dword 0
hyp_ssave:        .fill 4, 8, 0
hyp_no_htif:      .dword 0
hyp_numbuf:       .fill 32, 1, 0
    .balign 8
    .globl hyp_g_root, hyp_g_levels
hyp_g_root:   .dword 0
hyp_g_levels: .dword 3
hyp_g_next:   .dword hyp_g_pool
hyp_g_ra:     .dword 0

    .bss
    .balign 4 * PAGE_4K
hyp_g_pool:
    .space G_POOL_PAGES * PAGE_4K
hyp_g_pool_end:
