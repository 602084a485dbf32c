"""F and D corner cases, from the tables and rules of the unprivileged spec (chapters F and D).

Each case runs real instructions on the hart (assembled by GNU as) with mstatus.FS on and
checks the destination and fflags against what the spec prescribes: the FCVT saturation table
("Domains of float-to-integer conversions and behavior for invalid inputs"), the canonical NaN
of every NaN-producing operation, NaN-boxing of singles (an improperly boxed operand reads as
the canonical NaN; FMV.X.W and FSW move bits unchecked; results are boxed), FMIN/FMAX with
signed zeros and signalling NaNs (2.2: -0 < +0, one NaN operand gives the other), FCLASS's ten
bits, reserved rounding modes (static 101/110, dynamic 101-111: illegal instruction), the
IEEE rules the spec adopts (signed zeros of exact sums, overflow by rounding mode, division by
zero, tininess detected *after* rounding, one rounding in FMA) and sign injection without
NaN canonicalisation.  Expected values are written from the rules, never taken from the hart.
"""

from __future__ import annotations

import struct

import pytest

M64 = (1 << 64) - 1
BOX = 0xFFFF_FFFF_0000_0000
FS = 3 << 13
NX, UF, OF, DZ, NV = 1, 2, 4, 8, 16
ILLEGAL = 2


def d(x: float) -> int:
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def s(x: float) -> int:
    """A NaN-boxed single."""
    return struct.unpack("<I", struct.pack("<f", x))[0] | BOX


QNAN_D, QNAN_S = 0x7FF8_0000_0000_0000, 0x7FC0_0000 | BOX
SNAN_D, SNAN_S = 0x7FF0_0000_0000_0001, 0x7F80_0001 | BOX
INF_D, INF_S = 0x7FF0_0000_0000_0000, 0x7F80_0000 | BOX
NINF_D, NINF_S = INF_D | 1 << 63, INF_S | 1 << 31
MAX_D = 0x7FEF_FFFF_FFFF_FFFF
MIN_NORMAL_D = 0x0010_0000_0000_0000
MAX_SUB_D = 0x000F_FFFF_FFFF_FFFF
NZERO_D, NZERO_S = 1 << 63, (1 << 31) | BOX
RM = {"rne": 0, "rtz": 1, "rdn": 2, "rup": 3, "rmm": 4}


def run(m, code: str, f: dict[int, int] | None = None, x: dict[int, int] | None = None,
        frm: int = 0, fs: int = FS):  # fmt: skip
    """Run ``code`` in M-mode with the given f/x registers; return the hart."""
    h = m.hart
    h.mstatus = (h.mstatus & ~FS) | fs
    h.frm, h.fflags = frm, 0
    for r, v in (f or {}).items():
        h.f[r] = v
    stop = m.run(code, regs=x or {})
    assert stop.where in ("end", "M"), stop
    return h


def fop(m, insn: str, *operands: int, frm: int = 0) -> tuple[int, int]:
    """``insn`` with f10 (fa0) as destination and fa1, fa2, fa3 as sources; (fa0, fflags)."""
    srcs = ", ".join(f"fa{i + 1}" for i in range(len(operands)))
    text = f"{insn.split()[0]} fa0, {srcs}" + (f", {insn.split()[1]}" if " " in insn else "")
    h = run(m, text, {11 + i: v for i, v in enumerate(operands)}, frm=frm)
    assert m.where() == "end", f"{text} trapped: mcause {m.csr('mcause')}"
    return h.f[10], h.fflags


def xop(m, insn: str, *operands: int) -> tuple[int, int]:
    """``insn`` with a0 as destination and fa1, fa2 as sources; (a0, fflags)."""
    srcs = ", ".join(f"fa{i + 1}" for i in range(len(operands)))
    parts = insn.split()
    text = f"{parts[0]} a0, {srcs}" + (f", {parts[1]}" if len(parts) > 1 else "")
    h = run(m, text, {11 + i: v for i, v in enumerate(operands)})
    assert m.where() == "end"
    return h.x[10], h.fflags


