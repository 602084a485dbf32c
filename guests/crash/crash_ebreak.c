/*
 * crash_ebreak - a VS-mode guest executing ebreak while the hypervisor does not delegate
 * breakpoints to it (the scenario clears bit 3 of hedeleg) and it has no trap handler.
 *
 * Shows: the breakpoint exception goes to the hypervisor, which has no handler for it and
 * stops this VM as "crashed": cause 3, sepc = crash_point (the ebreak).  With the default
 * (KVM) hedeleg the breakpoint would reach the guest's stvec instead.
 * Output that proves it: "crash_ebreak: ebreak with breakpoints not delegated" as the last
 * console line and the VM state "crashed".
 */
#include "crash.h"

DEFINE_GUEST();

static void delegated(struct trap_frame *tf)
{
    guest_fail("the breakpoint at 0x%lx reached the guest: hedeleg delegates breakpoints "
               "(the scenario must clear bit 3)",
               tf->sepc);
}

int main(unsigned long hartid, unsigned long fdt)
{
    (void)hartid;
    (void)fdt;
    trap_set_exception(CAUSE_BREAKPOINT, delegated);
    printf("%s: ebreak with breakpoints not delegated\n", guest_name);
    /* keep stvec: if the breakpoint is delegated after all, say so instead of looping */
    __asm__ volatile(".option push\n"
                     ".option norvc\n"
                     ".globl crash_point\n"
                     "crash_point: ebreak\n"
                     ".option pop" ::: "memory");
    guest_fail("execution continued after the ebreak");
}
