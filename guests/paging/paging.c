/*
 * paging - a small VS-mode guest kernel with its own Sv39 page tables and a U-mode task whose
 * system calls and page faults it handles itself, without the hypervisor.
 *
 * Shows:
 *  - the kernel builds Sv39 tables (4 KiB pages: its image identity-mapped without U, the
 *    .user pages with U) and turns translation on with csrw satp, which in VS-mode is vsatp
 *    (the hypervisor's G-stage translates every guest-physical address underneath);
 *  - run_user() enters U-mode (VU); the task's ecalls (print, exit) and page faults reach
 *    the kernel's stvec directly because hedeleg delegates them (cause 8, 13, 15: no VM exit);
 *  - demand-zero paging: the task's stack and heap are unmapped; the first touch of each
 *    page faults, the kernel maps a zeroed page and the access is retried.  Odd heap pages are
 *    first read (load page fault, must read 0), even ones first written (store page fault);
 *  - the print syscall reads the user buffer with sstatus.SUM and refuses a kernel pointer
 *    (-EFAULT); a second task that reads kernel memory is killed by its load page fault.
 * Output that proves it:
 *    paging: Sv39 on (satp 0x8...)
 *    user: hello from U-mode
 *    user: demand-zero heap ok
 *    user: reading kernel memory
 *    paging: 3 load + 4 store page faults handled, 5 syscalls, task 2 killed at 0x80200000
 *    PASS paging
 */
#include "guest.h"
#include "paging.h"

DEFINE_GUEST();

#define POOL_PAGES 32
#define ASID 1
#define ENOSYS 38

extern char __image_start[], __image_end[], __user_start[], __user_end[];

static uint64_t pool[POOL_PAGES][512] __attribute__((aligned(4096)));
static unsigned pool_used;
static uint64_t *root;

static unsigned long load_faults, store_faults, syscalls_done;
static unsigned long killed_cause, killed_addr;
static struct {
    unsigned long va, pa;
} demand[USER_HEAP_PAGES + USER_STACK_PAGES];
static unsigned demand_used;

static uint64_t *alloc_page(void)
{
    CHECK(pool_used < POOL_PAGES, "page pool exhausted");
    uint64_t *page = pool[pool_used++];
    memset(page, 0, 4096);
    return page;
}

static void map_page(unsigned long va, unsigned long pa, unsigned long flags)
{
    uint64_t *table = root;
    for (int level = 2; level > 0; level--) {
        uint64_t *pte = &table[(va >> (PAGE_SHIFT + 9 * level)) & 511];
        if (!(*pte & PTE_V))
            *pte = (((uint64_t)alloc_page() >> PAGE_SHIFT) << 10) | PTE_V;
        table = (uint64_t *)((*pte >> 10) << PAGE_SHIFT);
    }
    table[(va >> PAGE_SHIFT) & 511] = ((pa >> PAGE_SHIFT) << 10) | flags | PTE_V | PTE_A | PTE_D;
}

static void build_tables(void)
{
    root = alloc_page();
    for (unsigned long a = (unsigned long)__image_start; a < (unsigned long)__image_end;
         a += PAGE_SIZE) {
        int user = a >= (unsigned long)__user_start && a < (unsigned long)__user_end;
        map_page(a, a, PTE_R | PTE_W | PTE_X | (user ? PTE_U : PTE_G));
    }
}

static int in_range(unsigned long a, unsigned long len, unsigned long lo, unsigned long hi)
{
    return a >= lo && a <= hi && len <= hi - a;
}

static int user_accessible(unsigned long a, unsigned long len)
{
    return in_range(a, len, (unsigned long)__user_start, (unsigned long)__user_end) ||
           in_range(a, len, USER_HEAP, USER_HEAP + USER_HEAP_PAGES * PAGE_SIZE) ||
           in_range(a, len, USER_STACK_TOP - USER_STACK_PAGES * PAGE_SIZE, USER_STACK_TOP);
}

static int in_demand_region(unsigned long va)
{
    return in_range(va, 1, USER_HEAP, USER_HEAP + USER_HEAP_PAGES * PAGE_SIZE - 1) ||
           in_range(va, 1, USER_STACK_TOP - USER_STACK_PAGES * PAGE_SIZE, USER_STACK_TOP - 1);
}

/* ---- system calls ---------------------------------------------------------------------- */
static long sys_print(struct trap_frame *tf)
{
    unsigned long buf = tf->regs[REG_A0], len = tf->regs[REG_A1];
    if (!user_accessible(buf, len))
        return -EFAULT;
    char copy[128];
    unsigned long done = 0;
    while (done < len) {
        unsigned long n = len - done < sizeof(copy) ? len - done : sizeof(copy);
        csr_set(sstatus, SSTATUS_SUM); /* S-mode may read U pages only with SUM */
        memcpy(copy, (const char *)(buf + done), n);
        csr_clear(sstatus, SSTATUS_SUM);
        console_write(copy, n);
        done += n;
    }
    return (long)len;
}

