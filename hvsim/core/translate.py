"""Region compiler: hot guest code -> one cached Python function per region.

When a cold block becomes hot (:mod:`hvsim.core.codecache`), the code around it is compiled as
a *region* (:mod:`hvsim.core.region`): the basic blocks reachable from it that have executed,
with their loops.  Each instruction's definition (:mod:`hvsim.core.insns`) emits Python source
for it; :mod:`hvsim.core.forward` resolves register reads and writes inside each basic block;
this module arranges the blocks as structured Python code and wraps them in one function::

    def _blk(X, h, n):          # X: the hart's register list, n: retired so far in the batch
        x5 = X[5]; x10 = X[10]  # every register the region touches, as locals
        TR = h.tr; TW = h.tw    # the software TLB for loads and stores (see hvsim.core.hart)
        _n = n                  # retired before the current straight-line stretch
        _B3 = h.budget - 17     # per loop: start another iteration only while it fits
        try:
            while True:         # a loop of the region (nested loops nest)
                ...             # basic blocks; single-predecessor successors inlined as if/else
                if _d == 7:     # a block with several predecessors: reached through _d
                    ...
                _n += 12        # a back edge: count, check the budget, iterate
                if _n > _B3: h.loop_n = _n; return <header pc>
                continue
        except Trap as _e:      # precise traps: the trapping line names the instruction
            _i = _LN[_e.__traceback__.tb_lineno]
            h.trap_idx = _n - n + _i[0]; h.trap_pc = _i[1]
            raise
        finally:                # registers go back on every exit and on the trapping path
            X[10] = x10

Control flow: inside a loop level, a block with one predecessor is emitted in place of the
branch that reaches it; blocks with several (joins) follow in topological order behind
``if _d == <label>:`` tests; a back edge to the level's header is ``continue`` after the budget
check; an edge out of the innermost loop is ``break`` (with ``_d`` naming the target when
there are several); any other edge leaves the function (``h.loop_n = ...; return <pc>``).
Instruction counts are static along each stretch, so ``_n`` is only updated where stretches
meet.  ``try`` costs nothing in CPython 3.11 until it fires, so the fast path carries no
bookkeeping for precise traps.  Compiled regions are shared by all harts on the same physical
memory (:class:`hvsim.core.codecache.CodeCache`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hvsim.core.forward import forward
from hvsim.core.insns import SEMANTICS, Emitter, load_all, rv64m
from hvsim.core.region import (
    BRANCH,
    DYNAMIC,
    JUMP,
    MAX_REGION_INSNS,
    RETURN,
    Loop,
    Node,
    Region,
    _Page,
    discover,
    is_control,
    straddling_entry,
)
from hvsim.core.trap import Trap
from hvsim.isa import encoding as E
from hvsim.isa.decode import Insn

if TYPE_CHECKING:
    from collections.abc import Callable

    from hvsim.core.codecache import CodeCache
    from hvsim.core.hart import Hart

load_all()

M64 = (1 << 64) - 1


@dataclass(slots=True)
class Block:
    """A translated block.  ``entry`` = (function, instruction count, is-loop) is what the jump
    caches hold; a loop block reports how many instructions it retired in ``hart.loop_n``."""

    va: int
    pa: int
    count: int
    fn: Callable[..., int]
    pages: tuple[int, ...]
    pcs: tuple[int, ...]
    insns: tuple[Insn | None, ...]
    raws: tuple[int, ...]
    loop: bool = False
    source: str = ""
    entry: tuple[Callable[..., int], int, bool] = field(init=False)

    def __post_init__(self) -> None:
        self.entry = (self.fn, self.count, self.loop)


def block_globals(h: Hart) -> dict[str, object]:
    """Names visible to generated code (helpers are unbound Hart methods: ``F(h, ...)``)."""
    from hvsim.core import hart as hart_mod

    mem = h.mem
    g: dict[str, object] = {
        "M": M64,
        "S": 1 << 63,
        "Trap": Trap,
        "MISS": (KeyError, IndexError),  # a memory access that leaves the fast path
        "U64": mem.q,
        "I32": mem.w,
        "U32": mem.uw,
        "I16": mem.h,
        "U16": mem.uh,
        "I8": mem.sb,
        "U8": mem.b,
        **rv64m.HELPERS,
        **hart_mod.BLOCK_HELPERS,
    }
    return g


_BRANCHES = {"beq", "bne", "blt", "bge", "bltu", "bgeu"}


# How a transfer of control is compiled (see _Codegen.transfer)
_EXIT, _CONTINUE, _WITHIN, _BREAK = "exit", "continue", "within", "break"
#: Deepest if/else nesting of inlined code before successors are dispatched instead.
_MAX_INLINE_DEPTH = 40


def translate(h: Hart, va: int, pa: int, single: bool = False) -> Block:
    """Compile the region entered at guest ``va`` (host physical ``pa``) into a Block.

    ``single`` compiles just the one instruction.  Otherwise the region follows the edges that
    execution has reached (the code cache's record), see :mod:`hvsim.core.region`.
    """
    cache = h.code_cache
    page_va = va & ~0xFFF
    if va - page_va == 0xFFE and h.mem.uh[(pa - h.mem.ram_base) >> 1] & 3 == 3:
        raw, insn, pages = straddling_entry(h, va, pa)
        if insn is None:
            return _illegal_block(h, va, pa, raw, pages)
        region = single_region(va, raw, insn, pages)
    else:
        found = _Page(h, va, pa).at(va)
        assert found is not None
        raw, insn, _ = found
        if insn is None:
            return _illegal_block(h, va, pa, raw, [pa >> 12])
        reached = None if single else cache.reached_on(pa >> 12)
        limit = 1 if single else MAX_REGION_INSNS
        region = discover(h, va, pa, reached, limit)
    while True:
        try:
            return _Codegen(h, region, pa).build()
        except (SyntaxError, RecursionError, MemoryError):  # pathologically nested code
            if region.insn_count <= 1:
                raise
            region = discover(h, va, pa, cache.reached_on(pa >> 12), region.insn_count // 2)


def single_region(va: int, raw: int, insn: Insn, pages: list[int]) -> Region:
    """A region of one instruction whose successors all leave it."""
    node = Node(va, [(va, raw, insn)])
    nxt = (va + insn.length) & M64
    if insn.name in _BRANCHES:
        node.kind, node.succs = BRANCH, [(va + insn.imm) & M64, nxt]
    elif insn.name == "jal":
        node.kind, node.succs = JUMP, [(va + insn.imm) & M64]
    elif is_control(insn):
        node.kind = DYNAMIC
    else:
        node.succs = [nxt]
    node.horizon = 1
    return Region(va, {va: node}, pages)


def _illegal_block(h: Hart, va: int, pa: int, raw: int, pages: list[int]) -> Block:
    source = (
        "def _blk(X, h, n):\n"
        f"    h.trap_idx = 0\n    h.trap_pc = {va}\n"
        f"    raise Trap({E.CAUSE_ILLEGAL_INSTRUCTION}, {raw})\n"
    )
    g = dict(h.code_cache.globals)
    exec(compile(source, f"<block {va:#x}>", "exec"), g)
    return Block(va, pa, 1, g["_blk"], tuple(pages), (va,), (None,), (raw,), True, source)


#: Most compiled sources a code cache remembers for sharing (bounds memory under code churn).
_MAX_SHARED = 8192


def _compile(
    cache: CodeCache, source: str, entry: int, line_info: dict[int, tuple[int, int]]
) -> Callable[..., int]:
    """The function for ``source``, compiled once per code cache: VMs that run the same
    kernel at the same addresses (from different host pages) share their compiled regions."""
    fn = cache.compiled.get(source)
    if fn is None:
        if len(cache.compiled) >= _MAX_SHARED:
            cache.compiled.clear()
        g = dict(cache.globals)
        g["_LN"] = line_info
        exec(compile(source, f"<block {entry:#x}>", "exec"), g)
        fn = cache.compiled[source] = g["_blk"]
    return fn  # type: ignore[return-value]


def _exit_code(k: int, target: int | str) -> list[str]:
    """Leave the function at ``target`` with ``k`` instructions retired since ``_n``."""
    return [f"h.loop_n = _n + {k}" if k else "h.loop_n = _n", f"return {target}"]


class _Codegen:
    """Emits one Python function for a region (see the module docstring)."""

    def __init__(self, h: Hart, region: Region, pa: int) -> None:
        self.h = h
        self.region = region
        self.pa = pa
        self.nodes = region.nodes
        self.src: list[str] = []
        self.line_info: dict[int, tuple[int, int]] = {}  # source line -> (offset, pc)
        self.reads: set[int] = set()
        self.writes: set[int] = set()
        self.inline: set[tuple[Loop | None, int]] = set()  # (level, item) emitted in place
        self.exits: dict[int, list[int]] = {}  # loop header -> items its breaks go to

    # ---- structure ----------------------------------------------------------------------
    def item_of(self, pc: int, level: Loop | None) -> int | None:
        """The item of ``level`` holding node ``pc``: the node itself, or the header of the
        child loop of ``level`` around it; None when ``pc`` lies outside ``level``."""
        lp = self.nodes[pc].loop
        if lp is level:
            return pc
        while lp is not None and lp.parent is not level:
            lp = lp.parent
        return lp.header.start if lp is not None else None

    def classify(self, src: int, dst: int) -> tuple[str, int]:
        """How the edge ``src -> dst`` is compiled, and the item it goes to."""
        region = self.region
        level = self.nodes[src].loop
        if not region.internal(src, dst):
            return _EXIT, dst
        if (src, dst) in region.back_edges:
            target = region.loops.get(dst)
            if target is level:
                return _CONTINUE, dst
            if level is not None and target is level.parent:
                return _BREAK, dst
            return _EXIT, dst
        item = self.item_of(dst, level)
        if item is not None:
            return _WITHIN, item
        if level is not None and self.item_of(dst, level.parent) is not None:
            return _BREAK, self.item_of(dst, level.parent)  # type: ignore[return-value]
        return _EXIT, dst

    def plan(self) -> None:
        """Decide which items are emitted in place and which are dispatched (merges)."""
        region = self.region
        levels: list[Loop | None] = [None, *region.loops.values()]
        for lp in region.loops.values():
            targets: list[int] = []
            for pc in lp.body:
                if self.nodes[pc].loop is not lp:
                    continue
                for s in self.nodes[pc].succs:
                    kind, item = self.classify(pc, s)
                    if kind == _BREAK and item not in targets:
                        targets.append(item)
            self.exits[lp.header.start] = targets
        for level in levels:
            sites: dict[int, int] = {}
            for pc, node in self.nodes.items():
                if node.loop is not level:
                    continue
                for s in node.succs:
                    kind, item = self.classify(pc, s)
                    if kind == _WITHIN:
                        sites[item] = sites.get(item, 0) + 1
            for lp in region.loops.values():
                if lp.parent is level:
                    targets = self.exits[lp.header.start]
                    for item in targets:
                        if level is None or item != level.header.start:
                            sites[item] = sites.get(item, 0) + (1 if len(targets) == 1 else 2)
            for item, count in sites.items():
                if count == 1:
                    self.inline.add((level, item))

    def order(self, level: Loop | None, entry: int) -> list[int]:
        """The items of ``level`` in topological order (forward edges only)."""
        seen: set[int] = set()
        post: list[int] = []

        def succ_items(item: int) -> list[int]:
            lp = self.region.loops.get(item)
            if lp is not None and lp is not level:
                return [t for t in self.exits[item] if level is None or t != level.header.start]
            out = []
            for s in self.nodes[item].succs:
                kind, it = self.classify(item, s)
                if kind == _WITHIN:
                    out.append(it)
            return out

        stack = [(entry, succ_items(entry))]
        seen.add(entry)
        while stack:
            item, succs = stack[-1]
            if succs:
                s = succs.pop(0)
                if s not in seen:
                    seen.add(s)
                    stack.append((s, succ_items(s)))
            else:
                post.append(item)
                stack.pop()
        return post[::-1]

    # ---- emission -----------------------------------------------------------------------
    def emit(self, ind: str, text: str) -> None:
        self.src.append(ind + text)

    def emit_level(self, level: Loop | None, entry: int, ind: str) -> None:
        self.emit_item(level, entry, 0, ind, 0)
        for item in self.order(level, entry)[1:]:
            if (level, item) not in self.inline:
                self.emit(ind, f"if _d == {self.nodes[item].index}:")
                self.emit_item(level, item, 0, ind + "    ", 0)

    def emit_item(self, level: Loop | None, item: int, k: int, ind: str, depth: int) -> None:
        lp = self.region.loops.get(item)
        if lp is not None and lp is not level:
            self.emit_loop(level, lp, k, ind, depth)
        else:
            self.emit_node(self.nodes[item], k, ind, depth)

    def emit_loop(self, level: Loop | None, lp: Loop, k: int, ind: str, depth: int) -> None:
        if k:
            self.emit(ind, f"_n += {k}")
        self.emit(ind, "while True:")
        self.emit_level(lp, lp.header.start, ind + "    ")
        targets = self.exits[lp.header.start]
        if len(targets) == 1:
            item = targets[0]
            if level is not None and item == level.header.start:
                self.back_edge(level, 0, ind)
            elif (level, item) in self.inline:
                self.emit_item(level, item, 0, ind, depth)
            else:
                self.emit(ind, f"_d = {self.nodes[item].index}")
        elif level is not None and level.header.start in targets:
            self.emit(ind, f"if _d == {level.header.index}:")
            self.back_edge(level, 0, ind + "    ")

    def emit_node(self, node: Node, k: int, ind: str, depth: int) -> None:
        emitters: list[tuple[Emitter, int]] = []
        for pc, _, insn in node.insns:
            e = Emitter(insn, pc, k)
            e.count_base = "_n"
            SEMANTICS[insn.name](e)
            self.reads |= e.reads
            self.writes |= e.writes
            emitters.append((e, k))
            k += 1
        last = emitters[-1][0]
        lines, cond = forward(
            emitters,
            last.cond if node.kind == BRANCH else None,
            _exit_code,
            node.kind in (DYNAMIC, RETURN),
        )
        for line, offset, pc in lines:
            self.emit(ind, line)
            self.line_info[len(self.src)] = (offset, pc)
        if node.kind == BRANCH:
            assert cond is not None
            self.branch(node, cond, k, ind, depth)
        elif node.kind == DYNAMIC:
            self.leave(last.exit if last.exit is not None else str(last.next), k, ind)
        elif node.kind == RETURN:
            self.predicted_return(node, k, ind, depth)
        else:
            self.transfer(node.start, node.succs[0], k, ind, depth)

    def branch(self, node: Node, cond: str, k: int, ind: str, depth: int) -> None:
        taken, fall = node.succs
        inner = ind + "    "
        if self.terminal(node.start, taken):
            self.emit(ind, f"if {cond}:")
            self.transfer(node.start, taken, k, inner, depth + 1)
            self.transfer(node.start, fall, k, ind, depth)
        elif self.terminal(node.start, fall):
            self.emit(ind, f"if not ({cond}):")
            self.transfer(node.start, fall, k, inner, depth + 1)
            self.transfer(node.start, taken, k, ind, depth)
        else:
            self.emit(ind, f"if {cond}:")
            self.transfer(node.start, taken, k, inner, depth + 1)
            self.emit(ind, "else:")
            self.transfer(node.start, fall, k, inner, depth + 1)

    def predicted_return(self, node: Node, k: int, ind: str, depth: int) -> None:
        """A return (target in ``_t``): to the predicted return site it equals, else out."""
        inner = ind + "    "
        for i, site in enumerate(node.succs):
            self.emit(ind, f"{'el' if i else ''}if _t == {site}:")
            self.transfer(node.start, site, k, inner, depth + 1)
        if node.succs:
            self.emit(ind, "else:")
            self.leave("_t", k, inner)
        else:
            self.leave("_t", k, ind)

    def terminal(self, src: int, dst: int) -> bool:
        """Whether the transfer ends in continue, break or return (code after it is dead)."""
        return self.classify(src, dst)[0] != _WITHIN

    def transfer(self, src: int, dst: int, k: int, ind: str, depth: int) -> None:
        kind, item = self.classify(src, dst)
        level = self.nodes[src].loop
        if kind == _EXIT:
            self.leave(str(dst), k, ind)
        elif kind == _CONTINUE:
            assert level is not None
            self.back_edge(level, k, ind)
        elif kind == _WITHIN:
            if (level, item) in self.inline and depth < _MAX_INLINE_DEPTH:
                self.emit_item(level, item, k, ind, depth)
            else:
                if (level, item) in self.inline:  # too deep: dispatch it after all
                    self.inline.discard((level, item))
                if k:
                    self.emit(ind, f"_n += {k}")
                self.emit(ind, f"_d = {self.nodes[item].index}")
        else:  # _BREAK out of the innermost loop
            assert level is not None
            if k:
                self.emit(ind, f"_n += {k}")
            if len(self.exits[level.header.start]) > 1:
                self.emit(ind, f"_d = {self.nodes[item].index}")
            self.emit(ind, "break")

    def back_edge(self, level: Loop, k: int, ind: str) -> None:
        if k:
            self.emit(ind, f"_n += {k}")
        self.emit(ind, f"if _n > _B{level.header.index}:")
        self.emit(ind, "    h.loop_n = _n")
        self.emit(ind, f"    return {level.header.start}")
        self.emit(ind, "continue")

    def leave(self, target: str, k: int, ind: str) -> None:
        for line in _exit_code(k, target):
            self.emit(ind, line)

    # ---- the function -------------------------------------------------------------------
    def build(self) -> Block:
        region = self.region
        self.plan()
        body_start = len(self.src)
        self.emit_level(None, region.entry, "        ")
        body = self.src[body_start:]
        text = "\n".join(body)
        prologue = [f"x{r} = X[{r}]" for r in sorted(self.reads)]
        if "TR[" in text:
            prologue.append("TR = h.tr")
        if "TW[" in text:
            prologue.append("TW = h.tw")
        prologue.append("_n = n")
        if region.loops:
            prologue.append("_b = h.budget")
            prologue.extend(
                f"_B{lp.header.index} = _b - {lp.header.horizon}" for lp in region.loops.values()
            )
        head = ["def _blk(X, h, n):", *("    " + p for p in prologue), "    try:"]
        shift = len(head)
        lines = head + body
        info = {line + shift: value for line, value in self.line_info.items()}
        lines += [
            "    except Trap as _e:",
            "        _i = _LN[_e.__traceback__.tb_lineno]",
            "        h.trap_idx = _n - n + _i[0]",
            "        h.trap_pc = _i[1]",
            "        raise",
        ]
        if self.writes:  # one copy for the normal and the trapping path
            lines += ["    finally:", *(f"        X[{r}] = x{r}" for r in sorted(self.writes))]
        source = "\n".join(lines) + "\n"
        fn = _compile(self.h.code_cache, source, region.entry, info)
        ordered = sorted(region.nodes.values(), key=lambda nd: nd.index)
        insns = [i for nd in ordered for i in nd.insns]
        entry = region.nodes[region.entry]
        return Block(
            va=region.entry,
            pa=self.pa,
            count=entry.horizon,
            fn=fn,
            pages=tuple(region.pages),
            pcs=tuple(pc for pc, _, _ in insns),
            insns=tuple(i for _, _, i in insns),
            raws=tuple(r for _, r, _ in insns),
            loop=True,
            source=source,
        )
