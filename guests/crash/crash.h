/*
 * crash.h - shared by the crash guests: announce the crash, remove the guest's own trap
 * handler (stvec = 0: nothing in the guest could handle what follows), and report a FAIL if
 * the guest is still running afterwards.  The faulting instruction carries the global label
 * `crash_point`, so a test can compare the crash report's sepc with the ELF symbol.
 */
#ifndef CRASH_H
#define CRASH_H

#include "guest.h"

static inline void crash_prepare(const char *what)
{
    printf("%s: %s\n", guest_name, what);
    csr_write(stvec, 0);
}

#endif
