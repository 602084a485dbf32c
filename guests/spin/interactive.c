/*
 * interactive - a mostly idle, latency-sensitive VS-mode guest for scheduling experiments:
 * it sleeps in WFI until a periodic timer interrupt, then does a short burst of work, like a
 * server answering requests.  It measures its own wake-up latency: how late after the timer
 * deadline its interrupt handler runs (a scheduler that lets the vCPU wait for a pCPU after
 * its timer fired shows up here, and in the hypervisor's wake-up records).
 *
 * Parameters (bootargs words `key=value`, see args.h):
 *    period_us=N    timer period in microseconds (default 1000); deadlines are absolute,
 *                   t0 + k * period; a deadline already past when programmed is skipped
 *    count=N        number of wake-ups before the verdict (default 20; 0 = forever)
 *    work_us=N      busy work after each wake-up, in microseconds (default 50)
 *    report=N       print a progress line every N wake-ups (default 0 = only at the end)
 *    sstc=1         program the timer with stimecmp (Sstc) instead of SBI TIME set_timer
 *
 * Output that proves it (latencies depend on the scheduling; a tick is 100 ns at 10 MHz):
 *    interactive: 20 wake-ups every 1000 us, work 50 us: latency avg 1234 ns, max 5600 ns,
 *    0 missed
 *    PASS interactive
 */
#include "args.h"
#include "guest.h"

DEFINE_GUEST();

#define NEVER (~0UL)

static volatile unsigned long wakeups;
static volatile uint64_t deadline;
static volatile uint64_t lat_sum, lat_max;
static unsigned long period, missed;
static int use_sstc;

static void program(uint64_t when)
{
    if (use_sstc)
        csr_write(stimecmp, when);
    else
        SBI_OK(sbi_set_timer(when), "time.set_timer");
}

static void on_timer(struct trap_frame *tf)
{
    (void)tf;
    uint64_t late = rdtime() - deadline;
    lat_sum += late;
    if (late > lat_max)
        lat_max = late;
    wakeups++;
    program(NEVER); /* acknowledge; main arms the next deadline after the work */
}

static unsigned long ticks_to_ns(uint64_t ticks) { return ticks * 1000000000UL / timebase_hz(); }

static void report(unsigned long work_us)
{
    unsigned long n = wakeups;
    printf("interactive: %lu wake-ups every %lu us, work %lu us: latency avg %lu ns, "
           "max %lu ns, %lu missed\n",
           n, ticks_to_us(period), work_us, n ? ticks_to_ns(lat_sum / n) : 0,
           ticks_to_ns(lat_max), missed);
}

int main(unsigned long hartid, unsigned long fdt)
{
    (void)hartid;
    args_init(fdt);
    period = us_to_ticks(arg_ulong("period_us", 1000));
    unsigned long count = arg_ulong("count", 20);
    unsigned long work_us = arg_ulong("work_us", 50);
    unsigned long every = arg_ulong("report", 0);
    use_sstc = arg_ulong("sstc", 0) != 0;
    CHECK(period > 0, "period_us too small for the timebase");
    if (!use_sstc)
        require_extension(SBI_EXT_TIME);

    trap_set_interrupt(IRQ_S_TIMER, on_timer);
    csr_set(sie, SIP_STIP);
    uint64_t work = us_to_ticks(work_us);
    deadline = rdtime() + period;
    for (unsigned long k = 0; count == 0 || k < count; k++) {
        unsigned long seen = wakeups;
        program(deadline);
        WAIT_UNTIL(wakeups != seen);
        uint64_t busy_until = rdtime() + work;
        while (rdtime() < busy_until)
            ;
        if (every && wakeups % every == 0)
            report(work_us);
        uint64_t now = rdtime();
        deadline += period;
        while (deadline <= now) { /* overran a period: skip the deadlines already past */
            deadline += period;
            missed++;
        }
    }
    report(work_us);
    return 0;
}
