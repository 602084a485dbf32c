/*
 * trap.S - the trap entry and exit of hvsim's VS-mode guests (stvec = trap_entry).
 *
 * Saves all 31 registers plus sepc, sstatus, scause and stval in a struct trap_frame (see
 * guest.h) on the kernel stack, calls trap_handler(frame), and restores everything from the
 * frame (a handler may change registers, sepc or sstatus) before sret.
 *
 * Stack switch (the usual sscratch convention): while a hart runs in U-mode, sscratch holds
 * its kernel stack pointer; in S-mode sscratch is 0.  A trap from U swaps the two; a trap from
 * S (sscratch = 0) keeps the current stack.  On the way back to U, sscratch is set to the
 * kernel stack top again.
 */
#define FRAME 288
#define F_SEPC 256
#define F_SSTATUS 264
#define F_SCAUSE 272
#define F_STVAL 280

    .text
    .balign 4
    .globl  trap_entry
trap_entry:
    csrrw   sp, sscratch, sp
    bnez    sp, 1f              /* from U: sp = kernel stack, sscratch = user sp */
    csrrw   sp, sscratch, sp    /* from S: sp as it was, sscratch = 0 */
1:  addi    sp, sp, -FRAME
    sd      x1, 1*8(sp)
    sd      x3, 3*8(sp)
    sd      x4, 4*8(sp)
    sd      x5, 5*8(sp)
    sd      x6, 6*8(sp)
    sd      x7, 7*8(sp)
    sd      x8, 8*8(sp)
    sd      x9, 9*8(sp)
    sd      x10, 10*8(sp)
    sd      x11, 11*8(sp)
    sd      x12, 12*8(sp)
    sd      x13, 13*8(sp)
    sd      x14, 14*8(sp)
    sd      x15, 15*8(sp)
    sd      x16, 16*8(sp)
    sd      x17, 17*8(sp)
    sd      x18, 18*8(sp)
    sd      x19, 19*8(sp)
    sd      x20, 20*8(sp)
    sd      x21, 21*8(sp)
    sd      x22, 22*8(sp)
    sd      x23, 23*8(sp)
    sd      x24, 24*8(sp)
    sd      x25, 25*8(sp)
    sd      x26, 26*8(sp)
    sd      x27, 27*8(sp)
    sd      x28, 28*8(sp)
    sd      x29, 29*8(sp)
    sd      x30, 30*8(sp)
    sd      x31, 31*8(sp)
    sd      zero, 0(sp)
    csrrw   t0, sscratch, zero  /* the user sp, or 0 when the trap came from S */
    bnez    t0, 2f
    addi    t0, sp, FRAME
2:  sd      t0, 2*8(sp)
    csrr    t0, sepc
    sd      t0, F_SEPC(sp)
    csrr    t0, sstatus
    sd      t0, F_SSTATUS(sp)
    csrr    t0, scause
    sd      t0, F_SCAUSE(sp)
    csrr    t0, stval
    sd      t0, F_STVAL(sp)
    .option push
    .option norelax
    la      gp, __global_pointer$   /* U code may have changed gp */
    .option pop
    mv      a0, sp
    call    trap_handler

    .globl  trap_return
trap_return:
    ld      t0, F_SEPC(sp)
    csrw    sepc, t0
    ld      t0, F_SSTATUS(sp)
    csrw    sstatus, t0
    andi    t0, t0, 0x100       /* SPP: going back to S? */
    bnez    t0, 3f
    addi    t0, sp, FRAME       /* back to U: the next trap finds the kernel stack here */
    csrw    sscratch, t0
3:  ld      x1, 1*8(sp)
    ld      x3, 3*8(sp)
    ld      x4, 4*8(sp)
    ld      x5, 5*8(sp)
    ld      x6, 6*8(sp)
    ld      x7, 7*8(sp)
    ld      x8, 8*8(sp)
    ld      x9, 9*8(sp)
    ld      x10, 10*8(sp)
    ld      x11, 11*8(sp)
    ld      x12, 12*8(sp)
    ld      x13, 13*8(sp)
    ld      x14, 14*8(sp)
    ld      x15, 15*8(sp)
    ld      x16, 16*8(sp)
    ld      x17, 17*8(sp)
    ld      x18, 18*8(sp)
    ld      x19, 19*8(sp)
    ld      x20, 20*8(sp)
    ld      x21, 21*8(sp)
    ld      x22, 22*8(sp)
    ld      x23, 23*8(sp)
    ld      x24, 24*8(sp)
    ld      x25, 25*8(sp)
    ld      x26, 26*8(sp)
    ld      x27, 27*8(sp)
    ld      x28, 28*8(sp)
    ld      x29, 29*8(sp)
    ld      x30, 30*8(sp)
    ld      x31, 31*8(sp)
    ld      x2, 2*8(sp)
    sret
