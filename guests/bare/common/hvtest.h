/*
 * hvtest.h - hvsim's own bare-metal self-checking test framework (assembler macros).
 *
 * Owns the programming interface of a test program:
 *
 *   #include "hvtest.h"
 *   HVTEST_BEGIN                 // entry point `hvtest_main`, reached in M-mode from start.S
 *       TEST_RR_OP 1, add, 3, 1, 2
 *       ...
 *       PASS                     // prints "PASS <name>" and exits through HTIF with code 0
 *
 * Conventions (see guests/README.md for the full description):
 *  - gp (x3) holds the number of the running test case (TEST_CASE n, 1 <= n <= 254).
 *    A failed check prints "FAIL <name> test <n>" (followed by the values compared, or by
 *    the trap record for an unexpected trap) and exits with code n.
 *  - t5 and t6 (x30, x31) belong to the macros: a program must not keep values in them
 *    across a macro.  Everything else belongs to the program.
 *  - The default trap handlers (start.S) record every exception in hv_trap_* and resume
 *    at the label armed with EXPECT_TRAP, at the privilege level that took the trap
 *    (M: MIE=0 and MPRV=0 on resume; S: SIE=0).  A resume label armed by code running in
 *    the U alias of the image (GOTO_U_ALIAS) is resumed at its identity address; the
 *    recorded epc stays the alias address (check it with CHECK_TRAP ..., HV_UALIAS_OFF).
 *    An exception without EXPECT_TRAP fails the running test.
 *  - Interrupts are logged (hv_irq_log, one entry per interrupt: (level << 8) | irq) and
 *    the handler clears that interrupt's enable bit (mie or sie) before returning to the
 *    interrupted instruction.
 *  - Building with -DQEMU_COMPAT leaves out the checks where QEMU 7.2 is known to differ
 *    from the specification (guests/README.md lists them).
 *  - The program name printed comes from the file name (-DGUEST_NAME=... by the Makefile).
 *  - By default test programs are assembled with `.option norvc` so that instruction sizes
 *    are fixed; programs about the C extension say `.option rvc` and use c.* mnemonics.
 */
#ifndef HVTEST_H
#define HVTEST_H

#include "hvdefs.h"

#define HV_STR(x) #x
#define HV_XSTR(x) HV_STR(x)

#ifndef GUEST_NAME
#define GUEST_NAME unnamed
#endif

/* Layout of hv_trap_info (start.S), offsets in bytes. */
#define TI_RESUME     0
#define TI_CAUSE      8
#define TI_EPC        16
#define TI_TVAL       24
#define TI_STATUS     32
#define TI_LEVEL      40
#define TI_COUNT      48
#define TI_IRQ_COUNT  56
#define TI_IRQ_EPC    64
#define TI_IRQ_STATUS 72
#define TI_IRQ_LOG    80
#define TI_IRQ_LOG_N  16
#define TI_SIZE       (TI_IRQ_LOG + 8 * TI_IRQ_LOG_N)

/* Virtual address at which hv_vm_basic maps the whole image a second time for U-mode. */
#define HV_UALIAS_VA  0x40000000
#define HV_UALIAS_OFF (HV_UALIAS_VA - RAM_BASE)

/* Ticks of mtime a WAIT_* macro waits before declaring failure: 5 ms at 10 MHz, plenty for
 * a simulator whose time follows the instructions; QEMU's timers follow the host clock and
 * may be late on a busy host, so the QEMU build waits up to 0.5 s. */
#ifdef QEMU_COMPAT
#define HV_WAIT_TICKS 5000000
#else
#define HV_WAIT_TICKS 50000
#endif

#ifdef __ASSEMBLER__

/* ==== program structure ================================================================ */

.macro HVTEST_BEGIN
    .pushsection .rodata.hvtest_name, "a"
    .globl hv_test_name
hv_test_name:
    .asciz HV_XSTR(GUEST_NAME)
    .popsection
    .text
    .option norvc
    .balign 4
    .globl hvtest_main
