#!/usr/bin/env bash
# guests/linux/build.sh [VARIANT...] - build hvsim's Linux guest kernels (default: all).
#
# Variants: sbi (a: uniprocessor, SBI console), smp (b: SMP), devices (c: UART, PLIC,
# virtio-blk).  Each is Debian's linux-source-6.1 cross-built with gcc-riscv64-linux-gnu from
# tinyconfig + common.config + <variant>.config, with an embedded uncompressed initramfs that
# holds a freestanding /init (init-hello.c or init-blk.c).
#
# Output: $HVSIM_LINUX_CACHE/<variant>/Image (default cache: ~/.cache/hvsim/linux), and for
# the devices variant disk.template.img (1 MiB, a line of text in sector 0) and disk.img, a
# copy made when missing that the scenario's virtio-blk disk uses.  A variant
# whose inputs (fragments, init sources, kernel version) are unchanged is not rebuilt, so the
# script is a no-op when everything is up to date.  Missing Debian packages are installed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${HVSIM_LINUX_CACHE:-$HOME/.cache/hvsim/linux}"
variants=("$@")
((${#variants[@]})) || variants=(sbi smp devices)
cross=riscv64-linux-gnu-
jobs="$(nproc)"

declare -A INIT=([sbi]=init-hello.c [smp]=init-hello.c [devices]=init-blk.c)

need=()
for pkg in linux-source-6.1 gcc-riscv64-linux-gnu flex bison bc cpio make; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
        || need+=("$pkg")
done
if ((${#need[@]})); then
    echo "linux: installing ${need[*]}"
    sudo_cmd=()
    [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${need[@]}"
fi

tarball=$(ls /usr/src/linux-source-6.1*.tar.xz | head -n1)
src="$cache/src"
mkdir -p "$cache"
exec 9>"$cache/.build.lock"  # concurrent builds (e.g. parallel test workers) take turns
flock 9
if [[ ! -f "$src/.extracted" || "$(cat "$src/.extracted")" != "$tarball" ]]; then
    echo "linux: extracting $tarball"
    rm -rf "$src"
    mkdir -p "$src"
    tar -xf "$tarball" -C "$src" --strip-components=1
    echo "$tarball" > "$src/.extracted"
fi

for v in "${variants[@]}"; do
    if [[ "$v" == devices && -f "$cache/devices/disk.template.img" && ! -f "$cache/devices/disk.img" ]]; then
        cp "$cache/devices/disk.template.img" "$cache/devices/disk.img"
    fi
    [[ -n "${INIT[$v]:-}" ]] || { echo "linux: unknown variant $v" >&2; exit 2; }
    out="$cache/$v"
    stamp=$(cat "$here/common.config" "$here/$v.config" "$here/${INIT[$v]}" "$here/sys.h" \
            "$here/start.S" "$here/build.sh" | sha256sum | cut -d' ' -f1)
    stamp="$stamp $(basename "$tarball")"
    if [[ -f "$out/Image" && -f "$out/.stamp" && "$(cat "$out/.stamp")" == "$stamp" ]]; then
        echo "linux: $v is up to date ($out/Image)"
        continue
    fi
    echo "linux: building variant $v in $out"
    mkdir -p "$out/rootfs"
    ${cross}gcc -Os -static -nostdlib -ffreestanding -fno-builtin -fno-pic -fno-stack-protector \
        -march=rv64imac_zicsr -mabi=lp64 -Wl,--build-id=none \
        -o "$out/rootfs/init" "$here/start.S" "$here/${INIT[$v]}"
    cat > "$out/initramfs.list" <<LIST
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
file /init $out/rootfs/init 0755 0 0
LIST
    make -s -C "$src" O="$out" ARCH=riscv CROSS_COMPILE="$cross" tinyconfig
    printf 'CONFIG_INITRAMFS_SOURCE="%s"\n' "$out/initramfs.list" > "$out/initramfs.config"
    (cd "$src" && ARCH=riscv CROSS_COMPILE="$cross" scripts/kconfig/merge_config.sh -m -O "$out" \
        "$out/.config" "$here/common.config" "$here/$v.config" "$out/initramfs.config" >/dev/null)
    make -s -C "$src" O="$out" ARCH=riscv CROSS_COMPILE="$cross" olddefconfig
    make -s -C "$src" O="$out" ARCH=riscv CROSS_COMPILE="$cross" -j"$jobs" Image
    cp "$out/arch/riscv/boot/Image" "$out/Image"
    echo "$stamp" > "$out/.stamp"
    if [[ "$v" == devices ]]; then  # the disk its init reads (sector 0) and writes (sector 1)
        head -c 1048576 /dev/zero > "$out/disk.template.img"
        printf 'hvsim virtio-blk disk: sector 0 written by guests/linux/build.sh\n' |
            dd of="$out/disk.template.img" conv=notrunc status=none
    fi
    [[ "$v" == devices ]] && cp "$out/disk.template.img" "$out/disk.img"
    echo "linux: $v built: $out/Image ($(stat -c %s "$out/Image") bytes)"
done
