"""SBI Hart State Management extension (EID 0x48534D "HSM"): vCPU power states.

* ``hart_start(hartid, start_addr, opaque)``: a STOPPED vCPU enters VS-mode at ``start_addr``
  with a0 = hartid, a1 = opaque, vsatp = 0 and interrupts off (the ``("start", pc, opaque)``
  request of :meth:`~hvsim.hv.vm.VM.apply_request`).  A stopped vCPU is never loaded on a
  pCPU, so the request is applied to its saved context at once and the vCPU is kicked; a
  posted request could be missed by a vCPU that is still switching out after ``hart_stop``.
  ``start_addr`` must be an (even) address in guest RAM: SBI_ERR_INVALID_ADDRESS otherwise.
* ``hart_stop()``: the caller powers off (its SBI timer and Sstc deadline are disarmed so a
  later start begins with no stale timer).
* ``hart_get_status(hartid)``: the :class:`~hvsim.hv.vcpu.Power` value; a vCPU blocked in
  ``hart_suspend`` reports SUSPENDED.
* ``hart_suspend(type, resume_addr, opaque)``: the default retentive type (0) waits like WFI
  and returns 0 once an enabled interrupt is pending; the default non-retentive type
  (0x80000000) waits the same way but then resumes at ``resume_addr`` with a0 = hartid,
  a1 = opaque, vsatp = 0 and sstatus.SIE = 0 (the interrupt that woke it stays pending).
  ``suspend_type`` is a 32-bit parameter (its upper bits are ignored); reserved and
  platform-specific types are SBI_ERR_INVALID_PARAM.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from hvsim.core import bits as B
from hvsim.core.trap import MIP_VSTIP
from hvsim.hv import sbi
from hvsim.hv.sbi import SbiResult, register_functions
from hvsim.hv.vcpu import Action, Power

if TYPE_CHECKING:
    from hvsim.core.hart import Hart
    from hvsim.hv.vcpu import Vcpu

EID_HSM = 0x48534D
SUSPEND_RETENTIVE = 0x00000000
SUSPEND_NON_RETENTIVE = 0x80000000


def _target(vcpu: Vcpu, hartid: int) -> Vcpu | None:
    vcpus = vcpu.vm.vcpus
    return vcpus[hartid] if hartid < len(vcpus) else None


def _entry_ok(vcpu: Vcpu, addr: int) -> bool:
    """Can a vCPU start executing at guest-physical ``addr`` (RAM, instruction aligned)?"""
    return addr & 1 == 0 and vcpu.vm.is_ram(addr, 2)


def _hart_start(vcpu: Vcpu, hart: Hart, args: list[int]) -> SbiResult:
    hartid, start_addr, opaque = args[0], args[1], args[2]
    target = _target(vcpu, hartid)
    if target is None:
        return SbiResult(sbi.SBI_ERR_INVALID_PARAM, function="hart_start")
    if target.power is not Power.STOPPED:
        return SbiResult(sbi.SBI_ERR_ALREADY_AVAILABLE, function="hart_start")
    if not _entry_ok(vcpu, start_addr):
        return SbiResult(sbi.SBI_ERR_INVALID_ADDRESS, function="hart_start")
    vcpu.vm.apply_request(target, ("start", start_addr, opaque))
    target.kick()
    return SbiResult(function="hart_start")


def _hart_stop(vcpu: Vcpu, hart: Hart, args: list[int]) -> SbiResult:
    vcpu.sbi_timer = None
    vcpu.set_hvip(MIP_VSTIP, False)
    hart.vstimecmp = B.M64
    hart.update_timers()
    return SbiResult(action=Action.POWER_OFF, function="hart_stop")


def _status(target: Vcpu) -> Power:
    """The HSM state of ``target``: a vCPU blocked in hart_suspend is SUSPENDED."""
    if target.blocked and target.suspended:
        return Power.SUSPENDED
    return target.power


def _hart_get_status(vcpu: Vcpu, hart: Hart, args: list[int]) -> SbiResult:
    target = _target(vcpu, args[0])
    if target is None:
        return SbiResult(sbi.SBI_ERR_INVALID_PARAM, function="hart_get_status")
    return SbiResult(value=_status(target).value, function="hart_get_status")


def _wait(vcpu: Vcpu, returns: bool = True) -> SbiResult:
    action = Action.RESUME if vcpu.interrupt_pending() else Action.BLOCK
    vcpu.suspended = action is Action.BLOCK
    return SbiResult(action=action, function="hart_suspend", returns=returns)


def _resume_at(vcpu: Vcpu, hart: Hart, resume_addr: int, opaque: int) -> None:
    """Set the state a non-retentive suspend resumes with (registers not listed: unchanged)."""
    hart.x[10] = vcpu.index
    hart.x[11] = opaque & B.M64
    hart.sepc = resume_addr
    hart.vsatp = 0
    hart.vsstatus &= ~B.MSTATUS_SIE
    hart.hstatus |= B.HSTATUS_SPVP  # resume in VS-mode
    hart.mstatus |= B.MSTATUS_SPP
    hart.state_changed()


def _hart_suspend(vcpu: Vcpu, hart: Hart, args: list[int]) -> SbiResult:
    suspend_type, resume_addr, opaque = args[0] & 0xFFFFFFFF, args[1], args[2]
    if suspend_type == SUSPEND_RETENTIVE:
        return _wait(vcpu)
    if suspend_type != SUSPEND_NON_RETENTIVE:
        return SbiResult(sbi.SBI_ERR_INVALID_PARAM, function="hart_suspend")
    if not _entry_ok(vcpu, resume_addr):
        return SbiResult(sbi.SBI_ERR_INVALID_ADDRESS, function="hart_suspend")
    _resume_at(vcpu, hart, resume_addr, opaque)
    return _wait(vcpu, returns=False)


FUNCTIONS: dict[int, Callable[[Vcpu, Hart, list[int]], SbiResult]] = {
    0: _hart_start,
    1: _hart_stop,
    2: _hart_get_status,
    3: _hart_suspend,
}

register_functions("hsm", EID_HSM, FUNCTIONS)