hvtest_main:
.endm

.macro PASS
    j hv_pass
.endm

.macro FAIL
    j hv_fail
.endm

.macro TEST_CASE n
    .if (\n) < 1 || (\n) > 254
    .error "test numbers must lie in 1..254 (the exit code is 8 bits wide)"
    .endif
    li gp, \n
.endm

/* ==== checks =========================================================================== */

/* Fail unless register `reg` equals the constant `val`. */
.macro CHECK reg, val
    .ifc \reg, t6
    .error "CHECK cannot test t6 (it is the macro scratch register)"
    .endif
    li t6, \val
    beq \reg, t6, .Lhv_ok\@
    mv t5, \reg
    j hv_fail_val
.Lhv_ok\@:
.endm

/* (failure path) t5 = a, t6 = b, whatever registers a and b are */
.macro HV_FAIL_PAIR a, b, target
    .ifc \b, t5
    .ifc \a, t6
    xor t5, t5, t6
    xor t6, t5, t6
    xor t5, t5, t6
    .else
    mv t6, t5
    mv t5, \a
    .endif
    .else
    mv t5, \a
    mv t6, \b
    .endif
    j \target
.endm

/* Fail unless registers `a` and `b` are equal (the report shows a as "got"). */
.macro CHECK_EQ a, b
    beq \a, \b, .Lhv_ok\@
    HV_FAIL_PAIR \a, \b, hv_fail_val
.Lhv_ok\@:
.endm

/* Fail if registers `a` and `b` are equal. */
.macro CHECK_NE a, b
    bne \a, \b, .Lhv_ok\@
    HV_FAIL_PAIR \a, \b, hv_fail_ops
.Lhv_ok\@:
.endm

/* Fail unless a < b (unsigned). */
.macro CHECK_LTU a, b
    bltu \a, \b, .Lhv_ok\@
    HV_FAIL_PAIR \a, \b, hv_fail_ops
.Lhv_ok\@:
.endm

/* Fail unless a <= b (unsigned). */
.macro CHECK_LEU a, b
    bgeu \b, \a, .Lhv_ok\@
    HV_FAIL_PAIR \a, \b, hv_fail_ops
.Lhv_ok\@:
.endm

/* Fail unless (reg & mask) == val. */
.macro CHECK_BITS reg, mask, val
    li t6, \mask
    and t5, \reg, t6
    li t6, \val
    beq t5, t6, .Lhv_ok\@
    j hv_fail_val
.Lhv_ok\@:
.endm

/* Fail unless register `reg` holds the address of `label`, plus `off` (reg != t5 if off). */
.macro CHECK_ADDR reg, label, off=0
    la t6, \label
    .if \off
    .ifc \reg, t5
    .error "CHECK_ADDR with an offset cannot test t5"
    .endif
    li t5, \off
    add t6, t6, t5
    .endif
    beq \reg, t6, .Lhv_ok\@
    mv t5, \reg
    j hv_fail_val
.Lhv_ok\@:
.endm

/* Fail unless CSR `csr` reads `val`. */
.macro CHECK_CSR csr, val
    csrr t5, \csr
    CHECK t5, \val
.endm

/* Fail unless (CSR `csr` & mask) == val. */
.macro CHECK_CSR_BITS csr, mask, val
    csrr t5, \csr
    li t6, \mask
    and t5, t5, t6
    li t6, \val
    beq t5, t6, .Lhv_ok\@
    j hv_fail_val
.Lhv_ok\@:
.endm

/* Fail unless the doubleword / word / ... at `label`+off equals val. */
.macro CHECK_MEM ld, label, off, val
    la t5, \label
    \ld t5, \off(t5)
    CHECK t5, \val
.endm

/* ==== instruction test templates ======================================================== */

/* rd = inst(rs1, rs2) with rd, rs1, rs2 distinct; the sources must be left unchanged. */
.macro TEST_RR_OP n, inst, result, v1, v2
    TEST_CASE \n
    li a1, \v1
    li a2, \v2
    \inst a0, a1, a2
    CHECK a0, \result
    CHECK a1, \v1
    CHECK a2, \v2
