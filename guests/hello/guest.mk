# guests/hello/guest.mk - the hello guest: SBI console output (DBCN and legacy) and BASE probes.
include common/vsguest.mk
hello_PROGRAMS := hello
hello_COMMON   := $(VSGUEST_COMMON)
hello_LDSCRIPT := $(VSGUEST_LDSCRIPT)
hello_CPPFLAGS := $(VSGUEST_CPPFLAGS)
hello_CFLAGS   := $(VSGUEST_CFLAGS)
