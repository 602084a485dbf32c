# guests/spin/guest.mk - the scheduling workloads: a CPU-bound spinner and an interactive
# (timer-driven, mostly idle) guest, both configured at run time through the kernel command
# line (the scenario's `bootargs`, read from the device tree's /chosen).
include common/vsguest.mk
spin_PROGRAMS         := spin interactive
spin_spin_SRCS        := spin/spin.c spin/args.c
spin_interactive_SRCS := spin/interactive.c spin/args.c
spin_COMMON           := $(VSGUEST_COMMON)
spin_LDSCRIPT         := $(VSGUEST_LDSCRIPT)
spin_CPPFLAGS         := $(VSGUEST_CPPFLAGS)
spin_CFLAGS           := $(VSGUEST_CFLAGS)
