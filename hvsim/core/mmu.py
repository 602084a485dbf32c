"""Address translation: Sv39/Sv48 (satp, vsatp) and Sv39x4/Sv48x4 (hgatp), as in the spec.

:func:`translate` maps a virtual address to a host physical address for one access kind at
one (privilege, V) pair.  With V=1 the VS-stage walk sends the address of every PTE it reads
through the G-stage (:func:`g_stage`), and the final guest-physical address goes through it
too, as Spike's ``walk``/``s2xlate`` pair does.

Choices where the spec leaves room (documented for users):

* A/D bits are updated by hardware (like QEMU; Svadu behaviour) at both stages: a walk for a
  load sets A, a walk for a store sets A and D.  The VS-stage PTE update is a store through
  the G-stage.
* Non-leaf PTEs with A, D or U set, and PTEs with any of bits 63:54 set (no Svnapot/Svpbmt),
  are page faults, like Spike.
* PMP registers are WARL storage only; PMP checks are not enforced.

The results are cached by the hart's per-context fast TLB dictionaries; this module never
caches.  Faults are :class:`~hvsim.core.trap.Trap` with tval = the faulting virtual address,
and for guest-page faults tval2 = GPA >> 2, tinst = the transformed instruction (explicit
accesses) or the 0x3000/0x3020 pseudo-instruction (implicit VS-stage PTE accesses).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hvsim.core import bits as B
from hvsim.core.trap import BusError, Trap
from hvsim.isa import encoding as E

if TYPE_CHECKING:
    from hvsim.core.hart import Hart

PAGE_FAULT = (E.CAUSE_FETCH_PAGE_FAULT, E.CAUSE_LOAD_PAGE_FAULT, E.CAUSE_STORE_PAGE_FAULT)
ACCESS_FAULT = (E.CAUSE_FETCH_ACCESS, E.CAUSE_LOAD_ACCESS, E.CAUSE_STORE_ACCESS)
GUEST_PAGE_FAULT = (
    E.CAUSE_FETCH_GUEST_PAGE_FAULT,
    E.CAUSE_LOAD_GUEST_PAGE_FAULT,
    E.CAUSE_STORE_GUEST_PAGE_FAULT,
)
LEVELS = {B.ATP_MODE_SV39: 3, B.ATP_MODE_SV48: 4}
PPN44 = (1 << 44) - 1
TINST_PT_READ = 0x3000  # pseudo-instruction: implicit 64-bit read of a VS-stage PTE
TINST_PT_WRITE = 0x3020  # ... and the implicit write of its A/D bits


def translate(
    h: Hart, va: int, acc: int, priv: int, virt: bool, tinst: int = 0, hlvx: bool = False
) -> int:
    """Translate ``va`` for access ``acc`` (bits.ACC_*) at privilege ``priv`` with V=``virt``."""
    if not virt:
        if priv == B.PRV_M:
            return va
        satp = h.satp
        mode = satp >> B.ATP_MODE_SHIFT
        if mode == B.ATP_MODE_BARE:
            return va
        st = h.mstatus
        return _walk(
            h,
            va,
            acc,
            priv,
            satp,
            mode,
            bool(st & B.MSTATUS_SUM),
            bool(st & B.MSTATUS_MXR),
            False,
            hlvx,
        )
    vsatp = h.vsatp
    mode = vsatp >> B.ATP_MODE_SHIFT
    if mode == B.ATP_MODE_BARE:
        gpa = va
    else:
        vs = h.vsstatus
        mxr = bool((vs | h.mstatus) & B.MSTATUS_MXR)
        gpa = _walk(h, va, acc, priv, vsatp, mode, bool(vs & B.MSTATUS_SUM), mxr, True, hlvx)
    return g_stage(h, gpa, acc, va, tinst, hlvx)


def _walk(
    h: Hart,
    va: int,
    acc: int,
    priv: int,
    atp: int,
    mode: int,
    sum_: bool,
    mxr: bool,
    virt: bool,
    hlvx: bool,
) -> int:
    """One single-stage walk (satp, or vsatp with every PTE address sent through the G-stage)."""
    levels = LEVELS[mode]
    va_bits = 12 + 9 * levels
    top = va >> (va_bits - 1)
    if top != 0 and top != (1 << (65 - va_bits)) - 1:
        raise Trap(PAGE_FAULT[acc], va, gva=virt)
    mem = h.mem
    table = (atp & PPN44) << 12
    level = levels - 1
    h.walks += 1
    while True:
        h.pte_reads += 1
        pte_addr = table + ((va >> (12 + 9 * level)) & 0x1FF) * 8
        pte_pa = (
            g_stage(h, pte_addr, acc, va, TINST_PT_READ, False, implicit=True) if virt else pte_addr
        )
        try:
            pte = mem.read(pte_pa, 8)
        except BusError:
            raise Trap(ACCESS_FAULT[acc], va, gva=virt) from None
        if not pte & B.PTE_V or (pte & (B.PTE_R | B.PTE_W)) == B.PTE_W or pte & B.PTE_RESERVED:
            raise Trap(PAGE_FAULT[acc], va, gva=virt)
        if pte & (B.PTE_R | B.PTE_X):
            break
        if pte & (B.PTE_A | B.PTE_D | B.PTE_U) or level == 0:
            raise Trap(PAGE_FAULT[acc], va, gva=virt)
        table = ((pte >> 10) & PPN44) << 12
        level -= 1
    ppn = (pte >> 10) & PPN44
    if ppn & ((1 << (9 * level)) - 1):  # misaligned superpage
        raise Trap(PAGE_FAULT[acc], va, gva=virt)
    if priv == B.PRV_U:
        if not pte & B.PTE_U:
            raise Trap(PAGE_FAULT[acc], va, gva=virt)
    elif pte & B.PTE_U and (acc == B.ACC_FETCH or not sum_):
        raise Trap(PAGE_FAULT[acc], va, gva=virt)
    if not _permitted(pte, acc, mxr, hlvx):
        raise Trap(PAGE_FAULT[acc], va, gva=virt)
    _update_ad(h, pte, pte_addr, pte_pa, acc, va, virt)
    return (ppn << 12) | (va & ((1 << (12 + 9 * level)) - 1))


def _permitted(pte: int, acc: int, mxr: bool, hlvx: bool) -> bool:
    if acc == B.ACC_STORE:
        return bool(pte & B.PTE_W)
    if acc == B.ACC_FETCH or hlvx:
        return bool(pte & B.PTE_X)
    return bool(pte & B.PTE_R or (mxr and pte & B.PTE_X))


def _update_ad(
    h: Hart, pte: int, pte_addr: int, pte_pa: int, acc: int, va: int, virt: bool
) -> None:
    """Hardware A/D update; with V=1 the PTE write is itself a store through the G-stage."""
    new = pte | B.PTE_A | (B.PTE_D if acc == B.ACC_STORE else 0)
    if new == pte:
        return
    if virt:
        pte_pa = g_stage(h, pte_addr, acc, va, TINST_PT_WRITE, False, implicit=True, write=True)
    try:
        h.mem.write(pte_pa, 8, new)
    except BusError:
        raise Trap(ACCESS_FAULT[acc], va, gva=virt) from None


def g_stage(
    h: Hart,
    gpa: int,
    acc: int,
    va: int,
    tinst: int,
    hlvx: bool,
    implicit: bool = False,
    write: bool = False,
) -> int:
    """Guest physical -> host physical through hgatp.

    ``acc`` is the kind of the *original* access (it picks the fault cause); an implicit
    VS-stage page-table access is checked as a read (or a write for an A/D update).
    """
    hgatp = h.hgatp
    mode = hgatp >> B.ATP_MODE_SHIFT
    if mode == B.ATP_MODE_BARE:
        return gpa
    levels = LEVELS[mode]
    if gpa >> (14 + 9 * levels):  # GPA wider than 41 (Sv39x4) or 50 (Sv48x4) bits
        raise Trap(GUEST_PAGE_FAULT[acc], va, gpa >> 2, tinst, gva=True)
    check = (B.ACC_STORE if write else B.ACC_LOAD) if implicit else acc
    mem = h.mem
    table = (hgatp & PPN44) << 12
    level = levels - 1
    h.g_walks += 1
    while True:
        h.g_pte_reads += 1
        width = 0x7FF if level == levels - 1 else 0x1FF
        pte_pa = table + ((gpa >> (12 + 9 * level)) & width) * 8
        try:
            pte = mem.read(pte_pa, 8)
        except BusError:
            raise Trap(ACCESS_FAULT[acc], va, gva=True) from None
        if not pte & B.PTE_V or (pte & (B.PTE_R | B.PTE_W)) == B.PTE_W or pte & B.PTE_RESERVED:
            raise Trap(GUEST_PAGE_FAULT[acc], va, gpa >> 2, tinst, gva=True)
        if pte & (B.PTE_R | B.PTE_X):
            break
        if pte & (B.PTE_A | B.PTE_D | B.PTE_U) or level == 0:
            raise Trap(GUEST_PAGE_FAULT[acc], va, gpa >> 2, tinst, gva=True)
        table = ((pte >> 10) & PPN44) << 12
        level -= 1
    ppn = (pte >> 10) & PPN44
    mxr = bool(h.mstatus & B.MSTATUS_MXR)
    if (
        ppn & ((1 << (9 * level)) - 1)
        or not pte & B.PTE_U
        or not _permitted(pte, check, mxr, hlvx and not implicit)
    ):
        raise Trap(GUEST_PAGE_FAULT[acc], va, gpa >> 2, tinst, gva=True)
    new = pte | B.PTE_A | (B.PTE_D if check == B.ACC_STORE else 0)
    if new != pte:
        try:
            mem.write(pte_pa, 8, new)
        except BusError:
            raise Trap(ACCESS_FAULT[acc], va, gva=True) from None
    return (ppn << 12) | (gpa & ((1 << (12 + 9 * level)) - 1))
