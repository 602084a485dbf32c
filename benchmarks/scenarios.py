"""Running a benchmark scenario (``configs/bench-*.toml``) in this process, as ``hvsim run`` does.

:func:`run_scenario` loads a scenario, optionally swaps every VM's kernel for a patched ELF
(another ``bench_iters``), changes the batch length or keeps only the first VMs, then builds a
:class:`~hvsim.hv.host.Host` and times ``Host.run`` alone (scenario loading, ELF loading and
machine set-up excluded, as for hvsim-bare).  Statistics are recorded exactly as in
``hvsim run``; only the summary is not printed.  The result carries what the benchmarks need:
wall and CPU seconds, instructions and VM exits counted by the host, the console lines and
whether every VM passed (shut down cleanly after printing ``PASS``).
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from pathlib import Path

from hvsim.config.loader import load_scenario
from hvsim.config.model import Scenario

PASS_MARK = "PASS "


@dataclass(frozen=True)
class ScenarioRun:
    """One timed run of a scenario."""

    wall_seconds: float
    cpu_seconds: float
    outcome: str  # Host.run's answer: "done", "time-limit", ...
    instructions: int  # retired by all vCPUs (emulated ones included), from host.stats
    exits: int  # VM exits recorded by the host
    exit_counts: dict[str, int]  # "kind.detail" -> count, over all vCPUs
    console: list[str]
    vm_states: dict[str, str]
    passed: bool  # every VM shut down after its PASS line

    @property
    def exit_code(self) -> int:
        return 0 if self.passed else 1

    def output(self) -> str:
        return "\n".join(self.console)


def prepare(
    path: Path,
    kernel: Path | None = None,
    batch_insns: int | None = None,
    vms: int | None = None,
) -> Scenario:
    """The scenario in ``path`` with the requested changes applied."""
    scenario = load_scenario(path)
    chosen = scenario.vms if vms is None else scenario.vms[:vms]
    if kernel is not None:
        chosen = tuple(dataclasses.replace(vm, kernel=kernel) for vm in chosen)
    scenario = dataclasses.replace(scenario, vms=chosen)
    if batch_insns is not None:
        host = dataclasses.replace(scenario.host, batch_insns=batch_insns)
        scenario = dataclasses.replace(scenario, host=host)
    return scenario


def run_scenario(
    path: Path,
    kernel: Path | None = None,
    batch_insns: int | None = None,
    vms: int | None = None,
) -> ScenarioRun:
    """Build the host for the (changed) scenario and time one complete run."""
    from hvsim.hv.host import Host

    scenario = prepare(path, kernel, batch_insns, vms)
    console: list[str] = []
    host = Host(scenario, console_sink=console.append)
    cpu = time.process_time()
    start = time.perf_counter()
    outcome = host.run()
    wall = time.perf_counter() - start
    cpu = time.process_time() - cpu
    counts: dict[str, int] = {}
    for rec in host.stats.exits:
        key = f"{rec.kind}.{rec.detail}" if rec.detail else rec.kind
        counts[key] = counts.get(key, 0) + 1
    states = {vm.name: vm.state for vm in host.vms}
    passed_vms = {vm.name for vm in host.vms if PASS_MARK in vm.console.text}
    passed = (
        outcome == "done"
        and all(state == "shutdown" for state in states.values())
        and passed_vms == set(states)
    )
    return ScenarioRun(
        wall_seconds=wall,
        cpu_seconds=cpu,
        outcome=outcome,
        instructions=sum(s.instructions for s in host.stats.vcpus),
        exits=len(host.stats.exits),
        exit_counts=counts,
        console=console,
        vm_states=states,
        passed=passed,
    )
