/*
 * latency: how late interrupts reach a busy guest, for the batch-length table
 * (benchmarks/batch.py, configs/bench-latency.toml: one VM with 2 vCPUs on 2 pCPUs).
 *
 * Phase 1, timer: hart 0 computes without ever idling while Sstc stimecmp (vstimecmp) fires
 *   `bench_iters` times, TIMER_PERIOD time units apart; the handler records rdtime() minus
 *   the deadline.  (A batch never runs past a vCPU's own timer deadline, so this stays small
 *   whatever the batch length.)
 * Phase 2, IPI: hart 1 (started with HSM) sends hart 0 `bench_iters` IPIs, each after a
 *   pseudo-random delay and after reading `time` just before the SBI call; hart 0 computes and
 *   its handler records rdtime() minus that send time.  Other vCPUs' requests land at batch
 *   boundaries, so this latency grows with the batch length; since each pCPU's clock runs
 *   ahead within its batch, it can even come out negative (the receiver was behind).
 * Output (time units of the `time` CSR; signed):
 *   latency: timer n=50 min=0 mean=0 max=1
 *   latency: ipi n=50 min=12 mean=300 max=1020
 *   latency: 50 iterations ok      then    PASS bench
 */
#include "bench.h"
#include "guest.h"

#define TIMER_PERIOD 3000UL
#define NEVER (~0UL)
#define SPIN_MASK 0x1fffUL /* sender delay: up to 8191 loop iterations */

BENCH_ITERS(50);

struct series {
    long min, max, sum;
    u64 n;
};

static volatile u64 deadline;
static volatile u64 ticks;
static struct series timer_late = {0x7fffffffffffffffL, -0x7fffffffffffffffL, 0, 0};
static struct series ipi_late = {0x7fffffffffffffffL, -0x7fffffffffffffffL, 0, 0};
static volatile u64 sent_at;
static volatile u64 received; /* IPIs hart 0 has handled */
static volatile u64 sender_done;
static volatile u64 work;

static void add(struct series *s, long v)
{
    if (v < s->min)
        s->min = v;
    if (v > s->max)
        s->max = v;
    s->sum += v;
    s->n++;
}

static void show(const char *what, const struct series *s)
{
    long mean = s->n ? s->sum / (long)s->n : 0;
    printf("latency: %s n=%lu min=%ld mean=%ld max=%ld\n", what, (unsigned long)s->n, s->min,
           mean, s->max);
}

static void on_timer(struct trap_frame *tf)
{
    (void)tf;
    add(&timer_late, (long)(rdtime() - deadline));
    ticks++;
    if (ticks < bench_iters) {
        deadline += TIMER_PERIOD;
        csr_write(stimecmp, deadline);
    } else {
        csr_write(stimecmp, NEVER);
    }
}

static void on_ipi(struct trap_frame *tf)
{
    (void)tf;
    u64 now = rdtime();
    csr_clear(sip, SIP_SSIP);
    add(&ipi_late, (long)(now - sent_at));
    received++;
}

void secondary_main(unsigned long hartid, unsigned long opaque)
{
    (void)hartid;
    (void)opaque;
    u64 seed = 0x13198a2e03707344ULL;
    u64 n = bench_iters;
    for (u64 k = 0; k < n; k++) {
        while (received != k)
            work++;
        for (u64 spin = bench_xorshift(&seed) & SPIN_MASK; spin; spin--)
            BENCH_BARRIER();
        sent_at = rdtime();
        fence();
        SBI_OK(sbi_send_ipi(1UL, 0), "ipi.send_ipi");
    }
    sender_done = 1;
}

int main(unsigned long hartid, unsigned long fdt)
{
    (void)fdt;
    u64 n = bench_iters;
    if (hartid != 0)
        return bench_report("latency (boot hart id)", 0, hartid, 0);

    trap_set_interrupt(IRQ_S_TIMER, on_timer);
    deadline = rdtime() + TIMER_PERIOD;
    csr_write(stimecmp, deadline);
    csr_set(sie, SIP_STIP);
    csr_set(sstatus, SSTATUS_SIE);
    while (ticks < n)
        work++;
    csr_clear(sie, SIP_STIP);
    show("timer", &timer_late);

    trap_set_interrupt(IRQ_S_SOFT, on_ipi);
    csr_set(sie, SIP_SSIP);
    SBI_OK(sbi_hart_start(1, (unsigned long)secondary_entry, 0), "hsm.hart_start");
    while (received < n)
        work++;
    while (!sender_done)
        work++;
    show("ipi", &ipi_late);
    if (timer_late.n != n || ipi_late.n != n || timer_late.min < 0)
        return bench_report("latency (counts)", timer_late.n, ipi_late.n, n);
    return bench_report("latency", n, 0, 0);
}
