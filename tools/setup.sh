#!/usr/bin/env bash
# tools/setup.sh - install everything hvsim needs on a Debian machine, build the guests and
# the Linux guest kernels, and (unless --no-demo) run the demo.  Safe to re-run: each step is
# skipped when done.  --no-linux skips the kernels (about 2.5 minutes each on 2 cores the
# first time; cached in $HVSIM_LINUX_CACHE, default ~/.cache/hvsim/linux).
set -euo pipefail
cd "$(dirname "$0")/.."

# swig and python3-dev: pip builds pylibfdt (libfdt's Python binding) from source
APT_PACKAGES=(gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf device-tree-compiler make swig
              python3-dev)
demo=1
linux=1
for arg in "$@"; do
    case "$arg" in
        --no-demo) demo=0 ;;
        --no-linux) linux=0 ;;
        *) echo "usage: tools/setup.sh [--no-demo] [--no-linux]" >&2; exit 2 ;;
    esac
done

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$pkg")
done
if ((${#missing[@]})); then
    echo "setup: installing Debian packages: ${missing[*]}"
    sudo_cmd=()
    [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}"
fi

echo "setup: installing hvsim (editable, with the dev and analysis extras)"
python3 -m pip install -q -e ".[dev,analysis]"

echo "setup: building guests"
make -s -C guests -j2

if ((linux)); then
    echo "setup: building the Linux guest kernels (cached)"
    guests/linux/build.sh sbi devices smp
fi

if ((demo)); then
    echo "setup: demo: hvsim bare guests/build/demo/hello.elf"
    python3 -m hvsim bare guests/build/demo/hello.elf
fi
