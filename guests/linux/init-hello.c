/* init for variants (a) and (b): prints one line naming the VM (from the HVSIM_VM=... boot
 * argument) and powers the machine off through reboot(2), which Linux turns into SBI SRST. */
#include "sys.h"

void init_main(long *sp)
{
    put("Hello from Linux init on hvsim, VM ");
    put(env_get(sp, "HVSIM_VM=", "?"));
    put("!\n");
    power_off();
}
