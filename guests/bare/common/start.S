/*
 * start.S - start-up code, trap handlers and exit paths of hvsim's bare-metal tests.
 *
 * Owns:
 *  - _start: M-mode reset entry at 0x80000000; sets up the stack, PMP (everything
 *    accessible to S/U, if PMP exists), mtvec/stvec, counter enables, and jumps to the
 *    program's hvtest_main with gp = 0.
 *  - hv_mtrap / hv_strap: the default M-mode and S-mode trap handlers (see hvtest.h for
 *    the contract: expected exceptions are recorded and resumed, interrupts are logged and
 *    their enable bit cleared, anything else fails the running test).
 *  - hv_pass / hv_fail: the one-line PASS/FAIL report on the HTIF console and the exit
 *    through HTIF tohost ((code << 1) | 1).
 *  - the trap record hv_trap_info and the .tohost section.
 *
 * The exit path also works on machines without HTIF (QEMU `virt`): if tohost is not
 * consumed, console output goes to the 16550 UART and the exit falls back to the SiFive
 * test finisher.
 */
#include "hvtest.h"

/* ======================================================================================== */
    .section .text.init, "ax", @progbits
    .globl _start
_start:
    csrr t0, mhartid
    bnez t0, hv_park

    /* PMP entry 0: NAPOT over the whole address space, RWX.  If PMP is not implemented
     * the accesses trap and the temporary vector below just continues. */
    la t0, 1f
    csrw mtvec, t0
    li t0, -1
    csrw pmpaddr0, t0
    li t0, 0x1f
    csrw pmpcfg0, t0
    .balign 4
1:
    la t0, hv_mtrap
    csrw mtvec, t0
    la t0, hv_strap
    csrw stvec, t0
    csrw mie, zero
    csrw mip, zero
    csrw medeleg, zero
    csrw mideleg, zero
    csrw satp, zero
    csrw mstatus, zero
    li t0, COUNTER_CY | COUNTER_TM | COUNTER_IR
    csrw mcounteren, t0
    csrw scounteren, t0
    la sp, hv_stack_top
    li gp, 0
    /* clear the registers a program might otherwise read uninitialised */
    li ra, 0
    li tp, 0
    li t0, 0
    li t1, 0
    li t2, 0
    j hvtest_main

hv_park:
    wfi
    j hv_park

/* ==== trap handlers ===================================================================== */

/* a resume address inside the U alias (armed by code running there) -> the same code's
 * identity address, which M- and S-mode can execute */
.macro HV_FROM_UALIAS reg, tmp1, tmp2
    li \tmp1, HV_UALIAS_VA
    sub \tmp1, \reg, \tmp1
    li \tmp2, PAGE_2M
    bgeu \tmp1, \tmp2, .Lhv_not_alias\@
    li \tmp1, HV_UALIAS_OFF
    sub \reg, \reg, \tmp1
.Lhv_not_alias\@:
.endm

    .text
    .balign 256
    .globl hv_mtrap
hv_mtrap:
    csrw mscratch, t0
    la t0, hv_msave
    sd t1, 0(t0)
    sd t2, 8(t0)
    sd t3, 16(t0)
    la t1, hv_trap_info
    csrr t2, mcause
    bltz t2, .Lm_irq
    sd t2, TI_CAUSE(t1)
    csrr t2, mepc
    sd t2, TI_EPC(t1)
    csrr t2, mtval
    sd t2, TI_TVAL(t1)
    csrr t2, mstatus
    sd t2, TI_STATUS(t1)
    li t2, PRV_M
    sd t2, TI_LEVEL(t1)
    ld t2, TI_COUNT(t1)
    addi t2, t2, 1
    sd t2, TI_COUNT(t1)
    ld t2, TI_RESUME(t1)
    beqz t2, .Lm_unexpected
    sd zero, TI_RESUME(t1)
    HV_FROM_UALIAS t2, t3, t0
    csrw mepc, t2
    li t2, MSTATUS_MPP
    csrs mstatus, t2
    li t2, MSTATUS_MPIE | MSTATUS_MPRV
    csrc mstatus, t2
    j .Lm_return
.Lm_irq:
    slli t2, t2, 1
    srli t2, t2, 1
    li t3, 1
    sll t3, t3, t2
    csrc mie, t3
    ori t2, t2, PRV_M << 8
    ld t3, TI_IRQ_COUNT(t1)
    li t0, TI_IRQ_LOG_N
    bgeu t3, t0, 1f
    slli t0, t3, 3
    add t0, t0, t1
    sd t2, TI_IRQ_LOG(t0)
1:  addi t3, t3, 1
    sd t3, TI_IRQ_COUNT(t1)
    csrr t2, mepc
    sd t2, TI_IRQ_EPC(t1)
    csrr t2, mstatus
    sd t2, TI_IRQ_STATUS(t1)
