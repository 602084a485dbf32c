"""The cold tier: run rarely executed code without compiling a Python function per block.

Compiling a block costs about as much as executing it thousands of times (CPython's parser
dominates), while most blocks of a kernel boot run only a handful of times.  So a block starts
*cold*: its instructions are decoded once and each runs through a *generic* function shared by
every instruction of the same shape (name, length, which of rd/rs1/rs2/imm are zero), produced
from the one definition of the instruction by feeding it symbolic operands
(:mod:`hvsim.core.insns.symbolic`).  After :data:`HOT_THRESHOLD` executions the block is compiled
by :mod:`hvsim.core.translate` and the compiled function takes over.

Single-step execution (trace mode, the last instructions of a batch) uses the same generic
functions, so it never compiles anything either.  An instruction whose definition needs a
concrete operand falls back to a compiled one-instruction block.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from hvsim.core.insns import SEMANTICS, Emitter
from hvsim.core.insns.rv64i import tinst
from hvsim.core.insns.symbolic import SymbolicError, SymInsn
from hvsim.core.trap import Trap

if TYPE_CHECKING:
    from hvsim.isa.decode import Insn

HOT_THRESHOLD = 128
M64 = (1 << 64) - 1

PARAMS = ("_pc", "_rd", "_rs1", "_rs2", "_rs3", "_rm", "_imm", "_csr", "_raw", "_tinst")
_VALUES: dict[str, Callable[[Insn, int], int]] = {
    "_pc": lambda i, pc: pc,
    "_rd": lambda i, pc: i.rd,
    "_rs1": lambda i, pc: i.rs1,
    "_rs2": lambda i, pc: i.rs2,
    "_rs3": lambda i, pc: i.rs3,
    "_rm": lambda i, pc: i.rm,
    "_imm": lambda i, pc: i.imm,
    "_csr": lambda i, pc: i.csr,
    "_raw": lambda i, pc: i.raw,
    "_tinst": lambda i, pc: tinst(Emitter(i, pc, 0)),
}

Generic = tuple[Callable[..., int], tuple[str, ...]]


class GenericFunctions:
    """Generic instruction functions by shape, compiled on first use."""

    def __init__(self, globals_: dict[str, object]) -> None:
        self.globals = globals_
        self.cache: dict[tuple, Generic | None] = {}
        self._steps: dict[int, tuple] = {}
        self.compiled = 0

    def get(self, insn: Insn) -> Generic | None:
        key = (insn.name, insn.length, insn.rd == 0, insn.rs1 == 0, insn.rs2 == 0, insn.imm == 0)
        if key not in self.cache:
            self.cache[key] = self._build(*key)
        return self.cache[key]

    def _build(
        self, name: str, length: int, rd0: bool, rs10: bool, rs20: bool, imm0: bool
    ) -> Generic | None:
        sym = SymInsn(name, length, rd0, rs10, rs20, imm0)
        e = Emitter(sym, sym.imm.__class__("_pc"), 0)  # type: ignore[arg-type]
        try:
            SEMANTICS[name](e)
            exit_expr = str(e.exit) if e.exit is not None else str(e.next)
        except SymbolicError:
            return None
        lines = list(e.lines)
        text = "\n".join(lines)
        if "TW[" in text:
            lines.insert(0, "TW = h.tw")
        if "TR[" in text:
            lines.insert(0, "TR = h.tr")
        body = "\n".join("    " + line for line in lines) or "    pass"
        params = tuple(p for p in PARAMS if p in body or p in exit_expr)
        # operands first: the interpreter binds them once per instruction with
        # functools.partial and calls fn(X, h, n), much cheaper than fn(X, h, n, *args)
        head = "".join(p + ", " for p in params)
        src = f"def _g({head}X, h, n):\n{body}\n    return {exit_expr}\n"
        g = dict(self.globals)
        exec(compile(src, f"<generic {name}>", "exec"), g)
        self.compiled += 1
        return g["_g"], params  # type: ignore[return-value]

    def step(self, insn: Insn, pc: int) -> Callable[..., int] | None:
        """``fn(X, h, n)`` executing ``insn`` at ``pc`` (cached by encoding when pc-free)."""
        cached = self._steps.get(insn.raw)
        if cached is None:
            generic = self.get(insn)
            if generic is None:
                return None
            fn, params = generic
            args = tuple(0 if p == "_pc" else _VALUES[p](insn, pc) for p in params)
            pc_index = params.index("_pc") if "_pc" in params else -1
            bound = partial(fn, *args) if pc_index < 0 else None
            cached = self._steps[insn.raw] = (fn, args, pc_index, bound)
        fn, args, pc_index, bound = cached
        if bound is not None:
            return bound
        return partial(fn, *args[:pc_index], pc, *args[pc_index + 1 :])


def make_cold(
    steps: list[tuple[int, Callable[..., int]]],
    more: Callable[[], tuple | None] | None,
    promote: Callable[[object], tuple] | None,
    threshold: int = HOT_THRESHOLD,
) -> Callable[..., int]:
    """A block function that interprets ``steps`` [(pc, fn(X, h, n))] and promotes itself.

    ``more()`` decodes the next step the first time execution gets past the known ones (None
    when the block ends there).  Like a compiled superblock the function runs until control
    leaves the decoded sequence, reports the instructions it retired in ``h.loop_n`` and the
    trapping instruction in ``h.trap_idx`` / ``h.trap_pc``.  ``promote(h)`` compiles the block
    and returns its entry; it is called when the block starts for the ``threshold + 1``-th
    time.
    """
    runs = 0
    promoted: tuple | None = None
    first = steps[0][0]

    def cold(X: list[int], h, n: int) -> int:
        nonlocal runs, promoted, more
        if promoted is None and promote is not None:
            runs += 1
            if runs > threshold:
                promoted = promote(h)
        # the dispatcher checked this cold block's bound against the budget, not the compiled
        # region's: run the region only if its entry horizon fits too
        if promoted is not None and n + promoted[1] <= h.budget:
            fn, count, variable = promoted
            pc = fn(X, h, n)
            if not variable:
                h.loop_n = n + count
            return pc
        i = 0
        pc = first
        while True:
            if i < len(steps):
                ipc, fn = steps[i]
            else:
                step = more() if more is not None else None
                if step is None:
                    more = None
                    break
                steps.append(step)
                ipc, fn = step
            if pc != ipc:
                break
            try:
                pc = fn(X, h, n + i)
            except Trap:
                h.trap_idx = i
                h.trap_pc = ipc
                raise
            i += 1
        h.loop_n = n + i
        return pc

    return cold