# ---- FCVT to integer: the saturation table -------------------------------------------------
W_MIN, W_MAX = 0xFFFF_FFFF_8000_0000, 0x7FFF_FFFF  # sign-extended on RV64
WU_MAX = M64  # 0xFFFFFFFF sign-extended
L_MIN, L_MAX, LU_MAX = 1 << 63, (1 << 63) - 1, M64

#: (instruction, source, expected a0, expected flags)
CVT_TABLE = [
    # out-of-range, infinite and NaN inputs: clipped, NV (and not NX)
    ("fcvt.w.d", d(2.0**31), W_MAX, NV),
    ("fcvt.w.d", d(-(2.0**31) - 1), W_MIN, NV),
    ("fcvt.w.d", INF_D, W_MAX, NV),
    ("fcvt.w.d", NINF_D, W_MIN, NV),
    ("fcvt.w.d", QNAN_D, W_MAX, NV),
    ("fcvt.w.d", SNAN_D | 1 << 63, W_MAX, NV),  # NaN: the maximum whatever its sign
    ("fcvt.wu.d", d(-1.0), 0, NV),
    ("fcvt.wu.d", d(2.0**32), WU_MAX, NV),
    ("fcvt.wu.d", NINF_D, 0, NV),
    ("fcvt.wu.d", INF_D, WU_MAX, NV),
    ("fcvt.wu.d", QNAN_D, WU_MAX, NV),
    ("fcvt.l.d", d(2.0**63), L_MAX, NV),
    ("fcvt.l.d", d(-(2.0**64)), L_MIN, NV),
    ("fcvt.l.d", NINF_D, L_MIN, NV),
    ("fcvt.l.d", INF_D, L_MAX, NV),
    ("fcvt.l.d", QNAN_D, L_MAX, NV),
    ("fcvt.lu.d", d(-1.0), 0, NV),
    ("fcvt.lu.d", d(2.0**64), LU_MAX, NV),
    ("fcvt.lu.d", NINF_D, 0, NV),
    ("fcvt.lu.d", QNAN_D, LU_MAX, NV),
    ("fcvt.w.s", s(2.0**31), W_MAX, NV),
    ("fcvt.w.s", NINF_S, W_MIN, NV),
    ("fcvt.w.s", QNAN_S, W_MAX, NV),
    ("fcvt.wu.s", s(-1.0), 0, NV),
    ("fcvt.wu.s", INF_S, WU_MAX, NV),
    ("fcvt.l.s", s(-(2.0**63)), L_MIN, 0),  # exactly the minimum: valid
    ("fcvt.l.s", s(2.0**63), L_MAX, NV),
    ("fcvt.lu.s", s(2.0**64), LU_MAX, NV),
    ("fcvt.lu.s", QNAN_S, LU_MAX, NV),
    # the ends of the valid range: exact, no flags
    ("fcvt.w.d", d(2.0**31 - 1), W_MAX, 0),
    ("fcvt.w.d", d(-(2.0**31)), W_MIN, 0),
    ("fcvt.wu.d", d(2.0**32 - 1), WU_MAX, 0),  # 0xFFFFFFFF, sign-extended
    ("fcvt.lu.d", d(2.0**64 - 2048), 2**64 - 2048, 0),
    ("fcvt.w.d", NZERO_D, 0, 0),
    # rounding decides validity: the range applies to the rounded value
    ("fcvt.w.d rtz", d(2.0**31 - 0.5), W_MAX, NX),
    ("fcvt.w.d rne", d(2.0**31 - 0.5), W_MAX, NV),  # rounds to 2**31
    ("fcvt.w.d rne", d(-(2.0**31) - 0.5), W_MIN, NX),  # tie to even: -2**31
    ("fcvt.w.d rmm", d(-(2.0**31) - 0.5), W_MIN, NV),  # away: -2**31 - 1
    ("fcvt.wu.d rne", d(-0.5), 0, NX),  # rounds to -0: representable
    ("fcvt.wu.d rdn", d(-0.5), 0, NV),  # rounds to -1
    ("fcvt.lu.d rtz", d(-0.75), 0, NX),
    ("fcvt.l.d rup", d(-2.5), (-2) & M64, NX),
    ("fcvt.l.d rdn", d(-2.5), (-3) & M64, NX),
    ("fcvt.l.d rmm", d(2.5), 3, NX),
    ("fcvt.l.d rne", d(2.5), 2, NX),
    ("fcvt.l.d rne", d(3.5), 4, NX),
]


