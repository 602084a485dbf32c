"""Round-robin: a FIFO run queue, a fixed time slice, optional pinning of vCPUs to pCPUs.

A released pCPU goes to the longest-waiting vCPU allowed on it (pinned vCPUs only run on their
pCPU).  At the end of a slice the running vCPU keeps its pCPU if nobody eligible is waiting.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from hvsim.sched.base import Scheduler, register_scheduler

if TYPE_CHECKING:
    import simpy

    from hvsim.hv.host import Pcpu
    from hvsim.hv.vcpu import Vcpu


@register_scheduler
class RoundRobin(Scheduler):
    name = "round-robin"

    def __init__(self, host, config) -> None:
        super().__init__(host, config)
        self.free: list[Pcpu] = list(host.pcpus)
        self.waiting: list[tuple[Vcpu, simpy.Event]] = []

    @staticmethod
    def allowed(vcpu: Vcpu, pcpu: Pcpu) -> bool:
        return vcpu.pin is None or vcpu.pin == pcpu.index

    def acquire(self, vcpu: Vcpu) -> Generator[Any, Any, Pcpu]:
        for pcpu in self.free:
            if self.allowed(vcpu, pcpu):
                self.free.remove(pcpu)
                return pcpu
        event = self.env.event()
        self.waiting.append((vcpu, event))
        self.host.note_runqueue()
        pcpu = yield event
        return pcpu

    def release(self, vcpu: Vcpu, pcpu: Pcpu) -> None:
        for i, (waiter, event) in enumerate(self.waiting):
            if self.allowed(waiter, pcpu):
                del self.waiting[i]
                self.host.note_runqueue()
                event.succeed(pcpu)
                return
        self.free.append(pcpu)
        self.free.sort(key=lambda p: p.index)

    def should_preempt(self, vcpu: Vcpu, pcpu: Pcpu) -> bool:
        return any(self.allowed(waiter, pcpu) for waiter, _ in self.waiting)

    def run_queue_length(self) -> int:
        return len(self.waiting)
