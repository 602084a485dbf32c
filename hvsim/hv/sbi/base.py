"""SBI Base extension (EID 0x10): spec version, implementation id/version, probe, machine ids."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hvsim.hv import sbi
from hvsim.hv.sbi import SbiExtension, SbiResult, register

if TYPE_CHECKING:
    from hvsim.core.hart import Hart
    from hvsim.hv.vcpu import Vcpu

EID_BASE = 0x10

FUNCTIONS = {
    0: ("get_spec_version", lambda vcpu, args: sbi.SPEC_VERSION),
    1: ("get_impl_id", lambda vcpu, args: sbi.IMPL_ID),
    2: ("get_impl_version", lambda vcpu, args: sbi.IMPL_VERSION),
    3: ("probe_extension", lambda vcpu, args: _probe(vcpu, args[0])),
    4: ("get_mvendorid", lambda vcpu, args: 0),
    5: ("get_marchid", lambda vcpu, args: 0),
    6: ("get_mimpid", lambda vcpu, args: 0),
}


def _probe(vcpu: Vcpu, eid: int) -> int:
    ext = sbi.find(eid)
    return ext.probe(vcpu.vm) if ext is not None else 0


def handle(vcpu: Vcpu, hart: Hart, fid: int, args: list[int]) -> SbiResult:
    entry = FUNCTIONS.get(fid)
    if entry is None:
        return SbiResult(sbi.SBI_ERR_NOT_SUPPORTED, function=str(fid))
    name, fn = entry
    return SbiResult(sbi.SBI_SUCCESS, fn(vcpu, args), function=name)


register(SbiExtension("base", range(EID_BASE, EID_BASE + 1), handle))
