/*
 * guest.h - the runtime shared by hvsim's VS-mode guests (guests/common/).
 *
 * A guest is a freestanding C program linked at 0x80200000 (link.ld) and started by the
 * hypervisor in VS-mode with a0 = hart id and a1 = FDT address.  The runtime gives it:
 *
 *  - start-up (start.S): gp, tp = hart id, a 16 KiB stack per hart (up to MAX_HARTS), stvec,
 *    .bss cleared by the boot hart, then main(hartid, fdt); secondary harts started with
 *    HSM hart_start at `secondary_entry` run secondary_main(hartid, opaque) and then stop;
 *  - traps (trap.S, runtime.c): every register saved in a struct trap_frame, then a C
 *    dispatch through two tables (exceptions and interrupts by cause code) filled with
 *    trap_set_exception / trap_set_interrupt; an unexpected trap is a FAIL;
 *  - U-mode tasks (user.S): run_user(pc, sp) enters U-mode and returns the code a trap
 *    handler passes to return_from_user(code);
 *  - the verdict: every guest ends with exactly one line "PASS <name>" or
 *    "FAIL <name>: <reason>" and then shuts the VM down (SBI SRST, else legacy shutdown).
 *
 * Each guest source says `DEFINE_GUEST();` once: its name is the file stem (GUEST_NAME).
 */
#ifndef GUEST_H
#define GUEST_H

#include <stddef.h>
#include <stdint.h>

#include "console.h"
#include "csr.h"
#include "sbi.h"

#define MAX_HARTS 8
#define STACK_SIZE 0x4000

#define GUEST_STR2(x) #x
#define GUEST_STR(x) GUEST_STR2(x)
/* The guest's name (for PASS/FAIL lines): the stem of the file that says DEFINE_GUEST(). */
#define DEFINE_GUEST() const char guest_name[] = GUEST_STR(GUEST_NAME)
extern const char guest_name[];

/* ---- registers saved by the trap entry --------------------------------------------------- */
struct trap_frame {
    unsigned long regs[32]; /* x0 (always 0) .. x31; regs[2] is the interrupted sp */
    unsigned long sepc;
    unsigned long sstatus;
    unsigned long scause;
    unsigned long stval;
};
enum { REG_RA = 1, REG_SP = 2, REG_A0 = 10, REG_A1 = 11, REG_A2 = 12, REG_A7 = 17 };

typedef void (*trap_fn)(struct trap_frame *tf);
#define TRAP_CAUSES 16
void trap_set_exception(unsigned code, trap_fn fn); /* NULL: unexpected again */
void trap_set_interrupt(unsigned code, trap_fn fn);
void trap_handler(struct trap_frame *tf); /* called by trap.S */
extern void trap_entry(void);

/* ---- harts ------------------------------------------------------------------------------- */
static inline unsigned long hart_id(void)
{
    unsigned long id;
    __asm__ volatile("mv %0, tp" : "=r"(id));
    return id;
}

int main(unsigned long hartid, unsigned long fdt);
void secondary_main(unsigned long hartid, unsigned long opaque); /* weak default: returns */
extern void secondary_entry(void); /* start address for sbi_hart_start */

/* ---- U-mode ------------------------------------------------------------------------------ */
long run_user(unsigned long pc, unsigned long sp);
void return_from_user(long code) __attribute__((noreturn));

/* ---- verdict and shutdown ---------------------------------------------------------------- */
void guest_pass(void) __attribute__((noreturn));
void guest_fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void guest_shutdown(int failure) __attribute__((noreturn));

#define CHECK(cond, ...)              \
    do {                              \
        if (!(cond))                  \
            guest_fail(__VA_ARGS__);  \
    } while (0)

/* Call an SBI function that must succeed; a failure names it: "SBI hsm.hart_start ...". */
#define SBI_OK(call, what)                                                                  \
    ({                                                                                      \
        struct sbiret __r = (call);                                                         \
        if (__r.error)                                                                      \
            guest_fail("SBI %s returned error %ld (%s)", what, __r.error,                   \
                       sbi_strerror(__r.error));                                            \
        __r.value;                                                                          \
    })

/* An SBI call that must fail with `expected`; counts and reports a mismatch (no exit). */
int sbi_expect(struct sbiret r, long expected, const char *what);

/* Fail unless the hypervisor offers the SBI extension `eid` (BASE probe_extension). */
void require_extension(unsigned long eid);

/*
 * Sleep in WFI until `cond` holds, without losing a wake-up: the condition is checked with
 * interrupts masked (sstatus.SIE = 0) and WFI still wakes on a pending enabled interrupt,
 * which is then taken as soon as SIE is set again.
 */
#define WAIT_UNTIL(cond)                      \
    do {                                      \
        for (;;) {                            \
            csr_clear(sstatus, SSTATUS_SIE);  \
            if (cond)                         \
                break;                        \
            wfi();                            \
            csr_set(sstatus, SSTATUS_SIE);    \
        }                                     \
        csr_set(sstatus, SSTATUS_SIE);        \
    } while (0)

/* ---- the few libc functions the compiler may call ------------------------------------------ */
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

#endif
