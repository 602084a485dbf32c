/*
 * vcpu.S - a minimal run-a-guest runtime for HS-mode hypervisor test programs.
 *
 * Owns the world switch and the exit dispatch of a hypervisor written like a real one
 * (hyp_basic, hyp_hostile), as opposed to the straight-line EXPECT_EXIT style of hyp.h:
 *
 *   hyp_vcpu_run(a0 = &vcpu) -> a0      enter the guest (VS-mode) at vcpu.pc with its saved
 *                                       registers; on every trap into HS save them, call the
 *                                       handler of the exit table for scause (a0 = &vcpu),
 *                                       and re-enter the guest if it returns 0; a nonzero
 *                                       return value ends the run and is returned to the
 *                                       caller, with the caller's ra/sp/gp/tp/s0-s11 back.
 *   hyp_vcpu_insn(a0 = &vcpu) -> a0     the bits of the instruction at vcpu.pc (16 or 32
 *                                       bits), read from guest memory with HLVX.HU
 *   hyp_vcpu_skip(a0 = &vcpu)           vcpu.pc += length of that instruction (from htinst
 *                                       when it holds a transformed instruction, else from
 *                                       the instruction itself)
 *   hyp_vcpu_set_rd(a0 = &vcpu, a1 = insn, a2 = value)  guest x[rd of insn] = value
 *
 * A vCPU is VC_SIZE bytes (layout in hyp.h): guest x0-x31, pc, the exit-table address (24
 * entries, one per exception cause; 0 = not handled), an exit counter and the host context.
 * Handlers run in HS-mode on the caller's stack with gp = the caller's gp (the running test
 * number) and s0 = &vcpu; they may clobber every register except sp and s0.  Interrupts and
 * exits without a handler print the trap record and fail the running test.
 */
#include "hyp.h"

    .text
    .option norvc

    .globl hyp_vcpu_run
hyp_vcpu_run:
    sd ra, VC_HOST + 0(a0)
    sd sp, VC_HOST + 8(a0)
    sd gp, VC_HOST + 16(a0)
    sd tp, VC_HOST + 24(a0)
    sd s0, VC_HOST + 32(a0)
    sd s1, VC_HOST + 40(a0)
    sd s2, VC_HOST + 48(a0)
    sd s3, VC_HOST + 56(a0)
    sd s4, VC_HOST + 64(a0)
    sd s5, VC_HOST + 72(a0)
    sd s6, VC_HOST + 80(a0)
    sd s7, VC_HOST + 88(a0)
    sd s8, VC_HOST + 96(a0)
    sd s9, VC_HOST + 104(a0)
    sd s10, VC_HOST + 112(a0)
    sd s11, VC_HOST + 120(a0)
    csrw sscratch, a0
    la t0, hyp_vcpu_trap
    csrw stvec, t0
    /* fall through */

/* a0 = &vcpu: load the guest context and sret into VS-mode */
hyp_vcpu_enter:
    ld t0, VC_PC(a0)
    csrw sepc, t0
    li t0, HSTATUS_SPV | HSTATUS_SPVP
    csrs hstatus, t0
    li t0, MSTATUS_SPP
    csrs sstatus, t0
    li t0, MSTATUS_SPIE
    csrc sstatus, t0
    ld x1, VC_X(1)(a0)
    ld x2, VC_X(2)(a0)
    ld x3, VC_X(3)(a0)
    ld x4, VC_X(4)(a0)
    ld x5, VC_X(5)(a0)
    ld x6, VC_X(6)(a0)
    ld x7, VC_X(7)(a0)
    ld x8, VC_X(8)(a0)
    ld x9, VC_X(9)(a0)
    ld x11, VC_X(11)(a0)
    ld x12, VC_X(12)(a0)
    ld x13, VC_X(13)(a0)
    ld x14, VC_X(14)(a0)
    ld x15, VC_X(15)(a0)
    ld x16, VC_X(16)(a0)
    ld x17, VC_X(17)(a0)
    ld x18, VC_X(18)(a0)
    ld x19, VC_X(19)(a0)
    ld x20, VC_X(20)(a0)
    ld x21, VC_X(21)(a0)
    ld x22, VC_X(22)(a0)
    ld x23, VC_X(23)(a0)
    ld x24, VC_X(24)(a0)
    ld x25, VC_X(25)(a0)
    ld x26, VC_X(26)(a0)
    ld x27, VC_X(27)(a0)
    ld x28, VC_X(28)(a0)
    ld x29, VC_X(29)(a0)
    ld x30, VC_X(30)(a0)
    ld x31, VC_X(31)(a0)
    ld x10, VC_X(10)(a0)
    sret

    .balign 4
