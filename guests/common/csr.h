/*
 * csr.h - CSR access and architectural constants for hvsim's VS-mode guests.
 *
 * Owns: csr_read/csr_write/csr_set/csr_clear/csr_swap (by CSR name, as the assembler knows
 * it), rdtime(), wfi(), barriers, and the supervisor-level constants the guests use
 * (sstatus, sie/sip bits, scause codes, satp modes, PTE bits).  A guest started by the
 * hypervisor runs in VS-mode, where these supervisor CSR names reach the vs* registers
 * (csrw stimecmp writes vstimecmp, csrw satp writes vsatp, ...).
 */
#ifndef GUEST_CSR_H
#define GUEST_CSR_H

#include <stdint.h>

#define csr_read(csr)                                                   \
    ({                                                                  \
        unsigned long __v;                                              \
        __asm__ volatile("csrr %0, " #csr : "=r"(__v) : : "memory");    \
        __v;                                                            \
    })
#define csr_write(csr, val) \
    __asm__ volatile("csrw " #csr ", %0" : : "rK"((unsigned long)(val)) : "memory")
#define csr_set(csr, bits) \
    __asm__ volatile("csrs " #csr ", %0" : : "rK"((unsigned long)(bits)) : "memory")
#define csr_clear(csr, bits) \
    __asm__ volatile("csrc " #csr ", %0" : : "rK"((unsigned long)(bits)) : "memory")
#define csr_swap(csr, val)                                                            \
    ({                                                                                \
        unsigned long __v = (unsigned long)(val);                                     \
        __asm__ volatile("csrrw %0, " #csr ", %0" : "+r"(__v) : : "memory");          \
        __v;                                                                          \
    })

static inline uint64_t rdtime(void)
{
    uint64_t t;
    __asm__ volatile("rdtime %0" : "=r"(t));
    return t;
}

static inline void wfi(void) { __asm__ volatile("wfi" ::: "memory"); }
static inline void barrier(void) { __asm__ volatile("" ::: "memory"); }
static inline void fence(void) { __asm__ volatile("fence rw, rw" ::: "memory"); }
static inline void sfence_vma_all(void) { __asm__ volatile("sfence.vma" ::: "memory"); }
static inline void sfence_vma_addr(unsigned long va)
{
    __asm__ volatile("sfence.vma %0, zero" : : "r"(va) : "memory");
}

/* sstatus */
#define SSTATUS_SIE (1UL << 1)
#define SSTATUS_SPIE (1UL << 5)
#define SSTATUS_SPP (1UL << 8)
#define SSTATUS_SUM (1UL << 18)

/* sie / sip (supervisor view; in VS-mode these are the VS-level interrupts) */
#define IRQ_S_SOFT 1
#define IRQ_S_TIMER 5
#define IRQ_S_EXT 9
#define SIP_SSIP (1UL << IRQ_S_SOFT)
#define SIP_STIP (1UL << IRQ_S_TIMER)
#define SIP_SEIP (1UL << IRQ_S_EXT)

/* scause */
#define CAUSE_INTERRUPT (1UL << 63)
#define CAUSE_MISALIGNED_FETCH 0
#define CAUSE_FETCH_ACCESS 1
#define CAUSE_ILLEGAL_INSTRUCTION 2
#define CAUSE_BREAKPOINT 3
#define CAUSE_LOAD_ACCESS 5
#define CAUSE_STORE_ACCESS 7
#define CAUSE_USER_ECALL 8
#define CAUSE_SUPERVISOR_ECALL 9
#define CAUSE_FETCH_PAGE_FAULT 12
#define CAUSE_LOAD_PAGE_FAULT 13
#define CAUSE_STORE_PAGE_FAULT 15

/* satp */
#define SATP_MODE_SV39 (8UL << 60)
#define SATP_ASID_SHIFT 44

/* page-table entries */
#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_U (1UL << 4)
#define PTE_G (1UL << 5)
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)
#define PAGE_SIZE 4096UL
#define PAGE_SHIFT 12

#endif
