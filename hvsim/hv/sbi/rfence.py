"""SBI RFENCE extension (EID 0x52464E43 "RFNC"): remote FENCE.I and SFENCE.VMA for guests.

Each target vCPU (decoded with :func:`hvsim.hv.sbi.ipi.hart_mask_targets`) gets a posted
``("fence", "fence_i" | "vvma", start, size, asid)`` request, applied on the pCPU it runs on at
its next batch boundary (for the caller itself too, before it runs on).  A range covers the
whole address space when ``start`` and ``size`` are both 0 or ``size`` is 2^64-1; any other
range that runs past 2^64 is not valid (SBI_ERR_INVALID_ADDRESS).

The HFENCE functions are only meaningful to a guest that runs guests of its own; VS-mode
harts do not offer the H extension here, so they return SBI_ERR_NOT_SUPPORTED, which is what
the specification prescribes when a target hart lacks the hypervisor extension.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from hvsim.core import bits as B
from hvsim.hv import sbi
from hvsim.hv.sbi import SbiExtension, SbiResult, register
from hvsim.hv.sbi.ipi import hart_mask_targets

if TYPE_CHECKING:
    from hvsim.core.hart import Hart
    from hvsim.hv.vcpu import Vcpu

EID_RFENCE = 0x52464E43


class Fence(NamedTuple):
    name: str  # statistics name of the SBI function
    kind: str | None  # posted fence kind; None: not supported for guests
    ranged: bool = False  # takes start_addr, size
    with_asid: bool = False  # takes an ASID after the range


FUNCTIONS = {
    0: Fence("remote_fence_i", "fence_i"),
    1: Fence("remote_sfence_vma", "vvma", ranged=True),
    2: Fence("remote_sfence_vma_asid", "vvma", ranged=True, with_asid=True),
    3: Fence("remote_hfence_gvma_vmid", None),
    4: Fence("remote_hfence_gvma", None),
    5: Fence("remote_hfence_vvma_asid", None),
    6: Fence("remote_hfence_vvma", None),
}


def valid_range(start: int, size: int) -> bool:
    """Whether ``[start, start + size)`` is a range the RFENCE functions accept."""
    if (start == 0 and size == 0) or size == B.M64:
        return True  # the whole address space
    return start + size <= 1 << 64


def handle(vcpu: Vcpu, hart: Hart, fid: int, args: list[int]) -> SbiResult:
    fence = FUNCTIONS.get(fid)
    if fence is None:
        return SbiResult(sbi.SBI_ERR_NOT_SUPPORTED, function=str(fid))
    if fence.kind is None:
        return SbiResult(sbi.SBI_ERR_NOT_SUPPORTED, function=fence.name)
    targets = hart_mask_targets(vcpu, args[0], args[1])
    if targets is None:
        return SbiResult(sbi.SBI_ERR_INVALID_PARAM, function=fence.name)
    start, size = (args[2], args[3]) if fence.ranged else (0, 0)
    if not valid_range(start, size):
        return SbiResult(sbi.SBI_ERR_INVALID_ADDRESS, function=fence.name)
    asid = args[4] if fence.with_asid else 0
    for target in targets:
        target.post(("fence", fence.kind, start, size, asid))
    return SbiResult(function=fence.name)


register(SbiExtension("rfence", range(EID_RFENCE, EID_RFENCE + 1), handle))
