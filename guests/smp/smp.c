/*
 * smp - a multi-hart VS-mode guest: HSM hart start/stop/status, IPIs, remote fences and
 * atomics shared between vCPUs.
 *
 * Shows:
 *  - the boot hart (a0 = 0 under hvsim; any id works) starts harts 0, 1, 2, ... but itself
 *    with HSM hart_start at secondary_entry (opaque = SMP_OPAQUE + hart id, checked by each
 *    secondary) until hart_start answers INVALID_PARAM: that is the VM's vCPU count (at most
 *    MAX_HARTS);
 *  - hart_get_status: STARTED (or START_PENDING) after the start, STARTED as seen by the hart
 *    itself, STOPPED after the hart called hart_stop;
 *  - every hart adds 1 to a shared counter SMP_ITERS times with amoadd.d and SMP_ITERS times
 *    with an lr.d/sc.d loop; the boot hart checks counter == harts * 2 * SMP_ITERS (a lost
 *    update would show a smaller total) and reports how many SCs failed and were retried;
 *  - IPIs both ways (SBI IPI send_ipi): each secondary sets its ping flag, sends an IPI to
 *    the boot hart and sleeps in WFI; the boot hart, idle in WFI, takes them in its trap
 *    handler as supervisor software interrupts, clears sip.SSIP, counts the interrupts and
 *    the pings (IPIs may merge, pings cannot get lost) and answers each ping with an IPI back;
 *  - remote fences: the boot hart sends RFENCE remote_sfence_vma and remote_fence_i to all
 *    harts, every secondary sends remote_sfence_vma to the boot hart.
 * Output that proves it:
 *    smp: started 4 harts
 *    smp: counter 24000 (expected 24000), 70 SC retries, 3 pings from 3 secondaries in 3 IPIs
 *    PASS smp
 */
#include "guest.h"

DEFINE_GUEST();

#ifndef SMP_ITERS
#define SMP_ITERS 3000
#endif
#define SMP_OPAQUE 0x5350000000000000UL
#define STOP_TIMEOUT 2000000UL /* time units (0.2 s at 10 MHz) */

static volatile unsigned long counter;
static volatile unsigned long harts_done;
static volatile unsigned long sc_retries; /* failed SCs, summed over all harts */
static volatile unsigned long pings_received; /* messages seen by the boot hart */
static volatile unsigned long ipi_interrupts; /* software interrupts taken by the boot hart */
static volatile int ping[MAX_HARTS];          /* secondary -> boot hart */
static volatile int pong[MAX_HARTS];          /* boot hart -> secondary */
static unsigned long boot_hart;
static unsigned long started[MAX_HARTS]; /* ids of the secondaries */

static void add_amo(unsigned long n)
{
    for (unsigned long i = 0; i < n; i++)
        __asm__ volatile("amoadd.d zero, %1, (%0)" : : "r"(&counter), "r"(1UL) : "memory");
}

/* Adds n with LR/SC; returns how many SCs failed (another hart wrote in between). */
static unsigned long add_lrsc(unsigned long n)
{
    unsigned long retries = 0;
    for (unsigned long i = 0; i < n; i++) {
        for (;;) {
            unsigned long value, failed;
            /* the forward branch ends a basic block, so a simulator that switches harts at
               block boundaries can run another hart between the LR and the SC */
            __asm__ volatile("lr.d %0, (%2)\n"
                             "addi %0, %0, 1\n"
                             "beqz zero, 1f\n"
                             "1: sc.d %1, %0, (%2)"
                             : "=&r"(value), "=&r"(failed)
                             : "r"(&counter)
                             : "memory");
            if (!failed)
                break;
            retries++;
        }
    }
    __atomic_fetch_add(&sc_retries, retries, __ATOMIC_RELAXED);
    return retries;
}

/*
 * The software-interrupt handler of every hart.  The boot hart clears sip.SSIP first, then
 * answers every pending ping with an IPI back (two pings may share one interrupt, never get
 * lost); a secondary just notes the answer.
 */
static void on_ipi(struct trap_frame *tf)
{
    (void)tf;
    unsigned long me = hart_id();
    csr_clear(sip, SIP_SSIP);
    if (me != boot_hart) {
        pong[me] = 1;
        return;
    }
    ipi_interrupts++;
    for (unsigned long id = 0; id < MAX_HARTS; id++) {
        if (!__atomic_exchange_n(&ping[id], 0, __ATOMIC_ACQ_REL))
            continue;
        pings_received++;
        SBI_OK(sbi_send_ipi(1UL << id, 0), "ipi.send_ipi(reply)");
    }
}

