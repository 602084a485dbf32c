"""Instruction semantics: one small definition per instruction, grouped by extension.

A definition is a function that *emits Python source* for one decoded instruction into an
:class:`Emitter`.  The region compiler (:mod:`hvsim.core.translate`) strings the emitted code of
the instructions of a region into one generated function, and the cold tier
(:mod:`hvsim.core.interp`) feeds the same definitions symbolic operands to get one generic
function per instruction shape, so there is no second copy of the semantics.

Conventions inside emitted code:

* guest registers are unsigned 64-bit Python ints.  A definition reads a register through
  :attr:`Emitter.rs1` / :attr:`Emitter.rs2` when it needs that exact value, or through
  :attr:`Emitter.lo1` / :attr:`Emitter.lo2` when only its value modulo 2**64 matters (an
  operand of ``+``, ``-``, ``*``, ``<<`` or of a mask), which lets the compiler skip
  reducing a forwarded intermediate result;
* a result is written with :meth:`Emitter.set_rd`, given as an expression and whether it may
  lie outside [0, 2**64) (``wrap``: the compiler reduces it with ``& M`` only where needed);
  other writes go through :attr:`Emitter.rd` inside :meth:`Emitter.line` statements;
* a memory access has a fast path and a slow path (:meth:`Emitter.guarded`);
* ``h`` is the hart, ``n`` the number of instructions retired in this batch before the block;
  ``M`` = 2**64-1, ``S`` = 2**63 (``(v ^ S) - S`` is the signed value of ``v``);
* helpers (slow-path memory access, CSR access, traps) are block globals named in
  :func:`hvsim.core.translate.block_globals`.

In *token* mode (the region compiler) register reads come out as placeholders that
:mod:`hvsim.core.forward` resolves to a local ``xN`` or a forwarded expression; in symbolic
mode (the cold tier) they are ``X[_rs1]``-style list accesses.

A definition that ends the block sets :attr:`Emitter.exit` to an expression for the next pc.
Definitions register themselves with :func:`semantics`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from hvsim.core.insns.symbolic import Sym

_CALL = re.compile(r"[A-Za-z_]\w*\(")

if TYPE_CHECKING:
    from hvsim.isa.decode import Insn

#: Placeholders of token mode (see hvsim.core.forward): «N5» reads x5 exactly, «L5» modulo
#: 2**64, «A5» as an address; a line «D5|1»expr assigns expr to x5 (1: expr may wrap);
#: «SYNC» and «FLAG» mark the slow path of a memory access (registers are made exact there;
#: the hart may ask the block to stop afterwards).
SYNC = "\u00abSYNC\u00bb"
FLAG = "\u00abFLAG\u00bb"


class Emitter:
    """Collects the source lines of one instruction and the registers it touches."""

    __slots__ = (
        "cond",
        "count_base",
        "exit",
        "idx",
        "insn",
        "lines",
        "pc",
        "reads",
        "target",
        "writes",
    )

    def __init__(self, insn: Insn, pc: int, idx: int) -> None:
        self.insn = insn
        self.pc = pc
        self.idx = idx
        self.lines: list[str] = []
        self.reads: set[int] = set()
        self.writes: set[int] = set()
        self.exit: str | None = None
        self.cond: str | None = None  # for a conditional branch: the taken condition
        self.target: int | None = None  # for a direct jump or branch: the taken target
        self.count_base = "n"  # the local counting retired instructions before this block

    # operands -------------------------------------------------------------------------------
    def _src(self, r: int, kind: str) -> str:
        if r == 0:
            return "0"
        if isinstance(r, Sym):  # generic (cold-code) function: registers live in X
            return f"X[{r}]"
        self.reads.add(r)
        return f"\u00ab{kind}{r}\u00bb"

    @property
    def rs1(self) -> str:
        """rs1's exact value."""
        return self._src(self.insn.rs1, "N")

    @property
    def rs2(self) -> str:
        """rs2's exact value."""
        return self._src(self.insn.rs2, "N")

    @property
    def lo1(self) -> str:
        """rs1 where only its value modulo 2**64 matters."""
        return self._src(self.insn.rs1, "L")

    @property
    def lo2(self) -> str:
        """rs2 where only its value modulo 2**64 matters."""
        return self._src(self.insn.rs2, "L")

    @property
    def ad1(self) -> str:
        """rs1 as a memory address base: modulo 2**64, used by the fast path as it is (an
        address that wraps fails the TLB lookup and the slow path reduces it)."""
        return self._src(self.insn.rs1, "A")

    @property
    def rd(self) -> str:
        r = self.insn.rd
        if r == 0:
            return "_"
        if isinstance(r, Sym):
            return f"X[{r}]"
        self.writes.add(r)
        self.reads.add(r)  # loaded in the prologue so that a trap can write it back unchanged
        return f"x{r}"

    @property
    def imm(self) -> int:
        return self.insn.imm

    @property
    def next(self) -> int:
        """Address of the following instruction."""
        return (self.pc + self.insn.length) & ((1 << 64) - 1)

    @property
    def count(self) -> str:
        """Expression: instructions retired in this batch before this instruction."""
        return f"{self.count_base} + {self.idx}" if self.idx else self.count_base

    @property
    def symbolic(self) -> bool:
        return isinstance(self.insn.rd, Sym)

    # output -----------------------------------------------------------------------------------
    def line(self, text: str) -> None:
        self.lines.append(text)

    def branch(self, cond: str, target: int) -> None:
        """End the block: go to ``target`` if ``cond`` holds, else fall through."""
        self.cond, self.target = cond, target
        self.exit = f"{target} if {cond} else {self.next}"

    def set_rd(self, expr: str, wrap: bool = False) -> None:
        """``rd = expr``.  ``wrap``: expr is right modulo 2**64 but may lie outside
        [0, 2**64) (a sum, a product, a signed value) and must be reduced before it is
        stored.  With rd = x0 only an expression that calls a helper (a load, a CSR access,
        ...) is kept, for its side effects and traps."""
        target = self.rd
        if target == "_":
            if _CALL.search(expr):
                self.line(f"_ = {expr}")
            return
        if self.symbolic:
            self.line(f"{target} = ({expr}) & M" if wrap else f"{target} = {expr}")
        else:
            self.line(f"\u00abD{self.insn.rd}|{int(wrap)}\u00bb{expr}")

    def guarded(self, fast: str, slow: str) -> None:
        """``fast``, or ``slow`` when it raises KeyError/IndexError (a software-TLB miss, a
        misaligned or wrapped address: see :mod:`hvsim.core.insns.rv64i`).  ``try`` costs
        nothing in CPython 3.11 until it fires."""
        self.line(f"try: {fast}")
        if self.symbolic:
            self.line(f"except MISS: {slow}")
        else:
            self.line("except MISS:")
            self.line("    " + SYNC)
            self.line("    " + slow)
            self.line("    " + FLAG)


