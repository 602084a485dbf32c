"""Decoding the guest load/store behind an MMIO guest-page fault, as KVM's vcpu_insn.c does.

The H extension gives the hypervisor the *transformed instruction* in htinst: a standard
load/store with its address fields cleared and bit 1 cleared when the original instruction was
compressed.  When htinst is 0 the hypervisor fetches the instruction itself with HLVX from the
guest's sepc (through both translation stages, with execute permission).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from hvsim.core import bits as B
from hvsim.core import mmu
from hvsim.core.trap import BusError, Trap
from hvsim.isa.decode import decode

if TYPE_CHECKING:
    from hvsim.core.hart import Hart

# name -> (is store, size, sign-extend)
ACCESSES = {
    "lb": (False, 1, True),
    "lbu": (False, 1, False),
    "lh": (False, 2, True),
    "lhu": (False, 2, False),
    "lw": (False, 4, True),
    "lwu": (False, 4, False),
    "ld": (False, 8, False),
    "sb": (True, 1, False),
    "sh": (True, 2, False),
    "sw": (True, 4, False),
    "sd": (True, 8, False),
}


class MmioAccess(NamedTuple):
    store: bool
    size: int
    signed: bool
    reg: int  # rd for loads, rs2 for stores
    length: int  # instruction length, to advance sepc


def fetch_guest_insn(hart: Hart, pc: int) -> int:
    """HLVX-style fetch of the guest instruction at ``pc`` (raises Trap if it cannot)."""
    priv = B.PRV_S if hart.hstatus & B.HSTATUS_SPVP else B.PRV_U

    def half(va: int) -> int:
        pa = mmu.translate(hart, va, B.ACC_LOAD, priv, True, hlvx=True)
        try:
            return hart.mem.read(pa, 2)
        except BusError:
            raise Trap(mmu.ACCESS_FAULT[B.ACC_LOAD], va) from None

    lo = half(pc)
    if lo & 3 != 3:
        return lo
    return lo | (half((pc + 2) & B.M64) << 16)


def decode_access(hart: Hart, htinst: int, sepc: int) -> MmioAccess | None:
    """The access described by htinst (or by the instruction at sepc when htinst is 0)."""
    if htinst & 1:  # a transformed standard instruction
        length = 4 if htinst & 2 else 2
        insn = decode(htinst | 2)
    else:
        raw = fetch_guest_insn(hart, sepc)
        length = 4 if raw & 3 == 3 else 2
        insn = decode(raw)
    if insn is None or insn.name not in ACCESSES:
        return None
    store, size, signed = ACCESSES[insn.name]
    return MmioAccess(store, size, signed, insn.rs2 if store else insn.rd, length)
