"""A VM's device tree, decompiled with Debian's ``dtc`` and checked node by node.

The expectations are those of the Linux bindings (and what QEMU's virt board generates):
``riscv,plic0`` with one ``interrupts-extended`` pair <cpu-intc 9> per S-mode context,
``ns16550a`` with ``interrupts`` and ``interrupt-parent``, ``virtio,mmio``, the SiFive test
device as a ``syscon`` with ``syscon-poweroff``/``syscon-reboot`` cells, and
``/chosen/stdout-path`` naming the UART.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from hvsim.config.model import DeviceConfig, Scenario, VmConfig
from hvsim.hv.fdt import build_fdt
from hvsim.hv.host import Host

DTC = shutil.which("dtc")
pytestmark = pytest.mark.skipif(DTC is None, reason="dtc not installed (apt-get install dtc)")

WFI_LOOP = struct.pack("<II", 0x10500073, 0xFFDFF06F)  # wfi; j -4
S_EXT = 9


def parse_dts(text: str) -> dict[str, dict[str, object]]:
    """dtc's output as {node path: {property: value}}: <cells> become lists of ints,
    strings lists of str, empty properties True."""
    nodes: dict[str, dict[str, object]] = {}
    stack: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("/dts-v1/"):
            continue
        if line.endswith("{"):
            name = line[:-1].strip()
            stack.append("" if name == "/" else name)
            nodes["/".join(stack) or "/"] = {}
        elif line == "};":
            stack.pop()
        else:
            m = re.fullmatch(r"([^=\s]+)(?:\s*=\s*(.*))?;", line)
            assert m, f"unexpected dts line {line!r}"
            key, value = m.groups()
            path = "/".join(stack) or "/"
            if value is None:
                nodes[path][key] = True
            elif value.startswith("<"):
                nodes[path][key] = [int(c, 16) for c in value.strip("<>").split()]
            else:
                nodes[path][key] = value.strip('"').split("\\0")
    return nodes


@pytest.fixture
def kernel(tmp_path: Path) -> Path:
    path = tmp_path / "wfi.bin"
    path.write_bytes(WFI_LOOP)
    return path


def vm_tree(kernel: Path, tmp_path: Path, devices: tuple[DeviceConfig, ...], vcpus: int = 2):
    config = VmConfig("vm", kernel, kernel_format="raw", vcpus=vcpus, devices=devices)
    host = Host(Scenario(None, (config,)), console_sink=lambda line: None)
    vm = host.vms[0]
    blob = build_fdt(vm)
    dtb = tmp_path / "vm.dtb"
    dtb.write_bytes(blob)
    done = subprocess.run(
        [DTC, "-I", "dtb", "-O", "dts", str(dtb)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == "", f"dtc warnings:\n{done.stderr}"
    return vm, blob, parse_dts(done.stdout)


DISK = {"image_size": 64 * 512}
DEVICES = (
    DeviceConfig("sifive_test", 0x10_0000, name="finisher"),
    DeviceConfig("plic", 0x0C00_0000, name="plic"),
    DeviceConfig("ns16550", 0x1000_0000, name="uart0"),
    DeviceConfig("virtio-blk", 0x1000_1000, name="disk0"),
    DeviceConfig("virtio-blk", 0x1000_3000, name="disk2", irq=7),
)


def with_images(tmp_path: Path) -> tuple[DeviceConfig, ...]:
    return tuple(
        replace(dev, options={**DISK, "image": str(tmp_path / f"{dev.name}.img")})
        if dev.type == "virtio-blk"
        else dev
        for dev in DEVICES
    )


def test_device_nodes(kernel: Path, tmp_path: Path) -> None:
    vm, blob, tree = vm_tree(kernel, tmp_path, with_images(tmp_path))
    assert vm.read_guest(vm.fdt_addr, len(blob)) == blob  # the guest gets exactly this tree

    intc = [tree[f"/cpus/cpu@{i}/interrupt-controller"]["phandle"][0] for i in range(2)]
    plic = tree["/soc/plic@c000000"]
    assert plic["compatible"] == ["sifive,plic-1.0.0", "riscv,plic0"]
    assert plic["interrupt-controller"] is True
    assert plic["#interrupt-cells"] == [1]
    assert plic["#address-cells"] == [0]
    assert plic["reg"] == [0, 0x0C00_0000, 0, 0x60_0000]
    assert plic["riscv,ndev"] == [95]
    assert plic["interrupts-extended"] == [intc[0], S_EXT, intc[1], S_EXT]
    phandle = plic["phandle"][0]

    uart = tree["/soc/serial@10000000"]
    assert uart["compatible"] == ["ns16550a"]
    assert uart["reg"] == [0, 0x1000_0000, 0, 0x100]
    assert uart["interrupts"] == [10]
    assert uart["interrupt-parent"] == [phandle]
    assert "clock-frequency" in uart

    for node, base, irq in (
        ("virtio_mmio@10001000", 0x1000_1000, 1),
        ("virtio_mmio@10003000", 0x1000_3000, 7),
    ):
        virtio = tree[f"/soc/{node}"]
        assert virtio["compatible"] == ["virtio,mmio"]
        assert virtio["reg"] == [0, base, 0, 0x1000]
        assert virtio["interrupts"] == [irq]
        assert virtio["interrupt-parent"] == [phandle]

    test = tree["/soc/test@100000"]
    assert test["compatible"][:3] == ["sifive,test1", "sifive,test0", "syscon"]
    assert test["reg"] == [0, 0x10_0000, 0, 0x1000]
    for child, value in (("poweroff", 0x5555), ("reboot", 0x7777)):
        node = tree[f"/soc/test@100000/{child}"]
        assert node["compatible"] == [f"syscon-{child}"]
        assert node["value"] == [value]
        assert node["offset"] == [0]
        assert node["regmap"] == test["phandle"]

    assert tree["/chosen"]["stdout-path"] == ["/soc/serial@10000000"]
    phandles = [p["phandle"][0] for p in tree.values() if "phandle" in p]
    assert len(phandles) == len(set(phandles))


def test_clock_frequency_value(kernel: Path, tmp_path: Path) -> None:
    """dtc shows 0x384000 as a string ("\\08@"), so this one is read from the blob."""
    import libfdt

    _, blob, _ = vm_tree(kernel, tmp_path, with_images(tmp_path))
    fdt = libfdt.Fdt(blob)
    node = fdt.path_offset("/soc/serial@10000000")
    assert fdt.getprop(node, "clock-frequency").as_uint32() == 3_686_400


def test_without_a_plic_devices_have_no_interrupts(kernel: Path, tmp_path: Path) -> None:
    devices = (DeviceConfig("ns16550", 0x1000_0000, name="uart0"),)
    _, _, tree = vm_tree(kernel, tmp_path, devices, vcpus=1)
    uart = tree["/soc/serial@10000000"]
    assert "interrupts" not in uart and "interrupt-parent" not in uart
    assert not [p for p in tree if "plic" in p]
    assert tree["/chosen"]["stdout-path"] == ["/soc/serial@10000000"]


def test_spaced_uart_registers(kernel: Path, tmp_path: Path) -> None:
    devices = (DeviceConfig("ns16550", 0x1000_0000, name="uart0", options={"reg_shift": 2}),)
    _, _, tree = vm_tree(kernel, tmp_path, devices, vcpus=1)
    uart = tree["/soc/serial@10000000"]
    assert uart["reg-shift"] == [2]
    assert uart["reg-io-width"] == [1]
