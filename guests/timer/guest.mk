# guests/timer/guest.mk - the timer guest: periodic timer interrupts via SBI TIME and Sstc.
include common/vsguest.mk
timer_PROGRAMS := timer
timer_COMMON   := $(VSGUEST_COMMON)
timer_LDSCRIPT := $(VSGUEST_LDSCRIPT)
timer_CPPFLAGS := $(VSGUEST_CPPFLAGS)
timer_CFLAGS   := $(VSGUEST_CFLAGS)
