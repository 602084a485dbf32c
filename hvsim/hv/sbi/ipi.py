"""SBI IPI extension (EID 0x735049 "sPI"), and the decoding of SBI hart masks.

``send_ipi(hart_mask, hart_mask_base)`` raises VSSIP on every named vCPU.  A hart mask
(SBI binary encoding, "Hart list parameter") names hart ids ``hart_mask_base + i`` for each set
bit ``i`` of ``hart_mask``; ``hart_mask_base == -1`` (all ones) names every hart of the VM and
ignores the mask.  A base or any named hart id that is not a vCPU of the VM makes the whole
call fail with SBI_ERR_INVALID_PARAM before anything is sent.  Hart ids are not wrapped
modulo 2^64: a base near 2^64 whose bits run past it names no valid hart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hvsim.core import bits as B
from hvsim.hv import sbi
from hvsim.hv.sbi import SbiResult, register_functions

if TYPE_CHECKING:
    from hvsim.core.hart import Hart
    from hvsim.hv.vcpu import Vcpu

EID_IPI = 0x735049
ALL_HARTS = B.M64  # hart_mask_base = -1


def hart_mask_targets(vcpu: Vcpu, hart_mask: int, hart_mask_base: int) -> list[Vcpu] | None:
    """The vCPUs of ``vcpu``'s VM named by a hart mask, or None if it names an invalid hart."""
    vcpus = vcpu.vm.vcpus
    if hart_mask_base == ALL_HARTS:
        return list(vcpus)
    if hart_mask_base >= len(vcpus):
        return None
    targets = []
    mask = hart_mask & B.M64
    while mask:
        low = mask & -mask
        hartid = hart_mask_base + low.bit_length() - 1
        if hartid >= len(vcpus):
            return None
        targets.append(vcpus[hartid])
        mask ^= low
    return targets


def _send_ipi(vcpu: Vcpu, hart: Hart, args: list[int]) -> SbiResult:
    targets = hart_mask_targets(vcpu, args[0], args[1])
    if targets is None:
        return SbiResult(sbi.SBI_ERR_INVALID_PARAM, function="send_ipi")
    for target in targets:
        target.send_ipi()
    return SbiResult(function="send_ipi")


FUNCTIONS = {0: _send_ipi}

register_functions("ipi", EID_IPI, FUNCTIONS)
