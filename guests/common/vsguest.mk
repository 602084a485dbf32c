# guests/common/vsguest.mk - what every group of VS-mode guests shares: the runtime sources,
# the linker script (image at 0x80200000) and the flags.  A group's guest.mk includes it and
# uses the VSGUEST_* variables, e.g.
#
#     include common/vsguest.mk
#     hello_PROGRAMS := hello
#     hello_COMMON   := $(VSGUEST_COMMON)
#     hello_LDSCRIPT := $(VSGUEST_LDSCRIPT)
#     hello_CPPFLAGS := $(VSGUEST_CPPFLAGS)
#     hello_CFLAGS   := $(VSGUEST_CFLAGS)
VSGUEST_COMMON   := common/start.S common/trap.S common/user.S common/runtime.c \
                    common/sbi.c common/console.c
VSGUEST_LDSCRIPT := common/link.ld
VSGUEST_CPPFLAGS := -Icommon
VSGUEST_CFLAGS   := -O2 -Wextra -fno-builtin -fno-stack-protector \
                    -fno-tree-loop-distribute-patterns -fno-asynchronous-unwind-tables