static void enable_ipis(void)
{
    trap_set_interrupt(IRQ_S_SOFT, on_ipi);
    csr_set(sie, SIP_SSIP);
    csr_set(sstatus, SSTATUS_SIE);
}

/* Ping the boot hart and sleep in WFI until it answers. */
static void ping_boot_hart(unsigned long hartid)
{
    __atomic_store_n(&ping[hartid], 1, __ATOMIC_RELEASE);
    SBI_OK(sbi_send_ipi(1UL, boot_hart), "ipi.send_ipi(boot hart)");
    WAIT_UNTIL(pong[hartid]);
}

void secondary_main(unsigned long hartid, unsigned long opaque)
{
    CHECK(opaque == SMP_OPAQUE + hartid, "hart %lu started with opaque 0x%lx, expected 0x%lx",
          hartid, opaque, SMP_OPAQUE + hartid);
    long status = SBI_OK(sbi_hart_get_status(hartid), "hsm.hart_get_status(self)");
    CHECK(status == SBI_HSM_STARTED, "hart %lu sees its own status as %ld, expected STARTED",
          hartid, status);
    add_amo(SMP_ITERS);
    add_lrsc(SMP_ITERS);
    SBI_OK(sbi_remote_sfence_vma(1UL, boot_hart, 0, 0), "rfence.remote_sfence_vma(boot hart)");
    __atomic_fetch_add(&harts_done, 1, __ATOMIC_RELEASE);
    enable_ipis();
    ping_boot_hart(hartid);
    /* returning stops this hart (SBI HSM hart_stop) */
}

static unsigned long start_secondaries(void)
{
    unsigned long n = 1;
    for (unsigned long id = 0; id < MAX_HARTS; id++) {
        if (id == boot_hart)
            continue;
        struct sbiret r = sbi_hart_start(id, (unsigned long)secondary_entry, SMP_OPAQUE + id);
        if (r.error == SBI_ERR_INVALID_PARAM)
            break; /* no such hart: we know them all */
        if (r.error)
            guest_fail("SBI hsm.hart_start(%lu) returned error %ld (%s)", id, r.error,
                       sbi_strerror(r.error));
        long status = SBI_OK(sbi_hart_get_status(id), "hsm.hart_get_status");
        CHECK(status == SBI_HSM_STARTED || status == SBI_HSM_START_PENDING,
              "hart %lu has status %ld right after hart_start", id, status);
        started[n++ - 1] = id;
    }
    return n;
}

static void wait_stopped(unsigned long nharts)
{
    uint64_t deadline = rdtime() + STOP_TIMEOUT;
    for (unsigned long i = 0; i < nharts - 1; i++) {
        unsigned long id = started[i];
        long status;
        while ((status = SBI_OK(sbi_hart_get_status(id), "hsm.hart_get_status")) !=
               SBI_HSM_STOPPED)
            CHECK(rdtime() < deadline, "hart %lu still has status %ld after hart_stop", id,
                  status);
    }
}

int main(unsigned long hartid, unsigned long fdt)
{
    (void)fdt;
    boot_hart = hartid;
    require_extension(SBI_EXT_HSM);
    require_extension(SBI_EXT_IPI);
    require_extension(SBI_EXT_RFENCE);
    enable_ipis();

    unsigned long nharts = start_secondaries();
    printf("smp: started %lu harts\n", nharts);
    CHECK(nharts >= 2, "only the boot hart exists: configure the VM with vcpus >= 2");

    SBI_OK(sbi_remote_sfence_vma(0, SBI_HART_MASK_ALL, 0, 0), "rfence.remote_sfence_vma(all)");
    SBI_OK(sbi_remote_fence_i(0, SBI_HART_MASK_ALL), "rfence.remote_fence_i(all)");
    add_amo(SMP_ITERS);
    add_lrsc(SMP_ITERS);

    WAIT_UNTIL(harts_done == nharts - 1 && pings_received == nharts - 1);
    wait_stopped(nharts);

    unsigned long expected = nharts * 2 * SMP_ITERS;
    printf("smp: counter %lu (expected %lu), %lu SC retries, %lu pings from %lu secondaries in "
           "%lu IPIs\n",
           counter, expected, sc_retries, pings_received, nharts - 1, ipi_interrupts);
    CHECK(counter == expected, "counter is %lu, expected %lu", counter, expected);
    CHECK(pings_received == nharts - 1, "received %lu pings, expected %lu", pings_received,
          nharts - 1);
    CHECK(ipi_interrupts >= 1 && ipi_interrupts <= nharts - 1,
          "%lu software interrupts for %lu pings", ipi_interrupts, pings_received);
    return 0;
}
