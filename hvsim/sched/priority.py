"""``priority``: strict priority by ``VmConfig.priority`` (higher first), round-robin within one.

A released pCPU goes to the waiting vCPU with the highest priority; among equals, to the one
that has waited longest, so equal priorities take turns slice by slice.  At a slice end the
running vCPU keeps its pCPU unless a vCPU of the same or a higher priority waits for it.  A
lower priority therefore runs only while no higher-priority vCPU is runnable: CPU-bound
high-priority vCPUs starve it completely, which is the point of the policy.

The host loop has no mid-slice preemption: a high-priority vCPU that wakes up while a lower
one runs waits until that slice ends - at most ``slice_us`` - and then gets the pCPU.
Pinned vCPUs (``VmConfig.pin``) only run on their pCPU.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hvsim.sched.base import register_scheduler
from hvsim.sched.ranked import RankedScheduler

if TYPE_CHECKING:
    from hvsim.hv.vcpu import Vcpu


@register_scheduler
class PriorityScheduler(RankedScheduler):
    name = "priority"

    def rank(self, vcpu: Vcpu) -> int:
        return -vcpu.vm.config.priority
