/*
 * blkhostile - a guest that hands its virtio-blk device addresses outside its own RAM.
 *
 * Shows that the device refuses every guest-physical address outside the VM's RAM and never
 * follows it into host memory.  Each attack is one request (or one queue set-up) and must be
 * answered as follows:
 *  - a data buffer or header outside RAM (beyond the end of RAM, in a device window, at the
 *    host-physical addresses where other VMs live, straddling the end of RAM, wrapping around
 *    the address space): the request completes with VIRTIO_BLK_S_IOERR and nothing moves
 *    (the in-RAM half of a straddling buffer keeps its contents; the image is not written);
 *  - what the device cannot even answer - a status byte outside RAM, a descriptor table,
 *    used ring or indirect table outside RAM, a descriptor loop: the device sets
 *    DEVICE_NEEDS_RESET and raises a configuration interrupt; the guest resets it.
 * Afterwards a normal write and read of sector 1 must still work.  The image's sector 0 (the
 * target of the refused writes) must still be zero: the host-side test checks it.
 * The VM must have RAM_SIZE bytes of RAM at 0x80000000 (16 MiB unless built otherwise).
 * Output that proves it:
 *    blkhostile: write from beyond RAM: IOERR
 *    ...
 *    blkhostile: descriptor loop: device needs reset (reset and set up again)
 *    blkhostile: 13 attacks refused; the device still works
 *    PASS blkhostile
 */
#include "guest.h"
#include "plic.h"
#include "vblk.h"

DEFINE_GUEST();

#ifndef RAM_SIZE
#define RAM_SIZE 0x1000000UL
#endif
#define RAM_BASE 0x80000000UL
#define RAM_END (RAM_BASE + RAM_SIZE)
#define OTHER_VMS 0x90000000UL /* host-physical addresses of the VMs set up after this one */
#define TIMEOUT 50000000UL
#define NEEDS_RESET (-1)
#define MARK 0xee

static struct vblk disk;
static struct vblk_req req;
static uint8_t buf[2 * SECTOR_SIZE] __attribute__((aligned(8)));
static struct virtq_desc itable[3] __attribute__((aligned(16)));

static void on_external(struct trap_frame *tf)
{
    (void)tf;
    unsigned long hart = hart_id();
    unsigned source;
    while ((source = plic_claim(hart)) != 0) {
        if (source != VIRTIO_MMIO_IRQ)
            guest_fail("interrupt from unexpected PLIC source %u", source);
        vblk_interrupt(&disk);
        plic_complete(hart, source);
    }
}

static void on_timeout(struct trap_frame *tf)
{
    (void)tf;
    guest_fail("timeout: %lu completion and %lu configuration interrupts", disk.used_irqs,
               disk.config_irqs);
}

/* header, one data buffer at `addr`, status: the usual three descriptors */
static void chain3(uint32_t type, uint64_t addr, uint32_t len)
{
    req.type = type;
    req.reserved = 0;
    req.sector = 0;
    req.status = VBLK_NO_STATUS;
    uint16_t dir = type == VIRTIO_BLK_T_OUT ? 0 : VIRTQ_DESC_F_WRITE;
    vblk_desc(&disk, 0, (unsigned long)&req, 16, VIRTQ_DESC_F_NEXT, 1);
    vblk_desc(&disk, 1, addr, len, dir | VIRTQ_DESC_F_NEXT, 2);
    vblk_desc(&disk, 2, (unsigned long)&req.status, 1, VIRTQ_DESC_F_WRITE, 0);
}

static void write_beyond_ram(void) { chain3(VIRTIO_BLK_T_OUT, RAM_END, SECTOR_SIZE); }
static void write_from_other_vms(void) { chain3(VIRTIO_BLK_T_OUT, OTHER_VMS, SECTOR_SIZE); }
static void read_into_device(void) { chain3(VIRTIO_BLK_T_IN, PLIC_BASE, SECTOR_SIZE); }
static void read_beyond_ram(void) { chain3(VIRTIO_BLK_T_IN, RAM_END + 0x1000, SECTOR_SIZE); }
static void read_into_other_vms(void) { chain3(VIRTIO_BLK_T_IN, OTHER_VMS, SECTOR_SIZE); }
static void read_wrapping(void) { chain3(VIRTIO_BLK_T_IN, -(uint64_t)SECTOR_SIZE, 2 * SECTOR_SIZE); }

static void read_straddling(void)
{
    memset((void *)(RAM_END - SECTOR_SIZE / 2), MARK, SECTOR_SIZE / 2);
    chain3(VIRTIO_BLK_T_IN, RAM_END - SECTOR_SIZE / 2, SECTOR_SIZE);
}

static void header_beyond_ram(void)
{
    chain3(VIRTIO_BLK_T_OUT, (unsigned long)buf, SECTOR_SIZE);
    disk.desc[0].addr = RAM_END;
}

static void status_beyond_ram(void)
{
    chain3(VIRTIO_BLK_T_IN, (unsigned long)buf, SECTOR_SIZE);
    disk.desc[2].addr = RAM_END;
}

static void descriptor_loop(void)
{
    chain3(VIRTIO_BLK_T_IN, (unsigned long)buf, SECTOR_SIZE);
    disk.desc[1].next = 0; /* header -> data -> header -> ... */
}

static void indirect_beyond_ram(void)
{
    vblk_desc(&disk, 0, RAM_END, sizeof(itable), VIRTQ_DESC_F_INDIRECT, 0);
}

