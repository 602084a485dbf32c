"""Fixtures for the statistics tests: the exit-storm guest, the project's guests, finished runs.

* ``build_exitloop(iterations, work)`` (session): assembles ``guests/exitloop.S`` (this
  directory) into an ELF with the cross toolchain; skips without it.
* ``project_guests`` (session): ``make -C guests`` for the groups multi-vm.toml uses.
* ``multi_vm`` / ``exitloop_run`` (session): finished runs with every output file written.
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from stats_helpers import (
    CC,
    CONFIGS,
    DEVICES_GROUPS,
    EXITLOOP_ITERATIONS,
    HERE,
    MULTI_VM_GROUPS,
    Finished,
    exitloop_scenario,
    finished,
)

from hvsim.config.loader import load_scenario


def _need_toolchain() -> None:
    if shutil.which(CC) is None:
        pytest.skip(f"no {CC} (apt-get install gcc-riscv64-unknown-elf)")


@pytest.fixture(scope="session")
def build_exitloop(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    _need_toolchain()
    out = tmp_path_factory.mktemp("exitloop")
    cache: dict[tuple[int, int], Path] = {}

    def build(iterations: int = 10, work: int = 0) -> Path:
        key = (iterations, work)
        if key not in cache:
            elf = out / f"exitloop-{iterations}-{work}.elf"
            subprocess.run(
                [
                    CC,
                    "-march=rv64imac_zicsr",
                    "-mabi=lp64",
                    "-nostdlib",
                    "-static",
                    "-Wl,-Ttext=0x80200000",
                    "-Wl,--build-id=none",
                    f"-DITERATIONS={iterations}",
                    f"-DWORK={work}",
                    "-o",
                    str(elf),
                    str(HERE / "guests" / "exitloop.S"),
                ],
                check=True,
                capture_output=True,
            )
            cache[key] = elf
        return cache[key]

    return build


@pytest.fixture(scope="session")
def project_guests(guests_make) -> Path:
    return guests_make("-j2", *MULTI_VM_GROUPS, *DEVICES_GROUPS)


@pytest.fixture(scope="session")
def multi_vm(project_guests: Path, tmp_path_factory: pytest.TempPathFactory) -> Finished:
    """configs/multi-vm.toml run once: four VMs, five vCPUs, two pCPUs, WFI, IPIs, paging."""
    return finished(load_scenario(CONFIGS / "multi-vm.toml"), tmp_path_factory.mktemp("multi"))


@pytest.fixture(scope="session")
def exitloop_run(
    build_exitloop: Callable[..., Path], tmp_path_factory: pytest.TempPathFactory
) -> Finished:
    """The exit-storm guest with EXITLOOP_ITERATIONS iterations."""
    scenario = exitloop_scenario(build_exitloop(EXITLOOP_ITERATIONS))
    return finished(scenario, tmp_path_factory.mktemp("exitloop-run"))


@pytest.fixture(scope="session")
def devices_run(project_guests: Path, tmp_path_factory: pytest.TempPathFactory) -> Finished:
    """configs/devices.toml (UART, PLIC, virtio-blk) with its disk image in a temporary file."""
    tmp = tmp_path_factory.mktemp("devices")
    scenario = load_scenario(CONFIGS / "devices.toml")
    vms = []
    for vm in scenario.vms:
        devices = tuple(
            dataclasses.replace(d, options={**d.options, "image": str(tmp / f"{d.name}.img")})
            if "image" in d.options
            else d
            for d in vm.devices
        )
        vms.append(dataclasses.replace(vm, devices=devices))
    return finished(dataclasses.replace(scenario, vms=tuple(vms)), tmp / "out")


@pytest.fixture(scope="session")
def cut_run(
    build_exitloop: Callable[..., Path], tmp_path_factory: pytest.TempPathFactory
) -> Finished:
    """The exit-storm guest stopped by the simulated-time limit in the middle of a slice."""
    scenario = exitloop_scenario(build_exitloop(EXITLOOP_ITERATIONS))
    return finished(scenario, tmp_path_factory.mktemp("cut-run"), until_ps=50_000_000)
