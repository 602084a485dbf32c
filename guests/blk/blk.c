/*
 * blk - a virtio-blk driver at work: write a pattern to the disk, read it back, check, flush.
 *
 * Shows: virtio-mmio v2 initialisation and feature negotiation, one split virtqueue, request
 * chains with the data split over several descriptors, several requests in flight at once
 * (published together, one notification, completions in order after simulated disk time),
 * an indirect descriptor table, completion interrupts through the PLIC (source 1), and the
 * error statuses: a read past the end of the disk gets IOERR, an unknown request type UNSUPP.
 *
 * The pattern, checked by the host-side test in the image file afterwards: byte i of sector s
 * is (s * 31 + i * 7 + 0x5a) mod 256, for the BLK_SECTORS sectors from BLK_FIRST on (8..39),
 * written as BLK_REQS requests.
 * Output that proves it (the id and timings depend on the scenario):
 *    blk: id "blk-disk0", capacity 2048 sectors
 *    blk: wrote sectors 8..39 in 4 requests: 2331 ticks
 *    blk: read back and compared 32 sectors (+8 through an indirect table), flushed
 *    blk: read past the end -> IOERR, unknown request type -> UNSUPP
 *    PASS blk
 */
#include "guest.h"
#include "plic.h"
#include "vblk.h"

DEFINE_GUEST();

#ifndef BLK_TIMEOUT
#define BLK_TIMEOUT 50000000UL /* 5 s of `time` at 10 MHz */
#endif
#define BLK_FIRST 8
#define BLK_SECTORS 32
#define BLK_REQS 4
#define PER_REQ (BLK_SECTORS / BLK_REQS)
#define SLOT 4 /* descriptors per request: header, two data segments, status */
#define INDIRECT_SECTORS 8

static uint8_t wbuf[BLK_SECTORS * SECTOR_SIZE] __attribute__((aligned(8)));
static uint8_t rbuf[BLK_SECTORS * SECTOR_SIZE] __attribute__((aligned(8)));
static struct vblk_req reqs[BLK_REQS];
static struct virtq_desc itable[4] __attribute__((aligned(16)));
static struct vblk disk;

static uint8_t pattern(unsigned long sector, unsigned long i)
{
    return (uint8_t)(sector * 31 + i * 7 + 0x5a);
}

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

static void compare(const uint8_t *got, unsigned long first, unsigned long sectors)
{
    for (unsigned long s = 0; s < sectors; s++)
        for (unsigned long i = 0; i < SECTOR_SIZE; i++) {
            uint8_t want = pattern(first + s, i);
            uint8_t have = got[s * SECTOR_SIZE + i];
            CHECK(have == want, "sector %lu byte %lu reads 0x%x, wrote 0x%x", first + s, i,
                  have, want);
        }
}

static void write_pattern(void)
{
    for (unsigned long s = 0; s < BLK_SECTORS; s++)
        for (unsigned long i = 0; i < SECTOR_SIZE; i++)
            wbuf[s * SECTOR_SIZE + i] = pattern(BLK_FIRST + s, i);
    uint64_t t0 = rdtime();
    for (unsigned r = 0; r < BLK_REQS; r++) {
        vblk_chain(&disk, r * SLOT, &reqs[r], VIRTIO_BLK_T_OUT, BLK_FIRST + r * PER_REQ,
                   wbuf + r * PER_REQ * SECTOR_SIZE, PER_REQ * SECTOR_SIZE, 2);
        vblk_publish(&disk, r * SLOT);
    }
    vblk_notify(&disk);
    CHECK(vblk_wait(&disk, BLK_REQS) == 0, "device needs a reset after the writes");
    uint64_t ticks = rdtime() - t0;
    for (unsigned r = 0; r < BLK_REQS; r++)
        CHECK(reqs[r].status == VIRTIO_BLK_S_OK, "write %u: status %u", r, reqs[r].status);
    printf("blk: wrote sectors %d..%d in %d requests: %lu ticks\n", BLK_FIRST,
           BLK_FIRST + BLK_SECTORS - 1, BLK_REQS, (unsigned long)ticks);
}