@pytest.mark.parametrize(("insn", "src", "want", "flags"), CVT_TABLE)
def test_fcvt_to_integer_saturates_per_the_table(m, insn, src, want, flags) -> None:
    assert xop(m, insn, src) == (want, flags)


# ---- canonical NaN --------------------------------------------------------------------------
NAN_CASES = [
    ("fadd.d", (0x7FF8_0000_0000_0ABC, d(1.0)), QNAN_D, 0),  # no payload propagation
    ("fadd.d", (d(1.0), 0xFFF8_0000_0000_0001), QNAN_D, 0),  # nor sign
    ("fmul.d", (SNAN_D, d(1.0)), QNAN_D, NV),
    ("fsub.d", (INF_D, INF_D), QNAN_D, NV),
    ("fmul.d", (INF_D, 0), QNAN_D, NV),
    ("fdiv.d", (0, NZERO_D), QNAN_D, NV),
    ("fdiv.d", (NINF_D, INF_D), QNAN_D, NV),
    ("fsqrt.d", (d(-1.0),), QNAN_D, NV),
    ("fsqrt.d", (NINF_D,), QNAN_D, NV),
    ("fadd.s", (0x7FC0_0ABC | BOX, s(1.0)), QNAN_S, 0),
    ("fmul.s", (SNAN_S, s(2.0)), QNAN_S, NV),
    ("fsqrt.s", (s(-2.0),), QNAN_S, NV),
    ("fcvt.s.d", (0x7FF8_0000_1234_0000,), QNAN_S, 0),
    ("fcvt.s.d", (SNAN_D,), QNAN_S, NV),
    ("fcvt.d.s", (0x7FC1_2345 | BOX,), QNAN_D, 0),
    ("fcvt.d.s", (SNAN_S,), QNAN_D, NV),
    ("fmadd.d", (INF_D, 0, QNAN_D), QNAN_D, NV),  # inf * 0 is invalid even plus a qNaN
    ("fmadd.d", (d(1.0), d(2.0), SNAN_D), QNAN_D, NV),
    ("fmadd.d", (d(1.0), d(2.0), QNAN_D), QNAN_D, 0),
    ("fmadd.s", (BOX, NINF_S, s(1.0)), QNAN_S, NV),  # BOX: +0.0f
    ("fmin.d", (QNAN_D, 0x7FF8_0000_0000_0042), QNAN_D, 0),
    ("fmax.s", (SNAN_S, QNAN_S), QNAN_S, NV),
]


@pytest.mark.parametrize(("insn", "srcs", "want", "flags"), NAN_CASES)
def test_nan_results_are_canonical(m, insn, srcs, want, flags) -> None:
    assert fop(m, insn, *srcs) == (want, flags)


def test_fnmsub_of_infinities_is_invalid_only_for_opposite_signs(m) -> None:
    # fnmsub = -(a * b) + c
    assert fop(m, "fnmsub.d", INF_D, d(1.0), INF_D) == (QNAN_D, NV)
    assert fop(m, "fnmsub.d", INF_D, d(1.0), NINF_D) == (NINF_D, 0)


# ---- NaN-boxing -----------------------------------------------------------------------------
UNBOXED_ONE = 0x0000_0000_3F80_0000  # 1.0f with the upper half not all ones
HALF_BOXED = 0xFFFF_0000_3F80_0000


@pytest.mark.parametrize("bad", [UNBOXED_ONE, HALF_BOXED, 0x7FFF_FFFF_3F80_0000])
def test_an_improperly_boxed_single_reads_as_the_canonical_nan(m, bad: int) -> None:
    assert fop(m, "fadd.s", bad, s(1.0)) == (QNAN_S, 0)  # a quiet NaN: no NV
    assert xop(m, "fclass.s", bad) == (1 << 9, 0)  # quiet NaN
    assert xop(m, "feq.s", bad, bad) == (0, 0)
    assert xop(m, "flt.s", bad, s(1.0)) == (0, NV)
    assert fop(m, "fcvt.d.s", bad) == (QNAN_D, 0)
    # sign injection works on the canonical NaN: its sign comes from rs2
    assert fop(m, "fsgnj.s", bad, s(-1.0)) == (QNAN_S | 1 << 31, 0)
    assert fop(m, "fmin.s", bad, s(3.0)) == (s(3.0), 0)


