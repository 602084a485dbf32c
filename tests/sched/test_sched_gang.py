"""The gang policy: all vCPUs of a VM start and end their slices together, no other VM runs
beside a full gang, and VMs take turns."""

from __future__ import annotations

import pytest
from sched_helpers import hog, run_policy

from hvsim.config.loader import scenario_from_dict
from hvsim.hv.host import Host

pytestmark = pytest.mark.usefixtures("spin_guests")

VMS = [hog("duo", vcpus=2), hog("solo")]


def partnered(run, vm: str) -> tuple[int, int]:
    """(slices of vCPU 0 once vCPU 1 runs, those with a vCPU 1 slice starting at the same
    instant on another pCPU)."""
    first = min(s.start_ps for s in run.vm_slices(vm, 1))
    ones = {s.start_ps: s for s in run.vm_slices(vm, 1)}
    zeros = [s for s in run.vm_slices(vm, 0) if s.start_ps >= first]
    together = [s for s in zeros if s.start_ps in ones and ones[s.start_ps].pcpu != s.pcpu]
    return len(zeros), len(together)


def test_vcpus_of_a_vm_start_and_stop_together():
    run = run_policy("gang", VMS, until_ms=8, pcpus=2, slice_us=200)
    total, together = partnered(run, "duo")
    assert total >= 5
    assert together == total
    ones = {s.start_ps: s for s in run.vm_slices("duo", 1)}
    first = min(ones)
    for s in run.vm_slices("duo", 0):
        if s.start_ps >= first and s.end_ps < run.until_ps:
            assert abs(ones[s.start_ps].end_ps - s.end_ps) <= 1_000_000  # within 1 us


def test_nothing_runs_beside_a_full_gang_and_vms_take_turns():
    run = run_policy("gang", VMS, until_ms=8, pcpus=2, slice_us=200)
    first = min(s.start_ps for s in run.vm_slices("duo", 1))
    duo = [s for s in run.vm_slices("duo") if s.start_ps >= first]
    for s in run.vm_slices("solo"):
        for d in duo:
            assert s.end_ps <= d.start_ps or d.end_ps <= s.start_ps, (s, d)
    got = run.run_ps()
    assert got["solo"] > 0.15 * run.until_ps and got["duo"] > 0.3 * run.until_ps, got


def test_round_robin_does_not_co_schedule():
    """The same workload under round-robin: the property above is not a given."""
    run = run_policy("round-robin", VMS, until_ms=8, pcpus=2, slice_us=200)
    total, together = partnered(run, "duo")
    assert together < total


def test_gang_larger_than_the_host_is_rejected(tmp_path):
    kernel = tmp_path / "k.bin"
    kernel.write_bytes(b"\x13\x00\x00\x00")
    scenario = scenario_from_dict(
        {
            "host": {"pcpus": 2},
            "scheduler": {"policy": "gang"},
            "vm": [{"name": "big", "kernel": str(kernel), "vcpus": 3}],
        }
    )
    with pytest.raises(ValueError, match="co-scheduled"):
        Host(scenario)
