"""The cost model: exit-cost keys (most specific wins), page-walk and wake-up charges, and the
time accounting of a run (a vCPU's run time is exactly the sum of what the model charges)."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stats_helpers import PS_PER_CYCLE, UNTIL_PS, Finished, exitloop_scenario

from hvsim.hv.cost import DEFAULT_EXIT_HANDLING, CostModel
from hvsim.hv.host import EMULATED_KINDS, Host


# ---- exit-cost keys -------------------------------------------------------------------------
def test_defaults_and_kind_fallback() -> None:
    cost = CostModel()
    assert cost.exit_handling == DEFAULT_EXIT_HANDLING
    assert cost.handling("sbi", "time.set_timer") == DEFAULT_EXIT_HANDLING["sbi"]
    assert cost.handling("wrs", "wrs.nto") == cost.default_handling
    assert cost.handling("nothing") == cost.default_handling


def test_most_specific_key_wins() -> None:
    cost = CostModel(
        exit_handling={"sbi": 10, "sbi.time": 20, "sbi.time.set_timer": 30, "mmio.uart0": 40},
        default_handling=5,
    )
    assert cost.handling("sbi", "time.set_timer") == 30
    assert cost.handling("sbi", "time.other") == 20
    assert cost.handling("sbi", "hsm.hart_start") == 10
    assert cost.handling("mmio", "uart0.write") == 40
    assert cost.handling("mmio", "regs0.read") == 5  # no "mmio" key: the default
    # repeated lookups (cached) give the same answers
    assert [cost.handling("sbi", "time.set_timer") for _ in range(3)] == [30, 30, 30]


WORDS = st.sampled_from(["sbi", "time", "set_timer", "mmio", "uart0", "read", "a", "b"])


@given(
    keys=st.dictionaries(
        st.lists(WORDS, min_size=1, max_size=4).map(".".join), st.integers(0, 10**6)
    ),
    kind=WORDS,
    detail=st.lists(WORDS, max_size=3).map(".".join),
    default=st.integers(0, 10**6),
)
def test_lookup_matches_longest_prefix(
    keys: dict[str, int], kind: str, detail: str, default: int
) -> None:
    cost = CostModel(exit_handling=keys, default_handling=default)
    candidates = [kind]
    parts = detail.split(".") if detail else []
    candidates += [kind + "." + ".".join(parts[:n]) for n in range(1, len(parts) + 1)]
    expected = default
    for key in candidates:  # shortest first: the last match is the most specific
        if key in keys:
            expected = keys[key]
    assert cost.handling(kind, detail) == expected


def test_walk_cycles_weights_each_stage() -> None:
    cost = CostModel(tlb_miss=3, walk_level=7, g_walk_level=11)
    assert cost.walk_cycles(2, 5, 13) == 2 * 3 + 5 * 7 + 13 * 11
    assert cost.charges_walks
    assert not CostModel(tlb_miss=0, walk_level=0, g_walk_level=0).charges_walks


# ---- in a run ---------------------------------------------------------------------------------
def _run(scenario) -> Host:
    host = Host(scenario, console_sink=lambda line: None)
    assert host.run(until_ps=UNTIL_PS) == "done"
    return host


def test_per_key_handling_costs_reach_the_exit_records(build_exitloop: Callable[..., Path]) -> None:
    base = exitloop_scenario(build_exitloop(6))
    table = {**DEFAULT_EXIT_HANDLING, "sbi.base": 1234, "mmio.regs0.write": 77, "csr": 55}
    host = _run(dataclasses.replace(base, cost=CostModel(exit_handling=table)))
    by_event = {(r.kind, r.detail): r.handling_ps for r in host.stats.exits}
    assert by_event["sbi", "base.get_spec_version"] == 1234 * PS_PER_CYCLE
    assert by_event["sbi", "legacy.shutdown"] == table["sbi"] * PS_PER_CYCLE
    assert by_event["mmio", "regs0.write"] == 77 * PS_PER_CYCLE
    assert by_event["mmio", "regs0.read"] == table["mmio"] * PS_PER_CYCLE
    assert by_event["csr", "mhartid"] == 55 * PS_PER_CYCLE


def test_run_time_is_the_sum_of_the_charges(exitloop_run: Finished) -> None:
    """world switches in + executed instructions + trap entries + handling + walks + wake-ups."""
    host = exitloop_run.host
    cost = host.cost
    (vstats,) = host.stats.vcpus
    c = vstats.counters
    executed = vstats.instructions - c["instructions.emulated"]
    expected = (
        vstats.switches * cost.world_switch * PS_PER_CYCLE
        + executed * cost.cpi * PS_PER_CYCLE
        + len(host.stats.exits) * cost.trap_entry * PS_PER_CYCLE
        + sum(r.handling_ps for r in host.stats.exits)
        + c["cost.walk"]
        + c["cost.wfi_wakeup"]
    )
    assert vstats.run_ps == expected
    assert c["cost.walk"] > 0  # the guest's fetches missed the TLB at least once


def test_walk_costs_follow_the_hart_counters(build_exitloop: Callable[..., Path]) -> None:
    scenario = exitloop_scenario(build_exitloop(6))
    cost = CostModel(tlb_miss=3, walk_level=50, g_walk_level=70)
    charged = _run(dataclasses.replace(scenario, cost=cost))
    free = _run(
        dataclasses.replace(scenario, cost=CostModel(tlb_miss=0, walk_level=0, g_walk_level=0))
    )
    (a,), (b,) = charged.stats.vcpus, free.stats.vcpus
    ca = a.counters
    expected = cost.walk_cycles(ca["tlb.misses"], ca["tlb.pte_reads"], ca["tlb.g_pte_reads"])
    assert ca["cost.walk"] == expected * PS_PER_CYCLE
    assert ca["tlb.g_walks"] > 0 and ca["tlb.g_pte_reads"] >= ca["tlb.g_walks"]
    assert b.counters["cost.walk"] == 0
    # same guest, same walks: the only difference in run time is the walk charge
    assert ca["tlb.misses"] == b.counters["tlb.misses"]
    assert a.run_ps - b.run_ps == ca["cost.walk"]


def test_wfi_wakeups_are_charged_once_per_wakeup(multi_vm: Finished) -> None:
    """The timer VM blocks in WFI 20 times and each time wakes up again before it shuts down."""
    host = multi_vm.host
    (timer,) = host.stats.for_vm("timer")
    blocks = Counter((r.kind, r.detail) for r in host.stats.exits if r.vm == "timer")
    assert blocks["wfi", "block"] > 0
    wake_ps = host.cost.wfi_wakeup * PS_PER_CYCLE
    assert timer.counters["cost.wfi_wakeup"] == blocks["wfi", "block"] * wake_ps


@pytest.mark.parametrize("wakeup", [0, 5000])
def test_wfi_wakeup_cost_changes_run_time(multi_vm: Finished, wakeup: int) -> None:
    scenario = dataclasses.replace(
        multi_vm.host.config, cost=dataclasses.replace(multi_vm.host.cost, wfi_wakeup=wakeup)
    )
    timer_only = tuple(v for v in scenario.vms if v.name == "timer")
    scenario = dataclasses.replace(scenario, vms=timer_only)
    host = _run(scenario)
    (timer,) = host.stats.vcpus
    blocks = sum(1 for r in host.stats.exits if (r.kind, r.detail) == ("wfi", "block"))
    assert timer.counters["cost.wfi_wakeup"] == blocks * wakeup * PS_PER_CYCLE


def test_instruction_counts_are_whole_when_a_run_stops_mid_slice(
    build_exitloop: Callable[..., Path],
) -> None:
    """The vCPU loop adds instructions to the statistics at its yields: a run stopped by a time
    limit (the vCPU in the middle of a slice) still counts every instruction and exit, and so
    does the same run continued to its end."""
    host = Host(exitloop_scenario(build_exitloop(400)), console_sink=lambda line: None)

    def check() -> None:
        (vstats,) = host.stats.vcpus
        emulated = sum(1 for r in host.stats.exits if r.kind in EMULATED_KINDS)
        assert emulated > 0
        assert vstats.counters["instructions.emulated"] == emulated
        assert vstats.instructions == host.total_instructions + emulated

    # 300 us of a ~1.6 ms run: inside the vCPU's first slice (closed by Host.run at the limit)
    assert host.run(until_ps=300 * 10**6) == "time-limit"
    (open_slice,) = host.stats.slices
    assert open_slice.instructions == host.total_instructions
    check()
    assert host.run() == "done"
    check()