def test_single_results_are_boxed_and_moves_are_unchecked(m) -> None:
    h = run(m, "fmv.w.x fa0, a1\nfmv.x.w a2, fa3", {13: UNBOXED_ONE | 0x8000_0000}, {11: M64})
    assert h.f[10] == M64  # the low 32 bits of a1, boxed
    assert h.x[12] == 0xFFFF_FFFF_BF80_0000  # FMV.X.W: low 32 bits, sign-extended, unchecked
    h = run(m, "flw fa0, 0(a1)\nfsw fa2, 8(a1)", {12: UNBOXED_ONE}, {11: m.DATA})
    assert h.f[10] == m.mem.read(m.DATA, 4) | BOX
    assert m.mem.read(m.DATA + 8, 8) & 0xFFFF_FFFF == 0x3F80_0000  # FSW: the low bits as is
    assert fop(m, "fcvt.s.d", d(1.5)) == (s(1.5), 0)
    assert run(m, "fcvt.s.w fa0, zero").f[10] == BOX  # +0.0f, boxed
    assert fop(m, "fsgnjx.s", s(2.0), s(-1.0)) == (s(-2.0), 0)
    h = run(m, "fcvt.s.l fa0, a1\nfmadd.s fa1, fa0, fa0, fa0", x={11: 3})
    assert (h.f[10], h.f[11]) == (s(3.0), s(12.0))


def test_fld_and_fmv_d_x_keep_all_64_bits(m) -> None:
    """A double-precision move of a single's register keeps the box (no conversion)."""
    m.mem.write(m.DATA, 8, 0x0123_4567_89AB_CDEF)
    h = run(m, "fld fa0, 0(a1)\nfmv.x.d a2, fa0\nfsd fa0, 8(a1)", x={11: m.DATA})
    assert h.x[12] == 0x0123_4567_89AB_CDEF
    assert m.mem.read(m.DATA + 8, 8) == 0x0123_4567_89AB_CDEF


# ---- FMIN/FMAX ------------------------------------------------------------------------------
MINMAX = [
    ("fmin.d", d(0.0), NZERO_D, NZERO_D, 0),
    ("fmin.d", NZERO_D, d(0.0), NZERO_D, 0),
    ("fmax.d", d(0.0), NZERO_D, d(0.0), 0),
    ("fmax.d", NZERO_D, d(0.0), d(0.0), 0),
    ("fmin.d", QNAN_D, d(-2.0), d(-2.0), 0),
    ("fmax.d", d(-2.0), QNAN_D, d(-2.0), 0),
    ("fmin.d", SNAN_D, d(5.0), d(5.0), NV),  # 2.2: the other operand, and NV
    ("fmax.d", d(5.0), SNAN_D, d(5.0), NV),
    ("fmin.d", SNAN_D, QNAN_D, QNAN_D, NV),
    ("fmin.d", NINF_D, MAX_D, NINF_D, 0),
    ("fmax.d", NINF_D, MAX_D, MAX_D, 0),
    ("fmin.s", s(0.0), NZERO_S, NZERO_S, 0),
    ("fmax.s", NZERO_S, s(0.0), s(0.0), 0),
    ("fmin.s", SNAN_S, s(-7.0), s(-7.0), NV),
    ("fmax.s", QNAN_S, QNAN_S, QNAN_S, 0),
    ("fmax.s", s(1.0), s(1.5), s(1.5), 0),
]


@pytest.mark.parametrize(("insn", "a", "b", "want", "flags"), MINMAX)
def test_fmin_fmax(m, insn, a, b, want, flags) -> None:
    assert fop(m, insn, a, b) == (want, flags)


