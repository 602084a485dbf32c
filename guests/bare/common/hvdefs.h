/*
 * hvdefs.h - architectural constants for hvsim's bare-metal test programs.
 *
 * Owns: CSR numbers the assembler may not know, mstatus/mip/PTE/satp bit positions,
 * exception and interrupt cause codes, and the platform addresses (CLINT, HTIF) of the
 * "spike" machine that both hvsim and QEMU provide.  Values come from the RISC-V
 * privileged specification; nothing here is tied to one implementation.
 *
 * Usable from assembly (.S, through cpp) and from C.
 */
#ifndef HVDEFS_H
#define HVDEFS_H

/* ---- CSR numbers not every assembler knows by name ------------------------------------ */
#define CSR_MENVCFG       0x30a
#define CSR_MCOUNTINHIBIT 0x320
#define CSR_STIMECMP      0x14d
#define CSR_SENVCFG       0x10a

/* ---- mstatus / sstatus ---------------------------------------------------------------- */
#define MSTATUS_SIE   (1 << 1)
#define MSTATUS_MIE   (1 << 3)
#define MSTATUS_SPIE  (1 << 5)
#define MSTATUS_MPIE  (1 << 7)
#define MSTATUS_SPP   (1 << 8)
#define MSTATUS_MPP   (3 << 11)
#define MSTATUS_FS    (3 << 13)
#define MSTATUS_MPRV  (1 << 17)
#define MSTATUS_SUM   (1 << 18)
#define MSTATUS_MXR   (1 << 19)
#define MSTATUS_TVM   (1 << 20)
#define MSTATUS_TW    (1 << 21)
#define MSTATUS_TSR   (1 << 22)
#define MSTATUS_UXL   (3 << 32)
#define MSTATUS_SXL   (3 << 34)

#define MPP_U (0 << 11)
#define MPP_S (1 << 11)
#define MPP_M (3 << 11)

#define PRV_U 0
#define PRV_S 1
#define PRV_M 3

/* ---- menvcfg ----------------------------------------------------------------------------- */
#define MENVCFG_STCE (1 << 63)
#define MENVCFG_ADUE (1 << 61)

/* ---- counters (mcounteren / scounteren / mcountinhibit) ---------------------------------- */
#define COUNTER_CY (1 << 0)
#define COUNTER_TM (1 << 1)
#define COUNTER_IR (1 << 2)

/* ---- synchronous exception causes -------------------------------------------------------- */
#define CAUSE_MISALIGNED_FETCH 0
#define CAUSE_FETCH_ACCESS     1
#define CAUSE_ILLEGAL          2
#define CAUSE_BREAKPOINT       3
#define CAUSE_MISALIGNED_LOAD  4
#define CAUSE_LOAD_ACCESS      5
#define CAUSE_MISALIGNED_STORE 6
#define CAUSE_STORE_ACCESS     7
#define CAUSE_ECALL_U          8
#define CAUSE_ECALL_S          9
#define CAUSE_ECALL_VS         10
#define CAUSE_ECALL_M          11
#define CAUSE_FETCH_PF         12
#define CAUSE_LOAD_PF          13
#define CAUSE_STORE_PF         15

/* ---- interrupts ------------------------------------------------------------------------- */
#define INTERRUPT (1 << 63)
#define IRQ_SSI 1
#define IRQ_MSI 3
#define IRQ_STI 5
#define IRQ_MTI 7
#define IRQ_SEI 9
#define IRQ_MEI 11

#define MIP_SSIP (1 << IRQ_SSI)
#define MIP_MSIP (1 << IRQ_MSI)
#define MIP_STIP (1 << IRQ_STI)
#define MIP_MTIP (1 << IRQ_MTI)
#define MIP_SEIP (1 << IRQ_SEI)
#define MIP_MEIP (1 << IRQ_MEI)

/* ---- misa ------------------------------------------------------------------------------- */
#define MISA_EXT(c) (1 << ((c) - 'A'))

/* ---- page tables ------------------------------------------------------------------------ */
#define PTE_V (1 << 0)
#define PTE_R (1 << 1)
#define PTE_W (1 << 2)
#define PTE_X (1 << 3)
#define PTE_U (1 << 4)
#define PTE_G (1 << 5)
#define PTE_A (1 << 6)
#define PTE_D (1 << 7)
#define PTE_PPN_SHIFT 10

#define SATP_MODE_SHIFT 60
#define SATP_MODE_BARE  0
#define SATP_MODE_SV39  8
#define SATP_MODE_SV48  9
#define SATP_MODE_SV57  10

#define PAGE_4K (1 << 12)
#define PAGE_2M (1 << 21)
#define PAGE_1G (1 << 30)
#define PAGE_512G (1 << 39)

/* ---- platform: the spike machine ---------------------------------------------------------- */
#define RAM_BASE       0x80000000
#define CLINT_BASE     0x2000000
#define CLINT_MSIP     (CLINT_BASE + 0x0)
#define CLINT_MTIMECMP (CLINT_BASE + 0x4000)
#define CLINT_MTIME    (CLINT_BASE + 0xbff8)

/* SiFive test finisher and 16550 UART of QEMU's virt machine: used only as fallback exit and
 * console when the machine has no HTIF (so the same ELF can be cross-checked on
 * `-machine virt`). */
#define VIRT_FINISHER  0x100000
#define VIRT_UART      0x10000000

#endif /* HVDEFS_H */