.Lm_return:
    la t0, hv_msave
    ld t1, 0(t0)
    ld t2, 8(t0)
    ld t3, 16(t0)
    csrr t0, mscratch
    mret
.Lm_unexpected:
    j hv_fail_trap

    .balign 256
    .globl hv_strap
hv_strap:
    csrw sscratch, t0
    la t0, hv_ssave
    sd t1, 0(t0)
    sd t2, 8(t0)
    sd t3, 16(t0)
    la t1, hv_trap_info
    csrr t2, scause
    bltz t2, .Ls_irq
    sd t2, TI_CAUSE(t1)
    csrr t2, sepc
    sd t2, TI_EPC(t1)
    csrr t2, stval
    sd t2, TI_TVAL(t1)
    csrr t2, sstatus
    sd t2, TI_STATUS(t1)
    li t2, PRV_S
    sd t2, TI_LEVEL(t1)
    ld t2, TI_COUNT(t1)
    addi t2, t2, 1
    sd t2, TI_COUNT(t1)
    ld t2, TI_RESUME(t1)
    beqz t2, .Ls_unexpected
    sd zero, TI_RESUME(t1)
    HV_FROM_UALIAS t2, t3, t0
    csrw sepc, t2
    li t2, MSTATUS_SPP
    csrs sstatus, t2
    li t2, MSTATUS_SPIE
    csrc sstatus, t2
    j .Ls_return
.Ls_irq:
    slli t2, t2, 1
    srli t2, t2, 1
    li t3, 1
    sll t3, t3, t2
    csrc sie, t3
    ori t2, t2, PRV_S << 8
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
.Ls_return:
    la t0, hv_ssave
    ld t1, 0(t0)
    ld t2, 8(t0)
    ld t3, 16(t0)
    csrr t0, sscratch
    sret
.Ls_unexpected:
    j hv_fail_trap

/* ==== reporting and exit ================================================================ */
/* These are terminal paths: they clobber every register but gp, and use no stack (so they
 * also work from U-mode through the U alias of the image). */

    .globl hv_pass
hv_pass:
    la a1, hv_msg_pass
    jal t3, hv_puts
    la a1, hv_test_name
    jal t3, hv_puts
    li a0, '\n'
    jal t4, hv_putchar
    li a0, 0
    j hv_exit

    .globl hv_fail
hv_fail:
    jal t3, hv_fail_head
    li a0, '\n'
    jal t4, hv_putchar
    j hv_fail_exit

/* a failed comparison: t5 = the value found, t6 = the value expected */
    .globl hv_fail_val
hv_fail_val:
    mv s9, t5
    mv s10, t6
    jal t3, hv_fail_head
    la a1, hv_msg_got
    jal t3, hv_puts
    mv a2, s9
    jal t3, hv_puthex
    la a1, hv_msg_expected
    jal t3, hv_puts
    mv a2, s10
    jal t3, hv_puthex
    j hv_fail_close

/* a failed relation between two values: t5, t6 */
    .globl hv_fail_ops
hv_fail_ops:
    mv s9, t5
    mv s10, t6
    jal t3, hv_fail_head
    la a1, hv_msg_ops
    jal t3, hv_puts
    mv a2, s9
    jal t3, hv_puthex
    la a1, hv_msg_and
    jal t3, hv_puts
    mv a2, s10
    jal t3, hv_puthex
    j hv_fail_close

/* unexpected trap: the trap record is already filled in */
hv_fail_trap:
    jal t3, hv_fail_head
    la a1, hv_msg_trap
    jal t3, hv_puts
    ld a2, hv_trap_level
    jal t3, hv_putdec
    la a1, hv_msg_cause
    jal t3, hv_puts
    ld a2, hv_trap_cause
    jal t3, hv_puthex
    la a1, hv_msg_epc
    jal t3, hv_puts
    ld a2, hv_trap_epc
    jal t3, hv_puthex
    la a1, hv_msg_tval
    jal t3, hv_puts
    ld a2, hv_trap_tval
    jal t3, hv_puthex
hv_fail_close:
    li a0, ')'
    jal t4, hv_putchar
    li a0, '\n'
    jal t4, hv_putchar
    j hv_fail_exit

/* "FAIL <name> test <n>", returns through t3 */
hv_fail_head:
    mv s11, t3
    la a1, hv_msg_fail
    jal t3, hv_puts
    la a1, hv_test_name
    jal t3, hv_puts
    la a1, hv_msg_test
    jal t3, hv_puts
    mv a2, gp
    jal t3, hv_putdec
    jr s11

hv_fail_exit:
    mv a0, gp
    li t0, 255
    beqz a0, 1f
    bltu a0, t0, 2f
