/*
 * rvc_kernel.S - the hot loop of the `rvc` benchmark, written only with compressed (RVC)
 * instructions: c.ld/c.sd, c.add/c.sub/c.xor/c.or/c.and/c.addw, c.slli/c.srli/c.srai/c.andi,
 * c.addi, c.mv, c.bnez, plus c.sdsp/c.ldsp and c.jr around it.
 *
 * u64 rvc_kernel(const u64 *in, u64 *out, u64 pairs)
 *   For each pair of input words (a, b):
 *     s0 += a; s1 ^= b; s0 <<= 1; a >>= 3 (logical); s1 += a; s0 -= b;
 *     b &= 15; s0 |= b; a5 = (a5 + a) sign-extended from 32 bits;
 *     s1 -= a5 >> 2 (arithmetic); out[0] = s0; out[1] = s1
 *   starting from s0 = s1 = a5 = 0, and returns s0 ^ s1.  benchmarks/reference.py models it.
 */
    .text
    .option push
    .option rvc
    .globl  rvc_kernel
    .type   rvc_kernel, @function
    .balign 4
rvc_kernel:
    c.addi16sp sp, -16
    c.sdsp  s0, 0(sp)
    c.sdsp  s1, 8(sp)
    c.li    s0, 0
    c.li    s1, 0
    c.li    a5, 0
1:  c.ld    a3, 0(a0)
    c.ld    a4, 8(a0)
    c.add   s0, a3
    c.xor   s1, a4
    c.slli  s0, 1
    c.srli  a3, 3
    c.add   s1, a3
    c.sub   s0, a4
    c.andi  a4, 15
    c.or    s0, a4
    c.addw  a5, a3
    c.mv    a4, a5
    c.srai  a4, 2
    c.sub   s1, a4
    c.sd    s0, 0(a1)
    c.sd    s1, 8(a1)
    c.addi  a0, 16
    c.addi  a1, 16
    c.addi  a2, -1
    c.bnez  a2, 1b
    c.mv    a0, s0
    c.xor   a0, s1
    c.ldsp  s0, 0(sp)
    c.ldsp  s1, 8(sp)
    c.addi16sp sp, 16
    c.jr    ra
    .size   rvc_kernel, . - rvc_kernel
    .option pop
