# guests/skernel2/guest.mk - the seed exercise's payload (VS-mode guest at 0x80200000).
skernel2_PROGRAMS := skernel2
skernel2_LDSCRIPT := skernel2/link.ld
