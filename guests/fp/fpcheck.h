/*
 * fpcheck.h - the F/D self-checks of guests/fp/, shared by the bare-metal and VS-guest builds.
 *
 * The checks are plain C and inline assembly; the build they run in supplies fp_note() (how a
 * failing check is printed) and turns FS on before calling them (an FP instruction with FS
 * Off is illegal, so that must happen in another function than the first FP instruction).
 */
#ifndef FPCHECK_H
#define FPCHECK_H

#include <stdint.h>

typedef uint64_t u64;
typedef uint32_t u32;

/* Supplied by the build: print "check <n> (<what>): got <got>, expected <want>". */
void fp_note(int n, const char *what, u64 got, u64 want);

/* The arithmetic checks: 0 when all pass, else the number of the first failing one. */
int fp_checks(void);

/*
 * Hold FP state across a long loop: hart `id` puts its own values in fs0-fs11, its own
 * rounding mode in frm (id 0: rtz, else rup) and its own kind of exception in fflags, then
 * runs `iters` dynamic-rounding divisions; afterwards the registers, frm and fflags must be
 * exactly its own and the sum of the quotients' bits must match the rounding mode.  Another
 * vCPU preempting it on the same pCPU with other values shows up here if the hypervisor
 * does not give each vCPU its own FP state.  Returns 0 or the number of the failing check.
 */
int fp_hold(unsigned id, u64 iters);

/* fp/hold.S: the loop of fp_hold (saves and restores the callee-saved fs0-fs11 itself). */
u64 fp_hold_loop(u64 iters, const double *in, double *out, double x, double y);

#endif
