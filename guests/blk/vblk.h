/*
 * vblk.h - a small virtio-blk driver (virtio-mmio version 2, one split virtqueue) for the
 * device guests blk and blkhostile.
 *
 * Owns: device initialisation in the order the virtio specification prescribes (reset,
 * ACKNOWLEDGE, DRIVER, feature negotiation, FEATURES_OK read back, queue set-up, DRIVER_OK),
 * the virtqueue in guest RAM, building request chains (header, data split over several
 * descriptors, status byte), publishing chains and notifying, the interrupt handler part
 * (InterruptStatus / InterruptACK) and waiting for completions in WFI.  The guest runs with
 * translation off, so pointers are guest-physical addresses.
 */
#ifndef GUEST_VBLK_H
#define GUEST_VBLK_H

#include <stdint.h>

#ifdef QEMU_COMPAT
/* QEMU's virt board plugs a -device virtio-blk-device into its last transport first */
#define VIRTIO_MMIO_BASE 0x10008000UL
#define VIRTIO_MMIO_IRQ 8
#else
#define VIRTIO_MMIO_BASE 0x10001000UL /* hvsim's default: QEMU virt's first transport */
#define VIRTIO_MMIO_IRQ 1
#endif
#define VBLK_QSIZE 16
#define SECTOR_SIZE 512

/* virtio-mmio registers */
#define VIRTIO_MMIO_MAGIC 0x000
#define VIRTIO_MMIO_VERSION 0x004
#define VIRTIO_MMIO_DEVICE_ID 0x008
#define VIRTIO_MMIO_DEVICE_FEATURES 0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES 0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_QUEUE_SEL 0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX 0x034
#define VIRTIO_MMIO_QUEUE_NUM 0x038
#define VIRTIO_MMIO_QUEUE_READY 0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY 0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS 0x060
#define VIRTIO_MMIO_INTERRUPT_ACK 0x064
#define VIRTIO_MMIO_STATUS 0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW 0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH 0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW 0x090
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH 0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW 0x0a0
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH 0x0a4
#define VIRTIO_MMIO_CONFIG_GENERATION 0x0fc
#define VIRTIO_MMIO_CONFIG 0x100

#define VIRTIO_MAGIC 0x74726976
#define VIRTIO_ID_BLOCK 2

#define VIRTIO_STATUS_ACKNOWLEDGE 1
#define VIRTIO_STATUS_DRIVER 2
#define VIRTIO_STATUS_DRIVER_OK 4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_NEEDS_RESET 64
#define VIRTIO_STATUS_FAILED 128

#define VIRTIO_INT_USED 1
#define VIRTIO_INT_CONFIG 2

#define VIRTIO_BLK_F_SEG_MAX (1ULL << 2)
#define VIRTIO_BLK_F_RO (1ULL << 5)
#define VIRTIO_BLK_F_BLK_SIZE (1ULL << 6)
#define VIRTIO_BLK_F_FLUSH (1ULL << 9)
#define VIRTIO_F_INDIRECT_DESC (1ULL << 28)
#define VIRTIO_F_VERSION_1 (1ULL << 32)

#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2
#define VIRTQ_DESC_F_INDIRECT 4

#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_T_GET_ID 8
#define VIRTIO_BLK_T_BOGUS 0x7f /* no such request type */

#define VIRTIO_BLK_S_OK 0
#define VIRTIO_BLK_S_IOERR 1
#define VIRTIO_BLK_S_UNSUPP 2
#define VBLK_NO_STATUS 0xff /* what a status byte holds before the device writes it */

struct virtq_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};

struct virtq_avail {
    uint16_t flags;
    uint16_t idx;
    uint16_t ring[VBLK_QSIZE];
    uint16_t used_event;
};

struct virtq_used_elem {
    uint32_t id;
    uint32_t len;
};

struct virtq_used {
    uint16_t flags;
    uint16_t idx;
    struct virtq_used_elem ring[VBLK_QSIZE];
    uint16_t avail_event;
};

/* A request's device-readable header and device-writable status byte. */
struct vblk_req {
    uint32_t type;
    uint32_t reserved;
    uint64_t sector;
    volatile uint8_t status;
};

struct vblk {
    unsigned long base;
    uint64_t features;      /* negotiated */
    uint64_t capacity;      /* sectors */
    struct virtq_desc *desc;
    struct virtq_avail *avail;
    volatile struct virtq_used *used;
    uint16_t used_seen;     /* used-ring entries consumed so far */
    volatile unsigned long used_irqs, config_irqs;
    unsigned long config_seen; /* configuration interrupts vblk_wait has looked at */
};

static inline uint32_t vblk_read(const struct vblk *d, unsigned reg)
{
    return *(volatile uint32_t *)(d->base + reg);
}

static inline void vblk_write(const struct vblk *d, unsigned reg, uint32_t value)
{
    *(volatile uint32_t *)(d->base + reg) = value;
}

/*
 * Initialise the device at `base` offering `want` features (VERSION_1 is always asked for).
 * Returns 0, or the step that failed: 1 magic, 2 version, 3 device id, 4 reset, 5 features,
 * 6 queue already live, 7 queue too small.
 */
int vblk_init(struct vblk *d, unsigned long base, uint64_t want);
/* Reset the device (Status = 0) and initialise it again with the same features. */
int vblk_reinit(struct vblk *d);
/* The interrupt handler's part: read and acknowledge InterruptStatus, count the causes. */
void vblk_interrupt(struct vblk *d);

/* Fill descriptor i. */
void vblk_desc(struct vblk *d, unsigned i, uint64_t addr, uint32_t len, uint16_t flags,
               uint16_t next);
/*
 * Build a request chain from descriptor `first` on: the header of `r`, `len` bytes of `data`
 * split over `nseg` descriptors (none when len is 0), and the status byte.  Returns the number
 * of descriptors used.
 */
unsigned vblk_chain(struct vblk *d, unsigned first, struct vblk_req *r, uint32_t type,
                    uint64_t sector, void *data, uint32_t len, unsigned nseg);
/* Make the chain at `head` available (no notification yet). */
void vblk_publish(struct vblk *d, unsigned head);
void vblk_notify(struct vblk *d);
/*
 * Sleep until `count` more chains are used; returns 0, or -1 when the device signalled
 * DEVICE_NEEDS_RESET instead.
 */
int vblk_wait(struct vblk *d, unsigned count);
/* One request, start to end: returns its status byte, or -1 when the device needs a reset. */
int vblk_do(struct vblk *d, uint32_t type, uint64_t sector, void *data, uint32_t len,
            unsigned nseg);

#endif
