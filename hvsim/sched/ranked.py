"""The pCPU pool and ranked wait queue that the credit, fair-share and priority policies share.

A :class:`RankedScheduler` keeps the free pCPUs and the vCPUs waiting for one.  A policy
supplies four hooks:

* ``rank(vcpu)`` - a sortable key, lowest runs first; ties go to the longest waiter (FIFO), so
  equal ranks round-robin;
* ``eligible(vcpu)`` - may the vCPU run at all right now (credit caps park vCPUs);
* ``prefers(waiting, running)`` - at a slice end, should the waiting vCPU get the pCPU of the
  running one (the running vCPU then goes to the back of the queue);
* ``charge(vcpu, ps)`` - the vCPU ran for ``ps`` more picoseconds; called whenever the policy
  needs up-to-date usage, not only at release.  What is charged is exactly the host's run
  time of the vCPU (its slice records: the world switch in counts, the switch out does not).

``on_enqueue(vcpu, woken)`` tells a policy that a vCPU asks for a pCPU, ``woken`` when it had
blocked (WFI, powered off) or never ran before, as opposed to being preempted.

A released pCPU goes to the best eligible waiter allowed on it (``VmConfig.pin`` is honoured:
a pinned vCPU only runs on its pCPU); with none it joins the free pool.  The host loop only
asks at slice ends, so a better-ranked wake-up waits at most one slice of the running vCPU.
"""

from __future__ import annotations

import itertools
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from hvsim.sched.base import Scheduler

if TYPE_CHECKING:
    import simpy

    from hvsim.config.model import SchedulerConfig
    from hvsim.hv.host import Host, Pcpu
    from hvsim.hv.vcpu import Vcpu


class Waiter:
    """A vCPU waiting for a pCPU: the event its process waits on and its arrival order."""

    __slots__ = ("event", "seq", "vcpu")

    def __init__(self, vcpu: Vcpu, event: simpy.Event, seq: int) -> None:
        self.vcpu = vcpu
        self.event = event
        self.seq = seq


class RankedScheduler(Scheduler):
    """A shared pool of pCPUs handed to the best-ranked eligible waiting vCPU."""

    def __init__(self, host: Host, config: SchedulerConfig) -> None:
        super().__init__(host, config)
        self.pcpu_count = len(host.pcpus)
        self.free: list[Pcpu] = list(host.pcpus)
        self.waiting: list[Waiter] = []
        self.running: dict[Vcpu, Pcpu] = {}
        self.charged_to: dict[Vcpu, int] = {}  # running vCPU -> time charged up to (ps)
        self.sleeping: set[Vcpu] = set()  # released while not runnable (or never seen)
        self.seen: set[Vcpu] = set()
        self._seq = itertools.count()
        #: The world switch out happens after the slice (the host's run time excludes it).
        self.switch_out_ps = host.cost.world_switch * host.cycle_ps

    # ---- policy hooks ----------------------------------------------------------------------------
    def rank(self, vcpu: Vcpu) -> Any:
        raise NotImplementedError

    def eligible(self, vcpu: Vcpu) -> bool:
        return True

    def prefers(self, waiting: Vcpu, running: Vcpu) -> bool:
        return bool(self.rank(waiting) <= self.rank(running))

    def charge(self, vcpu: Vcpu, ps: int) -> None:
        pass

    def on_enqueue(self, vcpu: Vcpu, woken: bool) -> None:
        pass

    # ---- helpers ---------------------------------------------------------------------------------
    def now(self) -> int:
        return self.host.now_ps()

    @staticmethod
    def allowed(vcpu: Vcpu, pcpu: Pcpu) -> bool:
        return vcpu.pin is None or vcpu.pin == pcpu.index

    def settle(self, vcpu: Vcpu, until: int | None = None) -> None:
        """Charge a running vCPU for its pCPU time up to ``until`` (default: now)."""
        since = self.charged_to.get(vcpu)
        if since is None:
            return
        until = self.now() if until is None else until
        if until > since:
            self.charge(vcpu, until - since)
            self.charged_to[vcpu] = until

    def runnable_vcpus(self) -> list[Vcpu]:
        """The vCPUs that want a pCPU: the running ones and the waiting ones."""
        return [*self.running, *(w.vcpu for w in self.waiting)]

    def best_waiter(self, pcpu: Pcpu) -> Waiter | None:
        best: Waiter | None = None
        best_key: Any = None
        for waiter in self.waiting:
            vcpu = waiter.vcpu
            if not self.allowed(vcpu, pcpu) or not self.eligible(vcpu):
                continue
            key = (self.rank(vcpu), waiter.seq)
            if best is None or key < best_key:
                best, best_key = waiter, key
        return best

    def _start(self, vcpu: Vcpu, pcpu: Pcpu) -> None:
        self.running[vcpu] = pcpu
        self.charged_to[vcpu] = self.env.now

    def dispatch(self) -> None:
        """Give every free pCPU to the best eligible waiter allowed on it."""
        changed = False
        for pcpu in list(self.free):
            waiter = self.best_waiter(pcpu)
            if waiter is None:
                continue
            self.free.remove(pcpu)
            self.waiting.remove(waiter)
            self._start(waiter.vcpu, pcpu)
            waiter.event.succeed(pcpu)
            changed = True
        if changed:
            self.host.note_runqueue()

    # ---- the Scheduler interface -----------------------------------------------------------------
    def acquire(self, vcpu: Vcpu) -> Generator[Any, Any, Pcpu]:
        woken = vcpu in self.sleeping or vcpu not in self.seen
        self.sleeping.discard(vcpu)
        self.seen.add(vcpu)
        self.on_enqueue(vcpu, woken)
        event = self.env.event()
        self.waiting.append(Waiter(vcpu, event, next(self._seq)))
        self.host.note_runqueue()
        self.dispatch()
        if event.triggered:  # a free pCPU: no need to wait (nor to let others run first)
            return event.value
        pcpu = yield event
        return pcpu

    def release(self, vcpu: Vcpu, pcpu: Pcpu) -> None:
        self.settle(vcpu, self.env.now - self.switch_out_ps)  # up to the end of its slice
        del self.running[vcpu]
        del self.charged_to[vcpu]
        if not vcpu.runnable():
            self.sleeping.add(vcpu)
        self.free.append(pcpu)
        self.free.sort(key=lambda p: p.index)
        self.dispatch()

    def should_preempt(self, vcpu: Vcpu, pcpu: Pcpu) -> bool:
        self.settle(vcpu)
        if not self.eligible(vcpu):
            return True
        return any(
            self.allowed(w.vcpu, pcpu) and self.eligible(w.vcpu) and self.prefers(w.vcpu, vcpu)
            for w in self.waiting
        )

    def run_queue_length(self) -> int:
        return len(self.waiting)
