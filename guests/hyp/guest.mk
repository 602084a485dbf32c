# guests/hyp/guest.mk - bare-metal self-checking test programs for the H extension (M-mode
# ELFs at 0x80000000 with HTIF, like guests/bare/, that set themselves up as an HS-mode
# hypervisor running VS/VU-mode guests).  Every guests/hyp/*.S is one program; they use the
# framework of guests/bare/common/ plus its H layer in guests/hyp/common/ (see
# guests/hyp/README.md).
hyp_PROGRAMS := $(sort $(basename $(notdir $(wildcard hyp/*.S))))
hyp_COMMON   := bare/common/start.S bare/common/vm.S hyp/common/hyp.S hyp/common/vcpu.S
hyp_LDSCRIPT := bare/common/link.ld
hyp_MARCH    := rv64imac_zicsr_zifencei_h
hyp_CPPFLAGS := -Ibare/common -Ihyp/common
