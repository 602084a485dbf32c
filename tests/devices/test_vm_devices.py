"""Devices inside a VM: created from scenario entries, wired to the VM's console, vCPUs,
simulated time and guest RAM.

The VMs here run a two-instruction raw kernel (``wfi; j -4``): the vCPU blocks in WFI and the
tests drive the devices through their registers, as a guest would through MMIO exits.
"""

from __future__ import annotations

import struct
from dataclasses import replace
from pathlib import Path

import pytest

from hvsim.config.loader import ConfigError, load_scenario, scenario_from_dict
from hvsim.config.model import DeviceConfig, Scenario, VmConfig
from hvsim.core.trap import MIP_VSEIP
from hvsim.devices.plic import Plic
from hvsim.devices.sifive_test import SifiveTest
from hvsim.devices.virtio.blk import VirtioBlk
from hvsim.devices.vm_uart import VmUart
from hvsim.hv.host import Host
from hvsim.hv.vm import VM

WFI_LOOP = struct.pack("<II", 0x10500073, 0xFFDFF06F)  # wfi; j -4
PLIC = DeviceConfig("plic", 0x0C00_0000, name="plic")
UART = DeviceConfig("ns16550", 0x1000_0000, name="uart0")
US = 10**6  # picoseconds

# register offsets from the specifications (16550, RISC-V PLIC, virtio-mmio)
RBR, THR, IER, LSR = 0, 0, 1, 5
LSR_DR = 0x01
IER_RX = 0x01


def plic_enable(offset_context: int) -> int:
    return 0x2000 + 0x80 * offset_context


def plic_claim(context: int) -> int:
    return 0x200004 + 0x1000 * context


@pytest.fixture
def kernel(tmp_path: Path) -> Path:
    path = tmp_path / "wfi.bin"
    path.write_bytes(WFI_LOOP)
    return path


def make_host(kernel: Path, *devices: DeviceConfig, vcpus: int = 1, **vm: object) -> Host:
    config = VmConfig("vm", kernel, kernel_format="raw", vcpus=vcpus, devices=devices, **vm)
    lines: list[str] = []
    host = Host(Scenario(None, (config,)), console_sink=lines.append)
    host.lines = lines  # type: ignore[attr-defined]
    return host


def device(vm: VM, name: str):
    for _base, _end, dev in vm.devices:
        if dev.name == name:
            return dev
    raise KeyError(name)


# ---- UART ----------------------------------------------------------------------------------
def test_uart_transmits_to_the_vm_console(kernel: Path) -> None:
    host = make_host(kernel, UART)
    vm = host.vms[0]
    uart = device(vm, "uart0")
    assert isinstance(uart, VmUart) and uart.is_console
    for byte in b"hi there\n":
        uart.write(THR, 1, byte)
    assert vm.console.text == "hi there\n"
    assert host.lines == ["[vm] hi there"]  # type: ignore[attr-defined]


def test_uart_output_goes_to_the_console_log(kernel: Path, tmp_path: Path) -> None:
    config = VmConfig("vm", kernel, kernel_format="raw", devices=(UART,))
    host = Host(Scenario(None, (config,)), console_sink=lambda line: None, outdir=tmp_path)
    uart = device(host.vms[0], "uart0")
    for byte in b"logged\npartial":
        uart.write(THR, 1, byte)
    host.vms[0].stop("stopped")
    host.run()
    assert (tmp_path / "vm.console.log").read_bytes() == b"logged\npartial"


def test_uart_receives_the_console_input_typed_ahead(kernel: Path) -> None:
    host = make_host(kernel, UART, console_input=b"ok\n")
    uart = device(host.vms[0], "uart0")
    got = []
    while uart.read(LSR, 1) & LSR_DR:
        got.append(uart.read(RBR, 1))
    assert bytes(got) == b"ok\n"
    assert host.vms[0].console.read_byte() is None  # the UART took the input


def test_uart_input_arrives_at_the_configured_rate(kernel: Path) -> None:
    slow = replace(UART, options={"rx_interval_us": 100})
    host = make_host(kernel, slow, console_input=b"abc")
    uart = device(host.vms[0], "uart0")
    arrivals = []
    for t in range(50, 500, 50):
        host.env.run(until=t * US + 1)  # just after t: events at t itself have happened
        while uart.read(LSR, 1) & LSR_DR:
            arrivals.append((t, uart.read(RBR, 1)))
    assert arrivals == [(100, ord("a")), (200, ord("b")), (300, ord("c"))]


