"""``gang``: co-scheduling - all runnable vCPUs of a VM run at the same time or not at all.

The unit of scheduling is the VM (the gang).  VMs take turns in FIFO order (round-robin
between VMs): the VM at the head of the queue is dispatched once every one of its runnable
vCPUs asks for a pCPU and enough pCPUs are free for all of them at once; they then start
their slices together and share one slice end.  At that end the whole gang keeps running if
no other VM waits, and otherwise every member stops and the VM goes to the back of the queue.

While a gang holds its slice:

* a member that blocks (WFI) or powers off leaves its pCPU reserved to the gang, idle, so
  that it can resume at once, co-scheduled, when it wakes within the slice (strict gang
  scheduling: the idle holes are its known cost);
* a member that becomes runnable during the slice without a reserved pCPU (e.g. just started
  with SBI HSM) takes a free pCPU if no other VM waits, else it waits for the gang's next
  turn and the gang yields at its slice end;
* the gang's turn ends early when none of its members is running any more.

Simplifications: the queue is strict FIFO (no backfilling: a small gang behind a big one
waits even if it would fit); a VM may not have more vCPUs than the host has pCPUs (rejected
when the host is built); pinned vCPUs (``VmConfig.pin``) only get their own pCPU, so a gang
with pins waits until exactly those pCPUs are free; there is no mid-slice preemption.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hvsim.sched.base import Scheduler, register_scheduler

if TYPE_CHECKING:
    import simpy

    from hvsim.config.model import Scenario, SchedulerConfig
    from hvsim.hv.host import Host, Pcpu
    from hvsim.hv.vcpu import Vcpu
    from hvsim.hv.vm import VM


@dataclass
class Gang:
    """A VM's turn on the pCPUs."""

    vm: VM
    end_ps: int  # the common slice end of all members
    running: dict[Vcpu, Pcpu] = field(default_factory=dict)
    idle: list[Pcpu] = field(default_factory=list)  # reserved for members that blocked
    ending: bool = False  # the turn is over: members leave at their next slice check


def check_gang_sizes(scenario: Scenario) -> None:
    pcpus = scenario.host.pcpus
    for i, vm in enumerate(scenario.vms):
        if vm.vcpus > pcpus:
            raise ValueError(
                f'vm[{i}] "{vm.name}": vcpus: {vm.vcpus} vCPUs cannot be co-scheduled on '
                f"{pcpus} pCPUs (the gang policy needs vcpus <= host.pcpus)"
            )


@register_scheduler
class GangScheduler(Scheduler):
    name = "gang"

    def __init__(self, host: Host, config: SchedulerConfig) -> None:
        super().__init__(host, config)
        check_gang_sizes(host.config)
        self.free: list[Pcpu] = list(host.pcpus)
        self.waiting: dict[VM, list[tuple[Vcpu, simpy.Event]]] = {}
        self.order: deque[VM] = deque()  # VMs waiting for their turn
        self.gangs: dict[VM, Gang] = {}  # VMs holding pCPUs
        self.world_switch_ps = host.cost.world_switch * host.cycle_ps

    @staticmethod
    def allowed(vcpu: Vcpu, pcpu: Pcpu) -> bool:
        return vcpu.pin is None or vcpu.pin == pcpu.index

    def _take(self, pool: list[Pcpu], vcpu: Vcpu) -> Pcpu | None:
        for pcpu in pool:
            if self.allowed(vcpu, pcpu):
                pool.remove(pcpu)
                return pcpu
        return None

    def _fit(self, vcpus: list[Vcpu]) -> list[Pcpu] | None:
        """Free pCPUs for all of ``vcpus`` at once (pinned ones first), or None."""
        pool = list(self.free)
        chosen: dict[Vcpu, Pcpu] = {}
        for vcpu in sorted(vcpus, key=lambda v: v.pin is None):
            pcpu = self._take(pool, vcpu)
            if pcpu is None:
                return None
            chosen[vcpu] = pcpu
        return [chosen[v] for v in vcpus]

    def dispatch(self) -> None:
        """Start the turns of the VMs at the head of the queue while they fit."""
        changed = False
        while self.order:
            vm = self.order[0]
            waiters = self.waiting.get(vm, [])
            runnable = sum(1 for v in vm.vcpus if v.runnable())
            if len(waiters) < runnable:
                break  # a member is about to ask (same instant): wait for the whole gang
            pcpus = self._fit([v for v, _ in waiters])
            if pcpus is None:
                break
            self.order.popleft()
            del self.waiting[vm]
            gang = Gang(vm, self.env.now + self.world_switch_ps + self.slice)
            self.gangs[vm] = gang
            for (vcpu, event), pcpu in zip(waiters, pcpus, strict=True):
                self.free.remove(pcpu)
                gang.running[vcpu] = pcpu
                event.succeed(pcpu)
            changed = True
        if changed:
            self.host.note_runqueue()

    # ---- the Scheduler interface -----------------------------------------------------------------
    def acquire(self, vcpu: Vcpu) -> Generator[Any, Any, Pcpu]:
        vm = vcpu.vm
        gang = self.gangs.get(vm)
        if gang is not None and not gang.ending:
            pcpu = self._take(gang.idle, vcpu)
            if pcpu is None and not self.order:
                pcpu = self._take(self.free, vcpu)
            if pcpu is not None:
                gang.running[vcpu] = pcpu
                return pcpu
        event = self.env.event()
        self.waiting.setdefault(vm, []).append((vcpu, event))
        if vm not in self.gangs and vm not in self.order:
            self.order.append(vm)
        self.host.note_runqueue()
        self.dispatch()
        if event.triggered:
            return event.value
        pcpu = yield event
        return pcpu

    def release(self, vcpu: Vcpu, pcpu: Pcpu) -> None:
        vm = vcpu.vm
        gang = self.gangs[vm]
        del gang.running[vcpu]
        if gang.ending or vcpu.runnable() or not vm.running:
            self.free.append(pcpu)
        else:
            gang.idle.append(pcpu)  # blocked: keep its place for the rest of the turn
        if not gang.running:  # the turn is over
            self.free.extend(gang.idle)
            del self.gangs[vm]
            if self.waiting.get(vm) and vm not in self.order:
                self.order.append(vm)
        self.free.sort(key=lambda p: p.index)
        self.dispatch()

    def slice_ps(self, vcpu: Vcpu) -> int:
        gang = self.gangs[vcpu.vm]
        return max(0, gang.end_ps - self.host.now_ps())

    def should_preempt(self, vcpu: Vcpu, pcpu: Pcpu) -> bool:
        gang = self.gangs[vcpu.vm]
        if gang.ending:
            return True
        now = self.host.now_ps()
        if now < gang.end_ps:
            return False  # another member already decided to run on
        if self.order or self.waiting.get(vcpu.vm):
            gang.ending = True
            return True
        gang.end_ps = max(now, gang.end_ps) + self.slice
        return False

    def run_queue_length(self) -> int:
        return sum(len(w) for w in self.waiting.values())
