"""``fair``: fair share by virtual runtime, after Linux's CFS.

Virtual runtime
    Each vCPU accumulates ``vruntime += run_ps * 256 / weight`` for the time it runs (its slices
    as the host records them).  ``VmConfig.weight`` belongs to the VM, as the CPU weight of the
    cgroup libvirt puts each KVM guest in: a vCPU's weight is its VM's weight divided among the
    VM's runnable vCPUs (group scheduling flattened to one level).  The pCPU always goes to the
    waiting vCPU with the least virtual runtime, so over time CPU-bound VMs receive pCPU time
    in proportion to their weights, however many vCPUs they have.

Placement
    ``min_vruntime`` follows the smallest virtual runtime among the runnable vCPUs and never
    goes back.  A new vCPU starts at ``min_vruntime``; one woken from WFI (or powered on
    again) at ``max(own vruntime, min_vruntime - latency / 2)`` (in the virtual time of weight
    256): a sleeper is favoured by at most half a latency period (bounded lag) and cannot come
    back with the credit of a long sleep.

Slices
    ``slice_us`` is the target latency: the period in which every runnable vCPU should run
    once.  A vCPU's slice is its weighted part of that period on its share of the pCPUs,
    ``latency * pcpus * weight / total runnable weight``, at least ``min_granularity_us``
    (option; default ``slice_us / 8``, the ratio of Linux's 6 ms latency to its 0.75 ms
    granularity) and at most the whole latency.  At a slice end the vCPU keeps its pCPU unless a
    waiter allowed there has a smaller virtual runtime.

Options: ``min_granularity_us``.  Simplifications: one global queue instead of per-CPU run
queues with load balancing, a VM's weight split evenly among its runnable vCPUs instead of a
hierarchy of run queues, no wake-up preemption (a woken vCPU waits for the running slice to end,
at most ``slice_us``).
"""

from __future__ import annotations

from collections import Counter
from fractions import Fraction
from typing import TYPE_CHECKING, Any, ClassVar

from hvsim.sched.base import register_scheduler
from hvsim.sched.ranked import RankedScheduler

if TYPE_CHECKING:
    from hvsim.config.model import SchedulerConfig
    from hvsim.hv.host import Host, Pcpu
    from hvsim.hv.vcpu import Vcpu
    from hvsim.hv.vm import VM

NICE_0_WEIGHT = 256  # the default VmConfig.weight: one ps of runtime is one ps of vruntime
SCALE = 1 << 16  # vruntime is kept in ps * SCALE (integer arithmetic, negligible rounding)


@register_scheduler
class FairScheduler(RankedScheduler):
    name = "fair"
    OPTIONS: ClassVar[dict[str, Any]] = {"min_granularity_us": int}

    def __init__(self, host: Host, config: SchedulerConfig) -> None:
        super().__init__(host, config)
        self.latency = self.slice
        gran_us = config.options.get("min_granularity_us")
        self.min_granularity = self.slice // 8 if gran_us is None else gran_us * 1_000_000
        if not 0 < self.min_granularity <= self.latency:
            raise ValueError(
                f"scheduler.min_granularity_us: expected 1..slice_us ({config.slice_us}) "
                f"(got {gran_us})"
            )
        self.vruntime: dict[Vcpu, int] = {}
        self.min_vruntime = 0

    def runnable_per_vm(self) -> Counter[VM]:
        return Counter(v.vm for v in self.runnable_vcpus())

    def weight(self, vcpu: Vcpu, per_vm: Counter[VM] | None = None) -> Fraction:
        """The vCPU's share of its VM's weight (split among the VM's runnable vCPUs)."""
        if per_vm is None:
            per_vm = self.runnable_per_vm()
        return Fraction(max(1, vcpu.vm.config.weight), max(1, per_vm[vcpu.vm]))

    def update_min_vruntime(self) -> None:
        candidates = [self.vruntime.get(v, self.min_vruntime) for v in self.runnable_vcpus()]
        if candidates:
            self.min_vruntime = max(self.min_vruntime, min(candidates))

    # ---- policy hooks ----------------------------------------------------------------------------
    def rank(self, vcpu: Vcpu) -> int:
        return self.vruntime.get(vcpu, self.min_vruntime)

    def prefers(self, waiting: Vcpu, running: Vcpu) -> bool:
        return self.rank(waiting) < self.rank(running)

    def charge(self, vcpu: Vcpu, ps: int) -> None:
        self.vruntime[vcpu] = self.rank(vcpu) + int(ps * SCALE * NICE_0_WEIGHT / self.weight(vcpu))

    def on_enqueue(self, vcpu: Vcpu, woken: bool) -> None:
        for running in list(self.running):  # min_vruntime as of now, not of their slice start
            self.settle(running)
        self.update_min_vruntime()
        if vcpu not in self.vruntime:
            self.vruntime[vcpu] = self.min_vruntime
        elif woken:
            floor = self.min_vruntime - self.latency // 2 * SCALE
            self.vruntime[vcpu] = max(self.vruntime[vcpu], floor)

    # ---- the Scheduler interface -----------------------------------------------------------------
    def slice_ps(self, vcpu: Vcpu) -> int:
        per_vm = self.runnable_per_vm()
        if sum(per_vm.values()) <= self.pcpu_count:
            return self.latency
        total = sum(max(1, vm.config.weight) for vm in per_vm)  # the VMs' weights, all of them
        ideal = int(self.latency * self.pcpu_count * self.weight(vcpu, per_vm) / total)
        return max(self.min_granularity, min(self.latency, ideal))

    def release(self, vcpu: Vcpu, pcpu: Pcpu) -> None:
        super().release(vcpu, pcpu)
        self.update_min_vruntime()

    def should_preempt(self, vcpu: Vcpu, pcpu: Pcpu) -> bool:
        preempt = super().should_preempt(vcpu, pcpu)
        self.update_min_vruntime()
        return preempt
