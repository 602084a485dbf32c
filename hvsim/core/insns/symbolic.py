"""Symbolic operands: run an instruction definition once for a whole *shape* of instructions.

The block compiler feeds definitions concrete operands (register numbers, immediates, the pc)
and gets source with constants folded in.  The cold-code interpreter (:mod:`hvsim.core.interp`)
feeds the *same* definitions :class:`Sym` values instead: arithmetic on a ``Sym`` builds an
expression string (``(_imm & 18446744073709551615)``), so the emitted source becomes a generic
function of parameters ``_rd``, ``_rs1``, ``_imm``, ``_pc``, ... compiled once per shape.

A shape fixes everything a definition may branch on: the instruction name, its length and
which of rd/rs1/rs2/imm are zero.  A ``Sym`` therefore answers ``== 0`` / ``!= 0`` and refuses
every other comparison or truth test with :class:`SymbolicError`; the interpreter then falls
back to compiling that one instruction concretely, so a definition can never be silently
mistranslated.
"""

from __future__ import annotations


class SymbolicError(TypeError):
    """A definition needed a concrete value where only a symbolic one is available."""


class Sym:
    """A symbolic integer: an expression string plus whether it is known to be zero."""

    __slots__ = ("expr", "zero")

    def __init__(self, expr: str, zero: bool = False) -> None:
        self.expr = expr
        self.zero = zero

    # ---- what definitions may ask -----------------------------------------------------------
    def __eq__(self, other: object) -> bool:  # type: ignore[override]
        if isinstance(other, int) and other == 0:
            return self.zero
        raise SymbolicError(f"cannot compare symbolic {self.expr} with {other!r}")

    def __ne__(self, other: object) -> bool:  # type: ignore[override]
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash(self.expr)

    def __bool__(self) -> bool:
        raise SymbolicError(f"symbolic {self.expr} used as a condition")

    def __index__(self) -> int:
        raise SymbolicError(f"symbolic {self.expr} used as an integer")

    def __str__(self) -> str:
        return self.expr

    def __format__(self, spec: str) -> str:
        if spec:
            raise SymbolicError(f"symbolic {self.expr} formatted with {spec!r}")
        return self.expr

    def __repr__(self) -> str:
        return f"Sym({self.expr!r})"

    # ---- arithmetic builds expressions --------------------------------------------------------
    def _op(self, op: str, other: object, reverse: bool = False) -> Sym:
        if not isinstance(other, (int, Sym)) or isinstance(other, bool):
            raise SymbolicError(f"symbolic {self.expr} {op} {other!r}")
        a, b = (other, self) if reverse else (self, other)
        return Sym(f"({a} {op} {b})")

    def __add__(self, o: object) -> Sym:
        return self._op("+", o)

    def __radd__(self, o: object) -> Sym:
        return self._op("+", o, True)

    def __sub__(self, o: object) -> Sym:
        return self._op("-", o)

    def __rsub__(self, o: object) -> Sym:
        return self._op("-", o, True)

    def __and__(self, o: object) -> Sym:
        return self._op("&", o)

    def __rand__(self, o: object) -> Sym:
        return self._op("&", o, True)

    def __or__(self, o: object) -> Sym:
        return self._op("|", o)

    def __ror__(self, o: object) -> Sym:
        return self._op("|", o, True)

    def __xor__(self, o: object) -> Sym:
        return self._op("^", o)

    def __rxor__(self, o: object) -> Sym:
        return self._op("^", o, True)

    def __lshift__(self, o: object) -> Sym:
        return self._op("<<", o)

    def __rshift__(self, o: object) -> Sym:
        return self._op(">>", o)

    def __invert__(self) -> Sym:
        return Sym(f"(~{self.expr})")


class SymInsn:
    """A decoded instruction whose operand fields are symbolic (see the module docstring)."""

    __slots__ = (
        "aq",
        "cname",
        "csr",
        "fm",
        "imm",
        "length",
        "name",
        "pred",
        "raw",
        "rd",
        "rl",
        "rm",
        "rs1",
        "rs2",
        "rs3",
        "succ",
    )

    def __init__(
        self, name: str, length: int, rd0: bool, rs10: bool, rs20: bool, imm0: bool
    ) -> None:
        self.name = name
        self.length = length
        self.rd = Sym("_rd", rd0)
        self.rs1 = Sym("_rs1", rs10)
        self.rs2 = Sym("_rs2", rs20)
        self.rs3 = Sym("_rs3")  # FP registers: definitions never branch on them
        self.rm = Sym("_rm")
        self.imm = Sym("_imm", imm0)
        self.csr = Sym("_csr")
        self.raw = Sym("_raw")
        self.aq = self.rl = self.pred = self.succ = self.fm = Sym("_unused")
        self.cname = None
