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
    vm: str
    index: int
    counters: Counter[str] = field(default_factory=Counter)
    instructions: int = 0
    run_ps: int = 0
    steal_ps: int = 0
    idle_ps: int = 0
    switches: int = 0

    def count(self, name: str, n: int = 1) -> None:
        self.counters[name] += n


class Stats:
    """Everything recorded during one run."""

    def __init__(self) -> None:
        self.vcpus: list[VcpuStats] = []
        self.exits: list[ExitRecord] = []
        self.slices: list[SliceRecord] = []
        self.wakeups: list[WakeupRecord] = []
        self.runqueue: list[RunQueueRecord] = []

    def vcpu(self, vcpu: Vcpu) -> VcpuStats:
        stats = VcpuStats(vcpu.vm.name, vcpu.index)
        self.vcpus.append(stats)
        return stats

    def for_vm(self, vm: str) -> list[VcpuStats]:
        return [s for s in self.vcpus if s.vm == vm]
