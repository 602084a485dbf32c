"""RV64F and RV64D (with C.FLD/C.FSD/C.FLDSP/C.FSDSP, which decode to FLD/FSD).

Every FP instruction is a call of a helper that takes the hart (so the region compiler treats
it as a possible trap point), except the fast paths of FLW/FLD/FSW/FSD, which use the
software-TLB pattern of the integer loads and stores (:mod:`hvsim.core.insns.rv64i`) on
``h.fpr``: that list is the register file only while FS is Dirty, otherwise indexing it fails
and the slow path applies the FS rule (see :mod:`hvsim.core.fpstate`).  Integer operands and
results go through the emitter like any integer instruction (``e.rs1``, ``e.set_rd``).

A helper checks FS (illegal instruction when Off), resolves a dynamic rounding mode from frm
(a reserved static or dynamic rounding mode is an illegal instruction, for every instruction
with an rm field, also the exact conversions, as Spike's ``RM`` macro does), reads its
operands (a single operand that is not properly NaN-boxed reads as the canonical NaN),
computes with :mod:`hvsim.core.fpu`, writes the result (a single result is NaN-boxed), ORs the
flags into fflags and sets FS to Dirty when it wrote FP state.

Instruction kinds (the registry below maps each instruction to one kind and one function of
64-bit register values):

======== ===================================================== ====================================
kind     operands -> result                                    instructions
======== ===================================================== ====================================
``FFR``  f, f, rm -> f                                         FADD FSUB FMUL FDIV
``FR``   f, rm -> f                                            FSQRT FCVT.S.D FCVT.D.S
``FFFR`` f, f, f, rm -> f                                      FMADD FMSUB FNMSUB FNMADD
``FF``   f, f -> f                                             FSGNJ FSGNJN FSGNJX FMIN FMAX
``XFF``  f, f -> x                                             FEQ FLT FLE
``XF``   f -> x                                                FCLASS FMV.X.W FMV.X.D
``XFR``  f, rm -> x                                            FCVT.{W,WU,L,LU}.{S,D}
``FXR``  x, rm -> f                                            FCVT.{S,D}.{W,WU,L,LU}
``FX``   x -> f                                                FMV.W.X FMV.D.X
======== ===================================================== ====================================

FMV.X.W and FSW move the low 32 bits of the register as they are (no NaN-box check), FMV.W.X
and FLW NaN-box, FSGNJ* never canonicalise NaNs, and W-sized integer results (FCVT.W[U],
FMV.X.W) are sign-extended to 64 bits, all as the spec says.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from hvsim.core import fpstate
from hvsim.core import fpu as U
from hvsim.core.fpstate import BOX
from hvsim.core.insns import Emitter, semantics
from hvsim.core.insns.rv64i import address, tinst
from hvsim.core.trap import Trap
from hvsim.isa import encoding as E

if TYPE_CHECKING:
    from hvsim.core.hart import Hart

M64 = (1 << 64) - 1
M32 = 0xFFFFFFFF
S32, D64 = U.F32, U.F64
CANONICAL_S = S32.qnan


# ---- value adapters: 64-bit register values in, 64-bit register values out -----------------
def unbox(x: int) -> int:
    """The single held in a register value: its low half when NaN-boxed, else the canonical
    NaN."""
    return x & M32 if x >= BOX else CANONICAL_S


def _sext32(v: int) -> int:
    return (((v & M32) ^ 0x80000000) - 0x80000000) & M64


def _s_rr(op):
    def fn(a: int, b: int, rm: int) -> tuple[int, int]:
        r, fl = op(S32, unbox(a), unbox(b), rm)
        return r | BOX, fl

    return fn


def _s_r(op):
    def fn(a: int, rm: int) -> tuple[int, int]:
        r, fl = op(S32, unbox(a), rm)
        return r | BOX, fl

    return fn


def _fma(f: U.Format, neg_product: int, neg_addend: int):
    if f is S32:

        def fn(a: int, b: int, c: int, rm: int) -> tuple[int, int]:
            r, fl = U.fma(S32, unbox(a), unbox(b), unbox(c), rm, neg_product, neg_addend)
            return r | BOX, fl

    else:

        def fn(a: int, b: int, c: int, rm: int) -> tuple[int, int]:
            return U.fma_d(a, b, c, rm, neg_product, neg_addend)

    return fn


def _pair(f: U.Format, op, flags: bool):
    """An FF or XFF function of format ``f`` (``op`` returns (value, flags) when ``flags``)."""
    if f is S32:
        if flags:

            def fn(a: int, b: int) -> tuple[int, int]:
                r, fl = op(S32, unbox(a), unbox(b))
                return r, fl

        else:

            def fn(a: int, b: int) -> tuple[int, int]:
                return op(S32, unbox(a), unbox(b)), 0

        return fn
    if flags:
        return lambda a, b: op(D64, a, b)
    return lambda a, b: (op(D64, a, b), 0)


# The sign injections of doubles, written out (FMV.D, FNEG.D and FABS.D are common moves).
_D_SIGN, _D_ABS = 1 << 63, (1 << 63) - 1


def _fsgnj_d(a: int, b: int) -> tuple[int, int]:
    return (a & _D_ABS) | (b & _D_SIGN), 0


def _fsgnjn_d(a: int, b: int) -> tuple[int, int]:
    return (a & _D_ABS) | (~b & _D_SIGN), 0


def _fsgnjx_d(a: int, b: int) -> tuple[int, int]:
    return a ^ (b & _D_SIGN), 0


def _box_result(fn):
    def boxed(a: int, b: int) -> tuple[int, int]:
        r, fl = fn(a, b)
        return r | BOX, fl

    return boxed


def _to_int(f: U.Format, width: int, signed: bool):
    def fn(a: int, rm: int) -> tuple[int, int]:
        v, fl = U.to_int(f, unbox(a) if f is S32 else a, rm, width, signed)
        return (_sext32(v) if width == 32 else v & M64), fl

    return fn


def _from_int(f: U.Format, width: int, signed: bool):
    sign = 1 << (width - 1)
    mask = (1 << width) - 1

    def fn(x: int, rm: int) -> tuple[int, int]:
        v = x & mask
        if signed:
            v = (v ^ sign) - sign
        r, fl = U.from_int(f, v, rm)
        return (r | BOX if f is S32 else r), fl

    return fn


def _convert(src: U.Format, dst: U.Format):
    def fn(a: int, rm: int) -> tuple[int, int]:
        r, fl = U.convert(src, dst, unbox(a) if src is S32 else a, rm)
        return (r | BOX if dst is S32 else r), fl

    return fn


# ---- the registry ---------------------------------------------------------------------------
FFR, FR, FFFR, FF, XFF, XF, XFR, FXR, FX = (
    "FFR",
    "FR",
    "FFFR",
    "FF",
    "XFF",
    "XF",
    "XFR",
    "FXR",
    "FX",
)

OPS: dict[str, tuple[str, Callable]] = {
    "fadd_s": (FFR, _s_rr(U.add)),
    "fsub_s": (FFR, _s_rr(U.sub)),
    "fmul_s": (FFR, _s_rr(U.mul)),
    "fdiv_s": (FFR, _s_rr(U.div)),
    "fadd_d": (FFR, U.add_d),
    "fsub_d": (FFR, U.sub_d),
    "fmul_d": (FFR, U.mul_d),
    "fdiv_d": (FFR, U.div_d),
    "fsqrt_s": (FR, _s_r(U.sqrt)),
    "fsqrt_d": (FR, U.sqrt_d),
    "fcvt_s_d": (FR, _convert(D64, S32)),
    "fcvt_d_s": (FR, _convert(S32, D64)),
    "fmadd_s": (FFFR, _fma(S32, 0, 0)),
    "fmsub_s": (FFFR, _fma(S32, 0, 1)),
    "fnmsub_s": (FFFR, _fma(S32, 1, 0)),
    "fnmadd_s": (FFFR, _fma(S32, 1, 1)),
    "fmadd_d": (FFFR, _fma(D64, 0, 0)),
    "fmsub_d": (FFFR, _fma(D64, 0, 1)),
    "fnmsub_d": (FFFR, _fma(D64, 1, 0)),
    "fnmadd_d": (FFFR, _fma(D64, 1, 1)),
    "fsgnj_s": (FF, _box_result(_pair(S32, U.fsgnj, False))),
    "fsgnjn_s": (FF, _box_result(_pair(S32, U.fsgnjn, False))),
    "fsgnjx_s": (FF, _box_result(_pair(S32, U.fsgnjx, False))),
    "fmin_s": (FF, _box_result(_pair(S32, U.fmin, True))),
    "fmax_s": (FF, _box_result(_pair(S32, U.fmax, True))),
    "fsgnj_d": (FF, _fsgnj_d),
    "fsgnjn_d": (FF, _fsgnjn_d),
    "fsgnjx_d": (FF, _fsgnjx_d),
    "fmin_d": (FF, _pair(D64, U.fmin, True)),
    "fmax_d": (FF, _pair(D64, U.fmax, True)),
    "feq_s": (XFF, _pair(S32, U.feq, True)),
    "flt_s": (XFF, _pair(S32, U.flt, True)),
    "fle_s": (XFF, _pair(S32, U.fle, True)),
    "feq_d": (XFF, _pair(D64, U.feq, True)),
    "flt_d": (XFF, _pair(D64, U.flt, True)),
    "fle_d": (XFF, _pair(D64, U.fle, True)),
    "fclass_s": (XF, lambda a: U.fclass(S32, unbox(a))),
    "fclass_d": (XF, lambda a: U.fclass(D64, a)),
    "fmv_x_w": (XF, _sext32),
    "fmv_x_d": (XF, lambda a: a),
    "fcvt_w_s": (XFR, _to_int(S32, 32, True)),
    "fcvt_wu_s": (XFR, _to_int(S32, 32, False)),
    "fcvt_l_s": (XFR, _to_int(S32, 64, True)),
    "fcvt_lu_s": (XFR, _to_int(S32, 64, False)),
    "fcvt_w_d": (XFR, _to_int(D64, 32, True)),
    "fcvt_wu_d": (XFR, _to_int(D64, 32, False)),
    "fcvt_l_d": (XFR, _to_int(D64, 64, True)),
    "fcvt_lu_d": (XFR, _to_int(D64, 64, False)),
    "fcvt_s_w": (FXR, _from_int(S32, 32, True)),
    "fcvt_s_wu": (FXR, _from_int(S32, 32, False)),
    "fcvt_s_l": (FXR, _from_int(S32, 64, True)),
    "fcvt_s_lu": (FXR, _from_int(S32, 64, False)),
    "fcvt_d_w": (FXR, _from_int(D64, 32, True)),
    "fcvt_d_wu": (FXR, _from_int(D64, 32, False)),
    "fcvt_d_l": (FXR, _from_int(D64, 64, True)),
    "fcvt_d_lu": (FXR, _from_int(D64, 64, False)),
    "fmv_w_x": (FX, lambda x: (x & M32) | BOX),
    "fmv_d_x": (FX, lambda x: x),
}


# ---- helpers (block globals, called as NAME(h, ...)) -----------------------------------------
def _illegal(raw: int) -> Trap:
    return Trap(E.CAUSE_ILLEGAL_INSTRUCTION, raw)


def _ffr(fn):
    def helper(h: Hart, rd: int, rs1: int, rs2: int, rm: int, raw: int) -> None:
        f = h.fpr
        if rm == 7:
            rm = h.frm
        if not f or rm > 4:
            f = fpstate.enter(h, raw, rm)
        f[rd], fl = fn(f[rs1], f[rs2], rm)
        if fl:
            h.fflags |= fl

    return helper


def _fr(fn):
    def helper(h: Hart, rd: int, rs1: int, rm: int, raw: int) -> None:
        f = h.fpr
        if rm == 7:
            rm = h.frm
        if not f or rm > 4:
            f = fpstate.enter(h, raw, rm)
        f[rd], fl = fn(f[rs1], rm)
        if fl:
            h.fflags |= fl

    return helper


def _fffr(fn):
    def helper(h: Hart, rd: int, rs1: int, rs2: int, rs3: int, rm: int, raw: int) -> None:
        f = h.fpr
        if rm == 7:
            rm = h.frm
        if not f or rm > 4:
            f = fpstate.enter(h, raw, rm)
        f[rd], fl = fn(f[rs1], f[rs2], f[rs3], rm)
        if fl:
            h.fflags |= fl

    return helper


def _ff(fn):
    def helper(h: Hart, rd: int, rs1: int, rs2: int, raw: int) -> None:
        f = h.fpr or fpstate.enter(h, raw, 0)
        f[rd], fl = fn(f[rs1], f[rs2])
        if fl:
            h.fflags |= fl

    return helper


def _xff(fn):
    def helper(h: Hart, rs1: int, rs2: int, raw: int) -> int:
        f = h.fpr or fpstate.check(h, raw)
        v, fl = fn(f[rs1], f[rs2])
        if fl:
            fpstate.accrue(h, fl)
        return v

    return helper


def _xf(fn):
    def helper(h: Hart, rs1: int, raw: int) -> int:
        f = h.fpr or fpstate.check(h, raw)
        return fn(f[rs1])

    return helper


def _xfr(fn):
    def helper(h: Hart, rs1: int, rm: int, raw: int) -> int:
        f = h.fpr
        if rm == 7:
            rm = h.frm
        if not f or rm > 4:
            f = fpstate.check(h, raw)
            if rm > 4:
                raise _illegal(raw)
        v, fl = fn(f[rs1], rm)
        if fl:
            fpstate.accrue(h, fl)
        return v

    return helper


def _fxr(fn):
    def helper(h: Hart, rd: int, x: int, rm: int, raw: int) -> None:
        f = h.fpr
        if rm == 7:
            rm = h.frm
        if not f or rm > 4:
            f = fpstate.enter(h, raw, rm)
        f[rd], fl = fn(x, rm)
        if fl:
            h.fflags |= fl

    return helper


def _fx(fn):
    def helper(h: Hart, rd: int, x: int, raw: int) -> None:
        f = h.fpr or fpstate.enter(h, raw, 0)
        f[rd] = fn(x)

    return helper


def fload(h: Hart, va: int, rd: int, size: int, n: int, tinst_: int, raw: int) -> None:
    """The slow path of FLW/FLD: FS check, the access (which may fault), NaN-boxing, Dirty."""
    fpstate.check(h, raw)
    value = h.load_slow(va, size, False, n, tinst_)
    h.f[rd] = value | BOX if size == 4 else value
    fpstate.dirty(h)


def fstore(h: Hart, va: int, rs2: int, size: int, n: int, tinst_: int, raw: int) -> None:
    """The slow path of FSW/FSD: FS check, then the access (the low 32 bits for FSW)."""
    value = fpstate.check(h, raw)[rs2]
    h.store_slow(va, size, value & M32 if size == 4 else value, n, tinst_)


HELPER_KINDS = {FFR: _ffr, FR: _fr, FFFR: _fffr, FF: _ff, XFF: _xff, XF: _xf, XFR: _xfr}
HELPER_KINDS |= {FXR: _fxr, FX: _fx}

#: Functions visible to generated code (merged into the hart's block helpers).
HELPERS: dict[str, Callable] = {"FLOAD": fload, "FSTORE": fstore}


# ---- definitions ----------------------------------------------------------------------------
#: kind -> (whether the helper returns the integer result, its arguments after ``h``); ``{x}``
#: is the integer source register's value
CALLS = {
    FFR: (False, "{rd}, {rs1}, {rs2}, {rm}, {raw}"),
    FR: (False, "{rd}, {rs1}, {rm}, {raw}"),
    FFFR: (False, "{rd}, {rs1}, {rs2}, {rs3}, {rm}, {raw}"),
    FF: (False, "{rd}, {rs1}, {rs2}, {raw}"),
    XFF: (True, "{rs1}, {rs2}, {raw}"),
    XF: (True, "{rs1}, {raw}"),
    XFR: (True, "{rs1}, {rm}, {raw}"),
    FXR: (False, "{rd}, {x}, {rm}, {raw}"),
    FX: (False, "{rd}, {x}, {raw}"),
}


def _emit(kind: str, helper: str):
    """The definition of an instruction of ``kind`` calling ``helper``."""
    to_x, args = CALLS[kind]

    def emit(e: Emitter) -> None:
        i = e.insn
        fields = {"rd": i.rd, "rs1": i.rs1, "rs2": i.rs2, "rs3": i.rs3, "rm": i.rm, "raw": i.raw}
        if "{x}" in args:
            fields["x"] = e.rs1
        call = f"{helper}(h, {args.format(**fields)})"
        if to_x:
            e.set_rd(call)
        else:
            e.line(call)

    return emit


for _name, (_kind, _fn) in OPS.items():
    _helper = _name.upper()
    HELPERS[_helper] = HELPER_KINDS[_kind](_fn)
    semantics(_name)(_emit(_kind, _helper))


# ---- loads and stores: the integer fast path on h.fpr ----------------------------------------
# name: (size, memoryview global, index shift)
_FLOADS = {"flw": (4, "U32", 2), "fld": (8, "U64", 3)}
_FSTORES = {"fsw": (4, "U32", 2), "fsd": (8, "U64", 3)}


def _tlb_key(size: int) -> int:
    """TLB key mask (see rv64i): the page address plus the alignment bits."""
    return (M64 & ~0xFFF) | (size - 1)


def _fload(size: int, view: str, shift: int):
    def emit(e: Emitter) -> None:
        i = e.insn
        a = address(e)
        value = f"{view}[({a} + TR[{a} & {_tlb_key(size)}]) >> {shift}]"
        if size == 4:
            value += f" | {BOX:#x}"
        slow = f"FLOAD(h, {a} & M, {i.rd}, {size}, {e.count}, {tinst(e)}, {i.raw})"
        # h.fpr is empty unless FS is Dirty: the assignment then fails (IndexError) after the
        # load and the slow path applies the FS rule first
        e.guarded(f"h.fpr[{i.rd}] = {value}", slow)

    return emit


def _fstore(size: int, view: str, shift: int):
    def emit(e: Emitter) -> None:
        i = e.insn
        a = address(e)
        value = f"h.fpr[{i.rs2}]" + (f" & {M32:#x}" if size == 4 else "")
        target = f"{view}[({a} + TW[{a} & {_tlb_key(size)}]) >> {shift}]"
        slow = f"FSTORE(h, {a} & M, {i.rs2}, {size}, {e.count}, {tinst(e)}, {i.raw})"
        # the value (h.fpr[...]) is read first: IndexError unless FS is Dirty
        e.guarded(f"{target} = {value}", slow)

    return emit


for _name, (_size, _view, _shift) in _FLOADS.items():
    semantics(_name)(_fload(_size, _view, _shift))
for _name, (_size, _view, _shift) in _FSTORES.items():
    semantics(_name)(_fstore(_size, _view, _shift))
