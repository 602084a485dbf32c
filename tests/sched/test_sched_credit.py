"""The credit policy: weights give proportional CPU time, caps hold with idle pCPUs, woken
vCPUs are boosted ahead of CPU hogs, and the accounting conserves credit."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import simpy
from hypothesis import given
from hypothesis import strategies as st
from sched_helpers import MS, US, hog, ratio, run_policy, sleeper

from hvsim.config.loader import ConfigError, scenario_from_dict
from hvsim.config.model import SchedulerConfig
from hvsim.hv.cost import CostModel
from hvsim.sched.credit import CreditScheduler

guests = pytest.mark.usefixtures("spin_guests")


@guests
@pytest.mark.parametrize(("wa", "wb"), [(512, 256), (256, 256), (768, 256)])
def test_weights_give_proportional_cpu_time(wa, wb):
    run = run_policy(
        "credit", [hog("a", weight=wa), hog("b", weight=wb)], until_ms=30, period_us=1000
    )
    got = run.run_ps()
    measured = ratio(got["a"], got["b"])
    assert measured == pytest.approx(wa / wb, rel=0.05), got
    # the pCPU was busy all along: weights divide the time, they do not waste it
    assert got["a"] + got["b"] > 0.9 * run.until_ps


@guests
@pytest.mark.parametrize("pcpus", [1, 2])
def test_weight_belongs_to_the_vm_not_to_each_vcpu(pcpus):
    """Equal weights, one VM with three vCPUs and one with one: the VMs share equally."""
    run = run_policy(
        "credit", [hog("wide", vcpus=3), hog("narrow")], until_ms=30, pcpus=pcpus, period_us=1000
    )
    start = max(min(s.start_ps for s in run.vm_slices("wide", i)) for i in range(3))
    got = run.run_between(start, run.until_ps)
    assert ratio(got["wide"], got["narrow"]) == pytest.approx(1.0, rel=0.05), got


@guests
def test_cap_holds_even_with_idle_pcpus():
    period = 1000 * US
    run = run_policy(
        "credit",
        [hog("capped", cap=25), hog("free")],
        until_ms=20,
        pcpus=2,
        period_us=period // US,
    )
    got = run.run_ps()
    assert got["capped"] / run.until_ps == pytest.approx(0.25, abs=0.01)
    assert got["free"] / run.until_ps > 0.95  # uncapped: a whole pCPU
    # every accounting period on its own respects the cap, though a pCPU sat idle
    for k in range(run.until_ps // period):
        used = run.run_between(k * period, (k + 1) * period).get("capped", 0)
        assert used <= 0.25 * period * 1.01, (k, used)


@guests
def test_cap_above_one_pcpu_for_a_two_vcpu_vm():
    run = run_policy("credit", [hog("wide", vcpus=2, cap=150)], until_ms=20, pcpus=2)
    share = run.run_ps()["wide"] / run.until_ps
    assert share == pytest.approx(1.5, abs=0.05)


@guests
def test_woken_vcpus_run_before_hogs():
    """An interactive VM among three CPU hogs on one pCPU: it does not use its share, so it
    stays UNDER (and is boosted when woken) while the hogs are OVER; its wake-ups wait for the
    running slice at most.  Under round-robin they queue behind the hogs."""
    slice_us = 100
    vms = [
        hog("h1"),
        hog("h2"),
        hog("h3"),
        sleeper("web", "period_us=700 work_us=20 count=0"),
    ]

    def worst(policy: str) -> int:
        run = run_policy(policy, vms, until_ms=15, slice_us=slice_us)
        lat = run.latencies("web")
        assert len(lat) >= 10
        return max(lat)

    credit = worst("credit")
    fifo = worst("round-robin")
    assert credit <= slice_us * US + 20 * US, credit  # the running slice plus world switches
    assert fifo > 2 * slice_us * US, fifo


@guests
def test_work_conserving_with_enough_pcpus():
    run = run_policy("credit", [hog("a", weight=512), hog("b")], until_ms=10, pcpus=2)
    got = run.run_ps()
    assert got["a"] / run.until_ps > 0.95
    assert got["b"] / run.until_ps > 0.95  # weight 256 of 768 does not cap b


def test_options_are_checked_by_the_loader(tmp_path):
    kernel = tmp_path / "k.bin"
    kernel.write_bytes(b"\x13\x00\x00\x00")
    base = {"vm": [{"name": "v", "kernel": str(kernel)}]}
    ok = scenario_from_dict({**base, "scheduler": {"policy": "credit", "period_us": "30_000"}})
    assert ok.scheduler.options == {"period_us": 30000}
    with pytest.raises(ConfigError, match="period_ms"):
        scenario_from_dict({**base, "scheduler": {"policy": "credit", "period_ms": 3}})
    with pytest.raises(ConfigError, match="boost"):
        scenario_from_dict({**base, "scheduler": {"policy": "credit", "boost": "yes"}})


# ---- the accounting on its own --------------------------------------------------------------
def make_credit(pcpus: int = 1, period_us: int = 1000) -> CreditScheduler:
    env = simpy.Environment()
    host = SimpleNamespace(
        env=env,
        pcpus=[SimpleNamespace(index=i) for i in range(pcpus)],
        cost=CostModel(),
        cycle_ps=1000,
        now_ps=lambda: env.now,
        note_runqueue=lambda: None,
    )
    config = SchedulerConfig("credit", 100, {"period_us": period_us})
    return CreditScheduler(host, config)  # type: ignore[arg-type]


class FakeVm:
    def __init__(self, name: str, weight: int) -> None:
        self.name = name
        self.config = SimpleNamespace(weight=weight, cap=0)
        self.running = True


class FakeVcpu:
    def __init__(self, vm: FakeVm) -> None:
        self.vm = vm
        self.pin = None
        self.name = f"{vm.name}.vcpu0"


def make_vcpus(weights: list[int]) -> list[FakeVcpu]:
    return [FakeVcpu(FakeVm(f"vm{i}", w)) for i, w in enumerate(weights)]


@given(
    weights=st.lists(st.integers(1, 2000), min_size=1, max_size=6),
    balances=st.data(),
    pool=st.integers(0, 5 * MS),
)
def test_grant_conserves_credit_below_the_ceiling(weights, balances, pool):
    sched = make_credit()
    period = sched.period
    vcpus = make_vcpus(weights)
    for v in vcpus:
        sched.credit[v] = balances.draw(st.integers(-2 * period, period), label="balance")
    before = {v: sched.credit[v] for v in vcpus}
    room = sum(max(0, period - b) for b in before.values())
    sched.grant(set(vcpus), pool)
    gained = {v: sched.credit[v] - before[v] for v in vcpus}
    assert all(g >= 0 for g in gained.values())
    assert all(sched.credit[v] <= max(period, before[v]) for v in vcpus)
    # everything is handed out (up to rounding) unless every vCPU reached the ceiling
    assert sum(gained.values()) == pytest.approx(min(pool, room), abs=len(vcpus))
    # below the ceiling, gains follow the weights
    unsaturated = [v for v in vcpus if sched.credit[v] < period]
    for a in unsaturated:
        for b in unsaturated:
            wa, wb = a.vm.config.weight, b.vm.config.weight
            assert gained[a] * wb == pytest.approx(gained[b] * wa, abs=2 * max(wa, wb))
