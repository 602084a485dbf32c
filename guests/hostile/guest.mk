# guests/hostile/guest.mk - a guest that attacks the hypervisor's interfaces, and the canary
# VM that runs beside it and checks that its memory was not touched.
include common/vsguest.mk
hostile_PROGRAMS := hostile canary
hostile_COMMON   := $(VSGUEST_COMMON)
hostile_LDSCRIPT := $(VSGUEST_LDSCRIPT)
hostile_CPPFLAGS := $(VSGUEST_CPPFLAGS)
hostile_CFLAGS   := $(VSGUEST_CFLAGS)
