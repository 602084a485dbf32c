/*
 * spin - a CPU-bound VS-mode guest for scheduling experiments: every hart of the VM loops
 * doing a fixed amount of arithmetic per iteration and reading the `time` CSR (no VM exit:
 * hcounteren lets the guest read it directly) until a deadline or an iteration count.  The
 * iteration count of a hart is proportional to the pCPU time it got: it shows a scheduler's
 * share.
 *
 * Parameters (bootargs words `key=value`, see args.h):
 *    spin_us=N      spin until the guest's clock (the `time` CSR, which counts from the VM's
 *                   start) reads N microseconds (default 10000; 0 = forever).  The VMs of a
 *                   scenario start together, so they all stop at the same moment whenever
 *                   they got their first slice, and their counts compare CPU shares directly
 *    iters=N        or stop after N iterations per hart (default 0 = no limit)
 *    harts=N        use N harts (default: all, found by starting harts until HSM says no)
 *    report_us=N    print each hart's progress every N microseconds (default 0 = never)
 *    sbi_every=N    make an SBI call (BASE get_spec_version) every N iterations (0 = never)
 *    mmio_every=N   read the 64-bit word at mmio_addr every N iterations (0 = never)
 *    mmio_addr=A    guest-physical address of an MMIO register (e.g. a `regs` device)
 * The last three turn the spinner into a workload with a steady rate of SBI / MMIO exits.
 *
 * Output that proves it (numbers depend on the scheduling):
 *    spin: 2 harts, spin_us=10000 iters=0
 *    spin: hart 0: 81234 iterations, 412 sbi, 0 mmio
 *    spin: hart 1: 80111 iterations, 407 sbi, 0 mmio
 *    PASS spin
 */
#include "args.h"
#include "guest.h"

DEFINE_GUEST();

#define WORK_ROUNDS 8

struct hart_state {
    volatile unsigned long iterations;
    volatile unsigned long sbi_calls;
    volatile unsigned long mmio_reads;
    volatile unsigned long sink; /* keeps the arithmetic alive */
};

static struct hart_state state[MAX_HARTS];
static volatile unsigned long harts_done;
static unsigned long boot_hart;
static uint64_t end_time; /* 0: never */
static unsigned long max_iters, report_ticks, sbi_every, mmio_every, mmio_addr;

static void spin(unsigned long hartid)
{
    struct hart_state *st = &state[hartid];
    unsigned long x = hartid + 1, n = 0, sbi = 0, mmio = 0;
    uint64_t next_report = report_ticks ? rdtime() + report_ticks : 0;
    for (;;) {
        uint64_t now = rdtime();
        if (end_time && now >= end_time)
            break;
        if (max_iters && n >= max_iters)
            break;
        for (int i = 0; i < WORK_ROUNDS; i++)
            x = x * 6364136223846793005UL + 1442695040888963407UL;
        n++;
        if (sbi_every && n % sbi_every == 0) {
            sbi_get_spec_version();
            sbi++;
        }
        if (mmio_every && n % mmio_every == 0) {
            x ^= *(volatile uint64_t *)mmio_addr;
            mmio++;
        }
        if (next_report && now >= next_report) {
            printf("spin: hart %lu: %lu iterations at %lu us\n", hartid, n, ticks_to_us(now));
            next_report += report_ticks;
        }
        st->iterations = n;
    }
    st->iterations = n;
    st->sbi_calls = sbi;
    st->mmio_reads = mmio;
    st->sink = x;
}

static void on_ipi(struct trap_frame *tf)
{
    (void)tf;
    csr_clear(sip, SIP_SSIP);
}

void secondary_main(unsigned long hartid, unsigned long opaque)
{
    (void)opaque;
    spin(hartid);
    __atomic_fetch_add(&harts_done, 1, __ATOMIC_RELEASE);
    sbi_send_ipi(1UL << boot_hart, 0);
}

int main(unsigned long hartid, unsigned long fdt)
{
    args_init(fdt);
    boot_hart = hartid;
    unsigned long spin_us = arg_ulong("spin_us", 10000);
    unsigned long want = arg_ulong("harts", MAX_HARTS);
    max_iters = arg_ulong("iters", 0);
    report_ticks = us_to_ticks(arg_ulong("report_us", 0));
    sbi_every = arg_ulong("sbi_every", 0);
    mmio_every = arg_ulong("mmio_every", 0);
    mmio_addr = arg_ulong("mmio_addr", 0);
    CHECK(!mmio_every || mmio_addr, "mmio_every needs mmio_addr");
    CHECK(want >= 1 && want <= MAX_HARTS, "harts=%lu: expected 1..%d", want, MAX_HARTS);
    end_time = us_to_ticks(spin_us); /* absolute: 0 = never */

    trap_set_interrupt(IRQ_S_SOFT, on_ipi);
    csr_set(sie, SIP_SSIP);
    unsigned long harts = 1;
    for (unsigned long id = 0; id < MAX_HARTS && harts < want; id++) {
        if (id == hartid)
            continue;
        struct sbiret r = sbi_hart_start(id, (unsigned long)secondary_entry, 0);
        if (r.error == SBI_ERR_INVALID_PARAM)
            break; /* no such hart: that was the last one */
        if (r.error)
            guest_fail("SBI hsm.hart_start(%lu) returned error %ld (%s)", id, r.error,
                       sbi_strerror(r.error));
        harts++;
    }
    printf("spin: %lu harts, spin_us=%lu iters=%lu\n", harts, spin_us, max_iters);
    spin(hartid);
    WAIT_UNTIL(harts_done == harts - 1);

    unsigned long total = 0;
    for (unsigned long id = 0; id < MAX_HARTS; id++) {
        if (id != hartid && !state[id].iterations)
            continue;
        printf("spin: hart %lu: %lu iterations, %lu sbi, %lu mmio\n", id, state[id].iterations,
               state[id].sbi_calls, state[id].mmio_reads);
        total += state[id].iterations;
    }
    CHECK(total > 0, "no iterations at all");
    return 0;
}
