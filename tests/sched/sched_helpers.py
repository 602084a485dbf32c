"""Helpers for the scheduling-policy tests: scenarios of spin/interactive VMs, and measures.

Scenarios run on a slow host clock (100 MHz by default) so that milliseconds of simulated time
cost few instructions; all times are integer picoseconds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hvsim.config.loader import scenario_from_dict
from hvsim.hv.host import Host
from hvsim.stats.recorder import SliceRecord, WakeupRecord

ROOT = Path(__file__).resolve().parents[2]
GUESTS = ROOT / "guests"
SPIN = GUESTS / "build" / "spin" / "spin.elf"
INTERACTIVE = GUESTS / "build" / "spin" / "interactive.elf"
US = 1_000_000  # ps
MS = 1_000 * US


def hog(name: str, **keys: Any) -> dict[str, Any]:
    """A CPU-bound VM (the spin guest, running until the simulation ends)."""
    return {"name": name, "kernel": str(SPIN), "bootargs": "spin_us=0", **keys}


def sleeper(name: str, bootargs: str, **keys: Any) -> dict[str, Any]:
    """A timer-driven VM (the interactive guest) with the given parameters."""
    return {"name": name, "kernel": str(INTERACTIVE), "bootargs": bootargs, **keys}


@dataclass
class Run:
    host: Host
    outcome: str
    until_ps: int

    @property
    def slices(self) -> list[SliceRecord]:
        return self.host.stats.slices

    @property
    def wakeups(self) -> list[WakeupRecord]:
        return self.host.stats.wakeups

    def run_ps(self) -> dict[str, int]:
        """Run time per VM, from the slice records."""
        total: dict[str, int] = defaultdict(int)
        for s in self.slices:
            total[s.vm] += s.end_ps - s.start_ps
        return dict(total)

    def run_between(self, start: int, end: int) -> dict[str, int]:
        """Run time per VM inside the window [start, end)."""
        total: dict[str, int] = defaultdict(int)
        for s in self.slices:
            overlap = min(s.end_ps, end) - max(s.start_ps, start)
            if overlap > 0:
                total[s.vm] += overlap
        return dict(total)

    def vm_slices(self, vm: str, vcpu: int | None = None) -> list[SliceRecord]:
        return [s for s in self.slices if s.vm == vm and (vcpu is None or s.vcpu == vcpu)]

    def latencies(self, vm: str) -> list[int]:
        return [max(0, w.run_ps - w.kick_ps) for w in self.wakeups if w.vm == vm]


def run_policy(
    policy: str,
    vms: Iterable[dict[str, Any]],
    *,
    until_ms: float,
    pcpus: int = 1,
    slice_us: int = 100,
    freq_mhz: int = 100,
    batch_insns: int = 2000,
    **options: Any,
) -> Run:
    data = {
        "host": {
            "pcpus": pcpus,
            "freq_mhz": freq_mhz,
            "batch_insns": batch_insns,
            "memory": "512M",  # lazily allocated; the default estimate is tight for many VMs
        },
        "scheduler": {"policy": policy, "slice_us": slice_us, **options},
        "vm": list(vms),
    }
    host = Host(scenario_from_dict(data), console_sink=lambda line: None)
    until = int(until_ms * MS)
    outcome = host.run(until_ps=until)
    return Run(host, outcome, until)


def ratio(a: int, b: int) -> float:
    return a / b if b else float("inf")