def test_uart_interrupt_reaches_the_vcpu_through_the_plic(kernel: Path) -> None:
    host = make_host(kernel, PLIC, UART, console_input=b"x")
    vm = host.vms[0]
    plic, uart = device(vm, "plic"), device(vm, "uart0")
    vcpu = vm.vcpus[0]
    plic.write(4 * 10, 4, 1)  # priority of source 10 (the UART's default)
    plic.write(plic_enable(0), 4, 1 << 10)
    uart.write(IER, 1, IER_RX)  # a byte is waiting: the line goes high
    assert vcpu.hvip & MIP_VSEIP
    assert vcpu.stats.counters["interrupts.external"] == 1
    assert plic.read(plic_claim(0), 4) == 10
    assert not vcpu.hvip & MIP_VSEIP  # claimed
    assert uart.read(RBR, 1) == ord("x")  # the line drops with the byte read
    plic.write(plic_claim(0), 4, 10)
    assert not vcpu.hvip & MIP_VSEIP


def test_plic_has_one_context_per_vcpu(kernel: Path) -> None:
    host = make_host(kernel, PLIC, UART, vcpus=3, console_input=b"x")
    vm = host.vms[0]
    plic, uart = device(vm, "plic"), device(vm, "uart0")
    assert isinstance(plic, Plic) and plic.contexts == 3
    plic.write(4 * 10, 4, 1)
    plic.write(plic_enable(2), 4, 1 << 10)
    uart.write(IER, 1, IER_RX)
    assert [bool(v.hvip & MIP_VSEIP) for v in vm.vcpus] == [False, False, True]


# ---- interrupt numbers and configuration errors ----------------------------------------------
def test_default_interrupt_numbers(kernel: Path, tmp_path: Path) -> None:
    blk = DeviceConfig("virtio-blk", 0x1000_2000, name="blk", options=_disk(tmp_path))
    host = make_host(kernel, PLIC, UART, blk)
    vm = host.vms[0]
    assert device(vm, "uart0").irq_source == 10
    assert device(vm, "blk").irq_source == 2  # QEMU virt: 0x10001000 + 0x1000 * i -> 1 + i


def test_devices_without_a_plic_have_no_interrupt(kernel: Path, tmp_path: Path) -> None:
    blk = DeviceConfig("virtio-blk", 0x1000_1000, name="blk", options=_disk(tmp_path))
    host = make_host(kernel, UART, blk)
    assert device(host.vms[0], "uart0").irq_source is None
    assert device(host.vms[0], "blk").irq_source is None


@pytest.mark.parametrize(
    ("devices", "message"),
    [
        ((replace(UART, irq=10),), "no plic"),
        ((PLIC, replace(UART, irq=96)), "outside the plic"),
        ((PLIC, UART, DeviceConfig("ns16550", 0x1000_0100, name="uart1")), "share irq 10"),
        (
            (PLIC, DeviceConfig("ns16550", 0x1000_0000), DeviceConfig("ns16550", 0x1000_0100)),
            "share",
        ),
        ((PLIC, replace(PLIC, base=0x0D00_0000, name="plic2")), "one plic"),
        ((DeviceConfig("virtio-blk", 0x1000_1000),), "needs an image"),
    ],
)
def test_bad_device_configurations(kernel: Path, devices, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make_host(kernel, *devices)


def test_overlapping_devices_are_config_errors(kernel: Path) -> None:
    base = {"name": "vm", "kernel": str(kernel), "kernel_format": "raw"}
    overlap = {"type": "ns16550", "base": 0x0C00_1000}  # inside the PLIC's window
    with pytest.raises(ConfigError, match="overlaps device"):
        scenario_from_dict(
            {"vm": [{**base, "device": [{"type": "plic", "base": 0x0C00_0000}, overlap]}]}
        )
    in_ram = {"type": "plic", "base": 0x7FF0_0000}  # runs into RAM at 0x80000000
    with pytest.raises(ConfigError, match="overlaps the VM's RAM"):
        scenario_from_dict({"vm": [{**base, "device": [in_ram]}]})
    with pytest.raises(ConfigError, match="unknown key"):
        scenario_from_dict(
            {"vm": [{**base, "device": [{"type": "virtio-blk", "base": 0x1000_1000, "imag": "x"}]}]}
        )


# ---- the SiFive test finisher ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "state", "line"),
    [
        (0x5555, "shutdown", "Shutdown vm normally!"),
        (0x0003_3333, "shutdown", "Shutdown vm with failure code 3"),
        (0x7777, "reset", "Reset vm requested!"),
    ],
)
def test_finisher_stops_the_vm(kernel: Path, value: int, state: str, line: str) -> None:
    host = make_host(kernel, DeviceConfig("sifive_test", 0x10_0000, name="finisher"))
    vm = host.vms[0]
    finisher = device(vm, "finisher")
    assert isinstance(finisher, SifiveTest)
    finisher.write(0, 4, value)
    assert vm.state == state
    assert vm.console.text.splitlines()[-1] == line
    assert host.run() == "done"


# ---- virtio-blk in a VM ---------------------------------------------------------------------
def _disk(tmp_path: Path, name: str = "disk.img") -> dict[str, object]:
    return {"image": str(tmp_path / name), "image_size": 64 * 512}


