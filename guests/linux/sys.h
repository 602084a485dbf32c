/* Minimal Linux system-call layer for hvsim's freestanding init programs (no libc: Debian's
 * glibc is lp64d and executes FP instructions, which an FPU=n kernel refuses). */
#ifndef HVSIM_LINUX_SYS_H
#define HVSIM_LINUX_SYS_H

#define SYS_openat   56
#define SYS_close    57
#define SYS_lseek    62
#define SYS_read     63
#define SYS_write    64
#define SYS_sync     81
#define SYS_reboot   142
#define SYS_mount    40
#define SYS_mkdirat  34
#define AT_FDCWD     (-100)
#define O_RDWR       2
#define LINUX_REBOOT_MAGIC1 0xfee1deadL
#define LINUX_REBOOT_MAGIC2 672274793L
#define LINUX_REBOOT_CMD_POWER_OFF 0x4321fedcL

static inline long syscall6(long n, long a, long b, long c, long d, long e, long f)
{
    register long a0 asm("a0") = a;
    register long a1 asm("a1") = b;
    register long a2 asm("a2") = c;
    register long a3 asm("a3") = d;
    register long a4 asm("a4") = e;
    register long a5 asm("a5") = f;
    register long a7 asm("a7") = n;
    asm volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a7)
                 : "memory");
    return a0;
}

static inline unsigned long str_len(const char *s)
{
    unsigned long n = 0;
    while (s[n])
        n++;
    return n;
}

static inline void put(const char *s) { syscall6(SYS_write, 1, (long)s, str_len(s), 0, 0, 0); }

static inline int starts_with(const char *s, const char *prefix)
{
    while (*prefix)
        if (*s++ != *prefix++)
            return 0;
    return 1;
}

/* The value of environment variable `name=` (the kernel passes unknown name=value boot
 * arguments to init as environment), or a default. */
static inline const char *env_get(long *sp, const char *name, const char *fallback)
{
    long argc = sp[0];
    char **envp = (char **)(sp + 1 + argc + 1);
    for (; *envp; envp++)
        if (starts_with(*envp, name))
            return *envp + str_len(name);
    return fallback;
}

/* GCC may turn copies and fills into calls even without a libc: provide them. */
void *memcpy(void *dst, const void *src, unsigned long n)
{
    char *d = dst;
    const char *s = src;
    while (n--)
        *d++ = *s++;
    return dst;
}

void *memset(void *dst, int c, unsigned long n)
{
    char *d = dst;
    while (n--)
        *d++ = (char)c;
    return dst;
}

static inline void power_off(void)
{
    syscall6(SYS_sync, 0, 0, 0, 0, 0, 0);
    syscall6(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_POWER_OFF,
             0, 0, 0);
}

#endif
