# guests/uart/guest.mk - the uart guest: interrupt-driven echo through the NS16550A and the PLIC.
include common/vsguest.mk
uart_PROGRAMS := uart
uart_COMMON   := $(VSGUEST_COMMON)
uart_LDSCRIPT := $(VSGUEST_LDSCRIPT)
uart_CPPFLAGS := $(VSGUEST_CPPFLAGS) -Iuart
uart_CFLAGS   := $(VSGUEST_CFLAGS)
