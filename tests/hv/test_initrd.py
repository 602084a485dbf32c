"""An initrd given in the scenario: where the loader puts it and how the guest learns of it.

The expectations follow QEMU's virt machine (half-way into RAM, at most 128 MiB in) and the
Linux binding (``/chosen`` ``linux,initrd-start`` and ``linux,initrd-end``, end exclusive).
"""

from __future__ import annotations

import struct
from pathlib import Path

import libfdt
import pytest

from hvsim.config.model import Scenario, VmConfig
from hvsim.hv.host import Host
from hvsim.loader.elf import LoaderError

MiB = 1 << 20
WFI_LOOP = struct.pack("<II", 0x10500073, 0xFFDFF06F)  # wfi; j -4


def chosen(blob: bytes) -> dict[str, int]:
    fdt = libfdt.Fdt(blob)
    node = fdt.path_offset("/chosen")
    found = {}
    for name in ("linux,initrd-start", "linux,initrd-end"):
        prop = fdt.getprop(node, name, quiet=(libfdt.NOTFOUND,))
        if isinstance(prop, bytes | bytearray):
            found[name] = int.from_bytes(prop, "big")
    return found


def boot_vm(tmp_path: Path, initrd: bytes | None, memory: int, kernel: bytes = WFI_LOOP):
    kernel_path = tmp_path / "kernel.bin"
    kernel_path.write_bytes(kernel)
    initrd_path = None
    if initrd is not None:
        initrd_path = tmp_path / "initrd.cpio"
        initrd_path.write_bytes(initrd)
    config = VmConfig("vm", kernel_path, kernel_format="raw", memory=memory, initrd=initrd_path)
    host = Host(Scenario(None, (config,)), console_sink=lambda line: None)
    vm = host.vms[0]
    blob = vm.read_guest(vm.fdt_addr, 0x10000)
    return vm, chosen(blob)


@pytest.mark.parametrize(
    ("memory", "offset"), [(16 * MiB, 8 * MiB), (64 * MiB, 32 * MiB), (512 * MiB, 128 * MiB)]
)
def test_initrd_goes_half_way_into_ram_at_most_128_mib(
    tmp_path: Path, memory: int, offset: int
) -> None:
    data = bytes(range(256)) * 37 + b"end"
    vm, props = boot_vm(tmp_path, data, memory)
    start = vm.ram_base + offset
    assert vm.initrd == (start, start + len(data))
    assert props == {"linux,initrd-start": start, "linux,initrd-end": start + len(data)}
    assert vm.read_guest(start, len(data)) == data
    assert start + len(data) <= vm.fdt_addr


def test_a_large_initrd_goes_just_below_the_device_tree(tmp_path: Path) -> None:
    data = b"\xa5" * (9 * MiB + 123)  # does not fit between 8 MiB and the tree at 14 MiB
    vm, props = boot_vm(tmp_path, data, 16 * MiB)
    start, end = vm.initrd
    assert start % 0x1000 == 0 and end == start + len(data)
    assert vm.fdt_addr - 0x1000 < end <= vm.fdt_addr
    assert props["linux,initrd-start"] == start
    assert vm.read_guest(start, len(data)) == data


def test_an_initrd_goes_above_a_kernel_that_reaches_past_half_of_ram(tmp_path: Path) -> None:
    kernel = WFI_LOOP + bytes(7 * MiB)  # the raw kernel spans 2 MiB..9 MiB + 8 bytes
    data = b"\x5a" * MiB
    vm, props = boot_vm(tmp_path, data, 16 * MiB, kernel=kernel)
    start = vm.ram_base + 9 * MiB + 0x1000  # the first page above the kernel
    assert vm.initrd == (start, start + len(data))
    assert props["linux,initrd-start"] == start
    assert vm.read_guest(start, len(data)) == data
    assert vm.read_guest(vm.ram_base + 0x200000, len(WFI_LOOP)) == WFI_LOOP


def test_an_initrd_that_does_not_fit_is_refused_with_the_room_left(tmp_path: Path) -> None:
    kernel = WFI_LOOP + bytes(3 * MiB)  # the raw kernel spans 2..5 MiB into RAM
    with pytest.raises(LoaderError) as exc:
        boot_vm(tmp_path, bytes(10 * MiB), 16 * MiB, kernel=kernel)
    message = str(exc.value)
    assert "initrd.cpio" in message and "does not fit" in message
    room = 14 * MiB - (5 * MiB + 0x1000)  # from the kernel's end (page-rounded) to the tree
    assert f"{room} bytes free" in message
    assert "more memory" in message


def test_without_an_initrd_chosen_names_none(tmp_path: Path) -> None:
    vm, props = boot_vm(tmp_path, None, 16 * MiB)
    assert vm.initrd is None
    assert props == {}
