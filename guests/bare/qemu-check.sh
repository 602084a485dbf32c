#!/bin/sh
# qemu-check.sh - cross-check the bare-metal test programs on QEMU (authoring aid).
#
# Builds the programs twice (strict: guests/build/bare/, and with -DQEMU_COMPAT, which skips
# the checks where QEMU 7.2 is known to differ from the specification:
# guests/build/qemu/bare/) and runs each ELF on QEMU's `spike` machine (HTIF, no rdtime) and
# `virt` machine (rdtime and Sstc, exit through the SiFive test finisher).  Prints one line
# per program: the exit code on each machine/build (0 = pass, n = failing test number,
# T = timeout).  See guests/README.md for the expected deviations.
#
# usage: guests/bare/qemu-check.sh [program-name ...]
set -u
cd "$(dirname "$0")/.." || exit 1
QEMU=${QEMU:-qemu-system-riscv64}
command -v "$QEMU" >/dev/null || { echo "$QEMU not found" >&2; exit 2; }
make -s >/dev/null || exit 1
make -s BUILD=build/qemu EXTRA_CPPFLAGS=-DQEMU_COMPAT >/dev/null || exit 1

run() { # machine elf
    timeout 10 "$QEMU" -machine "$1" -bios none -kernel "$2" -nographic \
        -monitor none -serial none >/dev/null 2>&1 </dev/null
    rc=$?
    [ $rc -eq 124 ] && rc=T
    printf '%s' "$rc"
}

if [ $# -gt 0 ]; then progs="$*"; else
    progs=$(ls bare/*.S | sed 's|bare/||; s|\.S$||')
fi
printf '%-24s %8s %8s %8s %8s\n' program spike virt spike-c virt-c
for p in $progs; do
    printf '%-24s %8s %8s %8s %8s\n' "$p" \
        "$(run spike build/bare/$p.elf)" "$(run virt build/bare/$p.elf)" \
        "$(run spike build/qemu/bare/$p.elf)" "$(run virt build/qemu/bare/$p.elf)"
done
