"""Run statistics: counters per vCPU, one record per VM exit and per run slice.

Recording is cheap by design: counters are plain dicts, records are tuples appended to plain
lists during the run; tables are built once at the end (see the exporters).  Counter names are
dotted and stable, e.g. ``exits.sbi.time.set_timer`` under ``<vm>.vcpu<i>``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from hvsim.hv.vcpu import Vcpu


class ExitRecord(NamedTuple):
    time_ps: int  # simulated time at which the exit was taken
    vm: str
    vcpu: int
    cause: int  # scause (interrupt bit included)
    kind: str  # sbi, csr, mmio, wfi, demand_paging, redirect, ...
    detail: str  # e.g. "time.set_timer", "uart0.read", "mhartid"
    sepc: int
    stval: int
    htval: int
    htinst: int
    handling_ps: int


class WakeupRecord(NamedTuple):
    """A blocked vCPU was made runnable (interrupt, IPI, HSM start) and later got a pCPU."""

    kick_ps: int  # when the wake-up was requested
    run_ps: int  # when the vCPU was running again
    vm: str
    vcpu: int


class RunQueueRecord(NamedTuple):
    time_ps: int
    length: int  # vCPUs waiting for a pCPU


class SliceRecord(NamedTuple):
    start_ps: int
    end_ps: int
    vm: str
    vcpu: int
    pcpu: int
    instructions: int


@dataclass
class VcpuStats:
    """One vCPU's statistics.

    ``base`` holds the counters the hypervisor bumps as it goes; the per-exit counters
    (``exits.<kind>`` and ``exits.<kind>.<detail>``) are derived from the exit records when
    ``counters`` is read, so the exit path only appends one record.
    """

    vm: str
    index: int
    base: Counter[str] = field(default_factory=Counter)
    instructions: int = 0
    run_ps: int = 0
    steal_ps: int = 0
    idle_ps: int = 0
    switches: int = 0
    exit_log: list[ExitRecord] = field(default_factory=list, repr=False)
    _derived: Counter[str] = field(default_factory=Counter, repr=False)
    _folded: int = 0

    def count(self, name: str, n: int = 1) -> None:
        self.base[name] += n

    @property
    def counters(self) -> Counter[str]:
        """All counters: ``base`` plus those derived from this vCPU's exit records."""
        log = self.exit_log
        if self._folded != len(log):
            derived = self._derived
            vm, index = self.vm, self.index
            for rec in log[self._folded :]:
                if rec.vcpu == index and rec.vm == vm:
                    kind = "exits." + rec.kind
                    derived[kind] += 1
                    if rec.detail:
                        derived[kind + "." + rec.detail] += 1
            self._folded = len(log)
        merged = Counter(self.base)
        merged.update(self._derived)
        return merged


class Stats:
    """Everything recorded during one run."""

    def __init__(self) -> None:
        self.vcpus: list[VcpuStats] = []
        self.exits: list[ExitRecord] = []
        self.slices: list[SliceRecord] = []
        self.wakeups: list[WakeupRecord] = []
        self.runqueue: list[RunQueueRecord] = []

    def vcpu(self, vcpu: Vcpu) -> VcpuStats:
        stats = VcpuStats(vcpu.vm.name, vcpu.index, exit_log=self.exits)
        self.vcpus.append(stats)
        return stats

    def for_vm(self, vm: str) -> list[VcpuStats]:
        return [s for s in self.vcpus if s.vm == vm]
