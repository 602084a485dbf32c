/*
 * start.S - entry points of hvsim's VS-mode guests.
 *
 * Owns:
 *  - _start: the boot hart's entry at the image base (a0 = hart id, a1 = FDT address, as the
 *    hypervisor sets them): gp, tp = hart id, this hart's stack, stvec = trap_entry,
 *    sscratch = 0 (we are in S-mode), .bss cleared, runtime_init(), then main(a0, a1);
 *    main's return value is the verdict (runtime_main_returned).
 *  - secondary_entry: where SBI HSM hart_start sends the other harts (a0 = hart id,
 *    a1 = opaque): the same set-up without clearing .bss, then secondary_main(a0, a1) and,
 *    when it returns, SBI hart_stop (runtime_secondary_returned).
 * A hart id of MAX_HARTS or more has no stack: it parks in WFI.
 */
#define MAX_HARTS 8
#define STACK_SIZE 0x4000

    .section .text.entry, "ax", @progbits
    .globl  _start
_start:
    call    hart_setup
    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:  mv      s0, a0
    mv      s1, a1
    call    runtime_init
    mv      a0, s0
    mv      a1, s1
    call    main
    call    runtime_main_returned
    j       park

    .globl  secondary_entry
secondary_entry:
    call    hart_setup
    call    secondary_main
    call    runtime_secondary_returned
    j       park

/* hart_setup: gp, tp, sp, stvec, sscratch, sie for hart a0 (keeps a0/a1; ra is the caller) */
hart_setup:
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    li      t0, MAX_HARTS
    bgeu    a0, t0, park
    mv      tp, a0
    la      sp, __stacks_top
    li      t0, STACK_SIZE
    mul     t0, t0, a0
    sub     sp, sp, t0
    csrw    sscratch, zero
    csrw    sie, zero
    la      t0, trap_entry
    csrw    stvec, t0
    ret

park:
    wfi
    j       park
