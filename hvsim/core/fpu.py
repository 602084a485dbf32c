"""IEEE 754-2008 binary32/binary64 arithmetic on bit patterns, as the RISC-V F and D
extensions define it (a softfloat in Python).

Owns the numerics of the FP instructions: every function takes and returns *bit patterns*
(Python ints) and returns the accrued exception flags beside the result; nothing here knows
about the hart, its registers, NaN-boxing or the FS field (see
:mod:`hvsim.core.insns.rv64fd` and :mod:`hvsim.core.fpstate`).

How results are computed:

* the **exact path**: a finite operand is an integer significand times a power of two, so
  sums, products, quotients (with enough extra bits and a sticky bit) and square roots (with
  :func:`math.isqrt`) are formed exactly with Python integers, then :func:`round_pack`
  rounds once to the destination format.  It implements the five rounding modes, gradual
  underflow, overflow to infinity or the largest finite number by rounding mode, and the
  flags NV/DZ/OF/UF/NX with *tininess detected after rounding* (as RISC-V requires).  Fused
  multiply-add forms the exact product and the exact sum before its one rounding;
* the **fast path** (:func:`add_d` ... :func:`sqrt_d` with round-to-nearest-even): a binary64
  operation in RNE on finite operands is exactly what CPython's float arithmetic computes (the
  host is IEEE 754 binary64 with RNE), so the result comes from the host and only the NX flag
  needs work: TwoSum's error term for a sum, the significant-bit span of the integer product
  for a product, an exact integer back-multiplication for a quotient or a square root.  Each
  fast path is taken only where it provably agrees with the exact path (magnitudes that rule
  out overflow, underflow and the boundary of tininess); everything else falls through.

RISC-V choices (unprivileged spec, chapters F and D; where softfloat's RISC-V specialisation,
which Spike uses, makes the same choice it is noted):

* every NaN a computation produces is the canonical quiet NaN (0x7FC00000 / 0x7FF8...0);
  NaN payloads are never propagated; NV is raised for any signalling NaN operand of an
  arithmetic operation, conversion, FMIN/FMAX and FEQ, and for any NaN operand of FLT/FLE;
* FMA raises NV for infinity times zero even when the addend is a quiet NaN;
* FMIN/FMAX follow the 2.2 spec (IEEE 754-201x minimumNumber/maximumNumber): -0 < +0, one
  NaN operand gives the other operand, two give the canonical NaN;
* conversions to integers round by the rounding mode and saturate out-of-range values, NaN
  and infinities as the spec's table says, raising NV (and not NX) for those; an in-range
  inexact result raises NX.  A negative value that rounds to zero converts to 0 with NX for
  the unsigned forms (softfloat does the same).
"""

from __future__ import annotations

from math import isqrt
from math import sqrt as _host_sqrt

# ---- flags and rounding modes (fflags bit positions, frm encodings) --------------------------
NX, UF, OF, DZ, NV = 1, 2, 4, 8, 16
RNE, RTZ, RDN, RUP, RMM = 0, 1, 2, 3, 4
DYN = 7


class Format:
    """An IEEE binary interchange format: ``bits`` wide with ``p`` bits of precision."""

    __slots__ = (
        "abs",
        "bias",
        "bits",
        "ebits",
        "ebmax",
        "emax",
        "emin",
        "esub",
        "expmask",
        "fmask",
        "hidden",
        "inf",
        "mask",
        "maxfinite",
        "mbits",
        "p",
        "qbias",
        "qmax",
        "qnan",
        "quiet",
        "sign",
        "sshift",
    )

    def __init__(self, bits: int, p: int) -> None:
        self.bits = bits
        self.p = p
        self.mbits = p - 1
        self.ebits = bits - p
        self.bias = (1 << (self.ebits - 1)) - 1
        self.emax = self.bias
        self.emin = 1 - self.bias
        self.mask = (1 << bits) - 1
        self.sshift = bits - 1
        self.sign = 1 << (bits - 1)
        self.abs = self.sign - 1
        self.fmask = (1 << self.mbits) - 1
        self.hidden = 1 << self.mbits
        self.expmask = ((1 << self.ebits) - 1) << self.mbits
        self.inf = self.expmask
        self.quiet = 1 << (self.mbits - 1)
        self.qnan = self.inf | self.quiet  # the canonical NaN
        self.maxfinite = self.inf - 1
        self.qmax = self.emax - self.mbits  # the largest exponent of a normal's last bit
        self.qbias = self.mbits + self.bias  # biased exponent = last bit's exponent + qbias
        self.ebmax = (1 << self.ebits) - 1  # the biased exponent of infinities and NaNs
        self.esub = self.emin - self.mbits  # the exponent of a subnormal's last bit


