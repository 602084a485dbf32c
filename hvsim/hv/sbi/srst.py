"""SBI System Reset extension (EID 0x53525354 "SRST"): shutdown and reboot of the VM.

``system_reset(reset_type, reset_reason)``: shutdown (0) stops the VM in state "shutdown";
cold (1) and warm (2) reboot stop it in state "reset" (whoever runs the simulation decides
whether to boot it again).  Both parameters are 32 bits wide (upper register bits ignored).
Reserved and vendor-specific reset types, and reasons other than "no reason" (0) and
"system failure" (1), are SBI_ERR_INVALID_PARAM: this implementation defines no
implementation- or platform-specific ones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hvsim.hv import sbi
from hvsim.hv.sbi import SbiResult, register_functions
from hvsim.hv.vcpu import Action

if TYPE_CHECKING:
    from hvsim.core.hart import Hart
    from hvsim.hv.vcpu import Vcpu

EID_SRST = 0x53525354
RESET_STATES = {0: "shutdown", 1: "reset", 2: "reset"}  # type -> VM state
REASONS = {0: "none", 1: "system_failure"}


def _system_reset(vcpu: Vcpu, hart: Hart, args: list[int]) -> SbiResult:
    reset_type, reason = args[0] & 0xFFFFFFFF, args[1] & 0xFFFFFFFF
    state = RESET_STATES.get(reset_type)
    if state is None or reason not in REASONS:
        return SbiResult(sbi.SBI_ERR_INVALID_PARAM, function="system_reset")
    vcpu.vm.shutdown(hart.x, state=state)
    return SbiResult(action=Action.STOP_VM, function="system_reset")


FUNCTIONS = {0: _system_reset}

register_functions("srst", EID_SRST, FUNCTIONS)
