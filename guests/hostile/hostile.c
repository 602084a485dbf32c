/*
 * hostile - a VS-mode guest that feeds the hypervisor bad arguments and then touches memory
 * it does not own.  Run it on a VM with 2 vCPUs next to a well-behaved VM (configs/hostile.toml).
 *
 * Part 1, SBI: every call in `checks` passes a bad pointer, length, hart id, hart mask, EID,
 * FID or reset type and must come back with the SBI error the specification prescribes
 * (DBCN buffers outside RAM or overflowing: INVALID_PARAM; HSM bad hart: INVALID_PARAM,
 * started hart: ALREADY_AVAILABLE, start address outside RAM: INVALID_ADDRESS; IPI/RFENCE bad
 * masks: INVALID_PARAM; unknown EID/FID: NOT_SUPPORTED; reserved SRST type/reason:
 * INVALID_PARAM; legacy calls with a hart-mask pointer outside RAM: INVALID_ADDRESS).  Hart 1
 * must still be STOPPED afterwards.
 * Part 2, privileged instructions: hypervisor and machine CSRs and HFENCE from VS-mode must
 * trap into the guest as illegal instructions (the hypervisor redirects them).
 * Part 3, memory: a "regs" device at HOSTILE_CTRL tells what to do last (word 0: 0 = nothing,
 * 1 = store HOSTILE_VALUE at the address in word 8, 2 = load from it; word 16 = the end of the
 * VM's RAM, for the DBCN straddle check).  An access outside RAM must crash only this VM.
 * Output that proves it:
 *    hostile: 29 SBI checks, 0 wrong
 *    hostile: 5 privileged instructions trapped as illegal
 *    PASS hostile                                   (attack 0), or
 *    hostile: storing 0xbadc0ffee0ddf00d to guest-physical 0x81000000   and the VM "crashed"
 */
#include "guest.h"

DEFINE_GUEST();

#define HOSTILE_CTRL 0x10001000UL
#define HOSTILE_VALUE 0xBADC0FFEE0DDF00DUL
#define OUTSIDE 0x1000UL /* no RAM and no device there */

struct check {
    const char *what;
    unsigned long eid, fid;
    unsigned long args[6];
    long expected;
    int legacy; /* v0.1 call: the error comes back in a0 */
};

static unsigned long ram_end;
static volatile unsigned long attack_value;

/* CHECK_SBI(what, eid, fid, expected error, arguments...); CHECK_LEGACY likewise, no fid */
#define CHECK_SBI(what, eid, fid, expected, ...) {what, eid, fid, {__VA_ARGS__}, expected, 0}
#define CHECK_LEGACY(what, eid, expected, ...) {what, eid, 0, {__VA_ARGS__}, expected, 1}

