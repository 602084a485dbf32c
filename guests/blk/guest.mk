# guests/blk/guest.mk - the blk guest: a virtio-blk driver writing, reading back and flushing.
# vblk.c (the driver) is shared with guests/blkhostile; plic.h comes from guests/uart.
include common/vsguest.mk
blk_PROGRAMS := blk
blk_blk_SRCS := blk/blk.c blk/vblk.c
blk_COMMON   := $(VSGUEST_COMMON)
blk_LDSCRIPT := $(VSGUEST_LDSCRIPT)
blk_CPPFLAGS := $(VSGUEST_CPPFLAGS) -Iblk -Iuart
blk_CFLAGS   := $(VSGUEST_CFLAGS)
