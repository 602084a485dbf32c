"""``pinned``: static affinity, every vCPU bound to one pCPU, each pCPU round-robins its own.

Every vCPU must name its pCPU in ``VmConfig.pin`` (one index per vCPU); a scenario with an
unpinned VM is rejected when the host is built.  Each pCPU has its own FIFO queue: a released
pCPU goes to the longest-waiting vCPU pinned to it, and at a slice end the running vCPU keeps
the pCPU while none of its own vCPUs waits.  A vCPU never runs anywhere else, even when its
pCPU is busy and another is idle (no migration, no load balancing: that is what pinning buys
and costs).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from hvsim.sched.base import Scheduler, register_scheduler

if TYPE_CHECKING:
    import simpy

    from hvsim.config.model import Scenario, SchedulerConfig
    from hvsim.hv.host import Host, Pcpu
    from hvsim.hv.vcpu import Vcpu


def check_pins(scenario: Scenario) -> None:
    """Reject a scenario in which some VM does not pin every vCPU (the loader checks ranges)."""
    for i, vm in enumerate(scenario.vms):
        if vm.pin is None:
            raise ValueError(
                f'vm[{i}] "{vm.name}": pin: missing (the pinned scheduling policy needs one '
                f"pCPU index per vCPU, e.g. pin = {list(range(vm.vcpus))})"
            )


@register_scheduler
class PinnedScheduler(Scheduler):
    name = "pinned"

    def __init__(self, host: Host, config: SchedulerConfig) -> None:
        super().__init__(host, config)
        check_pins(host.config)
        self.pcpus = {p.index: p for p in host.pcpus}
        self.busy: set[int] = set()
        self.queues: dict[int, deque[tuple[Vcpu, simpy.Event]]] = {i: deque() for i in self.pcpus}

    @staticmethod
    def home(vcpu: Vcpu) -> int:
        if vcpu.pin is None:  # only reachable when a VM was built outside the scenario
            raise ValueError(f"{vcpu.name} has no pin under the pinned scheduling policy")
        return vcpu.pin

    def acquire(self, vcpu: Vcpu) -> Generator[Any, Any, Pcpu]:
        index = self.home(vcpu)
        if index not in self.busy:
            self.busy.add(index)
            return self.pcpus[index]
        event = self.env.event()
        self.queues[index].append((vcpu, event))
        self.host.note_runqueue()
        pcpu = yield event
        return pcpu

    def release(self, vcpu: Vcpu, pcpu: Pcpu) -> None:
        queue = self.queues[pcpu.index]
        if queue:
            _, event = queue.popleft()
            self.host.note_runqueue()
            event.succeed(pcpu)
        else:
            self.busy.discard(pcpu.index)

    def should_preempt(self, vcpu: Vcpu, pcpu: Pcpu) -> bool:
        return bool(self.queues[pcpu.index])

    def run_queue_length(self) -> int:
        return sum(len(q) for q in self.queues.values())
