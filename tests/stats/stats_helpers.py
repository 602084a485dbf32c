"""Helpers for the statistics tests (imported by conftest.py and the test modules).

* :func:`exitloop_scenario` - a one-VM scenario for the exit-storm guest ``guests/exitloop.S``
  (a ``regs`` device at 0x0, mhartid emulated), optionally with a cost model;
* :func:`finished` - run a scenario on a fresh Host and write every output file;
* :data:`EXITLOOP_EXITS` - the exits the guest takes, by event, per iteration and once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hvsim.config.loader import scenario_from_dict
from hvsim.config.model import Scenario
from hvsim.hv.host import Host
from hvsim.stats.export import write_outputs

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
GUESTS = ROOT / "guests"
CONFIGS = ROOT / "configs"
CC = "riscv64-unknown-elf-gcc"
UNTIL_PS = 2 * 10**12
PS_PER_CYCLE = 1000  # the default 1000 MHz pCPU
#: Guest groups configs/multi-vm.toml needs.
MULTI_VM_GROUPS = ("hello", "timer", "paging", "smp")
#: ... and configs/devices.toml.
DEVICES_GROUPS = ("uart", "blk")
#: Iterations of the exit-storm guest in the shared ``exitloop_run`` fixture.
EXITLOOP_ITERATIONS = 25
#: Exits of guests/exitloop.S (read off its source): per iteration, and once per run.
EXITLOOP_PER_ITERATION = (
    "csr.mhartid",
    "mmio.regs0.read",
    "mmio.regs0.write",
    "sbi.base.get_spec_version",
)
EXITLOOP_ONCE = ("demand_paging.fetch", "sbi.legacy.shutdown")


def exitloop_counts(iterations: int) -> dict[str, int]:
    counts = dict.fromkeys(EXITLOOP_PER_ITERATION, iterations)
    counts.update(dict.fromkeys(EXITLOOP_ONCE, 1))
    return counts


@dataclass
class Finished:
    host: Host
    outcome: str
    outdir: Path


def exitloop_scenario(elf: Path, cost: dict[str, Any] | None = None) -> Scenario:
    data: dict[str, Any] = {
        "vm": [
            {
                "name": "loop",
                "kernel": str(elf),
                "memory": "16M",
                "console_prefix": "",
                "emulate": {"csr": {"mhartid": 0x1234}},
                "device": [{"type": "regs", "base": 0, "words": {"64": 0x6688}}],
            }
        ]
    }
    if cost:
        data["cost"] = cost
    return scenario_from_dict(data, source="exitloop.toml")


def finished(scenario: Scenario, outdir: Path, until_ps: int = UNTIL_PS) -> Finished:
    host = Host(scenario, console_sink=lambda line: None)
    outcome = host.run(until_ps=until_ps)
    write_outputs(host, outcome, outdir)
    return Finished(host, outcome, outdir)
