#!/usr/bin/env bash
# tools/setup.sh - install everything hvsim needs on a Debian machine, build the guests,
# and (unless --no-demo) run the demo.  Safe to re-run: each step is skipped when done.
set -euo pipefail
cd "$(dirname "$0")/.."

# swig and python3-dev: pip builds pylibfdt (libfdt's Python binding) from source
APT_PACKAGES=(gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf device-tree-compiler make swig
              python3-dev)
demo=1
[[ "${1:-}" == "--no-demo" ]] && demo=0

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

echo "setup: installing hvsim (editable, with the dev extra)"
python3 -m pip install -q -e ".[dev]"

echo "setup: building guests"
make -s -C guests -j2

if ((demo)); then
    echo "setup: demo: hvsim bare guests/build/demo/hello.elf"
    python3 -m hvsim bare guests/build/demo/hello.elf
fi
