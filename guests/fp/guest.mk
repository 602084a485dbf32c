# guests/fp/guest.mk - F/D self-checks (fpcheck.c), compiled for rv64imafdc/lp64d like
# Debian's riscv64-unknown-elf-gcc defaults, in two builds:
#
#   fp.elf      M-mode at 0x80000000, HTIF exit (hvsim bare); the bench group's bare runtime
#   vs_fp.elf   VS-mode guest at 0x80200000 (configs/fp.toml, configs/fp-smp.toml); the
#               VS-guest runtime of common/
include common/vsguest.mk

fp_PROGRAMS    := fp vs_fp
fp_fp_SRCS     := fp/bare.c fp/fpcheck.c fp/hold.S bench/common/start.S bench/common/runtime.c
fp_vs_fp_SRCS  := fp/vs.c fp/fpcheck.c fp/hold.S $(VSGUEST_COMMON)
fp_COMMON      :=
fp_LDSCRIPT    := bench/common/link.ld
fp_MARCH       := rv64imafdc_zicsr_zifencei
fp_MABI        := lp64d
fp_CPPFLAGS    := -Ibench/common $(VSGUEST_CPPFLAGS)
fp_CFLAGS      := $(VSGUEST_CFLAGS) -fno-math-errno

$(BUILD)/fp/vs_fp.elf: fp_LDSCRIPT := $(VSGUEST_LDSCRIPT)
$(BUILD)/fp/vs_fp.elf: $(VSGUEST_LDSCRIPT)
