"""The floating-point state of a hart and the privileged rules that guard it (mstatus.FS).

Owns where the F/D state lives and when it may be used:

* ``hart.f``: the 32 registers f0-f31 as 64-bit patterns (a single is NaN-boxed: its upper 32
  bits are all ones), ``hart.fflags`` (NV DZ OF UF NX, bits 4..0) and ``hart.frm``;
* the FS rule of the privileged spec: with mstatus.FS = Off, and with V=1 also when
  vsstatus.FS = Off, every FP instruction and every access to fflags/frm/fcsr raises an
  illegal-instruction exception (never a virtual-instruction one: V=1 with mstatus.FS = Off is
  illegal as in Spike's ``require_fp``);
* Dirty tracking as Spike does it: an instruction that writes an f register or accrues a
  nonzero flag, and a write to fflags/frm/fcsr, set FS to Dirty in mstatus and, with V=1, in
  vsstatus too.  Stores, moves to integer registers, comparisons and FCLASS that raise no flag
  leave FS alone.  mstatus.SD (and vsstatus.SD) read as one when FS is Dirty
  (:mod:`hvsim.core.csr`).

For speed, ``hart.fpr`` is ``hart.f`` while FS is Dirty wherever it counts (mstatus, and
vsstatus with V=1) and an empty list otherwise: generated code indexes ``h.fpr`` on the fast
path of FP loads and stores and helpers test it, so an empty list (IndexError, a falsy value)
sends them to the slow path that applies the rules above.  :func:`refresh` recomputes it: the
hart does when its translation context is refreshed (FS and V are among that context's
inputs, so every change of them between blocks leads there), :func:`dirty` after making the
state Dirty, and the hypervisor after a world switch gave the hart another vCPU's registers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hvsim.core import bits as B
from hvsim.core.trap import Trap
from hvsim.isa import encoding as E

if TYPE_CHECKING:
    from hvsim.core.hart import Hart

FS = B.MSTATUS_FS
FS_INITIAL = 1 << 13
FS_CLEAN = 2 << 13
FS_DIRTY = FS
#: ``hart.fpr`` when the FP state cannot be used without the checks (never appended to).
NOFP: list[int] = []
#: The upper half of a NaN-boxed single.
BOX = 0xFFFFFFFF00000000
FFLAGS_MASK = 0x1F
FRM_MASK = 0x7


def refresh(h: Hart) -> None:
    """Set ``h.fpr`` to ``h.f`` when FS is Dirty where it counts, else to NOFP."""
    if h.mstatus & FS == FS and (not h.virt or h.vsstatus & FS == FS):
        h.fpr = h.f
    else:
        h.fpr = NOFP


def enabled(h: Hart) -> bool:
    """Whether FP instructions and the FP CSRs are usable (FS != Off where it counts)."""
    return bool(h.mstatus & FS) and (not h.virt or bool(h.vsstatus & FS))


def check(h: Hart, raw: int) -> list[int]:
    """Raise illegal instruction when FS is Off; return the register file."""
    if not h.mstatus & FS or (h.virt and not h.vsstatus & FS):
        raise Trap(E.CAUSE_ILLEGAL_INSTRUCTION, raw)
    return h.f


def dirty(h: Hart) -> None:
    """The FP state was written: FS = Dirty in mstatus and, with V=1, in vsstatus."""
    h.mstatus |= FS
    if h.virt:
        h.vsstatus |= FS
    refresh(h)


def enter(h: Hart, raw: int, rm: int) -> list[int]:
    """Checks of an instruction that writes an f register with rounding mode ``rm`` (already
    resolved from frm when dynamic): FS on, rm not reserved; then FS = Dirty (nothing can
    trap after these checks).  Returns the register file."""
    f = check(h, raw)
    if rm > 4:
        raise Trap(E.CAUSE_ILLEGAL_INSTRUCTION, raw)
    dirty(h)
    return f


def accrue(h: Hart, flags: int) -> None:
    """OR nonzero exception flags into fflags (a write of FP state: FS = Dirty)."""
    h.fflags |= flags
    if h.fpr is not h.f:
        dirty(h)


def read_fcsr(h: Hart) -> int:
    return (h.frm << 5) | h.fflags


def write_fcsr(h: Hart, value: int) -> None:
    h.fflags = value & FFLAGS_MASK
    h.frm = (value >> 5) & FRM_MASK
    dirty(h)


def write_fflags(h: Hart, value: int) -> None:
    h.fflags = value & FFLAGS_MASK
    dirty(h)


def write_frm(h: Hart, value: int) -> None:
    h.frm = value & FRM_MASK  # reserved values are stored; a dynamic-rm instruction traps
    dirty(h)


def reset(h: Hart) -> None:
    """Power-on FP state: registers and fcsr zero (mstatus.FS is reset with mstatus)."""
    h.f = [0] * 32
    h.fflags = 0
    h.frm = 0
    h.fpr = NOFP
