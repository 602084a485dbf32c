# guests/crash/guest.mk - guests that must crash (only) their own VM, one way each.
include common/vsguest.mk
crash_PROGRAMS := crash_store crash_jump crash_ebreak
crash_COMMON   := $(VSGUEST_COMMON)
crash_LDSCRIPT := $(VSGUEST_LDSCRIPT)
crash_CPPFLAGS := $(VSGUEST_CPPFLAGS)
crash_CFLAGS   := $(VSGUEST_CFLAGS)
