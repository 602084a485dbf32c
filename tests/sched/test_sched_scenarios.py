"""The demonstration scenarios configs/sched-{priority,pinned,gang}.toml do what their header
comments promise (the credit/fair/round-robin ones are run by notebooks/scheduling.ipynb)."""

from __future__ import annotations

import re

import pytest
from sched_helpers import ROOT, US, Run

from hvsim.config.loader import load_scenario
from hvsim.hv.host import Host

pytestmark = pytest.mark.usefixtures("spin_guests")
ITERATIONS = re.compile(r"spin: hart (\d+): (\d+) iterations")


def run_config(name: str) -> Run:
    host = Host(load_scenario(ROOT / "configs" / f"{name}.toml"), console_sink=lambda line: None)
    outcome = host.run(until_ps=200_000 * US)
    assert outcome == "done"
    for vm in host.vms:
        assert vm.state == "shutdown", vm.console.text
        assert "\nPASS " in "\n" + vm.console.text, vm.console.text
    return Run(host, outcome, host.end_ps)


def iterations(run: Run, vm: str) -> dict[int, int]:
    text = next(v.console.text for v in run.host.vms if v.name == vm)
    return {int(h): int(n) for h, n in ITERATIONS.findall(text)}


def test_priority_scenario():
    run = run_config("sched-priority")
    slice_ps = run.host.config.scheduler.slice_us * US
    mid = run.vm_slices("mid")
    mid_end = next(v.stopped_ps for v in run.host.vms if v.name == "mid")
    # while mid was runnable, low only had the slice it took at time 0, before mid asked
    low_during = [s for s in run.vm_slices("low") if s.start_ps < mid_end]
    assert [s.start_ps for s in low_during] == [0]
    assert min(s.start_ps for s in mid) <= 2 * slice_ps  # after low's slice and rt's burst
    # afterwards low runs, between rt's bursts; rt waits for one low slice at most
    assert iterations(run, "low")[0] > 0
    # (plus the world switches and the batch quantum at which vCPU processes interleave)
    host = run.host
    bound = slice_ps + host.quantum_ps + 4 * host.cost.world_switch * host.cycle_ps
    assert max(run.latencies("rt")) <= bound


def test_pinned_scenario():
    run = run_config("sched-pinned")
    for s in run.slices:
        assert s.pcpu == (0 if s.vm == "pair" else 1), s
    alone, pair = iterations(run, "alone")[0], iterations(run, "pair")
    for hart in (0, 1):
        assert alone / pair[hart] == pytest.approx(2.0, rel=0.1), (alone, pair)


def test_gang_scenario():
    run = run_config("sched-gang")
    ones = {s.start_ps: s for s in run.vm_slices("duo", 1)}
    first, last = min(ones), max(ones)
    # while hart 1 runs (from its start to its stop), hart 0 never runs without it
    zeros = [s for s in run.vm_slices("duo", 0) if first <= s.start_ps <= last]
    assert len(zeros) >= 5
    assert all(s.start_ps in ones and ones[s.start_ps].pcpu != s.pcpu for s in zeros)
    duo = iterations(run, "duo")
    assert duo[0] == pytest.approx(duo[1], rel=0.1), duo