# ---- FCLASS ---------------------------------------------------------------------------------
CLASSES_D = [
    (NINF_D, 0), (d(-1.0), 1), (MAX_SUB_D | 1 << 63, 2), (NZERO_D, 3), (0, 4), (1, 5),
    (MIN_NORMAL_D, 6), (INF_D, 7), (SNAN_D, 8), (QNAN_D, 9), (0xFFF8_0000_0000_0001, 9),
    (0x7FF7_FFFF_FFFF_FFFF, 8),
]  # fmt: skip
CLASSES_S = [
    (NINF_S, 0), (s(-1.0), 1), (0x8000_0001 | BOX, 2), (NZERO_S, 3), (BOX, 4),
    (0x007F_FFFF | BOX, 5), (s(3.0), 6), (INF_S, 7), (SNAN_S, 8), (QNAN_S, 9),
]  # fmt: skip


@pytest.mark.parametrize(("value", "bit"), CLASSES_D)
def test_fclass_d(m, value: int, bit: int) -> None:
    assert xop(m, "fclass.d", value) == (1 << bit, 0)


@pytest.mark.parametrize(("value", "bit"), CLASSES_S)
def test_fclass_s(m, value: int, bit: int) -> None:
    assert xop(m, "fclass.s", value) == (1 << bit, 0)


# ---- rounding modes ---------------------------------------------------------------------------
def fp_word(name: str, rm: int, rd: int = 10, rs1: int = 11, rs2: int = 12) -> int:
    """Encode an OP-FP R-type instruction with any rm (the assembler refuses reserved ones)."""
    funct7 = {"fadd.d": 0x01, "fmul.s": 0x08, "fsqrt.d": 0x2D, "fcvt.d.w": 0x69,
              "fcvt.w.d": 0x61, "fcvt.s.d": 0x20}[name]  # fmt: skip
    rs2 = {"fsqrt.d": 0, "fcvt.d.w": 0, "fcvt.w.d": 0, "fcvt.s.d": 1}.get(name, rs2)
    return funct7 << 25 | rs2 << 20 | rs1 << 15 | rm << 12 | rd << 7 | 0x53


@pytest.mark.parametrize("name", ["fadd.d", "fmul.s", "fsqrt.d", "fcvt.w.d", "fcvt.d.w"])
@pytest.mark.parametrize("rm", [5, 6])
def test_reserved_static_rounding_mode_is_illegal(m, name: str, rm: int) -> None:
    word = fp_word(name, rm)
    h = run(m, f".word {word:#x}", {10: d(9.0), 11: d(1.0), 12: d(2.0)})
    assert m.where() == "M"
    assert (m.csr("mcause"), m.csr("mtval")) == (ILLEGAL, word)
    assert h.f[10] == d(9.0) and h.fflags == 0


@pytest.mark.parametrize("frm", [5, 6, 7])
def test_reserved_dynamic_rounding_mode_is_illegal(m, frm: int) -> None:
    word = fp_word("fadd.d", 7)  # rm = dyn
    run(m, "fadd.d fa0, fa1, fa2", {11: d(1.0), 12: d(2.0)}, frm=frm)
    assert m.where() == "M"
    assert (m.csr("mcause"), m.csr("mtval")) == (ILLEGAL, word)
    # a static rounding mode does not look at frm
    assert fop(m, "fadd.d rne", d(1.0), d(2.0), frm=frm) == (d(3.0), 0)
    assert fop(m, "fsgnj.d", d(1.0), d(2.0), frm=frm) == (d(1.0), 0)  # no rm field


def test_frm_holds_any_value_and_fcsr_combines_the_fields(m) -> None:
    code = "fsrmi a0, 7\nfrrm a1\ncsrwi fflags, 0x1f\ncsrr a2, fcsr\nli a3, 0x45\ncsrw fcsr, a3"
    h = run(m, code)
    assert (h.x[11], h.x[12]) == (7, 7 << 5 | 0x1F)
    assert (h.frm, h.fflags) == (2, 5)


ONE_THIRD = [  # 1/3 in each mode, and -1/3
    ("rne", d(1 / 3)), ("rtz", d(1 / 3)), ("rdn", d(1 / 3)), ("rup", d(1 / 3) + 1),
    ("rmm", d(1 / 3)),
]  # fmt: skip


