/*
 * user_task.c - the U-mode side of the paging guest.  Everything in this file lands in the
 * image's .user pages (link.ld places all sections of user_*.o there), which the kernel maps
 * with the U bit; the task reaches the kernel only through ecall.
 */
#include "paging.h"

static inline long syscall2(long n, long a0, long a1)
{
    register long r0 __asm__("a0") = a0;
    register long r1 __asm__("a1") = a1;
    register long r7 __asm__("a7") = n;
    __asm__ volatile("ecall" : "+r"(r0) : "r"(r1), "r"(r7) : "memory");
    return r0;
}

static unsigned long length(const char *s)
{
    unsigned long n = 0;
    while (s[n])
        n++;
    return n;
}

static long print(const char *s) { return syscall2(SYS_PRINT, (long)s, (long)length(s)); }

static void __attribute__((noreturn)) sys_exit(long code)
{
    syscall2(SYS_EXIT, code, 0);
    for (;;)
        ;
}

void user_main(void)
{
    volatile unsigned long *heap = (volatile unsigned long *)USER_HEAP;
    const unsigned long words = 4096 / sizeof(unsigned long);
    volatile char scratch[64]; /* on the stack: its first store demand-maps the stack page */

    for (unsigned i = 0; i < sizeof(scratch); i++)
        scratch[i] = (char)i;

    const char *hello = "user: hello from U-mode\n";
    if (print(hello) != (long)length(hello))
        sys_exit(1);
    /* a pointer into kernel memory must be refused, not printed */
    if (syscall2(SYS_PRINT, (long)USER_KERNEL_PROBE, 8) != -EFAULT)
        sys_exit(2);
    /* even pages: first touch is a store; odd pages: a load that must read zero */
    for (unsigned long p = 0; p < USER_HEAP_PAGES; p++) {
        volatile unsigned long *page = heap + p * words;
        if (p % 2 == 0) {
            page[7] = heap_pattern(p);
        } else {
            for (unsigned long i = 0; i < words; i += 64)
                if (page[i] != 0)
                    sys_exit(100 + (long)p);
            page[7] = heap_pattern(p);
        }
    }
    for (unsigned long p = 0; p < USER_HEAP_PAGES; p++)
        if (heap[p * words + 7] != heap_pattern(p) || heap[p * words] != 0)
            sys_exit(200 + (long)p);
    print("user: demand-zero heap ok\n");
    sys_exit(TASK_OK);
}

void user_peek_kernel(void)
{
    volatile unsigned long *kernel = (volatile unsigned long *)USER_KERNEL_PROBE;
    print("user: reading kernel memory\n");
    (void)*kernel; /* a load page fault: the kernel kills the task */
    sys_exit(3);
}
