# guests/bench/guest.mk - benchmark programs for hvsim (see benchmarks/README.md).
#
# Every program runs its kernel `bench_iters` times (a .data word benchmarks/run.py patches),
# checks the result and reports it.  Three builds of the same kernel sources:
#
#   <kernel>.elf      M-mode at 0x80000000, exit through HTIF tohost (hvsim bare, QEMU spike,
#                     unicorn); runtime in bench/common/
#   vs_<kernel>.elf   VS-mode guest at 0x80200000 for `hvsim run` (configs/bench-*.toml): the
#                     VS-guest runtime of common/ plus bench/vs/glue.c; ends with SBI SRST
#   linux/<kernel>    Linux-user static build for qemu-riscv64 (bench/linux/Makefile, built
#                     by benchmarks/suite.py with riscv64-linux-gnu-gcc, not by this file)
#
# VS-only programs: sbi_null (loops on SBI BASE get_spec_version), mmio_read (loops on an `ld`
# from a `regs` device register), touch (writes and checks 1 MiB of RAM, for the memory
# scenario) and latency (timer and IPI delivery latency, for the batch-length table).
include common/vsguest.mk

BENCH_KERNELS := mixed crc32 sort ptrchase rvc intloop
BENCH_VS_ONLY := sbi_null mmio_read touch latency
bench_PROGRAMS := $(BENCH_KERNELS) $(addprefix vs_,$(BENCH_KERNELS) $(BENCH_VS_ONLY))

BENCH_BARE_RT := bench/common/start.S bench/common/runtime.c
BENCH_VS_RT   := $(VSGUEST_COMMON) bench/vs/glue.c bench/common/runtime.c
bench_rvc_KERNEL     := bench/rvc.c bench/rvc_kernel.S
bench_intloop_KERNEL := bench/intloop.c bench/intloop_kernel.S
$(foreach k,$(BENCH_KERNELS), \
    $(eval bench_$(k)_KERNEL ?= bench/$(k).c) \
    $(eval bench_$(k)_SRCS := $(bench_$(k)_KERNEL) $(BENCH_BARE_RT)) \
    $(eval bench_vs_$(k)_SRCS := $(bench_$(k)_KERNEL) $(BENCH_VS_RT)))
$(foreach p,$(BENCH_VS_ONLY),$(eval bench_vs_$(p)_SRCS := bench/vs/$(p).c $(BENCH_VS_RT)))

bench_COMMON   :=
bench_LDSCRIPT := bench/common/link.ld
bench_MARCH    := rv64imac_zicsr_zifencei
bench_CPPFLAGS := -Ibench/common -I$(dir $(VSGUEST_LDSCRIPT))
bench_CFLAGS   := -O2 -Wextra -fno-builtin -fno-stack-protector \
                  -fno-tree-loop-distribute-patterns -fno-asynchronous-unwind-tables

# The VS builds link with the VS-guest layout (image at 0x80200000) instead.
BENCH_VS_ELFS := $(patsubst %,$(BUILD)/bench/vs_%.elf,$(BENCH_KERNELS) $(BENCH_VS_ONLY))
$(BENCH_VS_ELFS): bench_LDSCRIPT := $(VSGUEST_LDSCRIPT)
$(BENCH_VS_ELFS): $(VSGUEST_LDSCRIPT)
