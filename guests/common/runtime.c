/*
 * runtime.c - the C half of the VS-guest runtime: start-up hooks, trap dispatch tables, the
 * PASS/FAIL verdict and shutdown, SBI checking helpers, and memset/memcpy/memcmp/strlen.
 */
#include "guest.h"

static trap_fn exception_table[TRAP_CAUSES];
static trap_fn interrupt_table[TRAP_CAUSES];

void trap_set_exception(unsigned code, trap_fn fn)
{
    if (code < TRAP_CAUSES)
        exception_table[code] = fn;
}

void trap_set_interrupt(unsigned code, trap_fn fn)
{
    if (code < TRAP_CAUSES)
        interrupt_table[code] = fn;
}

void trap_handler(struct trap_frame *tf)
{
    unsigned long code = tf->scause & ~CAUSE_INTERRUPT;
    trap_fn *table = (tf->scause & CAUSE_INTERRUPT) ? interrupt_table : exception_table;
    trap_fn fn = code < TRAP_CAUSES ? table[code] : 0;
    if (fn) {
        fn(tf);
        return;
    }
    guest_fail("unexpected %s %lu on hart %lu: sepc=0x%lx stval=0x%lx",
               (tf->scause & CAUSE_INTERRUPT) ? "interrupt" : "exception", code, hart_id(),
               tf->sepc, tf->stval);
}

/* Called by start.S on the boot hart before main. */
void runtime_init(void) { console_init(); }

/* start.S: main returned; 0 is a pass, anything else a failure. */
void runtime_main_returned(int code)
{
    if (code == 0)
        guest_pass();
    guest_fail("main returned %d", code);
}

__attribute__((weak)) void secondary_main(unsigned long hartid, unsigned long opaque)
{
    (void)hartid;
    (void)opaque;
}

/* start.S: a secondary hart's secondary_main returned: stop the hart. */
void runtime_secondary_returned(void)
{
    struct sbiret r = sbi_hart_stop();
    guest_fail("SBI hsm.hart_stop returned on hart %lu: error %ld (%s)", hart_id(), r.error,
               sbi_strerror(r.error));
}

void guest_shutdown(int failure)
{
    sbi_system_reset(SBI_SRST_SHUTDOWN, failure ? SBI_SRST_REASON_FAILURE : SBI_SRST_REASON_NONE);
    sbi_legacy_shutdown(); /* SRST not offered: the v0.1 call */
}

void guest_pass(void)
{
    printf("PASS %s\n", guest_name);
    guest_shutdown(0);
}

void guest_fail(const char *fmt, ...)
{
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    printf("FAIL %s: %s\n", guest_name, msg);
    guest_shutdown(1);
}

int sbi_expect(struct sbiret r, long expected, const char *what)
{
    if (r.error == expected)
        return 1;
    printf("%s: SBI %s returned %ld (%s), expected %ld (%s)\n", guest_name, what, r.error,
           sbi_strerror(r.error), expected, sbi_strerror(expected));
    return 0;
}

void require_extension(unsigned long eid)
{
    if (!sbi_probe_extension(eid))
        guest_fail("SBI extension %s (0x%lx) not available: probe_extension returned 0",
                   sbi_ext_name(eid), eid);
}

/* ---- libc subset ---------------------------------------------------------------------------- */
void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    for (; n && ((uintptr_t)d & 7); n--)
        *d++ = (unsigned char)c;
    uint64_t word = 0x0101010101010101UL * (unsigned char)c;
    for (; n >= 8; n -= 8, d += 8)
        *(uint64_t *)d = word;
    while (n--)
        *d++ = (unsigned char)c;
    return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    while (n--)
        *d++ = *s++;
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x - *y;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}
