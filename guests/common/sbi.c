/*
 * sbi.c - the SBI function wrappers of the VS-guest runtime and the error/extension names.
 */
#include "sbi.h"

#include "csr.h"

struct sbiret sbi_get_spec_version(void)
{
    return sbi_ecall(SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION, 0, 0, 0, 0, 0, 0);
}

struct sbiret sbi_get_impl_id(void)
{
    return sbi_ecall(SBI_EXT_BASE, SBI_BASE_GET_IMPL_ID, 0, 0, 0, 0, 0, 0);
}

struct sbiret sbi_get_impl_version(void)
{
    return sbi_ecall(SBI_EXT_BASE, SBI_BASE_GET_IMPL_VERSION, 0, 0, 0, 0, 0, 0);
}

long sbi_probe_extension(unsigned long eid)
{
    struct sbiret r = sbi_ecall(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, eid, 0, 0, 0, 0, 0);
    return r.error ? 0 : r.value;
}

struct sbiret sbi_set_timer(uint64_t stime)
{
    return sbi_ecall(SBI_EXT_TIME, 0, stime, 0, 0, 0, 0, 0);
}

struct sbiret sbi_send_ipi(unsigned long hart_mask, unsigned long hart_mask_base)
{
    return sbi_ecall(SBI_EXT_IPI, 0, hart_mask, hart_mask_base, 0, 0, 0, 0);
}

struct sbiret sbi_remote_fence_i(unsigned long hart_mask, unsigned long hart_mask_base)
{
    return sbi_ecall(SBI_EXT_RFENCE, 0, hart_mask, hart_mask_base, 0, 0, 0, 0);
}

struct sbiret sbi_remote_sfence_vma(unsigned long hart_mask, unsigned long hart_mask_base,
                                    unsigned long start, unsigned long size)
{
    return sbi_ecall(SBI_EXT_RFENCE, 1, hart_mask, hart_mask_base, start, size, 0, 0);
}

struct sbiret sbi_remote_sfence_vma_asid(unsigned long hart_mask, unsigned long hart_mask_base,
                                         unsigned long start, unsigned long size,
                                         unsigned long asid)
{
    return sbi_ecall(SBI_EXT_RFENCE, 2, hart_mask, hart_mask_base, start, size, asid, 0);
}

struct sbiret sbi_hart_start(unsigned long hartid, unsigned long start_addr, unsigned long opaque)
{
    return sbi_ecall(SBI_EXT_HSM, SBI_HSM_HART_START, hartid, start_addr, opaque, 0, 0, 0);
}

struct sbiret sbi_hart_stop(void)
{
    return sbi_ecall(SBI_EXT_HSM, SBI_HSM_HART_STOP, 0, 0, 0, 0, 0, 0);
}

struct sbiret sbi_hart_get_status(unsigned long hartid)
{
    return sbi_ecall(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, hartid, 0, 0, 0, 0, 0);
}

struct sbiret sbi_system_reset(unsigned long type, unsigned long reason)
{
    return sbi_ecall(SBI_EXT_SRST, 0, type, reason, 0, 0, 0, 0);
}

struct sbiret sbi_debug_console_write(unsigned long num_bytes, unsigned long base_lo,
                                      unsigned long base_hi)
{
    return sbi_ecall(SBI_EXT_DBCN, 0, num_bytes, base_lo, base_hi, 0, 0, 0);
}

struct sbiret sbi_debug_console_write_byte(unsigned char byte)
{
    return sbi_ecall(SBI_EXT_DBCN, 2, byte, 0, 0, 0, 0, 0);
}

void sbi_legacy_putchar(int c)
{
    sbi_legacy(SBI_EXT_LEGACY_PUTCHAR, (unsigned char)c, 0, 0, 0);
}

long sbi_legacy_set_timer(uint64_t stime)
{
    return sbi_legacy(SBI_EXT_LEGACY_SET_TIMER, stime, 0, 0, 0);
}

long sbi_legacy_send_ipi(const unsigned long *hart_mask)
{
    return sbi_legacy(SBI_EXT_LEGACY_SEND_IPI, (unsigned long)hart_mask, 0, 0, 0);
}

long sbi_legacy_clear_ipi(void)
{
    return sbi_legacy(SBI_EXT_LEGACY_CLEAR_IPI, 0, 0, 0, 0);
}

void sbi_legacy_shutdown(void)
{
    sbi_legacy(SBI_EXT_LEGACY_SHUTDOWN, 0, 0, 0, 0);
    for (;;) /* no way out: park */
        wfi();
}

static const struct {
    long code;
    const char *name;
} error_names[] = {
    {SBI_SUCCESS, "SUCCESS"},
    {SBI_ERR_FAILED, "FAILED"},
    {SBI_ERR_NOT_SUPPORTED, "NOT_SUPPORTED"},
    {SBI_ERR_INVALID_PARAM, "INVALID_PARAM"},
    {SBI_ERR_DENIED, "DENIED"},
    {SBI_ERR_INVALID_ADDRESS, "INVALID_ADDRESS"},
    {SBI_ERR_ALREADY_AVAILABLE, "ALREADY_AVAILABLE"},
    {SBI_ERR_ALREADY_STARTED, "ALREADY_STARTED"},
    {SBI_ERR_ALREADY_STOPPED, "ALREADY_STOPPED"},
};

const char *sbi_strerror(long error)
{
    for (unsigned i = 0; i < sizeof(error_names) / sizeof(error_names[0]); i++)
        if (error_names[i].code == error)
            return error_names[i].name;
    return "?";
}

static const struct {
    unsigned long eid;
    const char *name;
} ext_names[] = {
    {SBI_EXT_BASE, "BASE"}, {SBI_EXT_TIME, "TIME"}, {SBI_EXT_IPI, "IPI"},
    {SBI_EXT_RFENCE, "RFENCE"}, {SBI_EXT_HSM, "HSM"}, {SBI_EXT_SRST, "SRST"},
    {SBI_EXT_DBCN, "DBCN"},
};

const char *sbi_ext_name(unsigned long eid)
{
    static char buf[20];
    static const char hex[] = "0123456789abcdef";
    for (unsigned i = 0; i < sizeof(ext_names) / sizeof(ext_names[0]); i++)
        if (ext_names[i].eid == eid)
            return ext_names[i].name;
    char *p = buf + sizeof(buf) - 1;
    *p = 0;
    do {
        *--p = hex[eid & 15];
        eid >>= 4;
    } while (eid && p > buf + 2);
    *--p = 'x';
    *--p = '0';
    return p;
}
