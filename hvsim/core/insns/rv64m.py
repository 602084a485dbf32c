"""RV64M: multiplication and division (division by zero and overflow per the spec table)."""

from __future__ import annotations

from hvsim.core.insns import register_rr
from hvsim.core.insns.rv64i import SEXT32

M = (1 << 64) - 1
S = 1 << 63

_MUL = {
    "mul": ("{la} * {lb}", True),
    "mulh": ("((({a} ^ S) - S) * (({b} ^ S) - S)) >> 64", True),
    "mulhsu": ("((({a} ^ S) - S) * {b}) >> 64", True),
    "mulhu": ("({a} * {b}) >> 64", False),
    "mulw": (SEXT32.format("{la} * {lb}"), False),
    "divu": ("{a} // {b} if {b} else M", False),
    "remu": ("{a} % {b} if {b} else {a}", False),
    "div": ("DIV({a}, {b})", False),
    "rem": ("REM({a}, {b})", False),
    "divw": ("DIVW({a}, {b})", False),
    "remw": ("REMW({a}, {b})", False),
    "divuw": ("DIVUW({a}, {b})", False),
    "remuw": ("REMUW({a}, {b})", False),
}

register_rr(_MUL)


# ---- helpers used by the emitted code (block globals) ------------------------------------
def _signed_div(a: int, b: int) -> int:
    """Signed division rounding toward zero (Python's // floors)."""
    q = abs(a) // abs(b)
    return -q if (a < 0) != (b < 0) else q


def div(a: int, b: int) -> int:
    if b == 0:
        return M
    sa, sb = (a ^ S) - S, (b ^ S) - S
    return _signed_div(sa, sb) & M  # -2**63 / -1 wraps to -2**63


def rem(a: int, b: int) -> int:
    if b == 0:
        return a
    sa, sb = (a ^ S) - S, (b ^ S) - S
    return (sa - sb * _signed_div(sa, sb)) & M


def _sext32(v: int) -> int:
    return (((v & 0xFFFFFFFF) ^ 0x80000000) - 0x80000000) & M


def _s32(v: int) -> int:
    return ((v & 0xFFFFFFFF) ^ 0x80000000) - 0x80000000


def divw(a: int, b: int) -> int:
    sa, sb = _s32(a), _s32(b)
    if sb == 0:
        return M
    return _sext32(_signed_div(sa, sb))


def remw(a: int, b: int) -> int:
    sa, sb = _s32(a), _s32(b)
    if sb == 0:
        return _sext32(sa)
    return _sext32(sa - sb * _signed_div(sa, sb))


def divuw(a: int, b: int) -> int:
    ua, ub = a & 0xFFFFFFFF, b & 0xFFFFFFFF
    return _sext32(ua // ub) if ub else M


def remuw(a: int, b: int) -> int:
    ua, ub = a & 0xFFFFFFFF, b & 0xFFFFFFFF
    return _sext32(ua % ub if ub else ua)


HELPERS = {"DIV": div, "REM": rem, "DIVW": divw, "REMW": remw, "DIVUW": divuw, "REMUW": remuw}
