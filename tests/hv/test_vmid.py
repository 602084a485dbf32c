"""VMID allocation: generations and rollover flushes, as on hardware with too few VMIDs."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from hvsim.config.loader import load_scenario
from hvsim.hv.host import Host
from hvsim.hv.vmid import VmidAllocator, VmidHolder

ROOT = Path(__file__).resolve().parents[2]


def test_vmids_are_distinct_until_the_space_runs_out() -> None:
    flushes = []
    alloc = VmidAllocator(2, lambda: flushes.append(alloc.generation))
    vms = [VmidHolder() for _ in range(4)]
    got = [alloc.ensure(vm) for vm in vms[:3]]
    assert got == [1, 2, 3] and not flushes  # VMID 0 stays with the host
    assert alloc.ensure(vms[0]) == 1  # same generation: unchanged
    assert alloc.ensure(vms[3]) == 1  # exhausted: a new generation, everything flushed
    assert flushes == [2] and alloc.rollovers == 1
    assert alloc.ensure(vms[1]) == 2  # old-generation holders get fresh VMIDs
    assert alloc.ensure(vms[3]) == 1


def test_no_vmids_flushes_on_every_change_of_vm() -> None:
    flushes = []
    alloc = VmidAllocator(0, lambda: flushes.append(1))
    a, b = VmidHolder(), VmidHolder()
    assert (alloc.ensure(a), alloc.ensure(a), alloc.ensure(b), alloc.ensure(a)) == (0, 0, 0, 0)
    assert len(flushes) == 3


@pytest.fixture(scope="module")
def multi_vm(guests_make) -> Path:
    guests_make("hello", "timer", "paging", "smp")
    return ROOT / "configs" / "multi-vm.toml"


def test_vms_share_one_vmid_correctly_when_vmidlen_is_1(multi_vm: Path) -> None:
    """Four VMs on two pCPUs with a single usable VMID: a VM that is loaded, or keeps running,
    while another took the VMID gets a new generation (all guest translations flushed), and
    every VM still runs to its PASS line."""
    scenario = load_scenario(multi_vm)
    scenario = dataclasses.replace(scenario, host=dataclasses.replace(scenario.host, vmidlen=1))
    lines: list[str] = []
    host = Host(scenario, console_sink=lines.append)
    assert host.run() == "done"
    assert all(vm.state == "shutdown" for vm in host.vms)
    for vm in host.vms:
        assert any(line.startswith(f"[{vm.name}] PASS") for line in lines), vm.name
    # every VM after the first needs a new generation to get the only VMID
    assert host.vmids.rollovers >= len(host.vms) - 1
    assert all(vm.vmid == 1 for vm in host.vms)
