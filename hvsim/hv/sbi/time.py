"""SBI Timer extension (EID 0x54494D45 "TIME"): ``set_timer`` drives the vCPU's SBI timer.

The deadline is in guest ``time`` ticks; :meth:`~hvsim.hv.vcpu.Vcpu.set_sbi_timer` clears a
pending VS timer interrupt and arms the next one (a deadline in the past fires at once, an
all-ones deadline never fires), as KVM's vcpu_sbi_time does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hvsim.hv.sbi import SbiResult, register_functions

if TYPE_CHECKING:
    from hvsim.core.hart import Hart
    from hvsim.hv.vcpu import Vcpu

EID_TIME = 0x54494D45


def _set_timer(vcpu: Vcpu, hart: Hart, args: list[int]) -> SbiResult:
    vcpu.set_sbi_timer(args[0])
    return SbiResult(function="set_timer")


FUNCTIONS = {0: _set_timer}

register_functions("time", EID_TIME, FUNCTIONS)