static const struct check checks[] = {
    /* DBCN: buffers the hypervisor must refuse to read or write */
    CHECK_SBI("dbcn.console_write(outside RAM)", SBI_EXT_DBCN, 0, SBI_ERR_INVALID_PARAM, 16,
              OUTSIDE, 0),
    CHECK_SBI("dbcn.console_write(base_hi != 0)", SBI_EXT_DBCN, 0, SBI_ERR_INVALID_PARAM, 16,
              0x80200000UL, 1),
    CHECK_SBI("dbcn.console_write(1 TiB)", SBI_EXT_DBCN, 0, SBI_ERR_INVALID_PARAM, 1UL << 40,
              0x80200000UL, 0),
    CHECK_SBI("dbcn.console_write(wrapping length)", SBI_EXT_DBCN, 0, SBI_ERR_INVALID_PARAM,
              ~0UL, 0x80200000UL, 0),
    CHECK_SBI("dbcn.console_read(outside RAM)", SBI_EXT_DBCN, 1, SBI_ERR_INVALID_PARAM, 16,
              OUTSIDE, 0),
    CHECK_SBI("dbcn.fid 7", SBI_EXT_DBCN, 7, SBI_ERR_NOT_SUPPORTED, 0),
    /* HSM */
    CHECK_SBI("hsm.hart_start(hart 64)", SBI_EXT_HSM, SBI_HSM_HART_START, SBI_ERR_INVALID_PARAM,
              64, 0x80200000UL, 0),
    CHECK_SBI("hsm.hart_start(hart -1)", SBI_EXT_HSM, SBI_HSM_HART_START, SBI_ERR_INVALID_PARAM,
              ~0UL, 0x80200000UL, 0),
    CHECK_SBI("hsm.hart_start(self)", SBI_EXT_HSM, SBI_HSM_HART_START,
              SBI_ERR_ALREADY_AVAILABLE, 0, 0x80200000UL, 0),
    CHECK_SBI("hsm.hart_start(hart 1 at an address outside RAM)", SBI_EXT_HSM,
              SBI_HSM_HART_START, SBI_ERR_INVALID_ADDRESS, 1, OUTSIDE, 0),
    CHECK_SBI("hsm.hart_get_status(hart 1000)", SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS,
              SBI_ERR_INVALID_PARAM, 1000),
    CHECK_SBI("hsm.hart_suspend(reserved type)", SBI_EXT_HSM, SBI_HSM_HART_SUSPEND,
              SBI_ERR_INVALID_PARAM, 0x12345, 0, 0),
    CHECK_SBI("hsm.fid 42", SBI_EXT_HSM, 42, SBI_ERR_NOT_SUPPORTED, 0),
    /* IPI and RFENCE: hart masks naming harts that do not exist */
    CHECK_SBI("ipi.send_ipi(base 64)", SBI_EXT_IPI, 0, SBI_ERR_INVALID_PARAM, 1, 64),
    CHECK_SBI("ipi.send_ipi(hart 5 of 2)", SBI_EXT_IPI, 0, SBI_ERR_INVALID_PARAM, 1UL << 5, 0),
    CHECK_SBI("rfence.remote_fence_i(base 100)", SBI_EXT_RFENCE, 0, SBI_ERR_INVALID_PARAM, 1,
              100),
    CHECK_SBI("rfence.remote_sfence_vma(hart 7 of 2)", SBI_EXT_RFENCE, 1, SBI_ERR_INVALID_PARAM,
              1UL << 7, 0, 0, 0),
    CHECK_SBI("rfence.remote_sfence_vma_asid(base 2^63)", SBI_EXT_RFENCE, 2,
              SBI_ERR_INVALID_PARAM, 1, 1UL << 63, 0, 0, 1),
    /* unknown extensions and functions */
    CHECK_SBI("unknown EID 0x0badbad0", 0x0BADBAD0UL, 0, SBI_ERR_NOT_SUPPORTED, 0),
    CHECK_SBI("unknown EID 0xffffffff", 0xFFFFFFFFUL, 0, SBI_ERR_NOT_SUPPORTED, 0),
    CHECK_SBI("base.fid 99", SBI_EXT_BASE, 99, SBI_ERR_NOT_SUPPORTED, 0),
    CHECK_SBI("time.fid 5", SBI_EXT_TIME, 5, SBI_ERR_NOT_SUPPORTED, 0),
    /* SRST reserved values (must not reset anything) */
    CHECK_SBI("srst.system_reset(reserved type)", SBI_EXT_SRST, 0, SBI_ERR_INVALID_PARAM, 0x1234,
              0),
    CHECK_SBI("srst.system_reset(reserved reason)", SBI_EXT_SRST, 0, SBI_ERR_INVALID_PARAM, 0,
              0x1234),
    /* legacy calls read a hart mask through a pointer */
    CHECK_LEGACY("legacy send_ipi(mask pointer outside RAM)", SBI_EXT_LEGACY_SEND_IPI,
                 SBI_ERR_INVALID_ADDRESS, OUTSIDE),
    CHECK_LEGACY("legacy remote_sfence_vma(mask pointer outside RAM)",
                 SBI_EXT_LEGACY_REMOTE_SFENCE_VMA, SBI_ERR_INVALID_ADDRESS, OUTSIDE, 0, 0),
    CHECK_LEGACY("legacy EID 0x09 (reserved)", 0x09, SBI_ERR_NOT_SUPPORTED, 0),
};

