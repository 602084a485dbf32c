"""Fixtures for the integration tests: the VS-mode guests built once, scenarios run in-process.

* ``guest_build`` (session): runs ``make -C guests <groups>`` once for the guest groups these
  tests use and returns ``guests/build``; skips when the cross toolchain is missing.
* ``load_config`` (session, a function): the validated scenario of ``configs/<name>.toml``,
  to derive variants from with :func:`dataclasses.replace`.
* ``run_scenario`` (session, a function): runs a scenario (a config name or a
  :class:`Scenario`) on a fresh :class:`~hvsim.hv.host.Host` whose console sink records every
  prefixed line, and returns a :class:`Run` with accessors for VMs, consoles, counters and
  exit records.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from hvsim.config.loader import load_scenario
from hvsim.config.model import Scenario
from hvsim.hv.host import Host
from hvsim.hv.vm import VM
from hvsim.stats.recorder import ExitRecord

ROOT = Path(__file__).resolve().parents[2]
GUESTS = ROOT / "guests"
CONFIGS = ROOT / "configs"
#: The guest groups these tests run (built with one make call).
GUEST_GROUPS = ("hello", "smp", "timer", "paging", "crash", "hostile", "fp")
#: Safety limits for one run: far beyond what any scenario needs.
UNTIL_PS = 2 * 10**12  # 2 s of simulated time
MAX_INSNS = 5_000_000  # the largest scenario retires about 1M


@dataclass
class Run:
    """One finished scenario run."""

    host: Host
    outcome: str  # "done", "time-limit", "instruction-limit" or "deadlock"
    lines: list[str] = field(default_factory=list)  # console sink lines, in order

    def vm(self, name: str) -> VM:
        for vm in self.host.vms:
            if vm.name == name:
                return vm
        raise KeyError(f"no VM {name!r} (have {[v.name for v in self.host.vms]})")

    def console(self, name: str) -> str:
        return self.vm(name).console.text

    def counters(self, name: str, vcpu: int | None = None) -> Counter[str]:
        """Statistics counters of VM ``name``: one vCPU's, or summed over all of them."""
        total: Counter[str] = Counter()
        for stats in self.host.stats.for_vm(name):
            if vcpu is None or stats.index == vcpu:
                total.update(stats.counters)
        return total

    def exits(self, name: str) -> list[ExitRecord]:
        return [e for e in self.host.stats.exits if e.vm == name]

    def describe(self, name: str) -> str:
        """The VM's state, crash report and console, for assertion messages."""
        vm = self.vm(name)
        return (
            f"VM {name}: state {vm.state}, run outcome {self.outcome}\n"
            f"crash: {vm.crash.reason if vm.crash else None}\n"
            f"console:\n{vm.console.text}"
        )

    def assert_passed(self, name: str, guest: str) -> None:
        """VM ``name`` printed ``PASS <guest>`` (and no FAIL) and shut down cleanly."""
        lines = self.console(name).splitlines()
        assert f"PASS {guest}" in lines, self.describe(name)
        assert not [ln for ln in lines if ln.startswith("FAIL")], self.describe(name)
        assert self.vm(name).state == "shutdown", self.describe(name)


@pytest.fixture(scope="session")
def guest_build(guests_make) -> Path:
    return guests_make("-j2", *GUEST_GROUPS)


@pytest.fixture(scope="session")
def load_config(guest_build: Path) -> Callable[[str], Scenario]:
    def load(name: str) -> Scenario:
        return load_scenario(CONFIGS / f"{name}.toml")

    return load


@pytest.fixture(scope="session")
def run_scenario(load_config: Callable[[str], Scenario]) -> Callable[..., Run]:
    def run(scenario: str | Scenario, until_ps: int = UNTIL_PS, max_insns: int = MAX_INSNS) -> Run:
        if isinstance(scenario, str):
            scenario = load_config(scenario)
        lines: list[str] = []
        host = Host(scenario, console_sink=lines.append)
        outcome = host.run(until_ps=until_ps, max_insns=max_insns)
        return Run(host, outcome, lines)

    return run