1:  mv a0, t0
2:  j hv_exit

/* exit with code a0 */
    .globl hv_exit
hv_exit:
    slli t1, a0, 1
    ori t1, t1, 1
    la t0, tohost
    sd t1, 0(t0)
    /* give a simulator that stops at a block boundary the chance to do so */
    li t2, 10000
1:  addi t2, t2, -1
    bnez t2, 1b
    /* still running: no HTIF here, try the SiFive test finisher */
    li t0, VIRT_FINISHER
    li t1, 0x5555
    beqz a0, 2f
    slli t1, a0, 16
    li t2, 0x3333
    or t1, t1, t2
2:  sw t1, 0(t0)
3:  j 3b

/* putchar(a0) through HTIF console (device 1, command 1); returns through t4.
 * Without HTIF (QEMU virt), through the 16550 UART at VIRT_UART instead.
 * Clobbers t0-t2. */
hv_putchar:
    ld t0, hv_no_htif
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
    /* nobody consumed the request: there is no HTIF, use the UART from now on */
    sd zero, 0(t0)
    li t1, 1
    sd t1, hv_no_htif, t2
    j 4f
2:  la t0, fromhost
    sd zero, 0(t0)
3:  jr t4
4:  li t0, VIRT_UART
    li t2, 100000
5:  lbu t1, 5(t0)               /* LSR: wait (bounded) for THR empty */
    andi t1, t1, 0x20
    bnez t1, 6f
    addi t2, t2, -1
    bnez t2, 5b
6:  sb a0, 0(t0)
    jr t4

/* puts(a1); returns through t3.  Clobbers a0, a1, t0-t2, t4. */
hv_puts:
1:  lbu a0, 0(a1)
    beqz a0, 2f
    jal t4, hv_putchar
    addi a1, a1, 1
    j 1b
2:  jr t3

/* print a2 in decimal; returns through t3.  Clobbers a0-a5, t0-t2, t4. */
hv_putdec:
    la a3, hv_numbuf + 31
    sb zero, 0(a3)
    li a4, 10
1:  addi a3, a3, -1
    remu a5, a2, a4
    addi a5, a5, '0'
    sb a5, 0(a3)
    divu a2, a2, a4
    bnez a2, 1b
    mv a1, a3
    j hv_puts

/* print a2 as 0x + 16 hex digits; returns through t3.  Clobbers a0-a5, t0-t2, t4. */
hv_puthex:
    la a3, hv_numbuf + 31
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
    j hv_puts

/* ==== data ============================================================================== */
    .section .rodata
hv_msg_pass:  .asciz "PASS "
hv_msg_fail:  .asciz "FAIL "
hv_msg_test:  .asciz " test "
hv_msg_trap:  .asciz " (unexpected trap at level "
hv_msg_cause: .asciz ": cause "
hv_msg_epc:   .asciz " epc "
hv_msg_tval:  .asciz " tval "
hv_msg_got:   .asciz " (got "
hv_msg_expected: .asciz ", expected "
hv_msg_ops:   .asciz " (values "
hv_msg_and:   .asciz " and "

    .data
    .balign 64
    .globl hv_trap_info, hv_trap_resume, hv_trap_cause, hv_trap_epc, hv_trap_tval
    .globl hv_trap_status, hv_trap_level, hv_trap_count
    .globl hv_irq_count, hv_irq_epc, hv_irq_status, hv_irq_log
hv_trap_info:
hv_trap_resume: .dword 0
hv_trap_cause:  .dword 0
hv_trap_epc:    .dword 0
hv_trap_tval:   .dword 0
hv_trap_status: .dword 0
hv_trap_level:  .dword 0
hv_trap_count:  .dword 0
hv_irq_count:   .dword 0
hv_irq_epc:     .dword 0
hv_irq_status:  .dword 0
hv_irq_log:     .fill TI_IRQ_LOG_N, 8, 0
    .if (. - hv_trap_info) != TI_SIZE || (hv_irq_log - hv_trap_info) != TI_IRQ_LOG
    .error "hv_trap_info does not match the TI_* offsets of hvtest.h"
    .endif
    .globl hv_wait_deadline
hv_wait_deadline: .dword 0
hv_no_htif:     .dword 0
hv_msave:       .fill 4, 8, 0
hv_ssave:       .fill 4, 8, 0
hv_numbuf:      .fill 32, 1, 0

    .section .tohost, "aw", @progbits
    .balign 64
    .globl tohost
    .type tohost, @object
    .size tohost, 8
tohost:   .dword 0
    .balign 64
    .globl fromhost
    .type fromhost, @object
    .size fromhost, 8
fromhost: .dword 0

    .bss
    .balign 16
hv_stack:
    .space 8192
    .globl hv_stack_top
hv_stack_top:
