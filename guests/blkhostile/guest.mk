# guests/blkhostile/guest.mk - a guest that hands its virtio-blk device addresses outside its RAM.
# It uses the blk guest's driver (blk/vblk.c) and the PLIC helpers of guests/uart.
include common/vsguest.mk
blkhostile_PROGRAMS              := blkhostile
blkhostile_blkhostile_SRCS       := blkhostile/blkhostile.c blk/vblk.c
blkhostile_COMMON                := $(VSGUEST_COMMON)
blkhostile_LDSCRIPT              := $(VSGUEST_LDSCRIPT)
blkhostile_CPPFLAGS              := $(VSGUEST_CPPFLAGS) -Iblk -Iuart
blkhostile_CFLAGS                := $(VSGUEST_CFLAGS)
