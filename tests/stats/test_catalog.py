"""The counter catalog: every name a run produces is declared, with the right unit."""

from __future__ import annotations

import json

import pytest
from stats_helpers import Finished

from hvsim.stats import catalog


@pytest.mark.parametrize("run", ["multi_vm", "exitloop_run", "devices_run"])
def test_every_exported_counter_is_declared(request: pytest.FixtureRequest, run: str) -> None:
    finished: Finished = request.getfixturevalue(run)
    doc = json.loads((finished.outdir / "stats.json").read_text())
    undeclared = [n for n in doc["counters"] if catalog.find(n) is None]
    assert undeclared == []
    for name, entry in doc["counters"].items():
        assert entry["unit"] == catalog.find(name).unit, name
        assert isinstance(entry["value"], int), name
    assert all(catalog.is_histogram(n) for n in doc["histograms"])


@pytest.mark.parametrize("run", ["multi_vm", "exitloop_run", "devices_run"])
def test_every_raw_vcpu_counter_is_declared(request: pytest.FixtureRequest, run: str) -> None:
    """Counters the hypervisor bumps by name during the run (exits.*, interrupts.*, ...)."""
    finished: Finished = request.getfixturevalue(run)
    names = {n for s in finished.host.stats.vcpus for n in s.counters}
    assert names, "the run counted nothing"
    assert sorted(n for n in names if not catalog.guest_counter_declared(n)) == []


def test_runs_cover_the_interesting_families(multi_vm: Finished) -> None:
    """The multi-VM run exercises most declared families (so the test above means something)."""
    doc = json.loads((multi_vm.outdir / "stats.json").read_text())
    used = {catalog.find(n).pattern for n in doc["counters"]}
    for pattern in (
        "<vm>.vcpu<i>.exits.<kind>.<detail>",
        "<vm>.vcpu<i>.interrupts.<name>",
        "<vm>.vcpu<i>.fences.<name>",
        "<vm>.vcpu<i>.handling.<kind>.<detail>.<stat>",
        "<vm>.vcpu<i>.wakeups.latency.<stat>",
        "<vm>.vcpu<i>.tlb.g_pte_reads",
        "<vm>.time.elapsed",
        "pcpu<i>.busy",
        "host.runqueue.max",
    ):
        assert pattern in used, pattern


def test_device_counters_are_exported(devices_run: Finished) -> None:
    doc = json.loads((devices_run.outdir / "stats.json").read_text())
    vm = next(v for v in devices_run.host.vms if v.name == "blk")
    disk = next(dev for _, _, dev in vm.devices if dev.name == "disk0")
    assert disk.counters, "the disk counted nothing"
    for name, value in disk.counters.items():
        entry = doc["counters"][f"blk.device.disk0.{name}"]
        assert entry["value"] == value
        assert entry["unit"] == ("bytes" if name.startswith("bytes.") else "count")


@pytest.mark.parametrize(
    ("name", "pattern", "unit"),
    [
        ("seed.vcpu0.exits.sbi.legacy.shutdown", "<vm>.vcpu<i>.exits.<kind>.<detail>", "count"),
        ("vm0.vcpu1.exits.sbi.time.set_timer", "<vm>.vcpu<i>.exits.<kind>.<detail>", "count"),
        ("vm0.exits.mmio", "<vm>.exits.<kind>", "count"),
        ("vm0.vcpu12.exits", "<vm>.vcpu<i>.exits", "count"),
        ("linux-0.time.steal", "<vm>.time.steal", "ps"),
        (
            "a_b.vcpu0.handling.sbi.time.set_timer.mean",
            "<vm>.vcpu<i>.handling.<kind>.<detail>.<stat>",
            "ps",
        ),
        ("x.handling.max", "<vm>.handling.<stat>", "ps"),
        ("pcpu3.busy", "pcpu<i>.busy", "ps"),
        ("host.instructions", "host.instructions", "instructions"),
    ],
)
def test_find(name: str, pattern: str, unit: str) -> None:
    found = catalog.find(name)
    assert found is not None and found.pattern == pattern
    assert catalog.unit(name) == unit


@pytest.mark.parametrize(
    "name",
    [
        "seed.vcpu0.bogus",
        "seed.vcpuX.exits",
        "seed.handling.sbi.median",
        "pcpu.busy",
        "host.wall_time",
        "seed.exits.SBI",
    ],
)
def test_undeclared_names(name: str) -> None:
    assert catalog.find(name) is None


def test_declarations_are_unique_and_documented() -> None:
    patterns = [d.pattern for d in catalog.COUNTERS]
    assert len(patterns) == len(set(patterns))
    for d in catalog.COUNTERS:
        assert d.unit in catalog.UNITS
        assert len(d.description) > 10, d.pattern


def test_unknown_unit_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown unit"):
        catalog.CounterDef("x.y", "furlongs", "a distance")
