/*
 * console.c - printf-lite and the SBI console backends of the VS-guest runtime.
 *
 * printf formats into a line buffer and hands complete chunks to the backend, so with DBCN a
 * typical printf costs one VM exit.  The console lock is taken per printf; a hart that already
 * holds it (a trap taken in the middle of a printf that then reports a failure) does not wait
 * for itself.
 */
#include "console.h"

#include "guest.h"
#include "sbi.h"

static enum console_backend probed = CONSOLE_LEGACY;
static enum console_backend current = CONSOLE_AUTO;
static volatile int lock_word;
static volatile long lock_owner = -1;

void console_init(void)
{
    probed = sbi_probe_extension(SBI_EXT_DBCN) ? CONSOLE_DBCN : CONSOLE_LEGACY;
}

int console_has_dbcn(void) { return probed == CONSOLE_DBCN; }

enum console_backend console_set_backend(enum console_backend backend)
{
    enum console_backend old = current;
    current = backend;
    return old;
}

static int lock_console(void)
{
    long me = (long)hart_id();
    if (lock_owner == me)
        return 0; /* re-entered from a trap on this hart */
    while (__atomic_exchange_n(&lock_word, 1, __ATOMIC_ACQUIRE))
        while (lock_word)
            ;
    lock_owner = me;
    return 1;
}

static void unlock_console(int taken)
{
    if (!taken)
        return;
    lock_owner = -1;
    __atomic_store_n(&lock_word, 0, __ATOMIC_RELEASE);
}

static void backend_write(const char *buf, size_t len)
{
    enum console_backend b = current == CONSOLE_AUTO ? probed : current;
    if (b == CONSOLE_DBCN) {
        while (len) {
            struct sbiret r = sbi_debug_console_write(len, (unsigned long)buf, 0);
            if (r.error || r.value <= 0 || (size_t)r.value > len)
                break; /* fall back to the legacy call for the rest */
            buf += r.value;
            len -= (size_t)r.value;
        }
    }
    for (; len; len--)
        sbi_legacy_putchar(*buf++);
}

void console_write(const char *buf, size_t len)
{
    int taken = lock_console();
    backend_write(buf, len);
    unlock_console(taken);
}

void console_puts(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    console_write(s, n);
}

/* ---- formatting --------------------------------------------------------------------------- */
struct sink {
    char *buf;
    size_t size; /* capacity of buf */
    size_t len;  /* bytes in buf */
    size_t total;
    void (*flush)(struct sink *);
};

static void put(struct sink *s, char c)
{
    s->total++;
    if (s->len + 1 >= s->size) {
        if (!s->flush)
            return; /* snprintf: truncate */
        s->flush(s);
    }
    s->buf[s->len++] = c;
}

static void put_number(struct sink *s, unsigned long v, unsigned base, int negative, int width,
                       char pad)
{
    static const char digits[] = "0123456789abcdef";
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    if (negative)
        width--;
    if (negative && pad == '0')
        put(s, '-');
    for (; width > n; width--)
        put(s, pad);
    if (negative && pad != '0')
        put(s, '-');
    while (n)
        put(s, tmp[--n]);
}

static void format(struct sink *s, const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            put(s, *fmt);
            continue;
        }
        fmt++;
        char pad = ' ';
        int width = 0, lng = 0;
        if (*fmt == '0') {
            pad = '0';
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        while (*fmt == 'l') {
            lng++;
            fmt++;
        }
        switch (*fmt) {
        case 'd': {
            long v = lng ? va_arg(ap, long) : va_arg(ap, int);
            put_number(s, v < 0 ? -(unsigned long)v : (unsigned long)v, 10, v < 0, width, pad);
            break;
        }
        case 'u':
            put_number(s, lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 10, 0, width,
                       pad);
            break;
        case 'x':
            put_number(s, lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 16, 0, width,
                       pad);
            break;
        case 'p':
            put(s, '0');
            put(s, 'x');
            put_number(s, (unsigned long)va_arg(ap, void *), 16, 0, width, pad);
            break;
        case 'c':
            put(s, (char)va_arg(ap, int));
            break;
        case 's': {
            const char *str = va_arg(ap, const char *);
            if (!str)
                str = "(null)";
            int n = 0;
            while (str[n])
                n++;
            for (; width > n; width--)
                put(s, ' ');
            while (*str)
                put(s, *str++);
            break;
        }
        case '%':
            put(s, '%');
            break;
        case 0:
            return;
        default: /* unknown conversion: print it as it is */
            put(s, '%');
            put(s, *fmt);
        }
    }
}

static void flush_to_console(struct sink *s)
{
    backend_write(s->buf, s->len);
    s->len = 0;
}

int vprintf(const char *fmt, va_list ap)
{
    char buf[256];
    struct sink s = {buf, sizeof(buf), 0, 0, flush_to_console};
    int taken = lock_console();
    format(&s, fmt, ap);
    flush_to_console(&s);
    unlock_console(taken);
    return (int)s.total;
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    char dummy;
    struct sink s = {size ? buf : &dummy, size ? size : 1, 0, 0, 0};
    format(&s, fmt, ap);
    s.buf[s.len] = 0;
    return (int)s.total;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