static long call(const struct check *c)
{
    const unsigned long *a = c->args;
    if (c->legacy)
        return sbi_legacy(c->eid, a[0], a[1], a[2], a[3]);
    return sbi_ecall(c->eid, c->fid, a[0], a[1], a[2], a[3], a[4], a[5]).error;
}

static unsigned sbi_checks(void)
{
    unsigned wrong = 0, n = sizeof(checks) / sizeof(checks[0]);
    for (unsigned i = 0; i < n; i++) {
        struct sbiret r = {call(&checks[i]), 0};
        wrong += !sbi_expect(r, checks[i].expected, checks[i].what);
    }
    if (ram_end) { /* a buffer that starts in RAM and ends past it */
        struct sbiret r = sbi_debug_console_write(16, ram_end - 8, 0);
        wrong += !sbi_expect(r, SBI_ERR_INVALID_PARAM, "dbcn.console_write(across RAM end)");
        n++;
    }
    long status = sbi_hart_get_status(1).value;
    if (status != SBI_HSM_STOPPED) {
        printf("%s: hart 1 has status %ld after the bad hart_start, expected STOPPED\n",
               guest_name, status);
        wrong++;
    }
    n++;
    printf("%s: %u SBI checks, %u wrong\n", guest_name, n, wrong);
    return wrong;
}

/* ---- privileged instructions from VS-mode ------------------------------------------------ */
static volatile unsigned long illegal_traps;

static void on_illegal(struct trap_frame *tf)
{
    illegal_traps++;
    tf->sepc += 4;
}

static unsigned privileged_checks(void)
{
    trap_set_exception(CAUSE_ILLEGAL_INSTRUCTION, on_illegal);
    unsigned long v = 0;
    __asm__ volatile("csrr %0, 0x680" : "=r"(v));           /* hgatp */
    __asm__ volatile("csrw 0x600, %0" : : "r"(0UL));        /* hstatus */
    __asm__ volatile("csrr %0, 0x300" : "=r"(v));           /* mstatus */
    __asm__ volatile("csrw 0x602, %0" : : "r"(~0UL));       /* hedeleg */
    __asm__ volatile(".option push\n.option norvc\n"
                     ".word 0x62000073\n" /* hfence.gvma zero, zero */
                     ".option pop" ::: "memory");
    (void)v;
    trap_set_exception(CAUSE_ILLEGAL_INSTRUCTION, 0);
    printf("%s: %lu privileged instructions trapped as illegal\n", guest_name, illegal_traps);
    return illegal_traps == 5 ? 0 : 1;
}

int main(unsigned long hartid, unsigned long fdt)
{
    (void)hartid;
    (void)fdt;
    volatile unsigned long *ctrl = (volatile unsigned long *)HOSTILE_CTRL;
    unsigned long attack = ctrl[0], target = ctrl[1];
    ram_end = ctrl[2];

    unsigned wrong = sbi_checks();
    CHECK(!wrong, "%u SBI calls returned the wrong error (see above)", wrong);
    CHECK(!privileged_checks(), "%lu of 5 privileged instructions trapped as illegal",
          illegal_traps);

    if (attack == 1) {
        printf("%s: storing 0x%lx to guest-physical 0x%lx\n", guest_name, HOSTILE_VALUE, target);
        attack_value = HOSTILE_VALUE; /* in our own RAM: where the host may find it */
        *(volatile unsigned long *)target = attack_value;
        guest_fail("the store to 0x%lx outside RAM did not stop the VM", target);
    }
    if (attack == 2) {
        printf("%s: loading from guest-physical 0x%lx\n", guest_name, target);
        unsigned long v = *(volatile unsigned long *)target;
        guest_fail("the load from 0x%lx outside RAM returned 0x%lx", target, v);
    }
    return 0;
}
