/*
 * crash_store - a VS-mode guest that stores to a guest-physical address that is neither RAM
 * nor a device (0x100000000, 4 GiB, far outside RAM at 0x80000000), with translation off
 * and no trap handler of its own.
 *
 * Shows: the store takes a store guest-page fault (cause 23) to the hypervisor, which finds
 * nothing at that address and stops this VM as "crashed" with a report: cause 23, sepc =
 * crash_point (the sd), stval/htval naming the address.  Other VMs keep running.
 * Output that proves it: "crash_store: storing to guest-physical 0x100000000" as the last
 * console line, and the VM state "crashed" (a "FAIL crash_store" line means the store did not
 * stop the VM).
 */
#include "crash.h"

DEFINE_GUEST();

#define TARGET 0x100000000UL

int main(unsigned long hartid, unsigned long fdt)
{
    (void)hartid;
    (void)fdt;
    crash_prepare("storing to guest-physical 0x100000000");
    __asm__ volatile(".globl crash_point\n"
                     "crash_point: sd %1, 0(%0)"
                     :
                     : "r"(TARGET), "r"(0xDEADBEEFUL)
                     : "memory");
    guest_fail("the store to 0x%lx did not stop the VM", TARGET);
}
