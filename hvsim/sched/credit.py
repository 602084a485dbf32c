"""``credit``: proportional share with weights and caps, after Xen's credit scheduler.

Accounting period and slice
    Simulated time is cut into accounting periods of ``period_us`` (scheduler option; default
    ten slices, ``10 * slice_us``).  A slice lasts until the vCPU would no longer rank first
    against the best vCPU waiting for its pCPU (the run time after which that one's credit per
    unit of weight would be the higher), plus ``slice_us / 4`` of hysteresis, within
    ``[slice_us / 4, slice_us]``; with nobody waiting, ``slice_us``.  That is how Xen's credit2
    sizes its slices; credit1's fixed 30 ms slices and 30 ms period would need much longer
    simulations to resolve the shares.  Over any run the CPU time of CPU-bound vCPUs is within
    about ``slice_us / 4`` of their weighted share.

Credits
    Running burns credit one for one (the run time the host records for the vCPU: its slices,
    world switch in included).  At the start of every period the run time all vCPUs burnt in
    the previous one is handed out again to the *active* vCPUs (those that wanted a pCPU during
    that period or want one now): by ``VmConfig.weight`` between VMs, evenly among a VM's
    active vCPUs.  Credit is therefore conserved, and CPU-bound vCPUs end up using what they
    are given, i.e. time in proportion to their weights.  A balance never exceeds one period
    (``period_us`` of run time): what a vCPU at that ceiling cannot take (an idle or capped
    vCPU that does not use its share) goes to the other active vCPUs, by weight, instead of
    being lost.  Debts are not forgiven.

Order
    BOOST (a vCPU woken from WFI, or new, that is not in debt: latency-sensitive, as Xen's
    boost), then UNDER (balance >= 0), then OVER (in debt).  Within a class the vCPU with the
    larger balance per unit of weight goes first (the longest waiter on ties), so CPU-bound
    vCPUs track their weights slice by slice instead of only period by period (credit per unit
    of weight has the sign of the credit, so this order agrees with UNDER before OVER).
    At a slice end the running vCPU keeps its pCPU unless an eligible waiter ranks at least as
    high.  BOOST lasts until the vCPU is charged (its first slice end or release; Xen drops it
    at the next tick).  The policy is work-conserving: OVER vCPUs run when nobody else waits.

Caps
    ``VmConfig.cap`` (percent of one pCPU, 0 = none; above 100 for multi-vCPU VMs) limits what
    the VM's vCPUs together may run in each period.  Slices are shortened so that the budget
    ends on a slice boundary; a VM that used its budget is parked - its vCPUs wait even if
    pCPUs are idle - until the next period starts.  With several vCPUs of a capped VM running
    at once the budget left is split evenly among them when their slices start, so the cap
    holds up to that approximation.

Simplifications: one global run queue (no per-pCPU queues, no load balancer, no migration
cost); accounting happens exactly at period boundaries and at every scheduling decision instead
of on 10 ms ticks; no mid-slice preemption (a BOOST wake-up waits for the running slice to end,
at most ``slice_us``).  Options: ``period_us``, ``boost`` (default true).
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
        self.credit: dict[Vcpu, int] = {}  # balance in ps of run time
        self.boosted: set[Vcpu] = set()
        self.period_index = 0  # the current accounting period (time // period)
        self.active: set[Vcpu] = set()  # wanted a pCPU during the current period
        self.consumed = 0  # run time of all vCPUs in the current period: the next pool
        self.used: dict[VM, int] = {}  # capped VMs: run time in the current period
        self._timer_armed = False

    # ---- accounting ------------------------------------------------------------------------------
    def account(self) -> None:
        """Catch up with the period boundaries passed since the last scheduling decision."""
        now = self.now()
        while (self.period_index + 1) * self.period <= now:
            boundary = (self.period_index + 1) * self.period
            for vcpu in list(self.running):  # run time before the boundary: the old period
                self.settle(vcpu, boundary)
            self.period_index += 1
            recipients = self.active | set(self.runnable_vcpus())
            self.active = set(self.runnable_vcpus())
            pool, self.consumed = self.consumed, 0
            self.used.clear()
            self.grant(recipients, pool)
            if not self.active:  # nothing runnable: skip the idle periods at once
                self.period_index = max(self.period_index, now // self.period)

    def weights(self, vcpus: set[Vcpu]) -> dict[Vcpu, Fraction]:
        """Each vCPU's weight: its VM's weight split evenly among the VM's vCPUs in ``vcpus``."""
        members: dict[VM, int] = {}
        for vcpu in vcpus:
            members[vcpu.vm] = members.get(vcpu.vm, 0) + 1
        return {v: Fraction(max(0, v.vm.config.weight), members[v.vm]) for v in vcpus}

    def vcpu_weight(self, vcpu: Vcpu) -> Fraction:
        active = sum(1 for v in self.active if v.vm is vcpu.vm) or 1
        return Fraction(max(1, vcpu.vm.config.weight), active)

    def room(self, vcpu: Vcpu) -> int:
        return max(0, self.period - self.credit.get(vcpu, 0))

    def grant(self, vcpus: set[Vcpu], pool: int) -> None:
        """Share ``pool`` out by weight; what a vCPU at the ceiling cannot take goes to the rest."""
        left = {v: w for v, w in self.weights(vcpus).items() if w > 0}
        while pool > 0 and left:
            total = sum(left.values())
            full = [v for v, w in left.items() if pool * w / total >= self.room(v)]
            if not full:
                for vcpu, w in left.items():
                    self.credit[vcpu] = self.credit.get(vcpu, 0) + int(pool * w / total)
                return
            for vcpu in full:  # water-filling: top these up, share the rest again
                pool -= self.room(vcpu)
                self.credit[vcpu] = max(self.credit.get(vcpu, 0), self.period)
                del left[vcpu]

    def budget_left(self, vm: VM) -> int | None:
        """Run time a capped VM may still use this period (None: not capped)."""
        cap = vm.config.cap
        if cap <= 0:
            return None
        return cap * self.period // 100 - self.used.get(vm, 0)

    def settle_vm(self, vm: VM) -> None:
        """Charge the running vCPUs of ``vm`` up to now (a cap is shared by all of them)."""
        for vcpu in [v for v in self.running if v.vm is vm]:
            self.settle(vcpu)

    def priority_class(self, vcpu: Vcpu) -> int:
        if vcpu in self.boosted:
            return BOOST
        return UNDER if self.credit.get(vcpu, 0) >= 0 else OVER

    # ---- policy hooks ----------------------------------------------------------------------------
    def rank(self, vcpu: Vcpu) -> tuple[int, Fraction]:
        return self.priority_class(vcpu), -self.credit.get(vcpu, 0) / self.vcpu_weight(vcpu)

    def eligible(self, vcpu: Vcpu) -> bool:
        left = self.budget_left(vcpu.vm)
        return left is None or left > 0 or not vcpu.vm.running

    def charge(self, vcpu: Vcpu, ps: int) -> None:
        self.credit[vcpu] = self.credit.get(vcpu, 0) - ps
        self.consumed += ps
        self.boosted.discard(vcpu)
        self.active.add(vcpu)
        if vcpu.vm.config.cap > 0:
            self.used[vcpu.vm] = self.used.get(vcpu.vm, 0) + ps

    def on_enqueue(self, vcpu: Vcpu, woken: bool) -> None:
        self.account()
        self.active.add(vcpu)
        if woken and self.boost_enabled and self.credit.get(vcpu, 0) >= 0:
            self.boosted.add(vcpu)

    # ---- the Scheduler interface -----------------------------------------------------------------
    def release(self, vcpu: Vcpu, pcpu: Pcpu) -> None:
        self.account()
        super().release(vcpu, pcpu)

    def should_preempt(self, vcpu: Vcpu, pcpu: Pcpu) -> bool:
        self.account()
        if vcpu.vm.config.cap > 0:
            self.settle_vm(vcpu.vm)
        return super().should_preempt(vcpu, pcpu)

    def slice_ps(self, vcpu: Vcpu) -> int:
        self.account()
        self.settle_vm(vcpu.vm)  # its world switch in (and its siblings' run time) count too
        length = self.slice
        horizon = self.horizon(vcpu)
        if horizon is not None:  # run until the best rival would rank first, give or take
            length = max(self.slice // 4, min(self.slice, horizon + self.slice // 4))
        left = self.budget_left(vcpu.vm)
        if left is not None:
            sharing = sum(1 for v in self.running if v.vm is vcpu.vm)
            length = max(0, min(length, left // max(1, sharing)))
        return length

    def horizon(self, vcpu: Vcpu) -> int | None:
        """Run time after which the best eligible waiter for the vCPU's pCPU would rank at
        least as high as the vCPU (None: nobody waits for that pCPU)."""
        pcpu = self.running.get(vcpu)
        rival = self.best_waiter(pcpu) if pcpu is not None else None
        if rival is None:
            return None
        mine = max(self.priority_class(vcpu), UNDER)  # its BOOST ends when it is charged
        theirs = self.priority_class(rival.vcpu)
        balance = self.credit.get(vcpu, 0)
        if theirs < mine:
            return 0
        if theirs > mine:  # UNDER against OVER: until it is in debt
            return max(0, balance + 1)
        target = self.credit.get(rival.vcpu, 0) / self.vcpu_weight(rival.vcpu)
        return max(0, int(balance - target * self.vcpu_weight(vcpu)))

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