static void read_back(void)
{
    memset(rbuf, 0, sizeof(rbuf));
    for (unsigned r = 0; r < BLK_REQS; r++) {
        vblk_chain(&disk, r * SLOT, &reqs[r], VIRTIO_BLK_T_IN, BLK_FIRST + r * PER_REQ,
                   rbuf + r * PER_REQ * SECTOR_SIZE, PER_REQ * SECTOR_SIZE, 2);
        vblk_publish(&disk, r * SLOT);
    }
    vblk_notify(&disk);
    CHECK(vblk_wait(&disk, BLK_REQS) == 0, "device needs a reset after the reads");
    for (unsigned r = 0; r < BLK_REQS; r++)
        CHECK(reqs[r].status == VIRTIO_BLK_S_OK, "read %u: status %u", r, reqs[r].status);
    compare(rbuf, BLK_FIRST, BLK_SECTORS);

    /* the same data once more, through an indirect descriptor table */
    memset(rbuf, 0, sizeof(rbuf));
    struct vblk_req *r = &reqs[0];
    r->type = VIRTIO_BLK_T_IN;
    r->reserved = 0;
    r->sector = BLK_FIRST;
    r->status = VBLK_NO_STATUS;
    unsigned half = INDIRECT_SECTORS * SECTOR_SIZE / 2;
    itable[0] = (struct virtq_desc){(unsigned long)r, 16, VIRTQ_DESC_F_NEXT, 1};
    itable[1] = (struct virtq_desc){(unsigned long)rbuf, half,
                                    VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 2};
    itable[2] = (struct virtq_desc){(unsigned long)rbuf + half, half,
                                    VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 3};
    itable[3] = (struct virtq_desc){(unsigned long)&r->status, 1, VIRTQ_DESC_F_WRITE, 0};
    vblk_desc(&disk, 0, (unsigned long)itable, sizeof(itable), VIRTQ_DESC_F_INDIRECT, 0);
    vblk_publish(&disk, 0);
    vblk_notify(&disk);
    CHECK(vblk_wait(&disk, 1) == 0, "device needs a reset after the indirect read");
    CHECK(r->status == VIRTIO_BLK_S_OK, "indirect read: status %u", r->status);
    compare(rbuf, BLK_FIRST, INDIRECT_SECTORS);
}

int main(unsigned long hartid, unsigned long fdt)
{
    (void)fdt;
    trap_set_interrupt(IRQ_S_EXT, on_external);
    trap_set_interrupt(IRQ_S_TIMER, on_timeout);
    csr_write(stimecmp, rdtime() + BLK_TIMEOUT);
    csr_set(sie, SIP_STIP);
    plic_enable(hartid, VIRTIO_MMIO_IRQ, 1);
    csr_set(sie, SIP_SEIP);

    int rc = vblk_init(&disk, VIRTIO_MMIO_BASE,
                       VIRTIO_BLK_F_FLUSH | VIRTIO_BLK_F_BLK_SIZE | VIRTIO_BLK_F_SEG_MAX |
                           VIRTIO_F_INDIRECT_DESC);
    CHECK(rc == 0, "virtio-blk initialisation failed at step %d", rc);
    CHECK(disk.features & VIRTIO_BLK_F_FLUSH, "FLUSH not offered (features 0x%lx)",
          (unsigned long)disk.features);
    CHECK(disk.features & VIRTIO_F_INDIRECT_DESC, "INDIRECT_DESC not offered");
    CHECK(disk.capacity >= BLK_FIRST + BLK_SECTORS, "disk of %lu sectors is too small",
          (unsigned long)disk.capacity);

    char id[21] = {0};
    int st = vblk_do(&disk, VIRTIO_BLK_T_GET_ID, 0, id, 20, 1);
    CHECK(st == VIRTIO_BLK_S_OK, "get-id: status %d", st);
    printf("blk: id \"%s\", capacity %lu sectors\n", id, (unsigned long)disk.capacity);

    write_pattern();
    read_back();
    st = vblk_do(&disk, VIRTIO_BLK_T_FLUSH, 0, 0, 0, 0);
    CHECK(st == VIRTIO_BLK_S_OK, "flush: status %d", st);
    printf("blk: read back and compared %d sectors (+%d through an indirect table), flushed\n",
           BLK_SECTORS, INDIRECT_SECTORS);

    st = vblk_do(&disk, VIRTIO_BLK_T_IN, disk.capacity, rbuf, SECTOR_SIZE, 1);
    CHECK(st == VIRTIO_BLK_S_IOERR, "read past the end: status %d, expected IOERR", st);
    st = vblk_do(&disk, VIRTIO_BLK_T_BOGUS, 0, 0, 0, 0);
    CHECK(st == VIRTIO_BLK_S_UNSUPP, "request type 0x%x: status %d, expected UNSUPP",
          VIRTIO_BLK_T_BOGUS, st);
    printf("blk: read past the end -> IOERR, unknown request type -> UNSUPP\n");
    CHECK(disk.used_irqs > 0, "no completion interrupt");
    return 0;
}