@pytest.mark.parametrize(("rm", "want"), ONE_THIRD)
def test_division_rounds_by_mode(m, rm: str, want: int) -> None:
    assert fop(m, f"fdiv.d {rm}", d(1.0), d(3.0)) == (want, NX)
    # negative: the magnitude rounds the other way in rdn/rup
    neg = {"rdn": d(1 / 3) + 1, "rup": d(1 / 3)}.get(rm, want)
    assert fop(m, f"fdiv.d {rm}", d(-1.0), d(3.0)) == (neg | 1 << 63, NX)
    # and through frm
    assert fop(m, "fdiv.d", d(1.0), d(3.0), frm=RM[rm]) == (want, NX)


def test_ties_to_even_and_ties_away(m) -> None:
    # 2**53 + 1 is a tie between 2**53 and 2**53 + 2
    h = run(m, "fcvt.d.l fa0, a1, rne\nfcvt.d.l fa1, a1, rmm\nfcvt.d.l fa2, a2, rne", x={
        11: 2**53 + 1, 12: 2**53 + 3})  # fmt: skip
    assert (h.f[10], h.f[11], h.f[12]) == (d(2.0**53), d(2.0**53 + 2), d(2.0**53 + 4))
    assert h.fflags == NX


# ---- overflow, underflow, division by zero, signed zeros ------------------------------------
OVERFLOW = [  # MAX * 2 and -MAX * 2 by mode: infinity or the largest finite number
    ("rne", INF_D, NINF_D), ("rmm", INF_D, NINF_D), ("rtz", MAX_D, MAX_D | 1 << 63),
    ("rdn", MAX_D, NINF_D), ("rup", INF_D, MAX_D | 1 << 63),
]  # fmt: skip


@pytest.mark.parametrize(("rm", "pos", "neg"), OVERFLOW)
def test_overflow_by_rounding_mode(m, rm: str, pos: int, neg: int) -> None:
    assert fop(m, f"fmul.d {rm}", MAX_D, d(2.0)) == (pos, OF | NX)
    assert fop(m, f"fmul.d {rm}", MAX_D, d(-2.0)) == (neg, OF | NX)
    single = 0x7F80_0000 if pos == INF_D else 0x7F7F_FFFF  # the same rule for a single
    assert fop(m, f"fcvt.s.d {rm}", MAX_D) == (single | BOX, OF | NX)


def just_below_min_normal() -> tuple[int, int]:
    """Doubles a, b whose exact product lies within half an unbounded-exponent ulp below
    2**-1022: a = ma * 2**-53, b = mb * 2**-1074 with ma * mb = 2**105 - e, 0 < e < 2**51."""
    ma = 1 << 52 | 1
    while True:
        mb = ((1 << 105) - 1) // ma
        e = (1 << 105) - ma * mb
        if (1 << 52) <= mb < (1 << 53) and 0 < e < (1 << 51):
            break
        ma += 2
    a = 1022 << 52 | (ma - (1 << 52))  # ma * 2**-53 in [0.5, 1): biased exponent 1022
    assert a == d(ma * 2.0**-53)
    b = 1 << 52 | (mb - (1 << 52))  # biased exponent 1: mb * 2**-1074
    return a, b


def test_tininess_is_detected_after_rounding(m) -> None:
    a, b = just_below_min_normal()
    # RNE: rounds up to the smallest normal number; with an unbounded exponent it would also
    # round to 2**-1022, so the result is not tiny: NX but no UF (before rounding: UF)
    assert fop(m, "fmul.d rne", a, b) == (MIN_NORMAL_D, NX)
    # RTZ: truncates to the largest subnormal; tiny and inexact: UF
    assert fop(m, "fmul.d rtz", a, b) == (MAX_SUB_D, UF | NX)
    # an exact subnormal result is not an underflow
    assert fop(m, "fmul.d", MIN_NORMAL_D, d(0.5)) == (1 << 51, 0)
    # an inexact one is
    assert fop(m, "fmul.d", 1, d(0.5)) == (0, UF | NX)  # 2**-1075: a tie, to even (zero)
    assert fop(m, "fmul.d rup", 1, d(0.5)) == (1, UF | NX)


