/*
 * start.S - the benchmark runtime's primitives (bench.h) as a Linux user program, so the
 * kernels of guests/bench/ also run under qemu-riscv64 (QEMU's user-mode emulation).
 *
 * Owns: _start (gp, then main(); its return value is the exit status), bench_exit (exit_group
 * system call) and bench_putchar (one write(2) of one byte to stdout).  The kernel set up the
 * stack and cleared .bss.
 */
#define SYS_WRITE 64
#define SYS_EXIT_GROUP 94

    .text
    .globl  _start
_start:
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    call    main
    j       bench_exit

/* void bench_exit(int code) */
    .globl  bench_exit
bench_exit:
    andi    a0, a0, 0xff
    li      a7, SYS_EXIT_GROUP
    ecall
1:  j       1b

/* void bench_putchar(int c) */
    .globl  bench_putchar
bench_putchar:
    addi    sp, sp, -16
    sb      a0, 0(sp)
    li      a0, 1
    mv      a1, sp
    li      a2, 1
    li      a7, SYS_WRITE
    ecall
    addi    sp, sp, 16
    ret
