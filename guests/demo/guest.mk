# guests/demo/guest.mk - the README's first-run demo: a bare-metal program for `hvsim bare`.
demo_PROGRAMS := hello
demo_LDSCRIPT := bare/common/link.ld
