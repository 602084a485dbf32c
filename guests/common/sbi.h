/*
 * sbi.h - SBI calls for hvsim's VS-mode guests (legacy v0.1 and the v0.2+ extensions).
 *
 * Owns: the calling convention (sbi_ecall: a7 = EID, a6 = FID, a0-a5 arguments, a0/a1 =
 * error/value), the extension and error constants, one wrapper per function the guests use
 * (BASE, TIME, IPI, RFENCE, HSM, SRST, DBCN, legacy), and helpers that turn an error code into
 * its name so that a guest's FAIL line says which SBI function failed and how.
 */
#ifndef GUEST_SBI_H
#define GUEST_SBI_H

#include <stdint.h>

struct sbiret {
    long error;
    long value;
};

/* extension ids */
#define SBI_EXT_LEGACY_SET_TIMER 0x00
#define SBI_EXT_LEGACY_PUTCHAR 0x01
#define SBI_EXT_LEGACY_GETCHAR 0x02
#define SBI_EXT_LEGACY_CLEAR_IPI 0x03
#define SBI_EXT_LEGACY_SEND_IPI 0x04
#define SBI_EXT_LEGACY_REMOTE_FENCE_I 0x05
#define SBI_EXT_LEGACY_REMOTE_SFENCE_VMA 0x06
#define SBI_EXT_LEGACY_REMOTE_SFENCE_VMA_ASID 0x07
#define SBI_EXT_LEGACY_SHUTDOWN 0x08
#define SBI_EXT_BASE 0x10
#define SBI_EXT_TIME 0x54494D45
#define SBI_EXT_IPI 0x735049
#define SBI_EXT_RFENCE 0x52464E43
#define SBI_EXT_HSM 0x48534D
#define SBI_EXT_SRST 0x53525354
#define SBI_EXT_DBCN 0x4442434E

/* BASE functions */
#define SBI_BASE_GET_SPEC_VERSION 0
#define SBI_BASE_GET_IMPL_ID 1
#define SBI_BASE_GET_IMPL_VERSION 2
#define SBI_BASE_PROBE_EXTENSION 3

/* HSM functions and states */
#define SBI_HSM_HART_START 0
#define SBI_HSM_HART_STOP 1
#define SBI_HSM_HART_GET_STATUS 2
#define SBI_HSM_HART_SUSPEND 3
#define SBI_HSM_STARTED 0
#define SBI_HSM_STOPPED 1
#define SBI_HSM_START_PENDING 2

/* SRST */
#define SBI_SRST_SHUTDOWN 0
#define SBI_SRST_COLD_REBOOT 1
#define SBI_SRST_REASON_NONE 0
#define SBI_SRST_REASON_FAILURE 1

/* error codes */
#define SBI_SUCCESS 0
#define SBI_ERR_FAILED -1
#define SBI_ERR_NOT_SUPPORTED -2
#define SBI_ERR_INVALID_PARAM -3
#define SBI_ERR_DENIED -4
#define SBI_ERR_INVALID_ADDRESS -5
#define SBI_ERR_ALREADY_AVAILABLE -6
#define SBI_ERR_ALREADY_STARTED -7
#define SBI_ERR_ALREADY_STOPPED -8

/* hart_mask_base value meaning "every hart" (the mask is ignored) */
#define SBI_HART_MASK_ALL (~0UL)

static inline struct sbiret sbi_ecall(unsigned long eid, unsigned long fid, unsigned long arg0,
                                      unsigned long arg1, unsigned long arg2, unsigned long arg3,
                                      unsigned long arg4, unsigned long arg5)
{
    register unsigned long a0 __asm__("a0") = arg0;
    register unsigned long a1 __asm__("a1") = arg1;
    register unsigned long a2 __asm__("a2") = arg2;
    register unsigned long a3 __asm__("a3") = arg3;
    register unsigned long a4 __asm__("a4") = arg4;
    register unsigned long a5 __asm__("a5") = arg5;
    register unsigned long a6 __asm__("a6") = fid;
    register unsigned long a7 __asm__("a7") = eid;
    __asm__ volatile("ecall"
                     : "+r"(a0), "+r"(a1)
                     : "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a6), "r"(a7)
                     : "memory");
    struct sbiret ret = {(long)a0, (long)a1};
    return ret;
}

/* A legacy (v0.1) call: the EID is the function, the result comes back in a0 only. */
static inline long sbi_legacy(unsigned long eid, unsigned long arg0, unsigned long arg1,
                              unsigned long arg2, unsigned long arg3)
{
    register unsigned long a0 __asm__("a0") = arg0;
    register unsigned long a1 __asm__("a1") = arg1;
    register unsigned long a2 __asm__("a2") = arg2;
    register unsigned long a3 __asm__("a3") = arg3;
    register unsigned long a7 __asm__("a7") = eid;
    __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a3), "r"(a7) : "memory");
    return (long)a0;
}

/* BASE */
struct sbiret sbi_get_spec_version(void);
struct sbiret sbi_get_impl_id(void);
struct sbiret sbi_get_impl_version(void);
long sbi_probe_extension(unsigned long eid); /* 0 when absent (or BASE itself failed) */

/* TIME */
struct sbiret sbi_set_timer(uint64_t stime);

/* IPI */
struct sbiret sbi_send_ipi(unsigned long hart_mask, unsigned long hart_mask_base);

/* RFENCE */
struct sbiret sbi_remote_fence_i(unsigned long hart_mask, unsigned long hart_mask_base);
struct sbiret sbi_remote_sfence_vma(unsigned long hart_mask, unsigned long hart_mask_base,
                                    unsigned long start, unsigned long size);
struct sbiret sbi_remote_sfence_vma_asid(unsigned long hart_mask, unsigned long hart_mask_base,
                                         unsigned long start, unsigned long size,
                                         unsigned long asid);

/* HSM */
struct sbiret sbi_hart_start(unsigned long hartid, unsigned long start_addr, unsigned long opaque);
struct sbiret sbi_hart_stop(void);
struct sbiret sbi_hart_get_status(unsigned long hartid);

/* SRST */
struct sbiret sbi_system_reset(unsigned long type, unsigned long reason);

/* DBCN */
struct sbiret sbi_debug_console_write(unsigned long num_bytes, unsigned long base_lo,
                                      unsigned long base_hi);
struct sbiret sbi_debug_console_write_byte(unsigned char byte);

/* legacy */
void sbi_legacy_putchar(int c);
long sbi_legacy_set_timer(uint64_t stime);
long sbi_legacy_send_ipi(const unsigned long *hart_mask);
long sbi_legacy_clear_ipi(void);
void sbi_legacy_shutdown(void) __attribute__((noreturn));

/* "NOT_SUPPORTED", "INVALID_PARAM", ... ("?" for an unknown code) */
const char *sbi_strerror(long error);
/* "TIME", "HSM", ... for the extensions above, else "0x<eid>" in a static buffer */
const char *sbi_ext_name(unsigned long eid);

#endif
