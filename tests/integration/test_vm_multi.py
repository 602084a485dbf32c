"""Several VMs on shared pCPUs (configs/multi-vm.toml): hello, timer, paging and a 2-vCPU smp
on two pCPUs.  Every guest must pass as it does alone, with its own console, its own memory
and VMID, while the scheduler interleaves them; and the run must be deterministic.
"""

from __future__ import annotations

import itertools
import re

import pytest

GUEST_OF = {"hello": "hello", "timer": "timer", "paging": "paging", "smp": "smp"}
CAUSE_USER_ECALL = 8
CAUSE_PAGE_FAULTS = {12, 13, 15}


@pytest.fixture(scope="module")
def multi(run_scenario):
    """One run shared by the tests of this module."""
    return run_scenario("multi-vm")


def test_every_vm_passes(multi):
    assert multi.outcome == "done"
    assert {vm.name for vm in multi.host.vms} == set(GUEST_OF)
    for name, guest in GUEST_OF.items():
        multi.assert_passed(name, guest)


def test_consoles_are_separate_and_prefixed(multi):
    by_vm: dict[str, list[str]] = {name: [] for name in GUEST_OF}
    order = []
    for line in multi.lines:
        m = re.match(r"\[([\w-]+)\] (.*)$", line)
        assert m, f"console line without a VM prefix: {line!r}"
        by_vm[m.group(1)].append(m.group(2))
        order.append(m.group(1))
    for name, guest in GUEST_OF.items():
        # the prefixed stream of a VM is exactly its own console, line by line
        assert by_vm[name] == multi.console(name).splitlines(), name
        verdicts = [ln for ln in by_vm[name] if ln.startswith(("PASS", "FAIL"))]
        assert verdicts == [f"PASS {guest}"], (name, verdicts)
    others = [ln for n in GUEST_OF if n != "hello" for ln in by_vm[n]]
    assert not [ln for ln in others if ln.startswith("hello from")]
    assert not [ln for ln in by_vm["hello"] if ln.startswith(("timer:", "smp:", "user:"))]
    # the VMs ran concurrently: their lines interleave instead of coming VM after VM
    runs = [key for key, _ in itertools.groupby(order)]
    assert len(runs) > len(GUEST_OF), runs


def test_vms_are_isolated_and_share_the_pcpus(multi):
    vms = multi.host.vms
    assert len({vm.vmid for vm in vms}) == len(vms)
    ranges = sorted((vm.host_base, vm.host_base + vm.ram_size) for vm in vms)
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in itertools.pairwise(ranges))
    # five vCPUs on two pCPUs: both pCPUs ran guests, slices of different VMs overlapped in
    # time, and somebody had to wait for a pCPU
    slices = multi.host.stats.slices
    assert {s.pcpu for s in slices} == {0, 1}
    overlapping = any(
        a.vm != b.vm and a.pcpu != b.pcpu and a.start_ps < b.end_ps and b.start_ps < a.end_ps
        for a, b in itertools.combinations(slices, 2)
    )
    assert overlapping
    assert sum(s.steal_ps for s in multi.host.stats.vcpus) > 0


def test_each_vm_shows_its_own_exits(multi):
    smp = multi.counters("smp")
    assert smp["exits.sbi.hsm.hart_start"] == 2  # hart 1, then "no hart 2"
    assert smp["exits.sbi.ipi.send_ipi"] == 2  # the ping and its answer
    timer = multi.counters("timer")
    assert timer["exits.wfi"] >= 20
    assert timer["exits.sbi.time.set_timer"] == 11
    hello = multi.counters("hello")
    assert hello["exits.sbi.legacy.console_putchar"] == len("hello from legacy console_putchar\n")
    causes = {e.cause for e in multi.exits("paging")}
    assert not causes & ({CAUSE_USER_ECALL} | CAUSE_PAGE_FAULTS), causes
    # no VM's exits are attributed to another: smp-only SBI functions appear only for smp
    for name in ("hello", "timer", "paging"):
        assert not multi.counters(name)["exits.sbi.hsm.hart_start"], name


def test_the_run_is_deterministic(multi, run_scenario):
    again = run_scenario("multi-vm")
    assert again.lines == multi.lines
    assert again.host.stats.exits == multi.host.stats.exits
    assert again.host.env.now == multi.host.env.now
