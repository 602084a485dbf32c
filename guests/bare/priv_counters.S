/*
 * priv_counters.S - Zicntr and the machine counters: cycle, time, instret (and their
 * mcycle/minstret machine views), mcountinhibit, mcounteren/scounteren.
 *
 * Covers: the counters are readable and increase; instret counts retired instructions
 * exactly (two back-to-back reads differ by 1; a loop of known length); minstret/mcycle are
 * writable and a write takes precedence over the writing instruction's own increment;
 * mcountinhibit.IR/CY freeze minstret/mcycle; time agrees with the CLINT's mtime and
 * advances; mhpmcounter3/mhpmevent3 exist (possibly read-only zero); and the counter-enable
 * rules: with mcounteren bit clear, S and U reads of cycle/time/instret are illegal, with
 * only mcounteren set S may read but U may not, with both set U may read.
 *
 * QEMU 7.2 without -icount derives instret/cycle from host time, lets the instruction that
 * writes minstret also increment it, and reads a stale mcycle while it is inhibited: those
 * checks are left out with -DQEMU_COMPAT.  Its spike machine has no `time` CSR, so QEMU
 * validation of this program uses -machine virt.
 */
#include "hvtest.h"

HVTEST_BEGIN
    TEST_CASE 1                 /* readable, increasing */
    rdcycle a0
    rdinstret a1
    rdtime a2
    li a4, 100
1:  addi a4, a4, -1
    bnez a4, 1b
    rdcycle a3
    CHECK_LTU a0, a3
    rdinstret a3
    CHECK_LTU a1, a3
    csrr a3, mcycle
    CHECK_LTU a0, a3
    csrr a3, minstret
    CHECK_LTU a1, a3

#ifndef QEMU_COMPAT
    TEST_CASE 2                 /* instret counts retired instructions exactly */
    rdinstret a0
    rdinstret a1
    sub a2, a1, a0
    CHECK a2, 1
    TEST_CASE 3                 /* a 3-instruction loop run 50 times, plus the li */
    rdinstret a0
    li a4, 50
1:  addi a4, a4, -1
    nop
    bnez a4, 1b
    rdinstret a1
    sub a2, a1, a0
    CHECK a2, 1 + 3 * 50 + 1
#endif

    TEST_CASE 4                 /* minstret is writable; the next instruction reads the value */
    li a1, 1000
    csrw minstret, a1
    csrr a0, minstret
    rdinstret a3                /* the user view, one instruction later */
#ifndef QEMU_COMPAT
    CHECK a0, 1000
    CHECK a3, 1001
#else
    li a2, 1000
    CHECK_LEU a2, a0
#endif
    TEST_CASE 5                 /* mcycle is writable */
    li a1, 5000
    csrw mcycle, a1
    csrr a0, mcycle
    li a2, 5000
    CHECK_LEU a2, a0
#ifndef QEMU_COMPAT
    li a2, 5000 + 1000          /* (QEMU's mcycle is host time: no bound there) */
    CHECK_LTU a0, a2
#endif

    TEST_CASE 6                 /* mcountinhibit.IR freezes minstret */
    li a1, COUNTER_IR
    csrs CSR_MCOUNTINHIBIT, a1
    csrr a0, minstret
    nop
    nop
    csrr a1, minstret
    CHECK_EQ a0, a1
    li a1, COUNTER_IR
    csrc CSR_MCOUNTINHIBIT, a1
    nop
    csrr a1, minstret
    CHECK_LTU a0, a1
#ifndef QEMU_COMPAT
    /* QEMU 7.2 returns a stale value for an inhibited mcycle */
    TEST_CASE 7                 /* mcountinhibit.CY freezes mcycle */
    li a1, COUNTER_CY
    csrs CSR_MCOUNTINHIBIT, a1
    csrr a0, mcycle
    li a4, 20
1:  addi a4, a4, -1
    bnez a4, 1b
    csrr a1, mcycle
    CHECK_EQ a0, a1
    li a1, COUNTER_CY
    csrc CSR_MCOUNTINHIBIT, a1
    li a4, 20
1:  addi a4, a4, -1
    bnez a4, 1b
    csrr a1, mcycle
    CHECK_LTU a0, a1
#endif

    TEST_CASE 8                 /* time agrees with the CLINT's mtime */
    li a5, CLINT_MTIME
    rdtime a0
    ld a1, 0(a5)
    rdtime a2
    CHECK_LEU a0, a1
    CHECK_LEU a1, a2
    TEST_CASE 9                 /* time advances (wait for a change, bounded) */
    rdtime a0
    li a4, 1000000
1:  rdtime a1
    bne a1, a0, 2f
    addi a4, a4, -1
    bnez a4, 1b
    j hv_fail
2:  CHECK_LTU a0, a1

    TEST_CASE 10                /* the hpm counters exist (may be read-only zero) */
    csrr a0, mhpmcounter3
    csrr a0, mhpmevent3
    csrw mhpmevent3, zero
#ifndef QEMU_COMPAT
    csrr a0, mhpmcounter31      /* QEMU 7.2 only has the first pmu-num = 16 */
    csrr a0, mhpmevent31
#endif

    /* ---- counter enables ---- */
    csrw mcounteren, zero
    csrw scounteren, zero
    GOTO_S
    TEST_ILLEGAL 11, rdcycle a0
    GOTO_S
    TEST_ILLEGAL 12, rdtime a0
    GOTO_S
    TEST_ILLEGAL 13, rdinstret a0
    GOTO_U
    TEST_ILLEGAL 14, rdinstret a0
    li a1, COUNTER_CY | COUNTER_TM | COUNTER_IR
    csrw mcounteren, a1
    GOTO_S
    TEST_CASE 15                /* mcounteren set: S may read */
    rdcycle a0
    rdtime a0
    rdinstret a0
    GOTO_M
    GOTO_U
    TEST_ILLEGAL 16, rdcycle a0 /* scounteren clear: U may not */
    GOTO_U
    TEST_ILLEGAL 17, rdtime a0
    li a1, COUNTER_TM
    csrw scounteren, a1
    GOTO_U
    TEST_ILLEGAL 18, rdinstret a0  /* only TM set in scounteren */
    GOTO_U
    TEST_CASE 19
    rdtime a0
    GOTO_M
    li a1, COUNTER_CY | COUNTER_TM | COUNTER_IR
    csrw scounteren, a1
    GOTO_U
    TEST_CASE 20                /* both set: U reads all three */
    rdcycle a0
    rdtime a0
    rdinstret a0
    GOTO_M
    csrw mcounteren, zero
    GOTO_U
    TEST_ILLEGAL 21, rdcycle a0 /* mcounteren clear wins over scounteren */

    PASS
