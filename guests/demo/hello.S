/*
 * hello: the first program a new user runs (`hvsim bare guests/build/demo/hello.elf`).
 *
 * Shows: M-mode start at 0x80000000, output through the ns16550 UART at 0x10000000 (polling
 * LSR.THRE), a little arithmetic (the sum 1..100 checked against 5050), and a clean exit
 * with code 0 through HTIF tohost.  Prints "Hello from hvsim!" and "PASS hello".
 */
    .section .text.init
    .globl _start
_start:
    la      a0, greeting
    call    puts
    li      t0, 0                   /* sum 1..100 */
    li      t1, 1
    li      t2, 100
1:  add     t0, t0, t1
    addi    t1, t1, 1
    ble     t1, t2, 1b
    li      t3, 5050
    bne     t0, t3, fail
    la      a0, pass_msg
    call    puts
    li      a0, 1                   /* HTIF: (exit code 0 << 1) | 1 */
    j       exit
fail:
    la      a0, fail_msg
    call    puts
    li      a0, 3                   /* exit code 1 */
exit:
    la      t0, tohost
    sd      a0, 0(t0)
2:  j       2b

/* puts(a0): write a NUL-terminated string to the UART, waiting for THR empty. */
puts:
    li      t0, 0x10000000
1:  lbu     t1, 0(a0)
    beqz    t1, 3f
2:  lbu     t2, 5(t0)               /* LSR */
    andi    t2, t2, 0x20            /* THRE */
    beqz    t2, 2b
    sb      t1, 0(t0)
    addi    a0, a0, 1
    j       1b
3:  ret

    .section .rodata
greeting:   .asciz "Hello from hvsim!\n"
pass_msg:   .asciz "PASS hello\n"
fail_msg:   .asciz "FAIL hello\n"

    .section .tohost, "aw", @progbits
    .align  6
    .globl  tohost
tohost:     .dword 0
    .globl  fromhost
fromhost:   .dword 0
