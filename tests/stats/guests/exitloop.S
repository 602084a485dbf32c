/*
 * exitloop: a VS-mode guest that takes a known number of VM exits of several kinds, for the
 * statistics tests and the recording-overhead benchmark.  ITERATIONS (a -D define) times:
 *
 *   csrr t0, mhartid         1 exit csr.mhartid          (illegal in VS-mode, emulated)
 *   ld   t1, 64(zero)        1 exit mmio.regs0.read      ("regs" device at guest-physical 0)
 *   sd   t1, 72(zero)        1 exit mmio.regs0.write
 *   ecall BASE get_spec_version   1 exit sbi.base.get_spec_version
 *
 * plus WORK (default 0) iterations of a three-instruction counting loop between them, then
 * SBI legacy shutdown (1 exit sbi.legacy.shutdown).  The first instruction fetch also
 * maps guest RAM on demand (1 exit demand_paging.fetch).
 */
#ifndef ITERATIONS
#define ITERATIONS 10
#endif
#ifndef WORK
#define WORK 0
#endif
    .section .text.entry, "ax", @progbits
    .globl _start
_start:
    li      s0, ITERATIONS
1:
    csrr    t0, mhartid
    ld      t1, 64(zero)
    sd      t1, 72(zero)
    li      a7, 0x10
    li      a6, 0
    ecall
    li      t2, WORK
2:
    beqz    t2, 3f
    addi    t2, t2, -1
    j       2b
3:
    addi    s0, s0, -1
    bnez    s0, 1b
    li      a7, 8
    ecall