def test_division_by_zero(m) -> None:
    assert fop(m, "fdiv.d", d(1.0), 0) == (INF_D, DZ)
    assert fop(m, "fdiv.d", d(-1.0), 0) == (NINF_D, DZ)
    assert fop(m, "fdiv.d", d(1.0), NZERO_D) == (NINF_D, DZ)
    assert fop(m, "fdiv.s", s(2.0), NZERO_S) == (NINF_S, DZ)
    assert fop(m, "fdiv.d", INF_D, 0) == (INF_D, 0)  # infinity is exact: no DZ


SIGNED_ZEROS = [
    ("fadd.d", (0, NZERO_D), "rne", 0),
    ("fadd.d", (0, NZERO_D), "rdn", NZERO_D),
    ("fadd.d", (NZERO_D, NZERO_D), "rup", NZERO_D),
    ("fsub.d", (d(1.5), d(1.5)), "rne", 0),
    ("fsub.d", (d(1.5), d(1.5)), "rdn", NZERO_D),
    ("fsub.d", (d(1.5), d(1.5)), "rup", 0),
    ("fmul.d", (NZERO_D, d(3.0)), "rne", NZERO_D),
    ("fmadd.d", (NZERO_D, d(3.0), 0), "rne", 0),  # -0 + +0 = +0
    ("fmadd.d", (NZERO_D, d(3.0), NZERO_D), "rne", NZERO_D),
    ("fmsub.d", (d(2.0), d(3.0), d(6.0)), "rdn", NZERO_D),
    ("fnmadd.d", (0, d(3.0), 0), "rne", NZERO_D),  # -(+0) - (+0) = -0
    ("fsqrt.d", (NZERO_D,), "rne", NZERO_D),
    ("fadd.s", (NZERO_S, NZERO_S), "rne", NZERO_S),
]


@pytest.mark.parametrize(("insn", "srcs", "rm", "want"), SIGNED_ZEROS)
def test_signed_zeros(m, insn, srcs, rm, want) -> None:
    assert fop(m, f"{insn} {rm}", *srcs) == (want, 0)


def test_fma_rounds_once(m) -> None:
    # (1 + 2**-52) * (1 - 2**-52) - 1 = -2**-104 exactly; a separate product would round to 1
    a, b = d(1 + 2.0**-52), d(1 - 2.0**-52)
    assert fop(m, "fmsub.d", a, b, d(1.0)) == (d(-(2.0**-104)), 0)
    assert fop(m, "fmul.d", a, b) == (d(1.0), NX)
    assert fop(m, "fnmadd.d", a, b, d(-1.0)) == (d(2.0**-104), 0)


def test_sign_injection_does_not_canonicalise(m) -> None:
    assert fop(m, "fsgnjn.d", SNAN_D, SNAN_D) == (SNAN_D | 1 << 63, 0)
    assert fop(m, "fsgnj.d", 0x7FF8_0000_0000_0ABC, NZERO_D) == (0xFFF8_0000_0000_0ABC, 0)
    assert fop(m, "fsgnjx.s", 0x7FC0_0ABC | BOX, s(-1.0)) == (0xFFC0_0ABC | BOX, 0)


def test_integer_conversions_round(m) -> None:
    h = run(m, "fcvt.s.w fa0, a1\nfcvt.s.wu fa1, a2\nfcvt.d.lu fa2, a3", x={
        11: 2**24 + 1, 12: M64, 13: M64})  # fmt: skip
    assert h.f[10] == s(2.0**24)  # tie to even
    assert h.f[11] == s(2.0**32)  # 0xFFFFFFFF: only the low 32 bits, unsigned
    assert h.f[12] == d(2.0**64)
    assert h.fflags == NX
    h = run(m, "fcvt.d.w fa0, a1\nfcvt.d.wu fa1, a1", x={11: 0x1234_5678_8000_0000})
    assert (h.f[10], h.f[11], h.fflags) == (d(-(2.0**31)), d(2.0**31), 0)  # exact
