"""RV64A: LR/SC and AMOs.  All go through the hart's atomic slow path (see Hart.amo)."""

from __future__ import annotations

from hvsim.core.insns import Emitter, semantics
from hvsim.core.insns.rv64i import tinst

M = (1 << 64) - 1

AMO_OPS = ("swap", "add", "and", "or", "xor", "min", "max", "minu", "maxu")


def _amo(op: str, size: int):
    def emit(e: Emitter) -> None:
        e.set_rd(f"AMO(h, {op!r}, {e.rs1}, {e.rs2}, {size}, {e.count}, {tinst(e)})")

    return emit


for _op in AMO_OPS:
    semantics(f"amo{_op}_w")(_amo(_op, 4))
    semantics(f"amo{_op}_d")(_amo(_op, 8))


def _lr(size: int):
    def emit(e: Emitter) -> None:
        e.set_rd(f"LR(h, {e.rs1}, {size}, {e.count}, {tinst(e)})")

    return emit


def _sc(size: int):
    def emit(e: Emitter) -> None:
        e.set_rd(f"SC(h, {e.rs1}, {e.rs2}, {size}, {e.count}, {tinst(e)})")

    return emit


semantics("lr_w")(_lr(4))
semantics("lr_d")(_lr(8))
semantics("sc_w")(_sc(4))
semantics("sc_d")(_sc(8))


# op -> f(a, b, signed a, signed b): the value written back (before masking)
AMO_FUNCTIONS = {
    "swap": lambda a, b, sa, sb: b,
    "add": lambda a, b, sa, sb: a + b,
    "and": lambda a, b, sa, sb: a & b,
    "or": lambda a, b, sa, sb: a | b,
    "xor": lambda a, b, sa, sb: a ^ b,
    "min": lambda a, b, sa, sb: a if sa < sb else b,
    "max": lambda a, b, sa, sb: a if sa > sb else b,
    "minu": lambda a, b, sa, sb: a if a < b else b,
    "maxu": lambda a, b, sa, sb: a if a > b else b,
}


def amo_compute(op: str, old: int, src: int, size: int) -> int:
    """The value an AMO writes back, given the old memory value (unsigned) and rs2."""
    bits = 8 * size
    mask = (1 << bits) - 1
    sign = 1 << (bits - 1)
    a, b = old & mask, src & mask
    return AMO_FUNCTIONS[op](a, b, (a ^ sign) - sign, (b ^ sign) - sign) & mask
