/*
 * hello - the first VS-mode guest: console output through both SBI console interfaces and
 * the BASE extension.
 *
 * Shows:
 *  - SBI BASE: get_spec_version, get_impl_id, get_impl_version, and probe_extension for
 *    every extension the runtime knows (a present extension probes non-zero, an EID nobody
 *    implements probes 0);
 *  - SBI DBCN console_write (a whole line in one call, value = bytes written) and
 *    console_write_byte;
 *  - the legacy (v0.1) console_putchar, one byte per call.
 * Output that proves it:
 *    hello: SBI spec v2.0, impl id 0x6876 version 1      (whatever the hypervisor reports)
 *    hello: extensions: BASE=1 TIME=1 IPI=1 RFENCE=1 HSM=1 SRST=1 DBCN=1
 *    hello from DBCN console_write
 *    hello from DBCN console_write_byte
 *    hello from legacy console_putchar
 *    PASS hello
 * A missing DBCN is reported as FAIL with the SBI error it returned.
 */
#include "guest.h"

DEFINE_GUEST();

static const unsigned long known[] = {
    SBI_EXT_BASE, SBI_EXT_TIME, SBI_EXT_IPI, SBI_EXT_RFENCE,
    SBI_EXT_HSM,  SBI_EXT_SRST, SBI_EXT_DBCN,
};

static void legacy_puts(const char *s)
{
    while (*s)
        sbi_legacy_putchar(*s++);
}

int main(unsigned long hartid, unsigned long fdt)
{
    (void)fdt;
    CHECK(hartid == 0, "boot hart id is %lu, expected 0", hartid);

    long spec = SBI_OK(sbi_get_spec_version(), "base.get_spec_version");
    long impl = SBI_OK(sbi_get_impl_id(), "base.get_impl_id");
    long impl_version = SBI_OK(sbi_get_impl_version(), "base.get_impl_version");
    CHECK((spec >> 24) >= 1 || (spec & 0xffffff) >= 2,
          "spec version 0x%lx is older than v0.2 (no BASE extension)", spec);
    printf("hello: SBI spec v%ld.%ld, impl id 0x%lx version %ld\n", (spec >> 24) & 0x7f,
           spec & 0xffffff, impl, impl_version);

    printf("hello: extensions:");
    for (unsigned i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        printf(" %s=%ld", sbi_ext_name(known[i]), sbi_probe_extension(known[i]));
    printf("\n");
    CHECK(sbi_probe_extension(SBI_EXT_BASE), "BASE does not probe itself as present");
    CHECK(sbi_probe_extension(0x0A000000) == 0, "an unused EID probes as present");

    static const char line[] = "hello from DBCN console_write\n";
    long len = (long)sizeof(line) - 1;
    long written = SBI_OK(sbi_debug_console_write(len, (unsigned long)line, 0),
                          "dbcn.console_write");
    CHECK(written == len, "dbcn.console_write wrote %ld of %ld bytes", written, len);

    static const char byte_line[] = "hello from DBCN console_write_byte\n";
    for (const char *p = byte_line; *p; p++)
        SBI_OK(sbi_debug_console_write_byte((unsigned char)*p), "dbcn.console_write_byte");

    legacy_puts("hello from legacy console_putchar\n");
    return 0;
}
