/*
 * rv64uc_illegal.S - reserved and illegal 16-bit encodings raise an illegal-instruction
 * exception (cause 2) with mepc at the instruction and mtval = its 16 bits (zero-extended).
 *
 * Covers the all-zero halfword (defined illegal), c.addi4spn with a zero immediate,
 * c.addi16sp and c.lui with a zero immediate, c.jr with rs1 = x0, c.lwsp/c.ldsp with
 * rd = x0 and c.addiw with rd = x0 - all reserved by the specification.
 */
#include "hvtest.h"

.macro TEST_ILLEGAL16 n, bits
    TEST_CASE \n
    EXPECT_TRAP .Lresume\@
.Linsn\@:
    .hword \bits
    j hv_fail
.Lresume\@:
    CHECK_TRAP CAUSE_ILLEGAL, .Linsn\@
    CHECK_TVAL_INSN16 .Linsn\@
    CHECK_TVAL \bits
.endm

HVTEST_BEGIN
    .option rvc
    mv s1, sp
    TEST_ILLEGAL16 1, 0x0000    /* all zeros */
    TEST_ILLEGAL16 2, 0x0004    /* c.addi4spn s1, sp, 0 */
    TEST_ILLEGAL16 3, 0x6101    /* c.addi16sp sp, 0 */
    TEST_ILLEGAL16 4, 0x6501    /* c.lui a0, 0 */
    TEST_ILLEGAL16 5, 0x8002    /* c.jr x0 */
    TEST_ILLEGAL16 6, 0x4002    /* c.lwsp x0, 0(sp) */
    TEST_ILLEGAL16 7, 0x6002    /* c.ldsp x0, 0(sp) */
    TEST_ILLEGAL16 8, 0x2001    /* c.addiw x0, 0 */

    TEST_CASE 9                 /* none of the above changed sp; eight traps were taken */
    CHECK_EQ sp, s1
    ld a0, hv_trap_count
    CHECK a0, 8

    PASS
