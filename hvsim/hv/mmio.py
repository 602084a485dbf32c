"""Decoding the guest load/store behind an MMIO guest-page fault, as KVM's vcpu_insn.c does.

The H extension gives the hypervisor the *transformed instruction* in htinst: a standard
load/store with its address fields cleared and bit 1 cleared when the original instruction was
compressed.  When htinst is 0 the hypervisor fetches the instruction itself with HLVX from the
guest's sepc (through both translation stages, with execute permission).

A transformed instruction says everything about the access by itself, and a guest driver
touches its device registers with a handful of instructions, so decodings of htinst values
are kept in a table (:data:`DECODED`): the MMIO exit path decodes each value once.
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


#: htinst value -> its decoded access (None: not a load or store); at most MAX_DECODED values
DECODED: dict[int, MmioAccess | None] = {}
MAX_DECODED = 4096


def decode_access(hart: Hart, htinst: int, sepc: int) -> MmioAccess | None:
    """The access described by htinst (or by the instruction at sepc when htinst is 0)."""
    if htinst & 1:  # a transformed standard instruction
        try:
            return DECODED[htinst]
        except KeyError:
            access = decode_transformed(htinst)
            if len(DECODED) >= MAX_DECODED:
                DECODED.clear()
            DECODED[htinst] = access
            return access
    raw = fetch_guest_insn(hart, sepc)
    return _access_of(raw, 4 if raw & 3 == 3 else 2)


def decode_transformed(htinst: int) -> MmioAccess | None:
    """Decode a transformed instruction (bit 0 set; bit 1 clear when the original was 16-bit)."""
    return _access_of(htinst | 2, 4 if htinst & 2 else 2)


def _access_of(raw: int, length: int) -> MmioAccess | None:
    insn = decode(raw)
    if insn is None or insn.name not in ACCESSES:
        return None
    store, size, signed = ACCESSES[insn.name]
    return MmioAccess(store, size, signed, insn.rs2 if store else insn.rd, length)
