"""Value forwarding inside a basic block: fewer stores to register locals, fewer 64-bit masks.

The instruction definitions (:mod:`hvsim.core.insns`), run in *token* mode, leave placeholders
where they read a register and mark where they assign one.  This pass resolves them for the
straight-line code of one basic block (a :class:`hvsim.core.region.Node`):

* A result used exactly once before the register is written again in the same block is not
  stored: its expression is substituted into the one use.  ``x15 = x12 & 63; x15 = x15 << 3;
  x15 = x15 + x31`` becomes one statement.
* A result that is never read before being overwritten is not computed at all.
* A result that may lie outside [0, 2**64) (a sum, a product, a signed value) is reduced with
  ``& 0xFFFFFFFFFFFFFFFF`` only where it is stored or read by an operation that needs the exact
  value (a comparison, a right shift); an operand of ``+``, ``-``, ``*``, ``<<`` or of a mask
  takes it as it is, and so does a memory address (``«A5»``): one that wraps misses the
  software TLB or indexes outside RAM, and the slow path reduces it.
* Register values known to be constants are substituted, so CPython folds ``lui``/``addi``
  pairs at compile time.

Every register a block writes is exact in its local when the block ends, so the rest of the
region never sees a forwarded value.  Traps stay precise: a forwarded value is stored on the
slow path of every instruction that can trap before the register is overwritten (the
``«SYNC»`` mark in a memory access's slow path, or before any other instruction that calls
the hart), so the trap handler's write-back sees the architectural state.

After a slow path or a helper call the hart may have asked for the block to stop (a device
raised an interrupt, a stop was requested): the ``«FLAG»`` mark, or the end of such an
instruction, becomes a check of ``h.flag`` that leaves the block at the next instruction.  No
other code can set the flag while a block runs, so loops need not check it at back edges.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from hvsim.core.insns import FLAG, SYNC, Emitter

MASK = "0xFFFFFFFFFFFFFFFF"
_TOKEN = re.compile("\u00ab([NLA])(\\d+)\u00bb")
_DEF = re.compile("\u00abD(\\d+)\\|([01])\u00bb(.*)")
_LOCAL = re.compile(r"\bx(\d+)\b")
_CALL = re.compile(r"[A-Za-z_]\w*\(")
_CONST = re.compile(r"-?\d+")

#: ``exit_code(count, pc)``: statements that leave the block with ``count`` instructions
#: retired since the block's counter was last updated, resuming at ``pc``.
ExitCode = Callable[[int, int], list[str]]


@dataclass(slots=True)
class _Pending:
    expr: str
    wrap: bool
    deps: set[int]  # the register locals the expression reads
    consumed: bool  # its one use has been substituted; kept only for slow paths
    const: bool  # an integer literal: substituted at every use
    observed: bool  # an instruction before the register's rewrite can trap
    rewrite: int  # index of the instruction that writes the register next (-1: none)


@dataclass(slots=True)
class _Insn:
    e: Emitter
    k: int  # instructions retired since the counter was last updated, before this one
    lines: list[str]
    def_reg: int | None
    def_expr: str
    def_wrap: bool
    writes: set[int]
    traps: bool  # calls the hart or raises: the architectural state must be exact there
    guarded: bool  # its calls are on a «SYNC» slow path
    tokens: list[tuple[str, str]] = field(default_factory=list)  # (kind, register) reads
    addressed: dict[int, int] = field(default_factory=dict)  # register -> its address uses


def _analyse(emitters: list[tuple[Emitter, int]]) -> list[_Insn]:
    out = []
    for e, k in emitters:
        lines = []
        def_reg, def_expr, def_wrap = None, "", False
        for line in e.lines:
            m = _DEF.fullmatch(line)
            if m is not None:
                def_reg, def_wrap, def_expr = int(m.group(1)), m.group(2) == "1", m.group(3)
                lines.append(_HERE)
            else:
                lines.append(line)
        text = "\n".join(e.lines)
        traps = "(h," in text or "(h)" in text or "raise " in text
        guarded = traps and any(line.strip() == SYNC for line in lines)
        tokens = _TOKEN.findall(text) if "\u00ab" in text else []
        addressed: dict[int, int] = {}
        for kind, reg in tokens:
            if kind == "A":
                addressed[int(reg)] = addressed.get(int(reg), 0) + 1
        ins = _Insn(e, k, lines, def_reg, def_expr, def_wrap, set(e.writes), traps, guarded)
        ins.tokens, ins.addressed = tokens, addressed
        out.append(ins)
    return out


_HERE = "\0"  # the place of an instruction's assignment among its lines


class _Forwarder:
    """One pass over a basic block (see :func:`forward`)."""

    def __init__(self, insns: list[_Insn], cond: str | None, exit_code: ExitCode) -> None:
        self.insns = insns
        self.cond = cond
        self.exit_code = exit_code
        self.out: list[tuple[str, int, int]] = []
        self.pending: dict[int, _Pending] = {}
        # per instruction: address uses of each register, and forwarded addresses bound once
        self.addressed: dict[int, int] = {}
        self.bound: dict[int, str] = {}
        self.before: list[str] = []
        count = len(insns)
        # per definition (register, instruction index): uses before the register is written
        # again, and the index of that next write
        self.uses: dict[tuple[int, int], int] = {}
        self.rewrite: dict[tuple[int, int], int] = {}
        current: dict[int, tuple[int, int]] = {}
        for i, ins in enumerate(insns):
            tokens = ins.tokens
            if i == count - 1 and cond is not None:
                tokens = tokens + _TOKEN.findall(cond)
            addressed: set[str] = set()
            for kind, reg in tokens:
                if kind == "A":  # all address uses in one instruction are one use
                    if reg in addressed:
                        continue
                    addressed.add(reg)
                d = current.get(int(reg))
                if d is not None:
                    self.uses[d] = self.uses.get(d, 0) + 1
            for reg in ins.writes:
                d = current.get(reg)
                if d is not None:
                    self.rewrite[d] = i
                current[reg] = (reg, i)
        self.traps_before = [0]  # prefix counts of instructions that can trap
        for ins in insns:
            self.traps_before.append(self.traps_before[-1] + ins.traps)

    def traps_in(self, first: int, last: int) -> bool:
        """Whether an instruction with index in [first, last] can trap."""
        return self.traps_before[last + 1] - self.traps_before[first] > 0

    def store(self, reg: int, p: _Pending) -> str:
        return f"x{reg} = ({p.expr}) & {MASK}" if p.wrap else f"x{reg} = {p.expr}"

    def resolve(self, m: re.Match[str]) -> str:
        kind, reg = m.group(1), int(m.group(2))
        bound = self.bound.get(reg)
        if kind == "A" and bound is not None:
            return bound
        p = self.pending.get(reg)
        if p is None:
            return f"x{reg}"
        if p.const:
            return p.expr
        assert not p.consumed, f"forwarded x{reg} read twice"
        p.consumed = True
        if not p.observed:  # no slow path can need it any more
            del self.pending[reg]
        if kind == "A" and self.addressed.get(reg, 0) > 1:  # one value for all address uses
            self.bound[reg] = "_a"
            self.before.append(f"_a = {p.expr}")
            return "_a"
        if kind != "N" or not p.wrap:  # an address may wrap: the fast path rejects it
            return f"({p.expr})"
        return f"(({p.expr}) & {MASK})"

    def run(self, last_ends_block: bool) -> str | None:
        insns, out, pending = self.insns, self.out, self.pending
        cond = self.cond
        for i, ins in enumerate(insns):
            e, k = ins.e, ins.k
            pc = e.pc
            if ins.traps and not ins.guarded and pending:  # a direct helper call
                out.extend((self.store(r, p), k, pc) for r, p in sorted(pending.items()))
                pending.clear()
            self.bound, self.before = {}, []
            self.addressed = ins.addressed
            if ins.tokens:
                lines = [_TOKEN.sub(self.resolve, line) for line in ins.lines]
                expr = _TOKEN.sub(self.resolve, ins.def_expr)
            else:
                lines, expr = ins.lines, ins.def_expr
            if i == len(insns) - 1 and cond is not None:
                cond = _TOKEN.sub(self.resolve, cond)
            # forwarded values that read a register this instruction writes: store them now
            # unless nothing can observe them any more
            for reg in sorted(pending) if pending and ins.writes else ():
                p = pending[reg]
                if reg in ins.writes or not p.deps & ins.writes:
                    continue
                if not p.consumed or self.traps_in(i, p.rewrite):
                    out.append((self.store(reg, p), k, pc))
                del pending[reg]
            out.extend((line, k, pc) for line in self.before)
            sync = sorted(pending.items())  # what a slow path of this instruction stores
            for reg in ins.writes:
                pending.pop(reg, None)
            for line in lines:
                if line == _HERE:
                    self.define(ins, i, expr)
                    continue
                body = line.lstrip(" ")
                ind = line[: len(line) - len(body)]
                if body == SYNC:
                    out.extend((ind + self.store(r, p), k, pc) for r, p in sync)
                elif body == FLAG:
                    out.extend((ind + s, k, pc) for s in self.flag_exit(k + 1, e.next))
                else:
                    out.append((line, k, pc))
            if ins.traps and not ins.guarded and not (i == len(insns) - 1 and last_ends_block):
                out.extend((s, k, pc) for s in self.flag_exit(k + 1, e.next))
        assert all(p.const for p in pending.values()), "a forwarded value was never stored"
        return cond

    def define(self, ins: _Insn, i: int, expr: str) -> None:
        """The assignment of ``ins``: stored, forwarded, or dropped."""
        reg = ins.def_reg
        assert reg is not None
        d = (reg, i)
        k, pc = ins.k, ins.e.pc
        rewrite = self.rewrite.get(d, -1)
        observed = rewrite >= 0 and self.traps_in(i + 1, rewrite)
        if not ins.def_wrap and _CONST.fullmatch(expr):
            if rewrite < 0:
                self.out.append((f"x{reg} = {expr}", k, pc))
            self.pending[reg] = _Pending(expr, False, set(), False, True, observed, rewrite)
            return
        n = self.uses.get(d, 0)
        deps = {int(r) for r in _LOCAL.findall(expr)}
        # While a register's value is forwarded no other expression reads its local, so storing
        # a forwarded value (on a slow path) never changes another one.  An expression that
        # reads the register's own previous value (``x8 + x13`` for x8) breaks that rule; it is
        # forwarded only when no slow path can store it before the register is rewritten.
        if rewrite >= 0 and n <= 1 and not _CALL.search(expr) and (reg not in deps or not observed):
            if n == 1 or observed:
                self.pending[reg] = _Pending(
                    expr, ins.def_wrap, deps, n == 0, False, observed, rewrite
                )
            return  # otherwise nothing ever reads it: dead
        text = f"({expr}) & {MASK}" if ins.def_wrap else expr
        self.out.append((f"x{reg} = {text}", k, pc))

    def flag_exit(self, count: int, pc: int) -> list[str]:
        return ["if h.flag:", *("    " + s for s in self.exit_code(count, pc))]


def forward(
    emitters: list[tuple[Emitter, int]],
    cond: str | None,
    exit_code: ExitCode,
    last_ends_block: bool,
) -> tuple[list[tuple[str, int, int]], str | None]:
    """Resolve the tokens of one basic block.

    ``emitters``: (emitter, retired-count offset) per instruction, in order; ``cond``: the
    terminating branch's condition (with tokens) or None; ``last_ends_block``: the last
    instruction ends the block by itself (an indirect jump, a CSR access, ...).  Returns the
    statements as (line, offset, pc) and the resolved condition.
    """
    f = _Forwarder(_analyse(emitters), cond, exit_code)
    cond = f.run(last_ends_block)
    return f.out, cond