F32 = Format(32, 24)
F64 = Format(64, 53)


# ---- classification -------------------------------------------------------------------------
def is_nan(f: Format, x: int) -> bool:
    return x & f.abs > f.inf


def is_snan(f: Format, x: int) -> bool:
    return x & f.abs > f.inf and not x & f.quiet


def _unpack(f: Format, x: int) -> tuple[int, int]:
    """(significand, exponent) of a finite value's magnitude: |x| = m * 2**e."""
    e = (x >> f.mbits) & f.ebmax
    if e:
        return (x & f.fmask) | f.hidden, e - f.qbias
    return x & f.fmask, f.esub


def _nan_flags(f: Format, *xs: int) -> int:
    return NV if any(is_snan(f, x) for x in xs) else 0


# ---- rounding -------------------------------------------------------------------------------
def _round_up(rm: int, sign: int, r: int, rem: int, half: int) -> bool:
    """Whether truncating to ``r`` (dropping ``rem``, which is nonzero, out of ``2 * half``)
    must be followed by an increment of the magnitude."""
    if rm == RNE:
        return rem > half or (rem == half and r & 1 == 1)
    if rm == RMM:
        return rem >= half
    if rm == RDN:
        return sign == 1
    if rm == RUP:
        return sign == 0
    return False  # RTZ


def _overflow(f: Format, sign: int, rm: int) -> int:
    to_inf = rm in (RNE, RMM) or (rm == RDN and sign) or (rm == RUP and not sign)
    return (sign << f.sshift) | (f.inf if to_inf else f.maxfinite)


def round_pack(f: Format, sign: int, m: int, e: int, rm: int) -> tuple[int, int]:
    """Round the exact nonzero value (-1)**sign * m * 2**e to ``f``: (bit pattern, flags).

    A caller that truncated its exact value passes one more low bit that is 1 (a *sticky*
    bit: ``m = 2 * m + 1``, ``e - 1``) and at least three bits more than ``f.p``, so that
    the sticky bit lies strictly below the rounding position.
    """
    p = f.p
    emin = f.emin
    top = e + m.bit_length() - 1  # exponent of the leading bit
    q = (top if top >= emin else emin) - p + 1  # exponent of the result's last bit
    s = q - e
    if s <= 0:
        r = m << -s
        flags = 0
    else:
        r = m >> s
        rem = m & ((1 << s) - 1)
        if rem:
            flags = NX
            half = 1 << (s - 1)
            if rm == RNE:
                if rem > half or (rem == half and r & 1):
                    r += 1
            elif _round_up(rm, sign, r, rem, half):
                r += 1
            if top < emin and _tiny_after_rounding(f, sign, m, e, top, rm):
                flags = NX | UF
        else:
            flags = 0
    if r >> p:  # rounding carried into a new leading bit
        r >>= 1
        q += 1
    if r >> (p - 1):  # normal
        if q > f.qmax:
            return _overflow(f, sign, rm), flags | OF | NX
        return (sign << f.sshift) | ((q + f.qbias) << f.mbits) | (r & f.fmask), flags
    return (sign << f.sshift) | r, flags  # subnormal or zero (q is the subnormal quantum)