def test_image_path_resolves_against_the_scenario(tmp_path: Path, kernel: Path) -> None:
    (tmp_path / "scenarios").mkdir()
    scenario = tmp_path / "scenarios" / "s.toml"
    scenario.write_text(
        f'[[vm]]\nname = "vm"\nkernel = "{kernel}"\nkernel_format = "raw"\n'
        '[[vm.device]]\ntype = "virtio-blk"\nbase = 0x10001000\n'
        'image = "../disks/d.img"\nimage_size = 4096\n'
    )
    host = Host(load_scenario(scenario), console_sink=lambda line: None)
    blk = host.vms[0].devices[0][2]
    assert isinstance(blk, VirtioBlk)
    assert blk.image.path.resolve() == (tmp_path / "disks" / "d.img").resolve()
    assert (tmp_path / "disks" / "d.img").stat().st_size == 4096


class MiniDriver:
    """Just enough of a virtio-blk driver (virtio 1.x register sequence) to submit a write."""

    QSIZE = 4

    def __init__(self, vm: VM, dev: VirtioBlk) -> None:
        self.vm, self.dev = vm, dev
        base = vm.ram_base + 0x10_0000
        self.desc, self.avail, self.used = base, base + 0x1000, base + 0x2000
        self.hdr, self.data, self.status = base + 0x3000, base + 0x4000, base + 0x3100
        for offset, value in (
            (0x70, 0),
            (0x70, 1),
            (0x70, 3),
            (0x24, 1),
            (0x20, 1),  # VIRTIO_F_VERSION_1 (bit 32)
            (0x70, 11),
            (0x30, 0),
            (0x38, self.QSIZE),
            (0x80, self.desc),
            (0x84, 0),
            (0x90, self.avail),
            (0x94, 0),
            (0xA0, self.used),
            (0xA4, 0),
            (0x44, 1),
            (0x70, 15),
        ):
            dev.write(offset, 4, value & 0xFFFF_FFFF)

    def write(self, sector: int, data: bytes, index: int) -> None:
        vm = self.vm
        vm.write_guest(self.hdr, struct.pack("<IIQ", 1, 0, sector))
        vm.write_guest(self.data, data)
        vm.write_guest(
            self.desc,
            struct.pack("<QIHH", self.hdr, 16, 1, 1)
            + struct.pack("<QIHH", self.data, len(data), 1, 2)
            + struct.pack("<QIHH", self.status, 1, 2, 0),
        )
        vm.write_guest(self.avail + 4 + 2 * (index % self.QSIZE), struct.pack("<H", 0))
        vm.write_guest(self.avail + 2, struct.pack("<H", index + 1))
        self.dev.write(0x50, 4, 0)

    def used_idx(self) -> int:
        return struct.unpack("<H", self.vm.read_guest(self.used + 2, 2))[0]


def test_completed_writes_survive_a_crash(kernel: Path, tmp_path: Path) -> None:
    disk = _disk(tmp_path)
    blk = DeviceConfig("virtio-blk", 0x1000_1000, name="blk", options=disk)
    host = make_host(kernel, PLIC, blk)
    vm = host.vms[0]
    driver = MiniDriver(vm, device(vm, "blk"))
    driver.write(3, b"\x5a" * 512, 0)
    host.env.run(until=1000 * US)  # long after the completion time
    assert driver.used_idx() == 1
    driver.write(4, b"\xa5" * 512, 1)  # still in flight when the VM crashes
    vm.stop("crashed")
    host.env.run(until=2000 * US)
    image = Path(str(disk["image"])).read_bytes()
    assert image[3 * 512 : 4 * 512] == b"\x5a" * 512  # completed: on the host file
    assert driver.used_idx() == 1  # nothing completes in a stopped VM


def test_disk_completion_is_timed_and_interrupts_the_vcpu(kernel: Path, tmp_path: Path) -> None:
    options = {**_disk(tmp_path), "latency_us": 30, "bandwidth_mbps": 512, "flush_us": 0}
    host = make_host(
        kernel, PLIC, DeviceConfig("virtio-blk", 0x1000_1000, name="blk", options=options)
    )
    vm = host.vms[0]
    plic, blk = device(vm, "plic"), device(vm, "blk")
    plic.write(4 * 1, 4, 1)
    plic.write(plic_enable(0), 4, 1 << 1)
    driver = MiniDriver(vm, blk)
    start = host.env.now
    driver.write(0, b"\x01" * 1024, 0)
    done = start + 30 * US + 1024 * US // 512  # latency + 1024 bytes at 512 MB/s = 32 us
    host.env.run(until=done)
    assert driver.used_idx() == 0 and not vm.vcpus[0].hvip & MIP_VSEIP
    host.env.run(until=done + 1)
    assert driver.used_idx() == 1
    assert vm.vcpus[0].hvip & MIP_VSEIP