hyp_vcpu_trap:
    csrrw a0, sscratch, a0      /* a0 = &vcpu, sscratch = guest a0 */
    sd x1, VC_X(1)(a0)
    sd x2, VC_X(2)(a0)
    sd x3, VC_X(3)(a0)
    sd x4, VC_X(4)(a0)
    sd x5, VC_X(5)(a0)
    sd x6, VC_X(6)(a0)
    sd x7, VC_X(7)(a0)
    sd x8, VC_X(8)(a0)
    sd x9, VC_X(9)(a0)
    sd x11, VC_X(11)(a0)
    sd x12, VC_X(12)(a0)
    sd x13, VC_X(13)(a0)
    sd x14, VC_X(14)(a0)
    sd x15, VC_X(15)(a0)
    sd x16, VC_X(16)(a0)
    sd x17, VC_X(17)(a0)
    sd x18, VC_X(18)(a0)
    sd x19, VC_X(19)(a0)
    sd x20, VC_X(20)(a0)
    sd x21, VC_X(21)(a0)
    sd x22, VC_X(22)(a0)
    sd x23, VC_X(23)(a0)
    sd x24, VC_X(24)(a0)
    sd x25, VC_X(25)(a0)
    sd x26, VC_X(26)(a0)
    sd x27, VC_X(27)(a0)
    sd x28, VC_X(28)(a0)
    sd x29, VC_X(29)(a0)
    sd x30, VC_X(30)(a0)
    sd x31, VC_X(31)(a0)
    csrrw t0, sscratch, a0      /* sscratch = &vcpu again */
    sd t0, VC_X(10)(a0)
    csrr t0, sepc
    sd t0, VC_PC(a0)
    mv s0, a0
    ld sp, VC_HOST + 8(s0)
    ld gp, VC_HOST + 16(s0)
    ld tp, VC_HOST + 24(s0)
    ld t0, VC_EXITS(s0)
    addi t0, t0, 1
    sd t0, VC_EXITS(s0)
    csrr t0, scause
    bltz t0, hyp_vcpu_unhandled
    li t1, 24
    bgeu t0, t1, hyp_vcpu_unhandled
    ld t1, VC_TABLE(s0)
    slli t0, t0, 3
    add t1, t1, t0
    ld t1, 0(t1)
    beqz t1, hyp_vcpu_unhandled
    mv a0, s0
    jalr ra, 0(t1)
    bnez a0, 1f
    mv a0, s0
    j hyp_vcpu_enter
1:  mv t0, a0                   /* stop: back to hyp_vcpu_run's caller */
    mv a0, s0
    ld ra, VC_HOST + 0(a0)
    ld sp, VC_HOST + 8(a0)
    ld gp, VC_HOST + 16(a0)
    ld tp, VC_HOST + 24(a0)
    ld s0, VC_HOST + 32(a0)
    ld s1, VC_HOST + 40(a0)
    ld s2, VC_HOST + 48(a0)
    ld s3, VC_HOST + 56(a0)
    ld s4, VC_HOST + 64(a0)
    ld s5, VC_HOST + 72(a0)
    ld s6, VC_HOST + 80(a0)
    ld s7, VC_HOST + 88(a0)
    ld s8, VC_HOST + 96(a0)
    ld s9, VC_HOST + 104(a0)
    ld s10, VC_HOST + 112(a0)
    ld s11, VC_HOST + 120(a0)
    mv a0, t0
    ret

/* no handler: fill in the trap record and report like hyp_strap does */
hyp_vcpu_unhandled:
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

/* ==== helpers for exit handlers ============================================================ */

    .globl hyp_vcpu_insn
hyp_vcpu_insn:
    ld t0, VC_PC(a0)
    hlvx.hu a0, (t0)
    andi t1, a0, 3
    li t2, 3
    bne t1, t2, 1f
    addi t0, t0, 2
    hlvx.hu t1, (t0)
    slli t1, t1, 16
    or a0, a0, t1
1:  ret

    .globl hyp_vcpu_skip
hyp_vcpu_skip:
    csrr t0, htinst
    andi t1, t0, 1              /* bit 0 set: a transformed standard instruction */
    beqz t1, 1f
    andi t1, t0, 2              /* whose bit 1 tells 32-bit (1) from compressed (0) */
    j 2f
1:  ld t0, VC_PC(a0)
    hlvx.hu t1, (t0)
    andi t1, t1, 3
    addi t1, t1, -3             /* 0 for a 32-bit instruction */
    seqz t1, t1
2:  li t2, 2
    beqz t1, 3f
    li t2, 4
3:  ld t0, VC_PC(a0)
    add t0, t0, t2
    sd t0, VC_PC(a0)
    ret

    .globl hyp_vcpu_set_rd
hyp_vcpu_set_rd:
    srli t0, a1, 7
    andi t0, t0, 31
    beqz t0, 1f
    slli t0, t0, 3
    add t0, t0, a0
    sd a2, 0(t0)
1:  ret
