# guests/bench/guest.mk - compute benchmarks for hvsim (see benchmarks/README.md).
# M-mode ELFs at 0x80000000 exiting through HTIF tohost; each runs its kernel `bench_iters`
# times (a .data word benchmarks/run.py patches), checks the result and exits 0 on success.
bench_PROGRAMS := mixed crc32 sort ptrchase rvc
bench_rvc_SRCS := bench/rvc.c bench/rvc_kernel.S
bench_COMMON   := bench/common/start.S bench/common/runtime.c
bench_LDSCRIPT := bench/common/link.ld
bench_MARCH    := rv64imac_zicsr_zifencei
bench_CPPFLAGS := -Ibench/common
bench_CFLAGS   := -O2 -Wextra -fno-builtin -fno-stack-protector \
                  -fno-tree-loop-distribute-patterns
