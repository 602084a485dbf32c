/*
 * skernel2: the seed exercise's guest, exactly four instructions at 0x80200000.
 *
 *   csrr a1, mhartid   - illegal in VS-mode: the hypervisor emulates it (configured 0x1234)
 *   ld   a0, 64(zero)  - guest-physical 0x40 is not RAM: an MMIO exit to the "regs" device
 *                        mapped at 0x0 whose word at offset 64 reads 0x6688
 *   li   a7, 8         - SBI legacy extension 8: shutdown
 *   ecall
 *
 * With configs/skernel2.toml the run prints "a0 = 0x6688, a1 = 0x1234" and
 * "Shutdown vm normally!".
 */
    .section .text.entry, "ax", @progbits
    .globl _start
_start:
    csrr    a1, mhartid
    ld      a0, 64(zero)
    li      a7, 8
    ecall
