/*
 * timer - periodic supervisor timer interrupts in a VS-mode guest, first programmed through
 * SBI TIME set_timer, then through Sstc (csrw stimecmp, which in VS-mode is vstimecmp),
 * idling in WFI between ticks.
 *
 * Shows: TIMER_TICKS interrupts per phase at absolute deadlines t0 + k * TIMER_PERIOD (time
 * units of the `time` CSR).  Each interrupt must arrive at or after its deadline (never early)
 * and is acknowledged by programming the next deadline (the last one by "never": all ones),
 * which clears sip.STIP.  At the end of a phase the guest checks that exactly TIMER_TICKS
 * interrupts came, that `time` advanced by at least TIMER_TICKS * TIMER_PERIOD and at most
 * TIMER_SLACK more, and that no interrupt arrives after the timer was switched off.
 * Output that proves it (the lateness figures depend on the scheduling):
 *    timer: sbi: 10 ticks, period 2000, elapsed 20003 (expected 20000), max late 3
 *    timer: sstc: 10 ticks, period 2000, elapsed 20001 (expected 20000), max late 1
 *    PASS timer
 * A hypervisor without SBI TIME fails with "SBI extension TIME ... not available"; one without
 * Sstc with "stimecmp is not accessible (illegal instruction)".
 */
#include "guest.h"

DEFINE_GUEST();

#ifndef TIMER_TICKS
#define TIMER_TICKS 10
#endif
#ifndef TIMER_PERIOD
#define TIMER_PERIOD 2000UL /* 200 us at the default 10 MHz timebase */
#endif
#ifndef TIMER_SLACK
#define TIMER_SLACK 100000UL /* 10 ms: room for other vCPUs on the same pCPU */
#endif
#define NEVER (~0UL)

struct phase {
    const char *name;
    void (*program)(uint64_t deadline);
};

static volatile unsigned long ticks;
static volatile uint64_t deadline;
static volatile uint64_t max_late;
static volatile int early;      /* an interrupt came before its deadline */
static volatile uint64_t early_at;
static const struct phase *current;

static void program_sbi(uint64_t when)
{
    SBI_OK(sbi_set_timer(when), "time.set_timer");
}

static void program_sstc(uint64_t when) { csr_write(stimecmp, when); }

static const struct phase phases[] = {
    {"sbi", program_sbi},
    {"sstc", program_sstc},
};

static void on_timer(struct trap_frame *tf)
{
    (void)tf;
    uint64_t now = rdtime();
    if (now < deadline) {
        early = 1;
        early_at = now;
    } else if (now - deadline > max_late) {
        max_late = now - deadline;
    }
    ticks++;
    if (ticks < TIMER_TICKS) {
        deadline += TIMER_PERIOD;
        current->program(deadline);
    } else {
        deadline = NEVER;
        current->program(NEVER);
    }
}

static void no_sstc(struct trap_frame *tf)
{
    guest_fail("stimecmp is not accessible (illegal instruction 0x%lx at 0x%lx): no Sstc?",
               tf->stval, tf->sepc);
}

static void run_phase(const struct phase *p)
{
    ticks = 0;
    max_late = 0;
    early = 0;
    current = p;
    uint64_t t0 = rdtime();
    deadline = t0 + TIMER_PERIOD;
    p->program(deadline);
    csr_set(sie, SIP_STIP);
    WAIT_UNTIL(ticks >= TIMER_TICKS);
    uint64_t elapsed = rdtime() - t0;
    uint64_t expected = TIMER_TICKS * TIMER_PERIOD;

    /* switched off: nothing more may come during another period */
    uint64_t quiet_until = rdtime() + TIMER_PERIOD;
    while (rdtime() < quiet_until)
        ;
    csr_clear(sie, SIP_STIP);

    printf("timer: %s: %lu ticks, period %lu, elapsed %lu (expected %lu), max late %lu\n",
           p->name, ticks, TIMER_PERIOD, elapsed, expected, max_late);
    CHECK(!early, "%s: interrupt at time %lu before its deadline", p->name, early_at);
    CHECK(ticks == TIMER_TICKS, "%s: %lu interrupts, expected %d", p->name, ticks, TIMER_TICKS);
    CHECK(elapsed >= expected, "%s: time advanced by %lu, less than %lu", p->name, elapsed,
          expected);
    CHECK(elapsed <= expected + TIMER_SLACK, "%s: time advanced by %lu, more than %lu + %lu",
          p->name, elapsed, expected, TIMER_SLACK);
    CHECK(!(csr_read(sip) & SIP_STIP), "%s: timer interrupt still pending after switching off",
          p->name);
}

int main(unsigned long hartid, unsigned long fdt)
{
    (void)hartid;
    (void)fdt;
    require_extension(SBI_EXT_TIME);
    trap_set_interrupt(IRQ_S_TIMER, on_timer);
    run_phase(&phases[0]);

    trap_set_exception(CAUSE_ILLEGAL_INSTRUCTION, no_sstc);
    csr_write(stimecmp, NEVER); /* traps here without Sstc */
    trap_set_exception(CAUSE_ILLEGAL_INSTRUCTION, 0);
    run_phase(&phases[1]);
    return 0;
}
