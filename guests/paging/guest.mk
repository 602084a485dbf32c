# guests/paging/guest.mk - the paging guest: a tiny VS-mode kernel with Sv39 and a U-mode task.
include common/vsguest.mk
paging_PROGRAMS    := paging
paging_paging_SRCS := paging/paging.c paging/user_task.c
paging_COMMON      := $(VSGUEST_COMMON)
paging_LDSCRIPT    := $(VSGUEST_LDSCRIPT)
paging_CPPFLAGS    := $(VSGUEST_CPPFLAGS)
paging_CFLAGS      := $(VSGUEST_CFLAGS)
