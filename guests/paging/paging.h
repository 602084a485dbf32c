/*
 * paging.h - what the paging guest's kernel (paging.c) and its U-mode task (user_task.c)
 * agree on: the user address-space layout, the system-call numbers and exit codes.
 */
#ifndef PAGING_H
#define PAGING_H

/* demand-zero regions: a page is allocated, zeroed and mapped on its first touch */
#define USER_STACK_TOP 0x40000000UL
#define USER_STACK_PAGES 4
#define USER_HEAP 0x50000000UL
#define USER_HEAP_PAGES 6

/* system calls: a7 = number, a0.. = arguments, a0 = result */
#define SYS_PRINT 1 /* (const char *buf, unsigned long len) -> bytes printed or -14 */
#define SYS_EXIT 2  /* (long code), does not return */
#define SYS_COUNT 3
#define EFAULT 14

#define USER_KERNEL_PROBE 0x80200000UL /* a kernel address the task must not reach */

#define TASK_OK 42          /* exit code of a task whose checks all passed */
#define TASK_KILLED (-1000) /* run_user result when the kernel killed the task */

/* the word a task stores at offset 7 of heap page p */
static inline unsigned long heap_pattern(unsigned long p)
{
    return 0x5A5A000000000000UL | (p << 8);
}

/* user_task.c */
void user_main(void);         /* demand-zero heap and stack, syscalls, exit(TASK_OK) */
void user_peek_kernel(void);  /* reads kernel memory: must be killed by a page fault */

#endif
