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
    Holding a pCPU burns credit one for one (world switches included).  Balances are kept within
    plus or minus one period, so a long sleeper cannot hoard credit and a hog's debt is bounded.

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
        self._timer_armed = False

    # ---- accounting -------------------------------------------------------------------------------
    def account(self) -> None:
        """Catch up with period boundaries passed since the last scheduling decision."""
        now = self.env.now
        while (self.period_index + 1) * self.period <= now:
            boundary = (self.period_index + 1) * self.period
            for vcpu in list(self.running):  # usage before the boundary belongs to the old period
                self.settle(vcpu, boundary)
            self.period_index += 1
            recipients = self.active | set(self.runnable_vcpus())
            self.active = set(self.runnable_vcpus())
            self.used.clear()
            if not recipients and not self.running:
                self.period_index = now // self.period  # idle periods hand out nothing
            self.grant(recipients, self.period)

    def shares(self, vcpus: set[Vcpu]) -> dict[Vcpu, int]:
        """One period's credit for each of ``vcpus``: the pool split by VM weight, then evenly."""
        by_vm: dict[VM, list[Vcpu]] = {}
        for vcpu in vcpus:
            by_vm.setdefault(vcpu.vm, []).append(vcpu)
        total_weight = sum(vm.config.weight for vm in by_vm)
        if total_weight <= 0:
            return dict.fromkeys(vcpus, 0)
        capacity = self.period * self.pcpu_count
        shares = {}
        for vm, members in by_vm.items():
            vm_share = capacity * vm.config.weight // total_weight
            for vcpu in members:
                shares[vcpu] = min(self.period, vm_share // len(members))
        return shares

    def grant(self, vcpus: set[Vcpu], portion: int) -> None:
        """Hand out ``portion`` (ps of the period) worth of credit to ``vcpus``."""
        if not vcpus:
            return
        for vcpu, share in self.shares(vcpus).items():
            balance = self.credit.get(vcpu, 0) + share * portion // self.period
            self.credit[vcpu] = max(-self.period, min(self.period, balance))
            self.granted[vcpu] = self.period_index

    def join(self, vcpu: Vcpu) -> None:
        """A vCPU active for the first time this period: its share for the rest of the period."""
        self.active.add(vcpu)
        if self.granted.get(vcpu) == self.period_index:
            return
        remaining = (self.period_index + 1) * self.period - self.env.now
        others = self.active | set(self.runnable_vcpus())
        share = self.shares(others | {vcpu})[vcpu]
        balance = self.credit.get(vcpu, 0) + share * remaining // self.period
        self.credit[vcpu] = max(-self.period, min(self.period, balance))
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

    # ---- policy hooks -------------------------------------------------------------------------------
    def rank(self, vcpu: Vcpu) -> int:
        return self.priority_class(vcpu)

    def prefers(self, waiting: Vcpu, running: Vcpu) -> bool:
        return self.priority_class(waiting) <= self.priority_class(running)

    def eligible(self, vcpu: Vcpu) -> bool:
        left = self.budget_left(vcpu.vm)
        return left is None or left > 0 or not vcpu.vm.running

    def charge(self, vcpu: Vcpu, ps: int) -> None:
        self.credit[vcpu] = max(-self.period, self.credit.get(vcpu, 0) - ps)
        self.boosted.discard(vcpu)
        self.active.add(vcpu)
        if vcpu.vm.config.cap > 0:
            self.used[vcpu.vm] = self.used.get(vcpu.vm, 0) + ps

    def on_enqueue(self, vcpu: Vcpu, woken: bool) -> None:
        self.account()
        self.join(vcpu)
        if woken and self.boost_enabled and self.credit.get(vcpu, 0) > 0:
            self.boosted.add(vcpu)

    # ---- the Scheduler interface --------------------------------------------------------------------
    def acquire(self, vcpu: Vcpu) -> Generator[Any, Any, Pcpu]:
        pcpu = yield from super().acquire(vcpu)
        return pcpu

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