/* reprogram one queue area while the queue is disabled */
static void move_queue_area(unsigned low_reg, uint64_t addr)
{
    chain3(VIRTIO_BLK_T_IN, (unsigned long)buf, SECTOR_SIZE);
    vblk_write(&disk, VIRTIO_MMIO_QUEUE_SEL, 0);
    vblk_write(&disk, VIRTIO_MMIO_QUEUE_READY, 0);
    vblk_write(&disk, low_reg, (uint32_t)addr);
    vblk_write(&disk, low_reg + 4, (uint32_t)(addr >> 32));
    vblk_write(&disk, VIRTIO_MMIO_QUEUE_READY, 1);
}

static void descriptors_beyond_ram(void) { move_queue_area(VIRTIO_MMIO_QUEUE_DESC_LOW, RAM_END); }
static void used_ring_beyond_ram(void) { move_queue_area(VIRTIO_MMIO_QUEUE_DEVICE_LOW, RAM_END); }

struct attack {
    const char *what;
    void (*build)(void);
    int expect; /* a status byte, or NEEDS_RESET */
};

static const struct attack attacks[] = {
    {"write from beyond RAM", write_beyond_ram, VIRTIO_BLK_S_IOERR},
    {"write from other VMs' host memory", write_from_other_vms, VIRTIO_BLK_S_IOERR},
    {"read into a device window", read_into_device, VIRTIO_BLK_S_IOERR},
    {"read into memory beyond RAM", read_beyond_ram, VIRTIO_BLK_S_IOERR},
    {"read into other VMs' host memory", read_into_other_vms, VIRTIO_BLK_S_IOERR},
    {"read into a buffer straddling the end of RAM", read_straddling, VIRTIO_BLK_S_IOERR},
    {"read into a buffer wrapping around the address space", read_wrapping,
     VIRTIO_BLK_S_IOERR},
    {"header beyond RAM", header_beyond_ram, VIRTIO_BLK_S_IOERR},
    {"status byte beyond RAM", status_beyond_ram, NEEDS_RESET},
    {"descriptor loop", descriptor_loop, NEEDS_RESET},
    {"indirect table beyond RAM", indirect_beyond_ram, NEEDS_RESET},
    {"descriptor table beyond RAM", descriptors_beyond_ram, NEEDS_RESET},
    {"used ring beyond RAM", used_ring_beyond_ram, NEEDS_RESET},
};
#define ATTACKS (sizeof(attacks) / sizeof(attacks[0]))

static void run(const struct attack *a)
{
    a->build();
    vblk_publish(&disk, 0);
    vblk_notify(&disk);
    int got = vblk_wait(&disk, 1) ? NEEDS_RESET : req.status;
    if (got == NEEDS_RESET) {
        printf("blkhostile: %s: device needs reset (reset and set up again)\n", a->what);
        int rc = vblk_reinit(&disk);
        CHECK(rc == 0, "%s: setting the device up again failed at step %d", a->what, rc);
    } else {
        printf("blkhostile: %s: %s\n", a->what,
               got == VIRTIO_BLK_S_IOERR ? "IOERR" : got == VIRTIO_BLK_S_OK ? "OK" : "?");
    }
    CHECK(got == a->expect, "%s: got %d, expected %d", a->what, got, a->expect);
}

int main(unsigned long hartid, unsigned long fdt)
{
    (void)fdt;
    trap_set_interrupt(IRQ_S_EXT, on_external);
    trap_set_interrupt(IRQ_S_TIMER, on_timeout);
    csr_write(stimecmp, rdtime() + TIMEOUT);
    csr_set(sie, SIP_STIP);
    plic_enable(hartid, VIRTIO_MMIO_IRQ, 1);
    csr_set(sie, SIP_SEIP);
    int rc = vblk_init(&disk, VIRTIO_MMIO_BASE, VIRTIO_F_INDIRECT_DESC);
    CHECK(rc == 0, "virtio-blk initialisation failed at step %d", rc);

    for (unsigned i = 0; i < ATTACKS; i++)
        run(&attacks[i]);
    const uint8_t *top = (const uint8_t *)(RAM_END - SECTOR_SIZE / 2);
    for (unsigned i = 0; i < SECTOR_SIZE / 2; i++)
        CHECK(top[i] == MARK, "the refused straddling read changed RAM at 0x%lx",
              (unsigned long)(top + i));

    for (unsigned i = 0; i < SECTOR_SIZE; i++)
        buf[i] = (uint8_t)(i ^ 0x3c);
    int st = vblk_do(&disk, VIRTIO_BLK_T_OUT, 1, buf, SECTOR_SIZE, 1);
    CHECK(st == VIRTIO_BLK_S_OK, "write of sector 1 after the attacks: status %d", st);
    memset(buf, 0, sizeof(buf));
    st = vblk_do(&disk, VIRTIO_BLK_T_IN, 1, buf, SECTOR_SIZE, 1);
    CHECK(st == VIRTIO_BLK_S_OK, "read of sector 1 after the attacks: status %d", st);
    for (unsigned i = 0; i < SECTOR_SIZE; i++)
        CHECK(buf[i] == (uint8_t)(i ^ 0x3c), "sector 1 byte %u reads 0x%x", i, buf[i]);
    printf("blkhostile: %u attacks refused; the device still works\n", (unsigned)ATTACKS);
    return 0;
}
