/*
 * args.h - run-time parameters of the spin guests, read from the device tree the hypervisor
 * passes in a1: `key=value` words of /chosen/bootargs (the scenario's `bootargs`) and the
 * timebase frequency of /cpus (the rate of the `time` CSR).
 *
 * Values are decimal or 0x-prefixed hexadecimal; a missing key (or no device tree at all)
 * gives the caller's default, a malformed value fails the guest naming the key.
 */
#ifndef SPIN_ARGS_H
#define SPIN_ARGS_H

/* Find the bootargs and the timebase in the device tree at `fdt` (0: none, defaults apply). */
void args_init(unsigned long fdt);
/* The value of `key=` in bootargs, or `dflt` when the key is absent. */
unsigned long arg_ulong(const char *key, unsigned long dflt);
/* The `time` CSR frequency in Hz (/cpus/timebase-frequency; 10 MHz without a device tree). */
unsigned long timebase_hz(void);
/* Microseconds -> ticks of the `time` CSR (and back). */
unsigned long us_to_ticks(unsigned long us);
unsigned long ticks_to_us(unsigned long ticks);
/* The bootargs string ("" when absent). */
const char *bootargs(void);

#endif
