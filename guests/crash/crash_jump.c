/*
 * crash_jump - a VS-mode guest that jumps to a guest-physical address where there is nothing
 * (0x40000000, below RAM; translation off, no trap handler of its own).
 *
 * Shows: the instruction fetch takes a fetch guest-page fault (cause 20) to the hypervisor,
 * which cannot map or emulate it and stops this VM as "crashed": cause 20, sepc = stval =
 * 0x40000000, the register dump shows ra = the address after the jump (crash_point + 4).
 * Output that proves it: "crash_jump: jumping to guest-physical 0x40000000" as the last
 * console line and the VM state "crashed".
 */
#include "crash.h"

DEFINE_GUEST();

#define TARGET 0x40000000UL

int main(unsigned long hartid, unsigned long fdt)
{
    (void)hartid;
    (void)fdt;
    crash_prepare("jumping to guest-physical 0x40000000");
    __asm__ volatile(".option push\n"
                     ".option norvc\n"
                     ".globl crash_point\n"
                     "crash_point: jalr ra, 0(%0)\n"
                     ".option pop"
                     :
                     : "r"(TARGET)
                     : "ra", "memory");
    guest_fail("the jump to 0x%lx came back", TARGET);
}
