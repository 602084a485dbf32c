/*
 * vs.c - guests/fp as a VS-mode guest (configs/fp.toml, configs/fp-smp.toml).
 *
 * Shows:
 *  - FP in a guest: vsstatus.FS starts Off (as KVM starts a vCPU); the guest turns it on
 *    through sstatus, runs the arithmetic checks of fpcheck.c and checks that its sstatus
 *    (vsstatus) then reads FS = Dirty with SD set;
 *  - per-vCPU FP state: the boot hart starts every other hart (SBI HSM) and all of them hold
 *    their own fs0-fs11, frm and fflags across a long loop at the same time (fp_hold); on one
 *    pCPU the vCPUs preempt each other, so a hypervisor that does not switch FP state with
 *    the vCPU makes a hart see another's values.
 * Output that proves it:
 *    fp: arithmetic checks passed
 *    fp: 2 harts held their FP state
 *    PASS fp
 */
#include "fpcheck.h"
#include "guest.h"

const char guest_name[] = "fp";

#define SSTATUS_FS_INITIAL (1UL << 13)
#define SSTATUS_FS (3UL << 13)
#define SSTATUS_SD (1UL << 63)
#define HOLD_ITERS 20000
#define FP_OPAQUE 0x4650000000000000UL

static volatile int held[MAX_HARTS]; /* 0: running, 1: held, -n: check n failed */

void fp_note(int n, const char *what, u64 got, u64 want)
{
    printf("fp: hart %lu check %d (%s): got 0x%lx, expected 0x%lx\n", hart_id(), n, what,
           (unsigned long)got, (unsigned long)want);
}

static void fs_on(void)
{
    unsigned long status = csr_read(sstatus);
    CHECK((status & SSTATUS_FS) == 0, "sstatus.FS is %lu at start, expected Off",
          (status & SSTATUS_FS) >> 13);
    csr_set(sstatus, SSTATUS_FS_INITIAL);
}

void secondary_main(unsigned long hartid, unsigned long opaque)
{
    CHECK(opaque == FP_OPAQUE, "hart %lu started with opaque 0x%lx", hartid, opaque);
    fs_on();
    int r = fp_hold((unsigned)hartid, HOLD_ITERS);
    held[hartid] = r ? -r : 1;
}

int main(unsigned long hartid, unsigned long fdt)
{
    (void)fdt;
    fs_on();
    int r = fp_checks();
    CHECK(r == 0, "arithmetic check %d failed", r);
    unsigned long status = csr_read(sstatus);
    CHECK((status & (SSTATUS_FS | SSTATUS_SD)) == (SSTATUS_FS | SSTATUS_SD),
          "sstatus 0x%lx after FP work: FS not Dirty or SD clear", status);
    printf("fp: arithmetic checks passed\n");
    unsigned long harts = 1;
    for (unsigned long id = 0; id < MAX_HARTS; id++) {
        if (id == hartid)
            continue;
        struct sbiret s = sbi_hart_start(id, (unsigned long)secondary_entry, FP_OPAQUE);
        if (s.error == SBI_ERR_INVALID_PARAM)
            break;
        CHECK(s.error == 0, "hart_start(%lu): error %ld", id, s.error);
        harts++;
    }
    r = fp_hold((unsigned)hartid, HOLD_ITERS);
    CHECK(r == 0, "hart %lu did not hold its FP state (check %d)", hartid, r);
    for (unsigned long id = 0; id < harts; id++) {
        if (id == hartid)
            continue;
        while (held[id] == 0)
            __asm__ volatile("" ::: "memory");
        CHECK(held[id] == 1, "hart %lu did not hold its FP state (check %d)", id, -held[id]);
    }
    printf("fp: %lu harts held their FP state\n", harts);
    return 0;
}
