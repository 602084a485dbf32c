"""Crashing guests (configs/crash.toml): each crash VM must end in state "crashed" with a report
that names the cause and the faulting instruction, while the VM beside it finishes normally.

The faulting instruction of each crash guest carries the ELF symbol ``crash_point``; the
expected causes are those of the privileged specification for what the guest does.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from elftools.elf.elffile import ELFFile

from hvsim.config.model import KVM_HEDELEG

CAUSE_BREAKPOINT = 3
CAUSE_FETCH_GUEST_PAGE_FAULT = 20
CAUSE_STORE_GUEST_PAGE_FAULT = 23

CRASHES = {
    # vm name: (program, cause, faulting guest-physical address or None, exit kind)
    "crash-store": ("crash_store", CAUSE_STORE_GUEST_PAGE_FAULT, 0x1_0000_0000, "bad_access"),
    "crash-jump": ("crash_jump", CAUSE_FETCH_GUEST_PAGE_FAULT, 0x4000_0000, "bad_access"),
    "crash-ebreak": ("crash_ebreak", CAUSE_BREAKPOINT, None, "unhandled"),
}


def symbol(elf_path: Path, name: str) -> int:
    with open(elf_path, "rb") as f:
        symtab = ELFFile(f).get_section_by_name(".symtab")
        (sym,) = symtab.get_symbol_by_name(name)
        return sym["st_value"]


@pytest.fixture(scope="module")
def crash_run(run_scenario):
    return run_scenario("crash")


@pytest.mark.parametrize("name", sorted(CRASHES))
def test_crash_report_names_cause_and_instruction(crash_run, guest_build, name):
    program, cause, gpa, kind = CRASHES[name]
    vm = crash_run.vm(name)
    assert vm.state == "crashed", crash_run.describe(name)
    report = vm.crash
    assert report is not None and report.vm == name and report.vcpu == 0
    assert report.cause == cause, report
    point = symbol(guest_build / "crash" / f"{program}.elf", "crash_point")
    if cause == CAUSE_FETCH_GUEST_PAGE_FAULT:
        # the jump itself retired; the fetch at its target faulted, with ra = after the jalr
        assert report.sepc == gpa
        assert report.regs[1] == point + 4
    else:
        assert report.sepc == point
    if gpa is not None:
        assert report.stval == gpa  # translation is off: guest virtual = guest physical
        assert (report.htval << 2) | (report.stval & 3) == gpa
        assert f"{gpa:#x}" in report.reason
    else:
        assert "breakpoint" in report.reason
    last = report.last_exits[-1]
    assert (last.cause, last.kind, last.sepc) == (cause, kind, report.sepc)
    # the guest got as far as announcing the crash, and no further
    lines = vm.console.text.splitlines()
    assert lines[-1].startswith(f"{program}: ")
    assert not [ln for ln in lines if ln.startswith(("PASS", "FAIL"))]
    assert crash_run.counters(name)[f"exits.{kind}"] == 1


def test_survivor_is_unaffected(crash_run):
    assert crash_run.outcome == "done"
    crash_run.assert_passed("survivor", "hello")
    assert crash_run.vm("survivor").crash is None
    # it kept running after every crash
    last_crash = max(crash_run.vm(name).crash.time_ps for name in CRASHES)
    assert max(e.time_ps for e in crash_run.exits("survivor")) > last_crash


def test_ebreak_reaches_the_guest_when_delegated(run_scenario, load_config):
    """Without the scenario's hedeleg override the breakpoint is the guest's business."""
    scenario = load_config("crash")
    (vm,) = [v for v in scenario.vms if v.name == "crash-ebreak"]
    assert not vm.hedeleg & (1 << CAUSE_BREAKPOINT)
    run = run_scenario(replace(scenario, vms=(replace(vm, hedeleg=KVM_HEDELEG),)))
    lines = run.console("crash-ebreak").splitlines()
    assert any(
        ln.startswith("FAIL crash_ebreak: the breakpoint at") and "reached the guest" in ln
        for ln in lines
    ), run.describe("crash-ebreak")
    assert run.vm("crash-ebreak").state == "shutdown"
    assert not {e.cause for e in run.exits("crash-ebreak")} & {CAUSE_BREAKPOINT}
