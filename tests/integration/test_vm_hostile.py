"""Hostile guests (configs/hostile.toml): bad SBI arguments must come back as SBI errors, and
memory accesses outside a VM's RAM must crash that VM only.  A canary VM next to them fills a
region of its RAM with a known pattern and checks it after sleeping; the test also reads that
region, and the whole host RAM, from the host side.
"""

from __future__ import annotations

import re

import pytest

from hvsim.hv.vcpu import Power

HOSTILE_VALUE = 0xBADC0FFEE0DDF00D
CANARY_BASE, CANARY_SIZE, CANARY_MUL = 0x8040_0000, 0x10_0000, 0x9E3779B97F4A7C15
M64 = (1 << 64) - 1
CAUSE_LOAD_GUEST_PAGE_FAULT = 21
CAUSE_STORE_GUEST_PAGE_FAULT = 23
ATTACKS = {
    "hostile-store": (CAUSE_STORE_GUEST_PAGE_FAULT, 0x8100_0000),  # first byte past RAM
    "hostile-load": (CAUSE_LOAD_GUEST_PAGE_FAULT, 0x7FFF_F000),  # last page below RAM
}
HOSTILE_VMS = ("hostile-sbi", *ATTACKS)


@pytest.fixture(scope="module")
def hostile_run(run_scenario):
    return run_scenario("hostile")


@pytest.mark.parametrize("name", HOSTILE_VMS)
def test_bad_sbi_calls_return_errors(hostile_run, name):
    text = hostile_run.console(name)
    m = re.search(r"hostile: (\d+) SBI checks, (\d+) wrong", text)
    assert m, hostile_run.describe(name)
    checks, wrong = map(int, m.groups())
    assert wrong == 0 and checks >= 25, hostile_run.describe(name)
    assert "hostile: 5 privileged instructions trapped as illegal" in text
    counters = hostile_run.counters(name)
    # the calls really reached the hypervisor (one exit each) ...
    assert counters["exits.sbi.hsm.hart_start"] == 4
    assert counters["exits.sbi.dbcn.console_write"] >= 5
    assert counters["exits.sbi.srst.system_reset"] >= 2
    # ... and the privileged instructions were redirected to the guest, not fatal
    assert counters["exits.redirect"] == 5
    # the second vCPU was never started: hart_start with a bad address left it stopped
    vcpu1 = hostile_run.vm(name).vcpus[1]
    assert vcpu1.power is Power.STOPPED
    assert hostile_run.host.stats.for_vm(name)[1].instructions == 0


def test_sbi_only_hostile_vm_passes(hostile_run):
    hostile_run.assert_passed("hostile-sbi", "hostile")


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_access_outside_ram_crashes_only_the_attacker(hostile_run, name):
    cause, gpa = ATTACKS[name]
    vm = hostile_run.vm(name)
    assert vm.state == "crashed", hostile_run.describe(name)
    report = vm.crash
    assert report.cause == cause
    assert (report.htval << 2) | (report.stval & 3) == gpa
    assert f"{gpa:#x}" in report.reason
    assert vm.gstage.lookup(gpa) is None  # nothing was mapped for it


def test_canary_memory_is_intact(hostile_run):
    assert hostile_run.outcome == "done"
    hostile_run.assert_passed("canary", "canary")
    assert "canary: region intact" in hostile_run.console("canary")
    canary = hostile_run.vm("canary")
    data = canary.read_guest(CANARY_BASE, CANARY_SIZE)
    words = memoryview(data).cast("Q")
    for i in range(0, len(words), 1024):  # a sample of the region, read from the host side
        assert words[i] == ((CANARY_BASE + 8 * i) * CANARY_MUL) & M64, hex(CANARY_BASE + 8 * i)
    # the canary outlived the attacks
    attacks_over = max(hostile_run.vm(n).crash.time_ps for n in ATTACKS)
    assert max(e.time_ps for e in hostile_run.exits("canary")) > attacks_over


def test_hostile_value_is_nowhere_outside_the_hostile_vms(hostile_run):
    host = hostile_run.host
    mem = host.mem
    needle = HOSTILE_VALUE.to_bytes(8, "little")
    own = sorted(
        (vm.host_base, vm.host_base + vm.ram_size) for vm in host.vms if vm.name in HOSTILE_VMS
    )
    # the attacker keeps the value in its own RAM before the store: the search does find it
    store_vm = hostile_run.vm("hostile-store")
    assert store_vm.read_guest(store_vm.ram_base, store_vm.ram_size).find(needle) >= 0
    start = mem.ram_base
    for base, end in [*own, (mem.ram_end, mem.ram_end)]:
        if start < base:
            assert mem.read_bytes(start, base - start).find(needle) < 0, hex(start)
        start = max(start, end)