Definition = Callable[[Emitter], None]
SEMANTICS: dict[str, Definition] = {}
#: Instructions after which a block must end even if they do not set ``Emitter.exit``.
BLOCK_ENDERS: set[str] = set()


def semantics(*names: str, ends_block: bool = False) -> Callable[[Definition], Definition]:
    """Register ``fn`` as the definition of the instructions ``names``."""

    def register(fn: Definition) -> Definition:
        for name in names:
            if name in SEMANTICS:
                raise ValueError(f"duplicate semantics for {name}")
            SEMANTICS[name] = fn
            if ends_block:
                BLOCK_ENDERS.add(name)
        return fn

    return register


def register_rr(templates: dict[str, tuple[str, bool]]) -> None:
    """Register register-register operations given as ``rd = template`` with ``wrap`` (see
    :meth:`Emitter.set_rd`): in the template ``{a}``/``{b}`` are rs1/rs2 exactly, ``{la}``/
    ``{lb}`` rs1/rs2 modulo 2**64."""

    def definition(template: str, wrap: bool) -> Definition:
        def emit(e: Emitter) -> None:
            fields = {}
            for key, get in (("a", "rs1"), ("b", "rs2"), ("la", "lo1"), ("lb", "lo2")):
                if "{" + key + "}" in template:
                    fields[key] = getattr(e, get)
            e.set_rd(template.format(**fields), wrap)

        return emit

    for name, (template, wrap) in templates.items():
        semantics(name)(definition(template, wrap))


def load_all() -> None:
    """Import every extension module so that its definitions are registered."""
    from hvsim.core.insns import rv64a, rv64fd, rv64i, rv64m, system, zicsr  # noqa: F401
