/*
 * vblk.c - the virtio-blk driver of the device guests (see vblk.h).
 */
#include "vblk.h"

#include "guest.h"

/* The virtqueue: descriptor table (16-byte aligned), available ring, used ring (4-aligned). */
static struct {
    struct virtq_desc desc[VBLK_QSIZE];
    struct virtq_avail avail;
    uint16_t pad;
    struct virtq_used used __attribute__((aligned(4)));
} queue __attribute__((aligned(4096)));

static struct vblk_req single; /* vblk_do's request */

static inline void io_fence(void) { __asm__ volatile("fence iorw, iorw" ::: "memory"); }

static uint64_t device_features(const struct vblk *d)
{
    vblk_write(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    uint64_t hi = vblk_read(d, VIRTIO_MMIO_DEVICE_FEATURES);
    vblk_write(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    return hi << 32 | vblk_read(d, VIRTIO_MMIO_DEVICE_FEATURES);
}

static uint64_t read_capacity(const struct vblk *d)
{
    uint32_t gen, lo, hi;
    do { /* the configuration may change between the two halves: retry on a new generation */
        gen = vblk_read(d, VIRTIO_MMIO_CONFIG_GENERATION);
        lo = vblk_read(d, VIRTIO_MMIO_CONFIG + 0);
        hi = vblk_read(d, VIRTIO_MMIO_CONFIG + 4);
    } while (gen != vblk_read(d, VIRTIO_MMIO_CONFIG_GENERATION));
    return (uint64_t)hi << 32 | lo;
}

static int setup(struct vblk *d, uint64_t want)
{
    vblk_write(d, VIRTIO_MMIO_STATUS, 0);
    if (vblk_read(d, VIRTIO_MMIO_STATUS) != 0)
        return 4;
    vblk_write(d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
    vblk_write(d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);

    uint64_t features = device_features(d) & (want | VIRTIO_F_VERSION_1);
    vblk_write(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    vblk_write(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
    vblk_write(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    vblk_write(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
    uint32_t status = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK;
    vblk_write(d, VIRTIO_MMIO_STATUS, status);
    if (!(features & VIRTIO_F_VERSION_1) ||
        !(vblk_read(d, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK)) {
        vblk_write(d, VIRTIO_MMIO_STATUS, status | VIRTIO_STATUS_FAILED);
        return 5;
    }
    d->features = features;

    vblk_write(d, VIRTIO_MMIO_QUEUE_SEL, 0);
    if (vblk_read(d, VIRTIO_MMIO_QUEUE_READY))
        return 6;
    if (vblk_read(d, VIRTIO_MMIO_QUEUE_NUM_MAX) < VBLK_QSIZE)
        return 7;
    memset(&queue, 0, sizeof(queue));
    d->desc = queue.desc;
    d->avail = &queue.avail;
    d->used = &queue.used;
    d->used_seen = 0;
    d->config_seen = d->config_irqs;
    vblk_write(d, VIRTIO_MMIO_QUEUE_NUM, VBLK_QSIZE);
    uint64_t desc = (uint64_t)(unsigned long)d->desc;
    uint64_t avail = (uint64_t)(unsigned long)d->avail;
    uint64_t used = (uint64_t)(unsigned long)d->used;
    vblk_write(d, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
    vblk_write(d, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
    vblk_write(d, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)avail);
    vblk_write(d, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(avail >> 32));
    vblk_write(d, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)used);
    vblk_write(d, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(used >> 32));
    vblk_write(d, VIRTIO_MMIO_QUEUE_READY, 1);

    vblk_write(d, VIRTIO_MMIO_STATUS, status | VIRTIO_STATUS_DRIVER_OK);
    d->capacity = read_capacity(d);
    return 0;
}

static uint64_t wanted;

int vblk_init(struct vblk *d, unsigned long base, uint64_t want)
{
    d->base = base;
    if (vblk_read(d, VIRTIO_MMIO_MAGIC) != VIRTIO_MAGIC)
        return 1;
    if (vblk_read(d, VIRTIO_MMIO_VERSION) != 2)
        return 2;
    if (vblk_read(d, VIRTIO_MMIO_DEVICE_ID) != VIRTIO_ID_BLOCK)
        return 3;
    wanted = want;
    return setup(d, want);
}

int vblk_reinit(struct vblk *d) { return setup(d, wanted); }

void vblk_interrupt(struct vblk *d)
{
    uint32_t isr = vblk_read(d, VIRTIO_MMIO_INTERRUPT_STATUS);
    vblk_write(d, VIRTIO_MMIO_INTERRUPT_ACK, isr);
    if (isr & VIRTIO_INT_USED)
        d->used_irqs++;
    if (isr & VIRTIO_INT_CONFIG)
        d->config_irqs++;
}

void vblk_desc(struct vblk *d, unsigned i, uint64_t addr, uint32_t len, uint16_t flags,
               uint16_t next)
{
    d->desc[i].addr = addr;
    d->desc[i].len = len;
    d->desc[i].flags = flags;
    d->desc[i].next = next;
}

unsigned vblk_chain(struct vblk *d, unsigned first, struct vblk_req *r, uint32_t type,
                    uint64_t sector, void *data, uint32_t len, unsigned nseg)
{
    r->type = type;
    r->reserved = 0;
    r->sector = sector;
    r->status = VBLK_NO_STATUS;
    unsigned i = first;
    vblk_desc(d, i, (unsigned long)r, 16, VIRTQ_DESC_F_NEXT, i + 1);
    i++;
    uint16_t dir = type == VIRTIO_BLK_T_OUT ? 0 : VIRTQ_DESC_F_WRITE;
    if (!len)
        nseg = 0;
    for (unsigned s = 0; s < nseg; s++) {
        uint32_t from = (uint32_t)((uint64_t)len * s / nseg);
        uint32_t to = (uint32_t)((uint64_t)len * (s + 1) / nseg);
        vblk_desc(d, i, (unsigned long)data + from, to - from, dir | VIRTQ_DESC_F_NEXT, i + 1);
        i++;
    }
    vblk_desc(d, i, (unsigned long)&r->status, 1, VIRTQ_DESC_F_WRITE, 0);
    return i + 1 - first;
}

void vblk_publish(struct vblk *d, unsigned head)
{
    d->avail->ring[d->avail->idx % VBLK_QSIZE] = (uint16_t)head;
    fence(); /* the ring entry before the index */
    d->avail->idx++;
}

void vblk_notify(struct vblk *d)
{
    io_fence(); /* the rings before the notification */
    vblk_write(d, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
}

int vblk_wait(struct vblk *d, unsigned count)
{
    uint16_t target = (uint16_t)(d->used_seen + count);
    for (;;) {
        WAIT_UNTIL(d->used->idx == target || d->config_irqs != d->config_seen);
        if (d->used->idx == target)
            break;
        d->config_seen = d->config_irqs;
        if (vblk_read(d, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET)
            return -1;
    }
    d->used_seen = target;
    return 0;
}

int vblk_do(struct vblk *d, uint32_t type, uint64_t sector, void *data, uint32_t len,
            unsigned nseg)
{
    vblk_chain(d, 0, &single, type, sector, data, len, nseg);
    vblk_publish(d, 0);
    vblk_notify(d);
    if (vblk_wait(d, 1))
        return -1;
    return single.status;
}
