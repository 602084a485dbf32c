/*
 * console.h - console output of hvsim's VS-mode guests: a printf-lite over SBI.
 *
 * Owns: the output backend (SBI DBCN console_write, one SBI call per printf, when the
 * hypervisor offers DBCN; else the legacy console_putchar, one call per byte), a console lock
 * so lines of different harts do not interleave, and printf/snprintf supporting
 * %s %c %d %u %x %p and the l/ll length modifiers (%ld %lu %lx), a field width and the 0 flag.
 */
#ifndef GUEST_CONSOLE_H
#define GUEST_CONSOLE_H

#include <stdarg.h>
#include <stddef.h>

enum console_backend {
    CONSOLE_AUTO,   /* DBCN if probed present, else legacy */
    CONSOLE_DBCN,   /* SBI debug console extension, console_write */
    CONSOLE_LEGACY, /* SBI v0.1 console_putchar */
};

/* Probe DBCN once (called by the start-up code on the boot hart). */
void console_init(void);
/* Force a backend (CONSOLE_AUTO goes back to the probed choice); returns the previous one. */
enum console_backend console_set_backend(enum console_backend backend);
/* Is DBCN available (as probed by console_init)? */
int console_has_dbcn(void);

/* Write raw bytes through the current backend (under the console lock). */
void console_write(const char *buf, size_t len);
void console_puts(const char *s); /* no newline added */

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

#endif