.endm

/* rd == rs1 */
.macro TEST_RR_SRC1_EQ_DEST n, inst, result, v1, v2
    TEST_CASE \n
    li a1, \v1
    li a2, \v2
    \inst a1, a1, a2
    CHECK a1, \result
.endm

/* rd == rs2 */
.macro TEST_RR_SRC2_EQ_DEST n, inst, result, v1, v2
    TEST_CASE \n
    li a1, \v1
    li a2, \v2
    \inst a2, a1, a2
    CHECK a2, \result
.endm

/* rd == rs1 == rs2 */
.macro TEST_RR_SRC12_EQ_DEST n, inst, result, v1
    TEST_CASE \n
    li a1, \v1
    \inst a1, a1, a1
    CHECK a1, \result
.endm

/* rd == x0: the result is discarded */
.macro TEST_RR_ZERODEST n, inst, v1, v2
    TEST_CASE \n
    li a1, \v1
    li a2, \v2
    \inst x0, a1, a2
    CHECK x0, 0
.endm

/* rd = inst(rs1, imm) */
.macro TEST_IMM_OP n, inst, result, v1, imm
    TEST_CASE \n
    li a1, \v1
    \inst a0, a1, \imm
    CHECK a0, \result
    CHECK a1, \v1
.endm

.macro TEST_IMM_SRC1_EQ_DEST n, inst, result, v1, imm
    TEST_CASE \n
    li a1, \v1
    \inst a1, a1, \imm
    CHECK a1, \result
.endm

.macro TEST_IMM_ZERODEST n, inst, v1, imm
    TEST_CASE \n
    li a1, \v1
    \inst x0, a1, \imm
    CHECK x0, 0
.endm

/* a0 = load `inst` from base+offset */
.macro TEST_LD_OP n, inst, result, offset, base
    TEST_CASE \n
    la a1, \base
    \inst a0, \offset(a1)
    CHECK a0, \result
.endm

/* store `value` with `sinst` to base+offset, read it back with `linst` */
.macro TEST_ST_OP n, sinst, linst, result, value, offset, base
    TEST_CASE \n
    la a1, \base
    li a2, \value
    \sinst a2, \offset(a1)
    \linst a0, \offset(a1)
    CHECK a0, \result
.endm

/* the branch must be taken, both forwards and backwards */
.macro TEST_BR2_OP_TAKEN n, inst, v1, v2
    TEST_CASE \n
    li a1, \v1
    li a2, \v2
    \inst a1, a2, .Lhv_fwd\@
    j hv_fail
.Lhv_back\@:
    j .Lhv_done\@
    j hv_fail
.Lhv_fwd\@:
    \inst a1, a2, .Lhv_back\@
    j hv_fail
.Lhv_done\@:
.endm

/* the branch must fall through, both forwards and backwards */
.macro TEST_BR2_OP_NOTTAKEN n, inst, v1, v2
    TEST_CASE \n
    li a1, \v1
    li a2, \v2
    j .Lhv_start\@
.Lhv_back\@:
    j hv_fail
.Lhv_start\@:
    \inst a1, a2, .Lhv_back\@
    \inst a1, a2, .Lhv_fwd\@
    j .Lhv_done\@
.Lhv_fwd\@:
    j hv_fail
.Lhv_done\@:
.endm

/* ==== traps ============================================================================= */

/* The next exception is expected: record it and resume at `resume` (see file header). */
.macro EXPECT_TRAP resume
    li t6, -1
    sd t6, hv_trap_cause, t5
    la t6, \resume
    sd t6, hv_trap_resume, t5
.endm

/* Arm no trap (after an expected trap that did not happen). */
.macro DISARM_TRAP
    sd zero, hv_trap_resume, t5
.endm

