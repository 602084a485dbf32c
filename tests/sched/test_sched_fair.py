"""The fair-share policy: weights give proportional CPU time, a woken sleeper's lag is
bounded, and slices are the target latency divided among the runnable vCPUs (at least the
minimum granularity)."""

from __future__ import annotations

import pytest
from sched_helpers import US, hog, ratio, run_policy, sleeper

pytestmark = pytest.mark.usefixtures("spin_guests")


@pytest.mark.parametrize(("wa", "wb"), [(512, 256), (256, 256), (256, 768)])
def test_weights_give_proportional_cpu_time(wa, wb):
    run = run_policy("fair", [hog("a", weight=wa), hog("b", weight=wb)], until_ms=30)
    got = run.run_ps()
    assert ratio(got["a"], got["b"]) == pytest.approx(wa / wb, rel=0.05), got


@pytest.mark.parametrize("pcpus", [1, 2])
def test_weight_belongs_to_the_vm_not_to_each_vcpu(pcpus):
    """Equal weights, one VM with three vCPUs and one with one: the VMs share equally."""
    run = run_policy("fair", [hog("wide", vcpus=3), hog("narrow")], until_ms=30, pcpus=pcpus)
    start = max(min(s.start_ps for s in run.vm_slices("wide", i)) for i in range(3))
    got = run.run_between(start, run.until_ps)
    assert ratio(got["wide"], got["narrow"]) == pytest.approx(1.0, rel=0.05), got


def test_equal_weights_share_equally_between_three():
    run = run_policy("fair", [hog("a"), hog("b"), hog("c")], until_ms=30, pcpus=2)
    got = run.run_ps()
    mean = sum(got.values()) / 3
    for vm, t in got.items():
        assert t == pytest.approx(mean, rel=0.05), (vm, got)


def test_woken_sleeper_gets_bounded_lag():
    """A VM that sleeps 5 ms and then computes must not get 5 ms of catch-up: it is placed at
    most latency/2 behind the hog, so the hog runs again soon and they share from then on."""
    latency_us = 1000
    run = run_policy(
        "fair",
        [hog("hog"), sleeper("late", "period_us=5000 count=1 work_us=20000")],
        until_ms=15,
        slice_us=latency_us,
    )
    late = run.vm_slices("late")
    wake = min(s.start_ps for s in late if s.start_ps >= 4000 * US)
    # the sleeper's head start: time until the hog runs again after the wake-up
    hog_again = min(s.start_ps for s in run.vm_slices("hog") if s.start_ps >= wake)
    assert hog_again - wake <= latency_us // 2 * US + latency_us * US, (wake, hog_again)
    # and afterwards they share the pCPU evenly
    after = run.run_between(wake + 2000 * US, run.until_ps)
    assert ratio(after["late"], after["hog"]) == pytest.approx(1.0, rel=0.1), after


@pytest.mark.parametrize(
    ("hogs", "gran_us", "expected_us"),
    [(2, 100, 500), (4, 100, 250), (10, 200, 200)],  # latency 1000 us split, or the minimum
)
def test_slice_is_latency_over_runnable_with_minimum_granularity(hogs, gran_us, expected_us):
    run = run_policy(
        "fair",
        [hog(f"h{i}") for i in range(hogs)],
        until_ms=12,
        slice_us=1000,
        min_granularity_us=gran_us,
    )
    # complete slices (not cut by the end of the run) after every hog has started
    settled = max(min(s.start_ps for s in run.vm_slices(f"h{i}")) for i in range(hogs))
    lengths = [
        s.end_ps - s.start_ps
        for s in run.slices
        if s.start_ps > settled and s.end_ps < run.until_ps - 2000 * US
    ]
    assert lengths
    for length in lengths:
        # the slice plus the world switch in (4 us at 100 MHz) and at most one instruction
        assert expected_us * US <= length <= (expected_us + 5) * US, length
