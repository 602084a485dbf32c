/*
 * args.c - a minimal flattened-device-tree reader for the spin guests: it walks the structure
 * block once, remembers /chosen/bootargs and /cpus/timebase-frequency, and parses `key=value`
 * words of the bootargs on request (see args.h).
 */
#include "args.h"

#include "guest.h"

#define FDT_MAGIC 0xd00dfeedU
#define FDT_BEGIN_NODE 1U
#define FDT_END_NODE 2U
#define FDT_PROP 3U
#define FDT_NOP 4U
#define FDT_END 9U
#define DEFAULT_TIMEBASE 10000000UL

static const char *cmdline = "";
static unsigned long timebase = DEFAULT_TIMEBASE;

/* A big-endian 32-bit cell (byte by byte: no libgcc bswap helper in this freestanding build). */
static uint32_t be32(const void *p)
{
    const unsigned char *b = p;
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static int streq(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

static unsigned long align4(unsigned long n) { return (n + 3) & ~3UL; }

void args_init(unsigned long fdt)
{
    if (fdt == 0 || be32((const void *)fdt) != FDT_MAGIC)
        return;
    const char *base = (const char *)fdt;
    const char *p = base + be32(base + 8);         /* off_dt_struct */
    const char *strings = base + be32(base + 12);  /* off_dt_strings */
    const char *node = "";
    int depth = 0;
    for (;;) {
        uint32_t token = be32(p);
        p += 4;
        if (token == FDT_BEGIN_NODE) {
            depth++;
            node = p;
            p += align4(strlen(p) + 1);
        } else if (token == FDT_END_NODE) {
            depth--;
            node = "";
        } else if (token == FDT_PROP) {
            uint32_t len = be32(p);
            const char *name = strings + be32(p + 4);
            const char *value = p + 8;
            if (depth == 2 && streq(node, "chosen") && streq(name, "bootargs"))
                cmdline = value;
            if (depth == 2 && streq(node, "cpus") && streq(name, "timebase-frequency"))
                timebase = len == 8 ? (unsigned long)be32(value) << 32 | be32(value + 4)
                                    : be32(value);
            p += 8 + align4(len);
        } else if (token != FDT_NOP) {
            return; /* FDT_END or garbage */
        }
    }
}

const char *bootargs(void) { return cmdline; }
unsigned long timebase_hz(void) { return timebase; }
unsigned long us_to_ticks(unsigned long us) { return us * (timebase / 1000) / 1000; }
unsigned long ticks_to_us(unsigned long ticks) { return ticks * 1000 / (timebase / 1000); }

static int parse_number(const char *s, const char *end, unsigned long *out)
{
    unsigned long value = 0, radix = 10;
    if (end - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        radix = 16;
        s += 2;
    }
    if (s == end)
        return 0;
    for (; s < end; s++) {
        unsigned digit;
        if (*s >= '0' && *s <= '9')
            digit = *s - '0';
        else if (radix == 16 && *s >= 'a' && *s <= 'f')
            digit = *s - 'a' + 10;
        else if (radix == 16 && *s >= 'A' && *s <= 'F')
            digit = *s - 'A' + 10;
        else if (*s == '_')
            continue;
        else
            return 0;
        value = value * radix + digit;
    }
    *out = value;
    return 1;
}

unsigned long arg_ulong(const char *key, unsigned long dflt)
{
    size_t klen = strlen(key);
    const char *s = cmdline;
    while (*s) {
        while (*s == ' ')
            s++;
        const char *word = s;
        while (*s && *s != ' ')
            s++;
        if ((size_t)(s - word) > klen && memcmp(word, key, klen) == 0 && word[klen] == '=') {
            unsigned long value;
            if (!parse_number(word + klen + 1, s, &value))
                guest_fail("bootargs: %s: expected a number", key);
            return value;
        }
    }
    return dflt;
}