/* Fail unless the last exception had cause `cause` and epc == address of `label`+off. */
.macro CHECK_TRAP cause, label, off=0
    ld t5, hv_trap_cause
    CHECK t5, \cause
    ld t5, hv_trap_epc
    .if \off
    li t6, \off
    sub t5, t5, t6
    .endif
    CHECK_ADDR t5, \label
.endm

.macro CHECK_TRAP_CAUSE cause
    ld t5, hv_trap_cause
    CHECK t5, \cause
.endm

/* the level (PRV_M or PRV_S) whose handler recorded the last exception */
.macro CHECK_TRAP_LEVEL level
    ld t5, hv_trap_level
    CHECK t5, \level
.endm

.macro CHECK_TVAL val
    ld t5, hv_trap_tval
    CHECK t5, \val
.endm

.macro CHECK_TVAL_REG reg
    ld t5, hv_trap_tval
    CHECK_EQ t5, \reg
.endm

.macro CHECK_TVAL_ADDR label, off=0
    ld t5, hv_trap_tval
    CHECK_ADDR t5, \label, \off
.endm

/* tval must hold the bits of the 32-bit instruction at `label` */
.macro CHECK_TVAL_INSN32 label
    la t5, \label
    lwu t6, 0(t5)
    ld t5, hv_trap_tval
    CHECK_EQ t5, t6
.endm

/* tval must hold the bits of the 16-bit instruction at `label` */
.macro CHECK_TVAL_INSN16 label
    la t5, \label
    lhu t6, 0(t5)
    ld t5, hv_trap_tval
    CHECK_EQ t5, t6
.endm

/* Test case n: the instruction `inst` must raise exception `cause` with xepc pointing at
 * it.  Execution resumes after the checks (at the level that took the trap). */
.macro TEST_TRAP n, cause, inst:vararg
    TEST_CASE \n
    EXPECT_TRAP .Lhv_resume\@
.Lhv_insn\@:
    \inst
    j hv_fail
.Lhv_resume\@:
    CHECK_TRAP \cause, .Lhv_insn\@
.endm

/* Test case n: the 32-bit instruction `inst` must raise an illegal-instruction exception
 * with xepc pointing at it and xtval holding its encoding. */
.macro TEST_ILLEGAL n, inst:vararg
    TEST_CASE \n
    EXPECT_TRAP .Lhv_resume\@
.Lhv_insn\@:
    .option push
    .option norvc
    \inst
    .option pop
    j hv_fail
.Lhv_resume\@:
    CHECK_TRAP CAUSE_ILLEGAL, .Lhv_insn\@
    CHECK_TVAL_INSN32 .Lhv_insn\@
.endm

/* Test case n: `inst` must execute without any trap. */
.macro TEST_NO_TRAP n, inst:vararg
    TEST_CASE \n
    \inst
.endm

/* (xstatus at trap entry & mask) == val */
.macro CHECK_TRAP_STATUS mask, val
    ld t5, hv_trap_status
    CHECK_BITS t5, \mask, \val
.endm

/* ==== interrupts ======================================================================== */

.macro IRQ_LOG_RESET
    sd zero, hv_irq_count, t5
.endm

.macro CHECK_IRQ_COUNT n
    ld t5, hv_irq_count
    CHECK t5, \n
.endm

/* entry `idx` of the interrupt log must be interrupt `irq` taken at level `level` */
.macro CHECK_IRQ_LOG idx, level, irq
    la t5, hv_trap_info
    ld t5, (TI_IRQ_LOG + 8 * (\idx))(t5)
    CHECK t5, ((\level) << 8) | (\irq)
.endm

/* spin (reading CLINT mtime) until at least n interrupts were logged; fail after
 * HV_WAIT_TICKS ticks.  M-mode, or S-mode without translation. */
.macro WAIT_IRQS n
    li t6, CLINT_MTIME
    ld t6, 0(t6)
    li t5, HV_WAIT_TICKS
    add t6, t6, t5
    sd t6, hv_wait_deadline, t5
