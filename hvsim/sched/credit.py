"""``credit``: proportional share with weights and caps, after Xen's credit scheduler.

Accounting period and slice
    Simulated time is cut into accounting periods of ``period_us`` (scheduler option; default
    ten slices, ``10 * slice_us``).  A vCPU runs for at most ``slice_us`` before the policy is
    asked again.  Xen uses a 30 ms period and 30 ms slices (credit1 defaults); the shorter
    default here lets short simulations resolve the shares.

Credits
    At the start of every period the pool's capacity, ``period * pcpus`` picoseconds, is shared
    out among the *active* VMs (a VM is active if one of its vCPUs wanted a pCPU during the last
    period or wants one now) in proportion to ``VmConfig.weight``; a VM's share is split evenly
    among its active vCPUs, and no vCPU gets more than one pCPU's worth (``period``).  A vCPU
    that becomes active in the middle of a period gets its share for the rest of that period.
    Running burns credit one for one (the run time the host records for the vCPU: its slices,
    world switch in included).  Balances are kept within plus or minus one period, so a long
    sleeper cannot hoard credit and a hog's debt is bounded.

Order
    BOOST (a vCPU woken from WFI that still has credit: latency-sensitive, as Xen's boost),
    then UNDER (credit left), then OVER (credit spent); first come, first served within a
    class, so equal classes round-robin at slice ends.  At a slice end the running vCPU keeps
    its pCPU unless a waiter of the same or a better class is eligible for it.  BOOST lasts
    until the vCPU is charged at its first slice end or release (Xen drops it at the next
    tick).  The scheduler is work-conserving: OVER vCPUs still run when nobody UNDER waits.

Caps
    ``VmConfig.cap`` (percent of one pCPU, 0 = none; above 100 for multi-vCPU VMs) limits what
    the VM's vCPUs together may use in each period.  Slices are shortened so that the budget
    ends on a slice boundary; a VM that used its budget is parked - its vCPUs wait even if
    pCPUs are idle - until the next period starts.  With several vCPUs of a capped VM running
    at once the budget is split evenly among them when their slices start, so the cap holds
    only up to that approximation.

Simplifications: one global run queue (no per-pCPU queues, no load balancer, no migration
cost), accounting happens exactly at period boundaries and on every scheduling decision
instead of on 10 ms ticks, and there is no mid-slice preemption (a BOOST wake-up waits for
the running slice to end, at most ``slice_us``).
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any, ClassVar

from hvsim.sched.base import register_scheduler
from hvsim.sched.ranked import RankedScheduler

if TYPE_CHECKING:
    from collections.abc import Generator

    from hvsim.config.model import SchedulerConfig
    from hvsim.hv.host import Host, Pcpu
    from hvsim.hv.vcpu import Vcpu
    from hvsim.hv.vm import VM

BOOST, UNDER, OVER = 0, 1, 2
CLASS_NAMES = {BOOST: "boost", UNDER: "under", OVER: "over"}


@register_scheduler
class CreditScheduler(RankedScheduler):
    name = "credit"
    OPTIONS: ClassVar[dict[str, Any]] = {"period_us": int, "boost": bool}

    def __init__(self, host: Host, config: SchedulerConfig) -> None:
        super().__init__(host, config)
        period_us = config.options.get("period_us", 10 * config.slice_us)
        if period_us <= 0:
            raise ValueError(f"scheduler.period_us: expected a positive duration (got {period_us})")
        self.period = period_us * 1_000_000  # ps
        self.boost_enabled = bool(config.options.get("boost", True))
        self.credit: dict[Vcpu, int] = {}
        self.boosted: set[Vcpu] = set()
        self.period_index = 0  # the period whose credits have been handed out
        self.granted: dict[Vcpu, int] = {}  # vCPU -> last period it received credit for
        self.active: set[Vcpu] = set()  # wanted a pCPU during the current period
        self.used: dict[VM, int] = {}  # capped VMs: pCPU time used in the current period
        self.consumed = 0  # run time of all vCPUs in the current period: the next pool
        self._timer_armed = False

    # ---- accounting ------------------------------------------------------------------------------
    def account(self) -> None:
        """Catch up with period boundaries passed since the last scheduling decision."""
        now = self.now()
        while (self.period_index + 1) * self.period <= now:
            boundary = (self.period_index + 1) * self.period
            for vcpu in list(self.running):  # usage before the boundary belongs to the old period
                self.settle(vcpu, boundary)
            self.period_index += 1
            recipients = self.active | set(self.runnable_vcpus())
            self.active = set(self.runnable_vcpus())
            pool, self.consumed = self.consumed, 0
            self.used.clear()
            if not recipients and not self.running:
                self.period_index = max(self.period_index, now // self.period)  # idle: skip
            self.grant(recipients, pool)

    def weights(self, vcpus: set[Vcpu]) -> dict[Vcpu, Fraction]:
        """Each vCPU's weight: its VM's weight split evenly among the VM's vCPUs in ``vcpus``."""
        members: dict[VM, int] = {}
        for vcpu in vcpus:
            members[vcpu.vm] = members.get(vcpu.vm, 0) + 1
        return {v: Fraction(max(0, v.vm.config.weight), members[v.vm]) for v in vcpus}

    def room(self, vcpu: Vcpu) -> int:
        return max(0, self.period - self.credit.get(vcpu, 0))

    def grant(self, vcpus: set[Vcpu], pool: int) -> None:
        """Share ``pool`` out by weight; what a vCPU at the ceiling cannot take goes to the rest."""
        left = dict(self.weights(vcpus))
        for vcpu in vcpus:
            self.granted[vcpu] = self.period_index
        while pool > 0 and left:
            total = sum(left.values())
            if total <= 0:
                return
            full = [v for v, w in left.items() if pool * w / total >= self.room(v)]
            if not full:
                for vcpu, w in left.items():
                    self.credit[vcpu] = self.credit.get(vcpu, 0) + int(pool * w / total)
                return
            for vcpu in full:  # water-filling: top these up, share the rest again
                pool -= self.room(vcpu)
                self.credit[vcpu] = max(self.credit.get(vcpu, 0), self.period)
                del left[vcpu]

    def join(self, vcpu: Vcpu) -> None:
        """A vCPU active again after a period or more: its share for the rest of this period."""
        self.active.add(vcpu)
        last = self.granted.get(vcpu)
        if last is not None and last >= self.period_index - 1:
            return
        remaining = (self.period_index + 1) * self.period - self.now()
        weights = self.weights(self.active | set(self.runnable_vcpus()))
        share = int(self.pcpu_count * remaining * weights[vcpu] / sum(weights.values()))
        self.credit[vcpu] = self.credit.get(vcpu, 0) + min(share, self.room(vcpu))
        self.granted[vcpu] = self.period_index

    def budget_left(self, vm: VM) -> int | None:
        """Picoseconds a capped VM may still use this period (None: not capped)."""
        cap = vm.config.cap
        if cap <= 0:
            return None
        return cap * self.period // 100 - self.used.get(vm, 0)

    def priority_class(self, vcpu: Vcpu) -> int:
        if vcpu in self.boosted:
            return BOOST
        return UNDER if self.credit.get(vcpu, 0) > 0 else OVER

    # ---- policy hooks ----------------------------------------------------------------------------
    def rank(self, vcpu: Vcpu) -> int:
        return self.priority_class(vcpu)

    def prefers(self, waiting: Vcpu, running: Vcpu) -> bool:
        return self.priority_class(waiting) <= self.priority_class(running)

    def eligible(self, vcpu: Vcpu) -> bool:
        left = self.budget_left(vcpu.vm)
        return left is None or left > 0 or not vcpu.vm.running

    def charge(self, vcpu: Vcpu, ps: int) -> None:
        self.credit[vcpu] = max(-self.period, self.credit.get(vcpu, 0) - ps)
        self.consumed += ps
        self.boosted.discard(vcpu)
        self.active.add(vcpu)
        if vcpu.vm.config.cap > 0:
            self.used[vcpu.vm] = self.used.get(vcpu.vm, 0) + ps

    def on_enqueue(self, vcpu: Vcpu, woken: bool) -> None:
        self.account()
        self.join(vcpu)
        if woken and self.boost_enabled and self.credit.get(vcpu, 0) > 0:
            self.boosted.add(vcpu)

    # ---- the Scheduler interface -----------------------------------------------------------------
    def release(self, vcpu: Vcpu, pcpu: Pcpu) -> None:
        self.account()
        super().release(vcpu, pcpu)
        self.arm_period_timer()

    def should_preempt(self, vcpu: Vcpu, pcpu: Pcpu) -> bool:
        self.account()
        return super().should_preempt(vcpu, pcpu)

    def slice_ps(self, vcpu: Vcpu) -> int:
        self.account()
        left = self.budget_left(vcpu.vm)
        if left is None:
            return self.slice
        self.settle(vcpu)  # the world switch in counts against the budget
        left = self.budget_left(vcpu.vm) or 0
        sharing = sum(1 for v in self.running if v.vm is vcpu.vm)
        return max(0, min(self.slice, left // max(1, sharing)))

    def dispatch(self) -> None:
        super().dispatch()
        self.arm_period_timer()

    def arm_period_timer(self) -> None:
        """Wake the parked vCPUs at the next period boundary (only while some are parked)."""
        if self._timer_armed or all(self.eligible(w.vcpu) for w in self.waiting):
            return
        self._timer_armed = True
        self.env.process(self._period_timer())

    def _period_timer(self) -> Generator[Any, Any, None]:
        boundary = (self.env.now // self.period + 1) * self.period
        yield self.env.timeout(boundary - self.env.now)
        self._timer_armed = False
        self.account()
        self.dispatch()
