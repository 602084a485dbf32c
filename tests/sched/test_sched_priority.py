"""The strict-priority policy: a higher priority starves a lower one while it is runnable,
equal priorities take turns, and a lower priority runs while the higher one sleeps."""

from __future__ import annotations

import pytest
from sched_helpers import US, hog, ratio, run_policy, sleeper

pytestmark = pytest.mark.usefixtures("spin_guests")


def test_higher_priority_starves_lower():
    # the low VM is created first, so it gets the idle pCPU at time 0 - for one slice only
    run = run_policy("priority", [hog("low", priority=1), hog("high", priority=5)], until_ms=10)
    got = run.run_ps()
    assert got.get("low", 0) <= 110 * US, got
    first_high = min(s.start_ps for s in run.vm_slices("high"))
    assert not [s for s in run.vm_slices("low") if s.start_ps >= first_high]


def test_equal_priorities_round_robin_and_starve_the_lower():
    run = run_policy(
        "priority",
        [hog("a", priority=3), hog("b", priority=3), hog("low", priority=0)],
        until_ms=10,
    )
    got = run.run_ps()
    assert ratio(got["a"], got["b"]) == pytest.approx(1.0, rel=0.05), got
    assert got.get("low", 0) <= 110 * US, got


def test_lower_priority_uses_what_the_higher_leaves_and_yields_within_a_slice():
    slice_us = 100
    run = run_policy(
        "priority",
        [hog("low", priority=0), sleeper("high", "period_us=500 work_us=100 count=0", priority=9)],
        until_ms=10,
        slice_us=slice_us,
    )
    got = run.run_ps()
    assert got["low"] > 0.4 * run.until_ps  # the sleeper leaves most of the pCPU
    lat = run.latencies("high")
    assert len(lat) >= 10
    # a wake-up waits for the running slice of the low VM at most (no mid-slice preemption)
    assert max(lat) <= (slice_us + 10) * US, max(lat)
