#!/bin/sh
# guests/common/qemu-check.sh - run the VS-mode guests on QEMU's `virt` machine, where they
# run in S-mode on top of QEMU's own OpenSBI, to validate the guest programs independently of
# hvsim.  Every guest must print its PASS line, except:
#   - hello needs SBI DBCN, which OpenSBI gained in v1.3 (QEMU 7.2 ships v1.1): FAIL there;
#   - the crash guests crash differently (OpenSBI/QEMU deliver the faults to the guest itself);
#   - hostile expects hvsim's answers where older OpenSBI versions are more lenient.
# Usage: sh guests/common/qemu-check.sh     (from the repository root or guests/)
set -u
cd "$(dirname "$0")/.." || exit 2
QEMU=${QEMU:-qemu-system-riscv64}
command -v "$QEMU" >/dev/null 2>&1 || { echo "no $QEMU (apt-get install qemu-system-misc)"; exit 2; }
make -s hello smp timer paging || exit 2
status=0
for spec in hello/hello:1 smp/smp:4 timer/timer:1 paging/paging:1; do
    prog=${spec%%:*}
    harts=${spec##*:}
    name=${prog##*/}
    out=$(timeout 30 "$QEMU" -machine virt -m 128M -smp "$harts" -nographic -bios default \
          -kernel "build/$prog.elf" 2>&1 | tr -d '\r')
    verdict=$(printf '%s\n' "$out" | grep -a -E "^(PASS|FAIL) $name" | tail -n 1)
    printf '%-8s %s\n' "$name" "${verdict:-no verdict (timeout?)}"
    case $verdict in "PASS $name") ;; *) status=1 ;; esac
done
exit $status
