"""configs/devices.toml end to end, and a hostile virtio-blk guest next to a well-behaved one.

* guests/uart echoes the scenario's console input through the UART with interrupts through the
  PLIC, sleeping in WFI between bytes, and powers off through the SiFive test finisher;
* guests/blk writes a pattern to sectors 8..39 of its disk (byte i of sector s is
  (s * 31 + i * 7 + 0x5a) mod 256), reads it back and flushes: the image file is inspected;
* guests/blkhostile hands its disk addresses outside its RAM: every request must be refused
  (IOERR, or DEVICE_NEEDS_RESET when not even the status byte can be written), the device
  must never ask the VM for an out-of-RAM range, and the blk VM next to it must be unaffected.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from hvsim.config.loader import load_scenario
from hvsim.config.model import DeviceConfig, Scenario, VmConfig
from hvsim.hv.host import Host
from hvsim.hv.summary import format_summary

ROOT = Path(__file__).resolve().parents[2]
GUESTS = ROOT / "guests"
SCENARIO = ROOT / "configs" / "devices.toml"
UNTIL_PS = 2 * 10**12
MAX_INSNS = 5_000_000
UART_INPUT = "hello from the scenario\ntyped slowly, one byte at a time\n"
PATTERN_SECTORS = range(8, 40)
SECTOR = 512


def pattern(sector: int) -> bytes:
    return bytes((sector * 31 + i * 7 + 0x5A) % 256 for i in range(SECTOR))


@pytest.fixture(scope="module")
def device_guests(guests_make) -> Path:
    """guests/build with the uart, blk and blkhostile guests built."""
    return guests_make("uart", "blk", "blkhostile")


def with_image(vm: VmConfig, image: Path) -> VmConfig:
    """The VM with its virtio-blk disk on ``image`` (a fresh file)."""
    devices = tuple(
        replace(d, options={**d.options, "image": str(image)}) if d.type == "virtio-blk" else d
        for d in vm.devices
    )
    return replace(vm, devices=devices)


class Run:
    def __init__(self, scenario: Scenario) -> None:
        self.lines: list[str] = []
        self.host = Host(scenario, console_sink=self.lines.append)

    def go(self) -> Run:
        self.outcome = self.host.run(until_ps=UNTIL_PS, max_insns=MAX_INSNS)
        return self

    def vm(self, name: str):
        return next(vm for vm in self.host.vms if vm.name == name)

    def device(self, vm: str, name: str):
        return next(dev for _b, _e, dev in self.vm(vm).devices if dev.name == name)

    def counters(self, name: str):
        (stats,) = self.host.stats.for_vm(name)
        return stats.counters

    def assert_passed(self, name: str, guest: str) -> None:
        vm = self.vm(name)
        text = vm.console.text
        assert f"PASS {guest}" in text.splitlines(), f"{name}: {vm.state}\n{text}"
        assert "FAIL" not in text, text
        assert vm.state == "shutdown", text


@pytest.fixture(scope="module")
def devices_run(device_guests: Path, tmp_path_factory: pytest.TempPathFactory) -> Run:
    scenario = load_scenario(SCENARIO)
    image = tmp_path_factory.mktemp("devices") / "disk.img"
    vms = tuple(with_image(vm, image) if vm.name == "blk" else vm for vm in scenario.vms)
    run = Run(replace(scenario, vms=vms)).go()
    run.image = image  # type: ignore[attr-defined]
    return run


def test_both_guests_pass(devices_run: Run) -> None:
    assert devices_run.outcome == "done"
    devices_run.assert_passed("uart", "uart")
    devices_run.assert_passed("blk", "blk")


def test_uart_echo_is_interrupt_driven(devices_run: Run) -> None:
    text = devices_run.vm("uart").console.text
    assert text.startswith(UART_INPUT), text  # the input, echoed byte for byte
    m = re.search(r"echoed (\d+) bytes in (\d+) lines: (\d+) rx, (\d+) tx interrupts", text)
    assert m, text
    echoed, lines, rx_irqs, tx_irqs = map(int, m.groups())
    assert (echoed, lines) == (len(UART_INPUT), 2)
    assert rx_irqs >= echoed  # bytes arrive one by one, 100 us apart
    assert tx_irqs >= 1
    counters = devices_run.counters("uart")
    assert counters["interrupts.external"] >= rx_irqs
    assert counters["exits.wfi.block"] >= echoed // 2  # it slept between bytes
    assert counters["wakeups"] >= echoed // 2
    assert counters["exits.mmio.finisher.write"] == 1  # powered off through sifive_test
    assert text.splitlines()[-1] == "Shutdown vm normally!"


def test_blk_pattern_is_in_the_image_file(devices_run: Run) -> None:
    data = devices_run.image.read_bytes()  # type: ignore[attr-defined]
    assert len(data) == 1 << 20
    for sector in PATTERN_SECTORS:
        assert data[sector * SECTOR : (sector + 1) * SECTOR] == pattern(sector), sector
    assert not any(data[: PATTERN_SECTORS.start * SECTOR])
    assert not any(data[PATTERN_SECTORS.stop * SECTOR :])
    disk = devices_run.device("blk", "disk0")
    assert disk.counters["requests.write"] == 4
    assert disk.counters["requests.flush"] == 1
    assert disk.counters["bytes.written"] == len(PATTERN_SECTORS) * SECTOR


def test_disk_writes_take_simulated_time(devices_run: Run) -> None:
    text = devices_run.vm("blk").console.text
    m = re.search(r"wrote sectors 8\.\.39 in 4 requests: (\d+) ticks", text)
    assert m, text
    ticks = int(m.group(1))  # `time` at 10 MHz: 100 ns per tick
    service_ns = 4 * (50_000 + 4096 * 1000 // 500)  # latency_us = 50, 500 MB/s, 4 KiB each
    assert ticks * 100 >= service_ns
    assert ticks * 100 < 2 * service_ns


def test_summary_counts_exits_per_device(devices_run: Run) -> None:
    summary = format_summary(devices_run.host, devices_run.outcome)
    for detail in ("uart0.read", "uart0.write", "plic.read", "plic.write", "finisher.write"):
        assert re.search(rf"mmio\s+{re.escape(detail)}\s+\d+", summary), detail
    for detail in ("disk0.read", "disk0.write"):
        assert re.search(rf"mmio\s+{re.escape(detail)}\s+\d+", summary), detail
    counters = devices_run.counters("blk")
    assert counters["exits.mmio.disk0.write"] > 0
    assert "exits.mmio.uart0.read" not in counters  # devices belong to their own VM


# ---- a hostile guest -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def hostile_run(device_guests: Path, tmp_path_factory: pytest.TempPathFactory) -> Run:
    scenario = load_scenario(SCENARIO)
    tmp = tmp_path_factory.mktemp("hostile")
    blk = with_image(next(vm for vm in scenario.vms if vm.name == "blk"), tmp / "blk.img")
    hostile = VmConfig(
        "hostile",
        device_guests / "blkhostile" / "blkhostile.elf",
        memory=16 << 20,  # what the guest assumes
        devices=(
            DeviceConfig("plic", 0x0C00_0000, name="plic"),
            DeviceConfig(
                "virtio-blk",
                0x1000_1000,
                name="disk0",
                options={"image": str(tmp / "hostile.img"), "image_size": 64 * SECTOR},
            ),
        ),
    )
    run = Run(replace(scenario, vms=(hostile, blk)))
    vm = run.vm("hostile")
    run.asked: list[tuple[int, int]] = []  # type: ignore[attr-defined]
    read, write = vm.read_guest, vm.write_guest

    def spy_read(gpa: int, size: int) -> bytes:
        run.asked.append((gpa, size))  # type: ignore[attr-defined]
        return read(gpa, size)

    def spy_write(gpa: int, data: bytes | bytearray) -> None:
        run.asked.append((gpa, len(data)))  # type: ignore[attr-defined]
        write(gpa, data)

    vm.read_guest, vm.write_guest = spy_read, spy_write  # what the device's DMA goes through
    run.tmp = tmp  # type: ignore[attr-defined]
    return run.go()


def test_hostile_descriptors_are_refused(hostile_run: Run) -> None:
    hostile_run.assert_passed("hostile", "blkhostile")
    text = hostile_run.vm("hostile").console.text
    refused = re.findall(r"blkhostile: (.*): (IOERR|device needs reset)", text)
    assert len(refused) == 13, text
    disk = hostile_run.device("hostile", "disk0")
    assert disk.counters["errors.dma"] == sum(1 for _, how in refused if how == "IOERR")
    assert disk.counters["errors.needs_reset"] == sum(1 for _, h in refused if h != "IOERR")


def test_device_never_reaches_outside_the_attackers_ram(hostile_run: Run) -> None:
    vm = hostile_run.vm("hostile")
    asked = hostile_run.asked  # type: ignore[attr-defined]
    assert asked  # the device did do DMA
    bad = [(hex(gpa), n) for gpa, n in asked if not vm.is_ram(gpa, n)]
    assert bad == []


def test_attackers_image_holds_only_its_legitimate_write(hostile_run: Run) -> None:
    data = (hostile_run.tmp / "hostile.img").read_bytes()  # type: ignore[attr-defined]
    assert not any(data[:SECTOR])  # every refused write targeted sector 0
    assert data[SECTOR : 2 * SECTOR] == bytes((i ^ 0x3C) & 0xFF for i in range(SECTOR))
    assert not any(data[2 * SECTOR :])


def test_the_other_vm_is_intact(hostile_run: Run) -> None:
    assert hostile_run.outcome == "done"
    hostile_run.assert_passed("blk", "blk")
    data = (hostile_run.tmp / "blk.img").read_bytes()  # type: ignore[attr-defined]
    for sector in PATTERN_SECTORS:
        assert data[sector * SECTOR : (sector + 1) * SECTOR] == pattern(sector)


# ---- the same guests on QEMU's virt board ------------------------------------------------------
QEMU = shutil.which("qemu-system-riscv64")
QEMU_BUILD = "build/qemu"
QEMU_GUESTS = ("uart", "blk")


@pytest.fixture(scope="module")
def qemu_guests(device_guests: Path, guests_make) -> Path:
    """The -DQEMU_COMPAT build (QEMU's PLIC context numbering and virtio-mmio slot)."""
    guests_make(f"BUILD={QEMU_BUILD}", "EXTRA_CPPFLAGS=-DQEMU_COMPAT", *QEMU_GUESTS)
    return GUESTS / QEMU_BUILD


@pytest.mark.skipif(QEMU is None, reason="qemu-system-riscv64 not installed")
@pytest.mark.parametrize("guest", QEMU_GUESTS)
def test_guests_pass_on_qemu_virt(qemu_guests: Path, tmp_path: Path, guest: str) -> None:
    """The guests are correct drivers by a reference implementation's standard too: QEMU's
    ns16550, PLIC, virtio-mmio v2 and virtio-blk, under OpenSBI."""
    image = tmp_path / "disk.img"
    image.write_bytes(bytes(1 << 20))
    cmd = [QEMU, "-machine", "virt", "-nographic", "-bios", "default", "-no-reboot"]
    cmd += ["-kernel", str(qemu_guests / guest / f"{guest}.elf")]
    if guest == "blk":
        cmd += ["-global", "virtio-mmio.force-legacy=false"]
        cmd += ["-drive", f"file={image},if=none,format=raw,id=hd0"]
        cmd += ["-device", "virtio-blk-device,drive=hd0"]
    # QEMU drops input that arrives while the machine is still being reset: type it once
    # the firmware has printed its banner
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    watchdog = threading.Timer(60, proc.kill)  # a hung guest ends the test, not the session
    watchdog.start()
    try:
        assert proc.stdin is not None and proc.stdout is not None
        head = b""
        while b"Boot HART" not in head:
            line = proc.stdout.readline()
            assert line, head.decode(errors="replace")
            head += line
        proc.stdin.write((UART_INPUT + "\x04").encode())
        proc.stdin.close()
        rest = proc.stdout.read()
        proc.wait()
    finally:
        watchdog.cancel()
        proc.kill()
    out = (head + rest).decode(errors="replace")
    assert f"PASS {guest}" in out.splitlines(), out[-3000:]
    if guest == "uart":
        assert UART_INPUT in out.replace("\r\n", "\n")
    else:
        data = image.read_bytes()
        assert all(data[s * SECTOR : (s + 1) * SECTOR] == pattern(s) for s in PATTERN_SECTORS)
