/*
 * user.S - running a U-mode task from a VS-mode guest kernel.
 *
 *   long run_user(unsigned long pc, unsigned long sp)
 *       Saves the kernel's callee-saved registers and sstatus, enters U-mode at pc with the
 *       given stack (every other register zeroed, gp and tp kept) and "returns" when a trap
 *       handler calls return_from_user(code), with that code.
 *   void return_from_user(long code)
 *       Called from a trap handler (on the kernel stack, in S-mode): abandons the trap frame
 *       and resumes the kernel after its run_user call.
 * One task per hart at a time; the kernel context is kept in user_context[hart id].
 */
#define MAX_HARTS 8
#define CTX 112     /* ra, s0-s11, sstatus (16-byte aligned) */

    .text
    .globl  run_user
run_user:
    addi    sp, sp, -CTX
    sd      ra, 0(sp)
    sd      s0, 8(sp)
    sd      s1, 16(sp)
    sd      s2, 24(sp)
    sd      s3, 32(sp)
    sd      s4, 40(sp)
    sd      s5, 48(sp)
    sd      s6, 56(sp)
    sd      s7, 64(sp)
    sd      s8, 72(sp)
    sd      s9, 80(sp)
    sd      s10, 88(sp)
    sd      s11, 96(sp)
    csrr    t0, sstatus
    sd      t0, 104(sp)
    la      t0, user_context
    slli    t1, tp, 3
    add     t0, t0, t1
    sd      sp, 0(t0)               /* where return_from_user finds this frame */
    csrw    sepc, a0
    li      t0, 0x100               /* SPP = U */
    csrc    sstatus, t0
    li      t0, 0x20                /* SPIE: interrupts enabled in U */
    csrs    sstatus, t0
    csrw    sscratch, sp            /* kernel stack for traps from U */
    mv      sp, a1
    li      ra, 0
    li      t0, 0
    li      t1, 0
    li      t2, 0
    li      s0, 0
    li      s1, 0
    li      a0, 0
    li      a1, 0
    li      a2, 0
    li      a3, 0
    li      a4, 0
    li      a5, 0
    li      a6, 0
    li      a7, 0
    li      s2, 0
    li      s3, 0
    li      s4, 0
    li      s5, 0
    li      s6, 0
    li      s7, 0
    li      s8, 0
    li      s9, 0
    li      s10, 0
    li      s11, 0
    li      t3, 0
    li      t4, 0
    li      t5, 0
    li      t6, 0
    sret

    .globl  return_from_user
return_from_user:
    la      t0, user_context
    slli    t1, tp, 3
    add     t0, t0, t1
    ld      sp, 0(t0)
    csrw    sscratch, zero
    ld      t0, 104(sp)
    csrw    sstatus, t0
    ld      ra, 0(sp)
    ld      s0, 8(sp)
    ld      s1, 16(sp)
    ld      s2, 24(sp)
    ld      s3, 32(sp)
    ld      s4, 40(sp)
    ld      s5, 48(sp)
    ld      s6, 56(sp)
    ld      s7, 64(sp)
    ld      s8, 72(sp)
    ld      s9, 80(sp)
    ld      s10, 88(sp)
    ld      s11, 96(sp)
    addi    sp, sp, CTX
    ret

    .bss
    .balign 8
user_context:
    .zero   8 * MAX_HARTS
