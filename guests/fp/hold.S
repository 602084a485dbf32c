/*
 * hold.S - the loop of fp_hold (fpcheck.h): FP registers that must survive preemption.
 *
 * u64 fp_hold_loop(u64 iters, const double *in, double *out, double x, double y)
 *
 * Saves the callee-saved fs0-fs11 on the stack (as setjmp does), loads them with in[0..11],
 * then `iters` times divides x by y with the dynamic rounding mode (frm) and adds the
 * quotient's bits to the result; finally stores fs0-fs11 to out[0..11] and restores them.
 */
    .text
    .globl  fp_hold_loop
fp_hold_loop:
    addi    sp, sp, -96
    fsd     fs0, 0(sp)
    fsd     fs1, 8(sp)
    fsd     fs2, 16(sp)
    fsd     fs3, 24(sp)
    fsd     fs4, 32(sp)
    fsd     fs5, 40(sp)
    fsd     fs6, 48(sp)
    fsd     fs7, 56(sp)
    fsd     fs8, 64(sp)
    fsd     fs9, 72(sp)
    fsd     fs10, 80(sp)
    fsd     fs11, 88(sp)
    fld     fs0, 0(a1)
    fld     fs1, 8(a1)
    fld     fs2, 16(a1)
    fld     fs3, 24(a1)
    fld     fs4, 32(a1)
    fld     fs5, 40(a1)
    fld     fs6, 48(a1)
    fld     fs7, 56(a1)
    fld     fs8, 64(a1)
    fld     fs9, 72(a1)
    fld     fs10, 80(a1)
    fld     fs11, 88(a1)
    li      t1, 0
1:  fdiv.d  fa2, fa0, fa1           /* rm = dyn: frm decides the last bit */
    fmv.x.d t0, fa2
    add     t1, t1, t0
    addi    a0, a0, -1
    bnez    a0, 1b
    fsd     fs0, 0(a2)
    fsd     fs1, 8(a2)
    fsd     fs2, 16(a2)
    fsd     fs3, 24(a2)
    fsd     fs4, 32(a2)
    fsd     fs5, 40(a2)
    fsd     fs6, 48(a2)
    fsd     fs7, 56(a2)
    fsd     fs8, 64(a2)
    fsd     fs9, 72(a2)
    fsd     fs10, 80(a2)
    fsd     fs11, 88(a2)
    fld     fs0, 0(sp)
    fld     fs1, 8(sp)
    fld     fs2, 16(sp)
    fld     fs3, 24(sp)
    fld     fs4, 32(sp)
    fld     fs5, 40(sp)
    fld     fs6, 48(sp)
    fld     fs7, 56(sp)
    fld     fs8, 64(sp)
    fld     fs9, 72(sp)
    fld     fs10, 80(sp)
    fld     fs11, 88(sp)
    addi    sp, sp, 96
    mv      a0, t1
    ret
