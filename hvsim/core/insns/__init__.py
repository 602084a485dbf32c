"""Instruction semantics: one small definition per instruction, grouped by extension.

A definition is a function that *emits Python source* for one decoded instruction into an
:class:`Emitter`.  The block translator (:mod:`hvsim.core.translate`) strings the emitted lines
of a basic block into one generated function; single-step/trace mode translates one-instruction
blocks from the very same definitions, so there is no second copy of the semantics.

Conventions inside emitted code (see :mod:`hvsim.core.translate` for the prologue):

* guest registers live in locals ``x1`` .. ``x31``; ``x0`` reads as the literal ``0`` and writes
  to it go to the throw-away local ``_``; values are unsigned 64-bit Python ints;
* ``h`` is the hart, ``n`` the number of instructions retired in this batch before the block;
* ``M`` = 2**64-1, ``S`` = 2**63 (``(v ^ S) - S`` is the signed value of ``v``);
* helpers (slow-path memory access, CSR access, traps) are block globals named in
  :data:`hvsim.core.translate.BLOCK_GLOBALS`.

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
    def _src(self, r: int) -> str:
        if r == 0:
            return "0"
        if isinstance(r, Sym):  # generic (cold-code) function: registers live in X
            return f"X[{r}]"
        self.reads.add(r)
        return f"x{r}"

    @property
    def rs1(self) -> str:
        return self._src(self.insn.rs1)

    @property
    def rs2(self) -> str:
        return self._src(self.insn.rs2)

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

    # output -----------------------------------------------------------------------------------
    def line(self, text: str) -> None:
        self.lines.append(text)

    def branch(self, cond: str, target: int) -> None:
        """End the block: go to ``target`` if ``cond`` holds, else fall through."""
        self.cond, self.target = cond, target
        self.exit = f"{target} if {cond} else {self.next}"

    def set_rd(self, expr: str) -> None:
        """``rd = expr``; with rd = x0 only an expression that calls a helper (a load, a CSR
        access, ...) is kept, for its side effects and traps."""
        target = self.rd
        if target == "_" and not _CALL.search(expr):
            return
        self.line(f"{target} = {expr}")


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


def register_rr(templates: dict[str, str]) -> None:
    """Register register-register operations given as ``rd = template(a=rs1, b=rs2)``."""

    def definition(template: str) -> Definition:
        def emit(e: Emitter) -> None:
            e.set_rd(template.format(a=e.rs1, b=e.rs2))

        return emit

    for name, template in templates.items():
        semantics(name)(definition(template))


def load_all() -> None:
    """Import every extension module so that its definitions are registered."""
    from hvsim.core.insns import rv64a, rv64i, rv64m, system, zicsr  # noqa: F401