.Lhv_loop\@:
    ld t5, hv_irq_count
    li t6, \n
    bgeu t5, t6, .Lhv_done\@
    li t5, CLINT_MTIME
    ld t5, 0(t5)
    ld t6, hv_wait_deadline
    bltu t5, t6, .Lhv_loop\@
    j hv_fail
.Lhv_done\@:
.endm

/* spin for `ticks` ticks of CLINT mtime (to show that something does NOT happen) */
.macro SPIN_TICKS ticks
    li t6, CLINT_MTIME
    ld t6, 0(t6)
    li t5, \ticks
    add t6, t6, t5
    sd t6, hv_wait_deadline, t5
.Lhv_loop\@:
    li t5, CLINT_MTIME
    ld t5, 0(t5)
    ld t6, hv_wait_deadline
    bltu t5, t6, .Lhv_loop\@
.endm

/* ==== privilege switches ================================================================ */

/* From M: continue at the next instruction in S-mode (MPP=S, mret). */
.macro GOTO_S
    li t6, MSTATUS_MPP
    csrc mstatus, t6
    li t6, MPP_S
    csrs mstatus, t6
    la t6, .Lhv_next\@
    csrw mepc, t6
    mret
.Lhv_next\@:
.endm

/* From M: continue at the next instruction in U-mode. */
.macro GOTO_U
    li t6, MSTATUS_MPP
    csrc mstatus, t6
    la t6, .Lhv_next\@
    csrw mepc, t6
    mret
.Lhv_next\@:
.endm

/* From M: continue at the next instruction in U-mode, running through the U alias of the
 * image (HV_UALIAS_VA; needs hv_vm_basic's mapping and translation enabled). */
.macro GOTO_U_ALIAS
    li t6, MSTATUS_MPP
    csrc mstatus, t6
    la t6, .Lhv_next\@
    li t5, HV_UALIAS_OFF
    add t6, t6, t5
    csrw mepc, t6
    mret
.Lhv_next\@:
.endm

/* From S: continue at the next instruction in U-mode (SPP=U, sret). */
.macro S_GOTO_U
    li t6, MSTATUS_SPP
    csrc sstatus, t6
    la t6, .Lhv_next\@
    csrw sepc, t6
    sret
.Lhv_next\@:
.endm

/* From S or U: back to M-mode at the next instruction, through an ecall taken by M. */
.macro GOTO_M
    EXPECT_TRAP .Lhv_next\@
    ecall
    j hv_fail
.Lhv_next\@:
    ld t5, hv_trap_level
    CHECK t5, PRV_M
.endm

/* ==== virtual memory (runtime page-table builder in vm.S) =============================== */

/* Start an empty page table with `levels` levels (3 = Sv39, 4 = Sv48); M-mode. */
.macro VM_INIT levels
    li a0, \levels
    call hv_vm_init
.endm

/* Map VA `va` (constant) to the address in register `pareg` at `level` (0 = 4K, 1 = 2M,
 * 2 = 1G, 3 = 512G) with PTE flags `flags` (V is added).  a0 = address of the leaf PTE. */
.macro VM_MAP va, pareg, flags, level
    .ifnc \pareg, a1
    mv a1, \pareg
    .endif
    li a0, \va
    li a2, (\flags) | PTE_V
    li a3, \level
    call hv_vm_map
.endm

/* Same, with the physical address of `label` (+ off). */
.macro VM_MAP_LABEL va, label, flags, level, off=0
    la a1, \label
    .if \off
    li t6, \off
    add a1, a1, t6
    .endif
    VM_MAP \va, a1, \flags, \level
.endm

/* Write satp for the current table (Sv39 or Sv48 per VM_INIT) and fence. */
.macro VM_ENABLE
    call hv_vm_satp
    csrw satp, a0
    sfence.vma
.endm

.macro VM_DISABLE
    csrw satp, zero
    sfence.vma
.endm

#endif /* __ASSEMBLER__ */
#endif /* HVTEST_H */
