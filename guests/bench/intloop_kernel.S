/*
 * intloop_kernel.S - the hot loop of the `intloop` benchmark, the loop every engine of the
 * peer comparison runs (benchmarks/README.md, "peers on the same loop").
 *
 * u64 intloop(u64 iters, u32 *buf, u64 acc)
 *   iters times:  x = buf[0] + buf[1];  y = buf[1] ^ x;  y += y << 7;
 *                 acc = (acc - x) ^ (x & y);  buf[0] = x;  buf[1] = y
 *   returns acc.  Only the low 32 bits of every value are meaningful.
 *
 * It is written in the subset common to RV32I and RV64I whose low 32 bits do not depend on
 * the register width (lw, sw, add, sub, xor, and, slli, addi, bne; 13 instructions per
 * iteration), all 32-bit encodings (.option norvc), because two of the peers only run
 * RV32I: riscv-emulator runs these exact bytes, riscemu (assembly input only) the lines
 * between the `peer-loop-begin` and `peer-loop-end` markers, read from this file.
 * benchmarks/reference.py models it (intloop_model).
 */
    .text
    .option push
    .option norvc
    .globl  intloop
    .type   intloop, @function
    .balign 4
intloop:
# peer-loop-begin
intloop_top:
    lw      t0, 0(a1)
    lw      t1, 4(a1)
    add     t0, t0, t1
    xor     t1, t1, t0
    slli    t2, t1, 7
    add     t1, t1, t2
    and     t2, t0, t1
    sub     a2, a2, t0
    xor     a2, a2, t2
    sw      t0, 0(a1)
    sw      t1, 4(a1)
    addi    a0, a0, -1
    bne     a0, zero, intloop_top
    add     a0, a2, zero
    jalr    zero, 0(ra)
# peer-loop-end
    .size   intloop, . - intloop
    .option pop
