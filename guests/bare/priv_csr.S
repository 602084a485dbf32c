/*
 * priv_csr.S - Zicsr: csrrw, csrrs, csrrc, csrrwi, csrrsi, csrrci, and the machine
 * information / WARL registers every hart has.
 *
 * Covers the read-old/write-new semantics of all six instructions on mscratch (full 64 bits),
 * 5-bit zero-extended immediates, rd = x0 (write without read) and rs1 = x0 / zimm = 0
 * (read without write: legal even on read-only CSRs), rd == rs1; misa (MXL = 64-bit and the
 * I, M, A, C, S, U extension bits), mhartid = 0, mvendorid/marchid/mimpid readable,
 * mstatus.UXL/SXL = 64-bit, sscratch from M-mode; accesses to CSRs that do not exist
 * (0x0ff, and mstatush 0x310 which is RV32-only) and writes to read-only CSRs raise
 * illegal-instruction with mtval = the instruction bits; the privilege encoded in the CSR
 * number: S-mode may not touch M CSRs, U-mode may not touch S CSRs.
 */
#include "hvtest.h"

HVTEST_BEGIN
    /* ---- register forms on mscratch ---- */
    TEST_CASE 1
    li a1, 0x0123456789abcdef
    csrw mscratch, a1
    csrr a0, mscratch
    CHECK a0, 0x0123456789abcdef
    TEST_CASE 2
    li a2, 0xfedcba9876543210
    csrrw a0, mscratch, a2
    CHECK a0, 0x0123456789abcdef
    CHECK_CSR mscratch, 0xfedcba9876543210
    TEST_CASE 3
    li a2, 0x000000000000000f
    csrrs a0, mscratch, a2
    CHECK a0, 0xfedcba9876543210
    CHECK_CSR mscratch, 0xfedcba987654321f
    TEST_CASE 4
    li a2, 0xff000000000000f0
    csrrc a0, mscratch, a2
    CHECK a0, 0xfedcba987654321f
    CHECK_CSR mscratch, 0x00dcba987654320f
    TEST_CASE 5                 /* rs1 = x0: csrrs/csrrc read but do not write */
    csrrs a0, mscratch, x0
    csrrc a0, mscratch, x0
    CHECK a0, 0x00dcba987654320f
    CHECK_CSR mscratch, 0x00dcba987654320f
    TEST_CASE 6                 /* rd = x0: csrrw writes */
    li a2, 77
    csrrw x0, mscratch, a2
    CHECK x0, 0
    CHECK_CSR mscratch, 77
    TEST_CASE 7                 /* rd == rs1: swap */
    li a0, 88
    csrrw a0, mscratch, a0
    CHECK a0, 77
    CHECK_CSR mscratch, 88
    TEST_CASE 8                 /* a register holding 0 with csrrs still "writes" 0 bits */
    li a2, 0
    csrrs a0, mscratch, a2
    CHECK a0, 88
    CHECK_CSR mscratch, 88

    /* ---- immediate forms (zimm is 5 bits, zero-extended) ---- */
    TEST_CASE 9
    csrrwi a0, mscratch, 31
    CHECK a0, 88
    CHECK_CSR mscratch, 31
    TEST_CASE 10
    csrrci a0, mscratch, 0x15
    CHECK a0, 31
    CHECK_CSR mscratch, 0x0a
    TEST_CASE 11
    csrrsi a0, mscratch, 0x11
    CHECK a0, 0x0a
    CHECK_CSR mscratch, 0x1b
    TEST_CASE 12                /* zimm = 0: csrrsi/csrrci do not write */
    csrrsi a0, mscratch, 0
    csrrci a0, mscratch, 0
    CHECK a0, 0x1b
    CHECK_CSR mscratch, 0x1b
    TEST_CASE 13                /* csrrwi with zimm = 0 writes zero */
    csrrwi a0, mscratch, 0
    CHECK a0, 0x1b
    CHECK_CSR mscratch, 0
    TEST_CASE 14                /* sscratch is separate and reachable from M-mode */
    li a1, -2
    csrw sscratch, a1
    csrw mscratch, zero
    CHECK_CSR sscratch, -2
    CHECK_CSR mscratch, 0

    /* ---- machine information registers ---- */
    TEST_CASE 15                /* misa: MXL = 2 (64-bit), I M A C S U present */
    csrr a0, misa
    srli a1, a0, 62
    CHECK a1, 2
    CHECK_BITS a0, MISA_EXT('I') | MISA_EXT('M') | MISA_EXT('A') | MISA_EXT('C') | MISA_EXT('S') | MISA_EXT('U'), MISA_EXT('I') | MISA_EXT('M') | MISA_EXT('A') | MISA_EXT('C') | MISA_EXT('S') | MISA_EXT('U')
    CHECK_BITS a0, MISA_EXT('E'), 0
    TEST_CASE 16
    CHECK_CSR mhartid, 0
    TEST_CASE 17                /* readable, whatever their value */
    csrr a0, mvendorid
    csrr a0, marchid
    csrr a0, mimpid
    TEST_CASE 18                /* mstatus.UXL = SXL = 2 (64-bit), sstatus.UXL = 2 */
    CHECK_CSR_BITS mstatus, MSTATUS_UXL | MSTATUS_SXL, (2 << 32) | (2 << 34)
    CHECK_CSR_BITS sstatus, MSTATUS_UXL | MSTATUS_SXL, (2 << 32)
    TEST_CASE 19                /* reads of read-only CSRs with every no-write form */
    csrrs a0, mhartid, x0
    csrrc a0, mhartid, x0
    csrrsi a0, mhartid, 0
    csrrci a0, mvendorid, 0
    csrrs a0, cycle, x0
    csrrsi a0, instret, 0
    CHECK a1, 2

    /* ---- illegal accesses: mtval = instruction bits ---- */
    TEST_ILLEGAL 20, csrr a0, 0x0ff          /* no CSR there */
    TEST_ILLEGAL 21, csrw 0x0ff, a1
    TEST_ILLEGAL 22, csrr a0, 0x310          /* mstatush exists on RV32 only */
    TEST_ILLEGAL 23, csrw mhartid, a1        /* read-only (number 0xf14) */
    TEST_ILLEGAL 24, csrrw x0, cycle, a1     /* read-only, even with rd = x0 */
    TEST_ILLEGAL 25, csrrwi a0, mvendorid, 0 /* csrrwi always writes */
    TEST_ILLEGAL 26, csrrsi a0, mhartid, 1
    TEST_ILLEGAL 27, csrrc a0, marchid, a1
#ifndef QEMU_COMPAT
    /* rs1 != x0 is a write attempt even when the register holds 0 (QEMU 7.2 does not trap) */
    li a2, 0
    TEST_ILLEGAL 28, csrrs a0, mhartid, a2
#endif

    /* ---- privilege levels encoded in the CSR number (each trap resumes in M) ---- */
    GOTO_S
    TEST_ILLEGAL 29, csrr a0, mscratch
    GOTO_S
    TEST_ILLEGAL 30, csrw mstatus, zero
    GOTO_S
    TEST_ILLEGAL 31, csrr a0, mhartid
    GOTO_S
    TEST_CASE 32                /* S-mode may use its own CSRs */
    li a1, 0x5555
    csrw sscratch, a1
    csrr a0, sscratch
    CHECK a0, 0x5555
    GOTO_M
    GOTO_U
    TEST_ILLEGAL 33, csrr a0, sscratch
    GOTO_U
    TEST_ILLEGAL 34, csrr a0, sstatus
    GOTO_U
    TEST_ILLEGAL 35, csrr a0, mstatus
    TEST_CASE 36                /* the failed accesses changed nothing */
    CHECK_CSR sscratch, 0x5555

    PASS