def _tiny_after_rounding(f: Format, sign: int, m: int, e: int, top: int, rm: int) -> bool:
    """Tininess after rounding: the value rounded to ``f.p`` bits with an unbounded exponent
    range lies below the smallest normal number (only possible when ``top < f.emin``)."""
    if top < f.emin - 1:
        return True
    s = top - (f.p - 1) - e
    if s <= 0:
        return True
    r = m >> s
    rem = m & ((1 << s) - 1)
    if rem and _round_up(rm, sign, r, rem, 1 << (s - 1)):
        r += 1
    return not r >> f.p


def _exact_zero(f: Format, rm: int) -> int:
    """The sign of an exact zero sum of operands of opposite signs: -0 only in RDN."""
    return f.sign if rm == RDN else 0


# ---- arithmetic -----------------------------------------------------------------------------
def add(f: Format, a: int, b: int, rm: int) -> tuple[int, int]:
    """a + b."""
    fa, fb, inf = a & f.abs, b & f.abs, f.inf
    if fa >= inf or fb >= inf:
        if fa > inf or fb > inf:
            return f.qnan, _nan_flags(f, a, b)
        if fa == inf and fb == inf and (a ^ b) & f.sign:
            return f.qnan, NV
        return (a if fa == inf else b), 0
    if not fb:
        if not fa:  # both zero
            return (a if a == b else _exact_zero(f, rm)), 0
        return a, 0
    if not fa:
        return b, 0
    ma, ea = _unpack(f, a)
    mb, eb = _unpack(f, b)
    if ea > eb:
        ma <<= ea - eb
        e = eb
    else:
        mb <<= eb - ea
        e = ea
    s = (-ma if a & f.sign else ma) + (-mb if b & f.sign else mb)
    if not s:
        return _exact_zero(f, rm), 0
    if s < 0:
        return round_pack(f, 1, -s, e, rm)
    return round_pack(f, 0, s, e, rm)


def sub(f: Format, a: int, b: int, rm: int) -> tuple[int, int]:
    """a - b."""
    return add(f, a, b ^ f.sign, rm)


def mul(f: Format, a: int, b: int, rm: int) -> tuple[int, int]:
    """a * b."""
    fa, fb, inf = a & f.abs, b & f.abs, f.inf
    sign = (a ^ b) >> f.sshift
    if fa >= inf or fb >= inf:
        if fa > inf or fb > inf:
            return f.qnan, _nan_flags(f, a, b)
        if not fa or not fb:  # infinity times zero
            return f.qnan, NV
        return (sign << f.sshift) | inf, 0
    if not fa or not fb:
        return sign << f.sshift, 0
    ma, ea = _unpack(f, a)
    mb, eb = _unpack(f, b)
    return round_pack(f, sign, ma * mb, ea + eb, rm)


def div(f: Format, a: int, b: int, rm: int) -> tuple[int, int]:
    """a / b."""
    fa, fb, inf = a & f.abs, b & f.abs, f.inf
    sign = (a ^ b) >> f.sshift
    if fa >= inf or fb >= inf:
        if fa > inf or fb > inf:
            return f.qnan, _nan_flags(f, a, b)
        if fa == inf:
            return (f.qnan, NV) if fb == inf else ((sign << f.sshift) | inf, 0)
        return sign << f.sshift, 0  # finite / infinity
    if not fb:
        if not fa:
            return f.qnan, NV
        return (sign << f.sshift) | inf, DZ
    if not fa:
        return sign << f.sshift, 0
    ma, ea = _unpack(f, a)
    mb, eb = _unpack(f, b)
    s = max(0, f.p + 2 + mb.bit_length() - ma.bit_length())
    q, r = divmod(ma << s, mb)  # q has at least p + 2 bits
    return round_pack(f, sign, 2 * q + (1 if r else 0), ea - eb - s - 1, rm)