static long sys_exit(struct trap_frame *tf) { return_from_user((long)tf->regs[REG_A0]); }

typedef long (*syscall_fn)(struct trap_frame *tf);
static const syscall_fn syscall_table[SYS_COUNT] = {
    [SYS_PRINT] = sys_print,
    [SYS_EXIT] = sys_exit,
};

static void on_user_ecall(struct trap_frame *tf)
{
    unsigned long n = tf->regs[REG_A7];
    tf->sepc += 4;
    syscalls_done++;
    syscall_fn fn = n < SYS_COUNT ? syscall_table[n] : 0;
    tf->regs[REG_A0] = fn ? (unsigned long)fn(tf) : (unsigned long)-ENOSYS;
}

/* ---- page faults ------------------------------------------------------------------------ */
static void on_page_fault(struct trap_frame *tf)
{
    CHECK(!(tf->sstatus & SSTATUS_SPP), "kernel page fault: cause %lu at 0x%lx, address 0x%lx",
          tf->scause, tf->sepc, tf->stval);
    unsigned long va = tf->stval & ~(PAGE_SIZE - 1);
    if (tf->scause != CAUSE_FETCH_PAGE_FAULT && in_demand_region(va) &&
        demand_used < sizeof(demand) / sizeof(demand[0])) {
        unsigned long pa = (unsigned long)alloc_page();
        map_page(va, pa, PTE_R | PTE_W | PTE_U);
        sfence_vma_addr(va);
        demand[demand_used].va = va;
        demand[demand_used++].pa = pa;
        if (tf->scause == CAUSE_LOAD_PAGE_FAULT)
            load_faults++;
        else
            store_faults++;
        return; /* retry the access */
    }
    killed_cause = tf->scause;
    killed_addr = tf->stval;
    return_from_user(TASK_KILLED);
}

static void check_heap_frames(void)
{
    for (unsigned i = 0; i < demand_used; i++) {
        unsigned long va = demand[i].va;
        if (va < USER_HEAP || va >= USER_HEAP + USER_HEAP_PAGES * PAGE_SIZE)
            continue;
        unsigned long p = (va - USER_HEAP) / PAGE_SIZE;
        uint64_t word = ((uint64_t *)demand[i].pa)[7];
        CHECK(word == heap_pattern(p), "heap page %lu: frame 0x%lx holds 0x%lx, expected 0x%lx",
              p, demand[i].pa, word, heap_pattern(p));
    }
}

int main(unsigned long hartid, unsigned long fdt)
{
    (void)hartid;
    (void)fdt;
    build_tables();
    unsigned long satp = SATP_MODE_SV39 | ((unsigned long)ASID << SATP_ASID_SHIFT) |
                         ((unsigned long)root >> PAGE_SHIFT);
    csr_write(satp, satp);
    sfence_vma_all();
    CHECK(csr_read(satp) == satp, "satp reads 0x%lx after writing 0x%lx (no Sv39?)",
          csr_read(satp), satp);
    printf("paging: Sv39 on (satp 0x%lx)\n", satp);

    trap_set_exception(CAUSE_USER_ECALL, on_user_ecall);
    trap_set_exception(CAUSE_LOAD_PAGE_FAULT, on_page_fault);
    trap_set_exception(CAUSE_STORE_PAGE_FAULT, on_page_fault);
    trap_set_exception(CAUSE_FETCH_PAGE_FAULT, on_page_fault);

    long code = run_user((unsigned long)user_main, USER_STACK_TOP);
    CHECK(code == TASK_OK, "task 1 ended with %ld (killed: cause %lu at 0x%lx), expected %d",
          code, killed_cause, killed_addr, TASK_OK);
    check_heap_frames();

    code = run_user((unsigned long)user_peek_kernel, USER_STACK_TOP);
    CHECK(code == TASK_KILLED, "task 2 ended with %ld instead of being killed", code);
    CHECK(killed_cause == CAUSE_LOAD_PAGE_FAULT && killed_addr == USER_KERNEL_PROBE,
          "task 2 killed by cause %lu at 0x%lx, expected a load page fault at 0x%lx",
          killed_cause, killed_addr, USER_KERNEL_PROBE);

    printf("paging: %lu load + %lu store page faults handled, %lu syscalls, task 2 killed at "
           "0x%lx\n",
           load_faults, store_faults, syscalls_done, killed_addr);
    CHECK(load_faults == USER_HEAP_PAGES / 2, "%lu load page faults, expected %d", load_faults,
          USER_HEAP_PAGES / 2);
    CHECK(store_faults == USER_HEAP_PAGES - USER_HEAP_PAGES / 2 + 1,
          "%lu store page faults, expected %d (heap + one stack page)", store_faults,
          USER_HEAP_PAGES - USER_HEAP_PAGES / 2 + 1);
    CHECK(syscalls_done == 5, "%lu system calls, expected 5 (4 in task 1, 1 in task 2)",
          syscalls_done);
    return 0;
}
