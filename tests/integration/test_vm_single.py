"""One VM per scenario: the hello, timer, paging and smp guests on the Python hypervisor.

Each test runs ``configs/<name>.toml`` in-process and checks the guest's own verdict (its
``PASS <name>`` line, a clean SBI shutdown) and what the hypervisor recorded about it (exit
counters by kind and SBI function, exit records, interrupt counts), against numbers that follow
from what the guest program does, not from the hypervisor's code.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from hvsim.hv import sbi
from hvsim.hv.vcpu import Power

PS_PER_TICK = 10**12 // 10_000_000  # the scenarios' 10 MHz timebase

# scause values of the privileged specification
CAUSE_USER_ECALL = 8
CAUSE_PAGE_FAULTS = {12, 13, 15}  # fetch / load / store page fault (VS-stage)


def test_hello_prints_through_every_console_interface(run_scenario):
    run = run_scenario("hello")
    assert run.outcome == "done"
    run.assert_passed("hello", "hello")
    lines = run.console("hello").splitlines()
    for line in (
        "hello from DBCN console_write",
        "hello from DBCN console_write_byte",
        "hello from legacy console_putchar",
    ):
        assert line in lines
    # the BASE answers the guest printed are the hypervisor's
    spec = sbi.SPEC_VERSION
    head = f"hello: SBI spec v{spec >> 24 & 0x7F}.{spec & 0xFFFFFF}, impl id {sbi.IMPL_ID:#x}"
    assert any(line.startswith(head) for line in lines), lines
    probes = next(line for line in lines if line.startswith("hello: extensions:"))
    assert probes.split(":", 2)[2].split() == [
        f"{ext}=1" for ext in ("BASE", "TIME", "IPI", "RFENCE", "HSM", "SRST", "DBCN")
    ]
    counters = run.counters("hello")
    # one legacy call per byte of "hello from legacy console_putchar\n", one DBCN call per byte
    # of the console_write_byte line
    assert counters["exits.sbi.legacy.console_putchar"] == len(
        "hello from legacy console_putchar\n"
    )
    assert counters["exits.sbi.dbcn.console_write_byte"] == len(
        "hello from DBCN console_write_byte\n"
    )
    assert counters["exits.sbi.dbcn.console_write"] >= 1
    assert counters["exits.sbi.base.probe_extension"] >= 7
    assert counters["exits.sbi.srst.system_reset"] == 1


def _timer_phases(text: str) -> dict[str, dict[str, int]]:
    pattern = re.compile(
        r"timer: (\w+): (\d+) ticks, period (\d+), elapsed (\d+) \(expected (\d+)\), "
        r"max late (\d+)"
    )
    phases = {}
    for m in pattern.finditer(text):
        keys = ("ticks", "period", "elapsed", "expected", "late")
        phases[m.group(1)] = dict(zip(keys, map(int, m.groups()[1:]), strict=True))
    return phases


def test_timer_ticks_arrive_on_time_with_sbi_and_sstc(run_scenario):
    run = run_scenario("timer")
    assert run.outcome == "done"
    run.assert_passed("timer", "timer")
    phases = _timer_phases(run.console("timer"))
    assert set(phases) == {"sbi", "sstc"}, run.describe("timer")
    for name, p in phases.items():
        assert p["ticks"] == 10, name
        assert p["expected"] == p["ticks"] * p["period"]
        # alone on its pCPU the guest sees its deadlines to within a few ticks
        assert p["expected"] <= p["elapsed"] <= p["expected"] + p["period"] // 4, (name, p)
        assert p["late"] <= 50, (name, p)
    counters = run.counters("timer")
    ticks = phases["sbi"]["ticks"]
    # every tick woke the vCPU from a WFI exit (hstatus.VTW), in both phases
    assert counters["exits.wfi"] >= 2 * ticks
    assert counters["exits.wfi.block"] >= 2 * ticks
    # SBI phase: the first deadline, one re-arm per tick but the last, and "never" at the end
    assert counters["exits.sbi.time.set_timer"] == ticks + 1
    # only the SBI timer is injected by the hypervisor; Sstc ticks come from vstimecmp
    assert counters["interrupts.timer"] == ticks
    # the whole run spans both phases in simulated time
    total_ticks = sum(p["expected"] for p in phases.values())
    assert run.host.env.now >= total_ticks * PS_PER_TICK


def test_paging_user_traps_never_exit_to_the_hypervisor(run_scenario):
    run = run_scenario("paging")
    assert run.outcome == "done"
    run.assert_passed("paging", "paging")
    text = run.console("paging")
    assert "user: hello from U-mode" in text
    assert "user: demand-zero heap ok" in text
    assert re.search(r"3 load \+ 4 store page faults handled, 5 syscalls", text), text
    causes = {e.cause for e in run.exits("paging")}
    # U-mode ecalls and VS-stage page faults are delegated by hedeleg: handled by the guest
    assert not causes & ({CAUSE_USER_ECALL} | CAUSE_PAGE_FAULTS), causes
    counters = run.counters("paging")
    assert not counters["exits.redirect"]
    # what did exit: SBI calls and the G-stage demand paging of guest RAM only
    kinds = {e.kind for e in run.exits("paging")}
    assert kinds <= {"sbi", "demand_paging"}, kinds


@pytest.mark.parametrize("vcpus", [4, 2, 3])
def test_smp_starts_every_vcpu_and_counts_atomically(run_scenario, load_config, vcpus):
    scenario = load_config("smp")
    scenario = replace(scenario, vms=(replace(scenario.vms[0], vcpus=vcpus),))
    run = run_scenario(scenario)
    assert run.outcome == "done"
    run.assert_passed("smp", "smp")
    text = run.console("smp")
    assert f"smp: started {vcpus} harts" in text
    m = re.search(
        r"counter (\d+) \(expected (\d+)\), (\d+) SC retries, (\d+) pings from (\d+) secondaries",
        text,
    )
    assert m, text
    counter, expected, retries, pings, secondaries = map(int, m.groups())
    assert counter == expected and expected % (2 * vcpus) == 0
    assert pings == secondaries == vcpus - 1
    if vcpus == 4:
        # the scenario's short batches do interleave the LR/SC loops of different vCPUs
        # (otherwise the counter check above would prove little)
        assert retries > 0, "no SC ever failed: the vCPUs never contended"

    boot = run.counters("smp", vcpu=0)
    # hart_start for every secondary plus the one that found no more harts
    assert boot["exits.sbi.hsm.hart_start"] == vcpus
    assert boot["exits.sbi.hsm.hart_get_status"] >= 2 * (vcpus - 1)
    assert boot["exits.sbi.rfence.remote_sfence_vma"] == 1
    assert boot["exits.sbi.rfence.remote_fence_i"] == 1
    # each secondary's remote_sfence_vma and the boot hart's "all harts" one reach vCPU 0
    assert boot["fences.vvma"] == vcpus
    for i in range(1, vcpus):
        sec = run.counters("smp", vcpu=i)
        assert sec["exits.sbi.hsm.hart_stop"] == 1, (i, sec)
        assert sec["exits.sbi.ipi.send_ipi"] == 1, (i, sec)
        assert sec["interrupts.ipi"] == 1, (i, sec)  # the boot hart's answer
        assert sec["exits.sbi.hsm.hart_get_status"] == 1
        assert run.vm("smp").vcpus[i].power is Power.STOPPED
    # the boot hart got one IPI per secondary and answered each
    assert boot["interrupts.ipi"] == vcpus - 1
    assert boot["exits.sbi.ipi.send_ipi"] == vcpus - 1
    for stats in run.host.stats.for_vm("smp"):
        assert stats.instructions > 0, stats.index
