# guests/bare/guest.mk - bare-metal self-checking test programs for the hart (M-mode ELFs
# at 0x80000000 with HTIF tohost/fromhost).  Every guests/bare/*.S is one program; the
# framework lives in guests/bare/common/ (see guests/README.md).
bare_PROGRAMS := $(sort $(basename $(notdir $(wildcard bare/*.S))))
bare_COMMON   := bare/common/start.S bare/common/vm.S
bare_LDSCRIPT := bare/common/link.ld
bare_MARCH    := rv64imac_zicsr_zifencei
bare_CPPFLAGS := -Ibare/common