def sqrt(f: Format, a: int, rm: int) -> tuple[int, int]:
    """The square root of a."""
    fa = a & f.abs
    if fa > f.inf:
        return f.qnan, _nan_flags(f, a)
    if not fa:
        return a, 0  # sqrt(-0) = -0
    if a & f.sign:
        return f.qnan, NV
    if fa == f.inf:
        return a, 0
    m, e = _unpack(f, a)
    s = max(0, 2 * f.p + 4 - m.bit_length())
    if (e - s) & 1:
        s += 1
    m <<= s
    r = isqrt(m)  # at least p + 2 bits
    return round_pack(f, 0, 2 * r + (1 if r * r != m else 0), (e - s) // 2 - 1, rm)


def fma(f: Format, a: int, b: int, c: int, rm: int, neg_product: int, neg_addend: int):
    """(+-)(a * b) (+-) c with one rounding: ``neg_product``/``neg_addend`` (0 or 1) negate
    the product and the addend (FMADD 0/0, FMSUB 0/1, FNMSUB 1/0, FNMADD 1/1)."""
    fa, fb, fc, inf = a & f.abs, b & f.abs, c & f.abs, f.inf
    if fa > inf or fb > inf:
        return f.qnan, _nan_flags(f, a, b, c)
    if (fa == inf and not fb) or (fb == inf and not fa):
        return f.qnan, NV  # even when c is a quiet NaN
    if fc > inf:
        return f.qnan, _nan_flags(f, c)
    sp = ((a ^ b) >> f.sshift) ^ neg_product
    sc = (c >> f.sshift) ^ neg_addend
    if fa == inf or fb == inf:
        if fc == inf and sc != sp:
            return f.qnan, NV
        return (sp << f.sshift) | inf, 0
    if fc == inf:
        return (sc << f.sshift) | inf, 0
    if not fa or not fb:  # the product is an exact zero
        if not fc:
            return ((sp << f.sshift) if sp == sc else _exact_zero(f, rm)), 0
        return (sc << f.sshift) | fc, 0
    ma, ea = _unpack(f, a)
    mb, eb = _unpack(f, b)
    mp, ep = ma * mb, ea + eb
    if not fc:
        return round_pack(f, sp, mp, ep, rm)
    mc, ec = _unpack(f, c)
    if ep > ec:
        mp <<= ep - ec
        e = ec
    else:
        mc <<= ec - ep
        e = ep
    s = (-mp if sp else mp) + (-mc if sc else mc)
    if not s:
        return _exact_zero(f, rm), 0
    if s < 0:
        return round_pack(f, 1, -s, e, rm)
    return round_pack(f, 0, s, e, rm)


# ---- comparisons, min/max, classification, sign injection --------------------------------
def _key(f: Format, x: int) -> int:
    """An integer ordered like the (non-NaN) value x; -0 and +0 have the same key."""
    return -(x & f.abs) if x & f.sign else x & f.abs


def feq(f: Format, a: int, b: int) -> tuple[int, int]:
    """a == b (quiet: NV only for signalling NaNs)."""
    if is_nan(f, a) or is_nan(f, b):
        return 0, _nan_flags(f, a, b)
    return int(_key(f, a) == _key(f, b)), 0


def flt(f: Format, a: int, b: int) -> tuple[int, int]:
    """a < b (signalling: NV for any NaN)."""
    if is_nan(f, a) or is_nan(f, b):
        return 0, NV
    return int(_key(f, a) < _key(f, b)), 0


def fle(f: Format, a: int, b: int) -> tuple[int, int]:
    """a <= b (signalling: NV for any NaN)."""
    if is_nan(f, a) or is_nan(f, b):
        return 0, NV
    return int(_key(f, a) <= _key(f, b)), 0


def _minmax(f: Format, a: int, b: int, want_max: bool) -> tuple[int, int]:
    na, nb = is_nan(f, a), is_nan(f, b)
    flags = _nan_flags(f, a, b)
    if na or nb:
        if na and nb:
            return f.qnan, flags
        return (b if na else a), flags
    ka, kb = _key(f, a), _key(f, b)
    if ka == kb:  # equal values: they differ at most in the sign of a zero
        a_neg = bool(a & f.sign)
        return (b if a_neg == want_max else a), 0
    return (a if (ka > kb) == want_max else b), 0


def fmin(f: Format, a: int, b: int) -> tuple[int, int]:
    return _minmax(f, a, b, False)


def fmax(f: Format, a: int, b: int) -> tuple[int, int]:
    return _minmax(f, a, b, True)


#: FCLASS result bits
CLASS_NEG_INF, CLASS_NEG_NORMAL, CLASS_NEG_SUBNORMAL, CLASS_NEG_ZERO = 1, 2, 4, 8
CLASS_POS_ZERO, CLASS_POS_SUBNORMAL, CLASS_POS_NORMAL, CLASS_POS_INF = 16, 32, 64, 128
CLASS_SNAN, CLASS_QNAN = 256, 512


def fclass(f: Format, x: int) -> int:
    """The FCLASS bit of x."""
    mag = x & f.abs
    neg = bool(x & f.sign)
    if mag > f.inf:
        return CLASS_QNAN if x & f.quiet else CLASS_SNAN
    if mag == f.inf:
        return CLASS_NEG_INF if neg else CLASS_POS_INF
    if not mag:
        return CLASS_NEG_ZERO if neg else CLASS_POS_ZERO
    if mag & f.expmask:
        return CLASS_NEG_NORMAL if neg else CLASS_POS_NORMAL
    return CLASS_NEG_SUBNORMAL if neg else CLASS_POS_SUBNORMAL


def fsgnj(f: Format, a: int, b: int) -> int:
    return (a & f.abs) | (b & f.sign)


def fsgnjn(f: Format, a: int, b: int) -> int:
    return (a & f.abs) | (~b & f.sign)


def fsgnjx(f: Format, a: int, b: int) -> int:
    return a ^ (b & f.sign)


# ---- conversions ------------------------------------------------------------------------------
def convert(src: Format, dst: Format, a: int, rm: int) -> tuple[int, int]:
    """A value of format ``src`` rounded to format ``dst``."""
    mag = a & src.abs
    sign = a >> src.sshift
    if mag > src.inf:
        return dst.qnan, _nan_flags(src, a)
    if mag == src.inf:
        return (sign << dst.sshift) | dst.inf, 0
    if not mag:
        return sign << dst.sshift, 0
    m, e = _unpack(src, a)
    return round_pack(dst, sign, m, e, rm)


def from_int(f: Format, v: int, rm: int) -> tuple[int, int]:
    """The (signed, exact) integer v rounded to format f."""
    if not v:
        return 0, 0
    if v < 0:
        return round_pack(f, 1, -v, 0, rm)
    return round_pack(f, 0, v, 0, rm)


def to_int(f: Format, a: int, rm: int, width: int, signed: bool) -> tuple[int, int]:
    """a rounded to a ``width``-bit (un)signed integer, saturating: (Python int, flags)."""
    lo, hi = (-(1 << (width - 1)), (1 << (width - 1)) - 1) if signed else (0, (1 << width) - 1)
    mag = a & f.abs
    neg = bool(a & f.sign)
    if mag > f.inf:
        return hi, NV
    if mag == f.inf:
        return (lo if neg else hi), NV
    if not mag:
        return 0, 0
    m, e = _unpack(f, a)
    flags = 0
    if e >= 0:
        if e > width:
            return (lo if neg else hi), NV
        v = m << e
    else:
        s = -e
        v = m >> s
        rem = m & ((1 << s) - 1)
        if rem:
            flags = NX
            if _round_up(rm, int(neg), v, rem, 1 << (s - 1)):
                v += 1
    if neg:
        v = -v
    if v < lo or v > hi:
        return (lo if neg else hi), NV
    return v, flags


# ---- binary64 fast paths (round to nearest, ties to even) -----------------------------------
_SCRATCH = memoryview(bytearray(8))
_Q = _SCRATCH.cast("Q")
_D = _SCRATCH.cast("d")
_M52 = (1 << 52) - 1
_H52 = 1 << 52
_EXP = 0x7FF0_0000_0000_0000
#: Operands and results of the fast paths stay inside these magnitudes: no overflow of any
#: intermediate, and results far enough above the smallest normal number that neither
#: underflow nor tininess can arise.
_BIG = 2.0**1020
_SMALL = 2.0**-1020


def _bits_of(x: float) -> int:
    _D[0] = x
    return _Q[0]


def add_d(a: int, b: int, rm: int) -> tuple[int, int]:
    """binary64 a + b."""
    if rm == RNE:
        _Q[0] = a
        x = _D[0]
        _Q[0] = b
        y = _D[0]
        if -_BIG < x < _BIG and -_BIG < y < _BIG:
            r = x + y
            bv = r - x  # TwoSum: the rounding error of x + y, exactly
            err = (x - (r - bv)) + (y - bv)
            _D[0] = r
            return _Q[0], (NX if err else 0)
    return add(F64, a, b, rm)


def sub_d(a: int, b: int, rm: int) -> tuple[int, int]:
    """binary64 a - b."""
    return add_d(a, b ^ F64.sign, rm)


def mul_d(a: int, b: int, rm: int) -> tuple[int, int]:
    """binary64 a * b."""
    if rm == RNE:
        _Q[0] = a
        x = _D[0]
        _Q[0] = b
        r = x * _D[0]
        if _SMALL < abs(r) < _BIG:
            ma = a & _M52
            if a & _EXP:
                ma |= _H52
            mb = b & _M52
            if b & _EXP:
                mb |= _H52
            p = ma * mb  # the exact product's significand
            span = p.bit_length() - (p & -p).bit_length()  # significant bits minus one
            _D[0] = r
            return _Q[0], (NX if span > 52 else 0)
    return mul(F64, a, b, rm)


def div_d(a: int, b: int, rm: int) -> tuple[int, int]:
    """binary64 a / b."""
    if rm == RNE and b & 0x7FFFFFFFFFFFFFFF:
        _Q[0] = a
        x = _D[0]
        _Q[0] = b
        r = x / _D[0]
        if _SMALL < abs(r) < _BIG:
            _D[0] = r
            z = _Q[0]
            # exact iff r * b == a: compare the integer significands at a common exponent
            ma, ea = _unpack(F64, a)
            mb, eb = _unpack(F64, b)
            mz, ez = _unpack(F64, z)
            d = ez + eb - ea
            lhs = mz * mb
            exact = lhs << d == ma if d >= 0 else lhs == ma << -d
            return z, (0 if exact else NX)
    return div(F64, a, b, rm)


def sqrt_d(a: int, rm: int) -> tuple[int, int]:
    """binary64 square root."""
    if rm == RNE and 0 < a < 0x7FF0000000000000:  # positive, finite, nonzero
        _Q[0] = a
        r = _host_sqrt(_D[0])  # IEEE: correctly rounded
        _D[0] = r
        z = _Q[0]
        ma, ea = _unpack(F64, a)
        mz, ez = _unpack(F64, z)
        d = 2 * ez - ea
        sq = mz * mz
        exact = sq << d == ma if d >= 0 else sq == ma << -d
        return z, (0 if exact else NX)
    return sqrt(F64, a, rm)


def fma_d(a: int, b: int, c: int, rm: int, neg_product: int, neg_addend: int):
    """binary64 fused multiply-add (see :func:`fma`), with normal operands unpacked inline."""
    ea = (a >> 52) & 0x7FF
    eb = (b >> 52) & 0x7FF
    ec = (c >> 52) & 0x7FF
    if 0 < ea < 0x7FF and 0 < eb < 0x7FF and 0 < ec < 0x7FF:  # all normal: finite, nonzero
        mp = ((a & _M52) | _H52) * ((b & _M52) | _H52)
        ep = ea + eb - 2150  # 2 * (bias + 52)
        mc = (c & _M52) | _H52
        ec -= 1075
        if ep > ec:
            mp <<= ep - ec
            e = ec
        else:
            mc <<= ec - ep
            e = ep
        if ((a ^ b) >> 63) ^ neg_product:
            mp = -mp
        s = mp - mc if (c >> 63) ^ neg_addend else mp + mc
        if not s:
            return _exact_zero(F64, rm), 0
        if s < 0:
            return round_pack(F64, 1, -s, e, rm)
        return round_pack(F64, 0, s, e, rm)
    return fma(F64, a, b, c, rm, neg_product, neg_addend)
