/* init for variant (c): mounts devtmpfs, reads sector 0 of /dev/vda and prints it, writes a
 * marker to sector 1, syncs and powers off.  Output proves the UART console, the PLIC, the
 * virtio-blk driver and the host image file all work. */
#include "sys.h"

static char buf[512];

void init_main(long *sp)
{
    (void)sp;
    syscall6(SYS_mkdirat, AT_FDCWD, (long)"/dev", 0755, 0, 0, 0);
    syscall6(SYS_mount, (long)"devtmpfs", (long)"/dev", (long)"devtmpfs", 0, 0, 0);
    long fd = syscall6(SYS_openat, AT_FDCWD, (long)"/dev/vda", O_RDWR, 0, 0, 0);
    if (fd < 0) {
        put("init: cannot open /dev/vda\n");
        power_off();
    }
    long n = syscall6(SYS_read, fd, (long)buf, 512, 0, 0, 0);
    put("init: sector 0 of /dev/vda: ");
    for (long i = 0; i < n && buf[i] && buf[i] != '\n'; i++)
        syscall6(SYS_write, 1, (long)&buf[i], 1, 0, 0, 0);
    put("\n");
    const char marker[] = "written by Linux init on hvsim\n";
    for (unsigned long i = 0; i < sizeof buf; i++)
        buf[i] = i < sizeof marker ? marker[i] : 0;
    syscall6(SYS_lseek, fd, 512, 0, 0, 0, 0);
    long w = syscall6(SYS_write, fd, (long)buf, 512, 0, 0, 0);
    syscall6(SYS_sync, 0, 0, 0, 0, 0, 0);
    syscall6(SYS_close, fd, 0, 0, 0, 0, 0);
    put(w == 512 ? "init: wrote sector 1, synced\n" : "init: write to /dev/vda failed\n");
    power_off();
}
