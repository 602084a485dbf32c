"""SBI Base extension (EID 0x10): spec version, implementation id/version, probe, machine ids."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hvsim.hv import sbi
from hvsim.hv.sbi import SbiFunction, SbiResult, register_functions
from hvsim.hv.vcpu import Action

if TYPE_CHECKING:
    from hvsim.core.hart import Hart
    from hvsim.hv.vcpu import Vcpu

EID_BASE = 0x10


def _constant(name: str, value: int) -> SbiFunction:
    """A function that always succeeds with ``value`` (its result is built once)."""
    result = SbiResult(sbi.SBI_SUCCESS, value, Action.RESUME, name)
    return lambda vcpu, hart, args: result


def _probe_extension(vcpu: Vcpu, hart: Hart, args: list[int]) -> SbiResult:
    ext = sbi.find(args[0])
    available = ext.probe(vcpu.vm) if ext is not None else 0
    return SbiResult(sbi.SBI_SUCCESS, available, Action.RESUME, "probe_extension")


FUNCTIONS: dict[int, SbiFunction] = {
    0: _constant("get_spec_version", sbi.SPEC_VERSION),
    1: _constant("get_impl_id", sbi.IMPL_ID),
    2: _constant("get_impl_version", sbi.IMPL_VERSION),
    3: _probe_extension,
    4: _constant("get_mvendorid", 0),
    5: _constant("get_marchid", 0),
    6: _constant("get_mimpid", 0),
}

register_functions("base", EID_BASE, FUNCTIONS)
