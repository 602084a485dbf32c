/*
 * start.S - start-up and exit of hvsim's compute benchmarks (guests/bench/).
 *
 * Owns:
 *  - _start: M-mode reset entry at 0x80000000 (hart 0 only; others park in WFI): stack,
 *    gp = 0, .bss cleared, then `main()`; its return value is the exit code.
 *  - bench_exit(code): exit through HTIF tohost ((code << 1) | 1), never returns.
 *  - bench_putchar(c): one byte on the HTIF console (device 1, command 1).
 *  - the .tohost section (tohost and fromhost words, alone in their page, see link.ld).
 */
    .section .text.init, "ax", @progbits
    .globl _start
_start:
    csrr    t0, mhartid
    bnez    t0, park
    csrw    mie, zero
    la      t0, park_trap           /* any trap in a benchmark is a failure: exit code 255 */
    csrw    mtvec, t0
    la      sp, _stack_top
    li      gp, 0
    li      tp, 0
    la      t0, _bss_start
    la      t1, _bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:  call    main
    j       bench_exit

    .balign 4
park_trap:
    li      a0, 255
    j       bench_exit

park:
    wfi
    j       park

    .text
/* void bench_exit(int code) */
    .globl  bench_exit
bench_exit:
    andi    a0, a0, 0xff
    slli    a0, a0, 1
    ori     a0, a0, 1
    la      t0, tohost
1:  sd      a0, 0(t0)
    j       1b

/* void bench_putchar(int c): HTIF console; waits for the host's answer in fromhost */
    .globl  bench_putchar
bench_putchar:
    li      t1, (1 << 56) | (1 << 48)
    andi    a0, a0, 0xff
    or      t1, t1, a0
    la      t0, tohost
    sd      t1, 0(t0)
    la      t2, fromhost
1:  ld      t1, 0(t2)
    beqz    t1, 1b
    sd      zero, 0(t2)
    ret

    .section .tohost, "aw", @progbits
    .balign 64
    .globl  tohost
    .type   tohost, @object
    .size   tohost, 8           /* QEMU's HTIF insists on 8-byte symbols */
tohost:     .dword 0
    .balign 64
    .globl  fromhost
    .type   fromhost, @object
    .size   fromhost, 8
fromhost:   .dword 0
