# guests/smp/guest.mk - the smp guest: HSM, IPIs, remote fences and atomics on several vCPUs.
include common/vsguest.mk
smp_PROGRAMS := smp
smp_COMMON   := $(VSGUEST_COMMON)
smp_LDSCRIPT := $(VSGUEST_LDSCRIPT)
smp_CPPFLAGS := $(VSGUEST_CPPFLAGS)
smp_CFLAGS   := $(VSGUEST_CFLAGS)
