"""Real Linux kernels boot as VMs, end to end: variant (a) on the SBI console (also with an
external initrd as ``rdinit``) and variant (c) with the UART, the PLIC and a virtio-blk disk
whose host image file the test inspects.

The kernels come from ``guests/linux/build.sh`` (cached in ``$HVSIM_LINUX_CACHE``, default
``~/.cache/hvsim/linux``; a no-op when up to date, so only the first run pays for the build).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
from pathlib import Path

from hvsim.config.loader import load_scenario
from hvsim.hv.host import Host

ROOT = Path(__file__).resolve().parents[2]
CACHE = Path(os.environ.get("HVSIM_LINUX_CACHE", "~/.cache/hvsim/linux")).expanduser()


def build_kernels(*variants: str) -> None:
    """Run the cached build (build.sh serialises concurrent builds with a lock file)."""
    done = subprocess.run(
        [str(ROOT / "guests/linux/build.sh"), *variants],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"guests/linux/build.sh failed:\n{done.stdout}\n{done.stderr}"


def boot(scenario_path: Path, **vm_changes) -> tuple[Host, list[str]]:
    scenario = load_scenario(scenario_path)
    if vm_changes:
        vm = dataclasses.replace(scenario.vms[0], **vm_changes)
        scenario = dataclasses.replace(scenario, vms=(vm, *scenario.vms[1:]))
    lines: list[str] = []
    host = Host(scenario, console_sink=lines.append)
    outcome = host.run(max_insns=60_000_000)
    assert outcome == "done", (outcome, lines[-20:])
    return host, lines


def test_linux_sbi_console_boots_to_init_and_powers_off() -> None:
    build_kernels("sbi")
    host, lines = boot(ROOT / "configs/linux.toml")
    vm = host.vms[0]
    assert vm.state == "shutdown", lines[-20:]
    assert any("Linux version 6.1" in line for line in lines)
    assert "[linux] Hello from Linux init on hvsim, VM linux!" in lines
    assert "[linux] Shutdown vm normally!" in lines
    counters = host.stats.vcpus[0].counters
    # what Linux caused: BASE probing, console output, and SRST for the power-off
    assert counters["exits.sbi.base.get_spec_version"] == 1
    assert counters["exits.sbi.base.probe_extension"] >= 4
    assert counters["exits.sbi.srst.system_reset"] == 1
    printed = sum(1 for line in lines if line.startswith("[linux] "))
    assert counters["exits.sbi.legacy.console_putchar"] >= printed
    assert host.stats.vcpus[0].instructions > 5_000_000


def test_linux_runs_init_from_an_external_initrd(tmp_path: Path) -> None:
    """The scenario's initrd reaches the kernel through /chosen: its /init-ext exists only
    there (the kernel's built-in initramfs has /init), and rdinit names it."""
    build_kernels("sbi")
    root = tmp_path / "root"
    root.mkdir()
    shutil.copy(CACHE / "sbi/rootfs/init", root / "init-ext")
    archive = subprocess.run(
        ["cpio", "-o", "-H", "newc", "--quiet"],
        input=b"init-ext\n",
        cwd=root,
        capture_output=True,
        check=True,
    ).stdout
    initrd = tmp_path / "initrd.cpio"
    initrd.write_bytes(archive)
    bootargs = "console=hvc0 earlycon=sbi rdinit=/init-ext HVSIM_VM=from-initrd"
    host, lines = boot(ROOT / "configs/linux.toml", initrd=initrd, bootargs=bootargs)
    assert host.vms[0].state == "shutdown", lines[-20:]
    assert "[linux] Hello from Linux init on hvsim, VM from-initrd!" in lines
    assert any("Unpacking initramfs" in line for line in lines)


def test_linux_devices_reads_and_writes_the_virtio_disk(tmp_path: Path) -> None:
    build_kernels("devices")
    image = tmp_path / "disk.img"
    shutil.copy(CACHE / "devices/disk.template.img", image)
    scenario = load_scenario(ROOT / "configs/linux-devices.toml")
    devices = tuple(
        dataclasses.replace(d, options={**d.options, "image": str(image)})
        if d.type == "virtio-blk"
        else d
        for d in scenario.vms[0].devices
    )
    host, lines = boot(ROOT / "configs/linux-devices.toml", devices=devices)
    vm = host.vms[0]
    assert vm.state == "shutdown", lines[-20:]
    assert any("ttyS0" in line and "16550" in line for line in lines), lines[:60]
    assert (
        "[linux] init: sector 0 of /dev/vda: "
        "hvsim virtio-blk disk: sector 0 written by guests/linux/build.sh"
    ) in lines
    assert "[linux] init: wrote sector 1, synced" in lines
    sector1 = image.read_bytes()[512:1024]
    assert sector1.startswith(b"written by Linux init on hvsim\n")
    counters = host.stats.vcpus[0].counters
    assert counters["exits.mmio.uart0.write"] > 100  # the console goes through the UART
    assert counters["exits.mmio.vda.write"] > 0 and counters["exits.mmio.vda.read"] > 0
    assert counters["exits.mmio.plic.read"] > 0  # interrupts claimed through the PLIC
