/*
 * plic.h - the PLIC as the device guests (uart, blk, blkhostile) use it: one S-mode context
 * per hart, sources enabled with a priority, claim/complete from the external-interrupt
 * handler.  Addresses follow QEMU's virt board, as hvsim's device defaults do.
 *
 * hvsim gives each vCPU one PLIC context (context i = hart i, S-mode).  QEMU's virt board has
 * an M-mode and an S-mode context per hart (S-mode context of hart h = 2h + 1): build with
 * -DQEMU_COMPAT to run the guests there.
 */
#ifndef GUEST_PLIC_H
#define GUEST_PLIC_H

#include <stdint.h>

#define PLIC_BASE 0x0c000000UL
#define PLIC_PRIORITY(src) (PLIC_BASE + 4UL * (src))
#define PLIC_PENDING(word) (PLIC_BASE + 0x1000UL + 4UL * (word))
#define PLIC_ENABLE(ctx, word) (PLIC_BASE + 0x2000UL + 0x80UL * (ctx) + 4UL * (word))
#define PLIC_THRESHOLD(ctx) (PLIC_BASE + 0x200000UL + 0x1000UL * (ctx))
#define PLIC_CLAIM(ctx) (PLIC_BASE + 0x200004UL + 0x1000UL * (ctx))

#ifdef QEMU_COMPAT
#define PLIC_CONTEXT(hart) (2 * (hart) + 1)
#else
#define PLIC_CONTEXT(hart) (hart)
#endif

static inline uint32_t mmio_read32(unsigned long addr)
{
    return *(volatile uint32_t *)addr;
}

static inline void mmio_write32(unsigned long addr, uint32_t value)
{
    *(volatile uint32_t *)addr = value;
}

/* Route `source` to `hart`'s S-mode context with `priority` (threshold 0). */
static inline void plic_enable(unsigned long hart, unsigned source, unsigned priority)
{
    unsigned long ctx = PLIC_CONTEXT(hart);
    mmio_write32(PLIC_PRIORITY(source), priority);
    unsigned long reg = PLIC_ENABLE(ctx, source / 32);
    mmio_write32(reg, mmio_read32(reg) | (1U << (source % 32)));
    mmio_write32(PLIC_THRESHOLD(ctx), 0);
}

static inline void plic_disable(unsigned long hart, unsigned source)
{
    unsigned long reg = PLIC_ENABLE(PLIC_CONTEXT(hart), source / 32);
    mmio_write32(reg, mmio_read32(reg) & ~(1U << (source % 32)));
}

static inline unsigned plic_claim(unsigned long hart)
{
    return mmio_read32(PLIC_CLAIM(PLIC_CONTEXT(hart)));
}

static inline void plic_complete(unsigned long hart, unsigned source)
{
    mmio_write32(PLIC_CLAIM(PLIC_CONTEXT(hart)), source);
}

#endif
