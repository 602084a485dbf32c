"""Regions: the control-flow graph that one compiled function covers, and its loops.

When a block becomes hot, the translator (:mod:`hvsim.core.translate`) does not compile just
that block: it compiles the *region* around it, every basic block reachable from the hot pc
through direct branches and jumps on the same 4 KiB page that execution has already reached
(the cold tier records what it ran, see :class:`hvsim.core.codecache.CodeCache`), up to
:data:`MAX_REGION_INSNS` instructions.  Whole loop nests then run inside one Python function,
with guest registers in locals, instead of returning to the dispatcher at every taken branch.

This module finds the region and analyses it; it emits no code:

* basic blocks (:class:`Node`), split wherever another edge lands;
* dominators, back edges and natural loops (:class:`Loop`), nested into a tree.  A retreating
  edge whose target does not dominate its source (irreducible flow, which compilers rarely
  produce) is turned into a region exit, so what remains is reducible;
* each node's *horizon*: the most instructions a path from it can run before it reaches a back
  edge or leaves the region.  The generated code checks the batch budget only at back edges,
  so a loop header's horizon is what must still fit in the budget before another iteration
  starts, and the entry's horizon is what the dispatcher checks before calling the function.

Edges to code that never ran, to other pages, through indirect jumps or out of instructions
that end blocks (CSR accesses, xRET, fences, ECALL, ...) leave the region: the function returns
the next pc and the dispatcher carries on.  A function return is predicted: its successors are
the return sites of the calls in the region (the instruction after each ``jal ra``), each taken
only when the computed target equals it, so a loop that calls a function on the same page
stays in one function too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hvsim.core.insns import BLOCK_ENDERS, SEMANTICS
from hvsim.core.trap import Trap
from hvsim.isa import encoding as E
from hvsim.isa.decode import Insn, decode

if TYPE_CHECKING:
    from collections.abc import Container

    from hvsim.core.hart import Hart

M64 = (1 << 64) - 1
#: Most instructions one region may hold (compile time grows with it).
MAX_REGION_INSNS = 160
#: Deepest loop nesting compiled into one function (CPython allows 20 nested blocks, and
#: every loop level and the try statements inside it count).
MAX_LOOP_DEPTH = 8

BRANCHES = frozenset({"beq", "bne", "blt", "bge", "bltu", "bgeu"})

# Node terminators
BRANCH = "branch"  # conditional: succs = [taken, fall-through]
JUMP = "jump"  # jal: succs = [target]
FALL = "fall"  # straight on into the next node (a split, the page end, the size limit)
DYNAMIC = "dynamic"  # jalr and block enders: the next pc is computed by the instruction
RETURN = "return"  # a function return (jalr x0, 0(ra|t0)): succs = return sites of calls
#: Link registers of the calling convention (the ISA's return-address-stack hints).
LINK_REGS = frozenset({1, 5})


@dataclass(slots=True, eq=False)
class Node:
    """A basic block of the region."""

    start: int
    insns: list[tuple[int, int, Insn]]  # (pc, raw, insn)
    kind: str = FALL
    succs: list[int] = field(default_factory=list)  # static successor pcs, in or out
    index: int = 0  # position in discovery order (stable labels)
    loop: Loop | None = None  # innermost loop holding the node
    horizon: int = 0

    @property
    def end(self) -> int:
        pc, _, insn = self.insns[-1]
        return (pc + insn.length) & M64


@dataclass(slots=True, eq=False)
class Loop:
    """A natural loop: a header, the nodes of its body (header included), nested loops."""

    header: Node
    body: set[int]  # node starts
    parent: Loop | None = None
    children: list[Loop] = field(default_factory=list)
    depth: int = 1


@dataclass(slots=True)
class Region:
    entry: int
    nodes: dict[int, Node]  # start pc -> node
    pages: list[int]  # physical page numbers of the code
    loops: dict[int, Loop] = field(default_factory=dict)  # header pc -> loop
    back_edges: set[tuple[int, int]] = field(default_factory=set)
    excluded: set[tuple[int, int]] = field(default_factory=set)  # edges that leave instead

    def internal(self, src: int, dst: int) -> bool:
        """Whether the edge ``src -> dst`` stays inside the region."""
        return dst in self.nodes and (src, dst) not in self.excluded

    def forward(self, src: int, dst: int) -> bool:
        """Whether ``src -> dst`` is an internal edge that is not a back edge."""
        return self.internal(src, dst) and (src, dst) not in self.back_edges

    @property
    def insn_count(self) -> int:
        return sum(len(n.insns) for n in self.nodes.values())


def is_control(insn: Insn) -> bool:
    name = insn.name
    return name in BRANCHES or name in ("jal", "jalr") or name in BLOCK_ENDERS


class _Page:
    """Decodes instructions of one code page (virtual base ``va``, physical base ``pa``)."""

    def __init__(self, h: Hart, va: int, pa: int) -> None:
        self.h = h
        self.mem = h.mem
        self.va = va & ~0xFFF
        self.pa = pa & ~0xFFF
        self.end = self.va + 0x1000
        self.cache: dict[int, tuple[int, Insn | None, int] | None] = {}

    def at(self, va: int) -> tuple[int, Insn | None, int] | None:
        """(raw, insn or None when illegal, length) at ``va``; None for an instruction that
        straddles the page end (only a region's entry may, see :func:`discover`)."""
        if va in self.cache:
            return self.cache[va]
        mem = self.mem
        lo = mem.uh[(self.pa + (va - self.va) - mem.ram_base) >> 1]
        if lo & 3 == 3:
            if va + 2 >= self.end:
                self.cache[va] = None
                return None
            hi = mem.uh[(self.pa + (va + 2 - self.va) - mem.ram_base) >> 1]
            raw, length = lo | (hi << 16), 4
        else:
            raw, length = lo, 2
        insn = decode(raw)
        if insn is not None and insn.name not in SEMANTICS:
            insn = None
        found = (raw, insn, length)
        self.cache[va] = found
        return found


def straddling_entry(h: Hart, va: int, pa: int) -> tuple[int, Insn | None, list[int]]:
    """Decode a 32-bit instruction at the last halfword of a page: (raw, insn, pages)."""
    mem = h.mem
    lo = mem.uh[(pa - mem.ram_base) >> 1]
    pa2 = h.translate_fetch((va + 2) & M64)
    if not mem.is_ram(pa2, 2):
        raise Trap(E.CAUSE_FETCH_ACCESS, (va + 2) & M64)
    hi = mem.uh[(pa2 - mem.ram_base) >> 1]
    raw = lo | (hi << 16)
    insn = decode(raw)
    if insn is not None and insn.name not in SEMANTICS:
        insn = None
    return raw, insn, [pa >> 12, pa2 >> 12]


def discover(
    h: Hart,
    va: int,
    pa: int,
    reached: Container[int] | None,
    limit: int = MAX_REGION_INSNS,
) -> Region:
    """The region entered at guest ``va`` (host physical ``pa``).

    ``reached`` holds the page offsets of instructions that have executed; successors not in it
    leave the region (None: follow every edge on the page).  With ``limit`` 1 the region is
    the single instruction at ``va``.  The entry instruction must decode (the caller handles
    illegal and page-straddling entries).
    """
    page = _Page(h, va, pa)
    nodes: dict[int, Node] = {}
    total = 0
    work = [va]
    wanted = {va}
    calls: list[int] = []  # return sites of the calls found so far
    returns: list[Node] = []
    while True:
        if not work:  # predict the returns: every return site found so far
            for node in returns:
                node.succs = [r for r in calls if r not in node.succs] + node.succs
                work.extend(_follow(node, wanted, page, reached, total, limit))
            if not work:
                break
        start = work.pop()
        if start in nodes:
            continue
        node = Node(start, [], index=len(nodes))
        nodes[start] = node
        cur = start
        while True:
            found = page.at(cur)
            if found is None or found[1] is None:  # straddling or illegal: leave the region
                node.kind, node.succs = FALL, [cur]
                break
            raw, insn, length = found
            node.insns.append((cur, raw, insn))
            total += 1
            nxt = (cur + length) & M64
            if is_control(insn):
                name = insn.name
                if name in BRANCHES:
                    node.kind, node.succs = BRANCH, [(cur + insn.imm) & M64, nxt]
                elif name == "jal":
                    node.kind, node.succs = JUMP, [(cur + insn.imm) & M64]
                    if insn.rd in LINK_REGS:
                        calls.append(nxt)
                elif name == "jalr" and insn.rd == 0 and insn.imm == 0 and insn.rs1 in LINK_REGS:
                    node.kind, node.succs = RETURN, []
                    returns.append(node)
                else:
                    node.kind, node.succs = DYNAMIC, []
                break
            if nxt >= page.end or nxt == 0 or total >= limit or nxt in wanted:
                node.kind, node.succs = FALL, [nxt]
                break
            cur = nxt
        work.extend(_follow(node, wanted, page, reached, total, limit))
    _split(nodes)
    region = Region(va, nodes, [pa >> 12])
    _analyse(region)
    return region


def _follow(
    node: Node,
    wanted: set[int],
    page: _Page,
    reached: Container[int] | None,
    total: int,
    limit: int,
) -> list[int]:
    """The successors of ``node`` that join the region (marked in ``wanted``)."""
    out = []
    for target in node.succs:
        if (
            target not in wanted
            and total < limit
            and page.va <= target < page.end
            and (reached is None or (target - page.va) in reached)
            and page.at(target) is not None
            and page.at(target)[1] is not None  # type: ignore[index]
        ):
            wanted.add(target)
            out.append(target)
    return out


def _split(nodes: dict[int, Node]) -> None:
    """Cut nodes where another node starts: a node falls into the node that follows it."""
    for node in list(nodes.values()):
        for i, (pc, _, _) in enumerate(node.insns):
            if i and pc in nodes:
                node.insns = node.insns[:i]
                node.kind, node.succs = FALL, [pc]
                break


def _analyse(region: Region) -> None:
    """Dominators, back edges, loops and horizons (see the module docstring)."""
    nodes = region.nodes
    order, retreating = _depth_first(region)
    preds: dict[int, list[int]] = {pc: [] for pc in nodes}
    for pc, node in nodes.items():
        for s in node.succs:
            if s in nodes:
                preds[s].append(pc)
    dom = _dominators(order[::-1], preds)
    for src, dst in retreating:
        if dst in dom[src]:
            region.back_edges.add((src, dst))
        else:  # irreducible flow: leave the region instead
            region.excluded.add((src, dst))
    while True:
        _build_loops(region, preds)
        deep = [lp for lp in region.loops.values() if lp.depth > MAX_LOOP_DEPTH]
        if not deep:
            break
        for lp in deep:  # its back edges leave; the header starts a region of its own
            hdr = lp.header.start
            for edge in [e for e in region.back_edges if e[1] == hdr]:
                region.back_edges.discard(edge)
                region.excluded.add(edge)
    # horizons over forward edges, in reverse topological order (the depth-first postorder)
    for pc in order:
        node = nodes[pc]
        best = 0
        for s in node.succs:
            if region.forward(pc, s):
                best = max(best, nodes[s].horizon)
        node.horizon = len(node.insns) + best


def _depth_first(region: Region) -> tuple[list[int], list[tuple[int, int]]]:
    """Postorder of the nodes reachable from the entry, and the retreating edges."""
    nodes = region.nodes
    order: list[int] = []
    state: dict[int, int] = {region.entry: 1}  # 1 = on the stack, 2 = done
    retreating: list[tuple[int, int]] = []
    stack: list[tuple[int, list[int]]] = [(region.entry, _succs_in(region, region.entry))]
    while stack:
        pc, succs = stack[-1]
        if succs:
            s = succs.pop(0)
            if s not in state:
                state[s] = 1
                stack.append((s, _succs_in(region, s)))
            elif state[s] == 1:
                retreating.append((pc, s))
        else:
            state[pc] = 2
            order.append(pc)
            stack.pop()
    for pc in [p for p in nodes if p not in state]:  # cannot happen: discovery follows edges
        del nodes[pc]
    return order, retreating


def _succs_in(region: Region, pc: int) -> list[int]:
    return [s for s in region.nodes[pc].succs if s in region.nodes]


def _dominators(rpo: list[int], preds: dict[int, list[int]]) -> dict[int, set[int]]:
    entry = rpo[0]
    everything = set(rpo)
    dom = {pc: set(everything) for pc in rpo}
    dom[entry] = {entry}
    changed = True
    while changed:
        changed = False
        for pc in rpo[1:]:
            ps = [dom[p] for p in preds[pc] if p in dom]
            new = set.intersection(*ps) if ps else set()
            new.add(pc)
            if new != dom[pc]:
                dom[pc] = new
                changed = True
    return dom


def _build_loops(region: Region, preds: dict[int, list[int]]) -> None:
    """Natural loops of the back edges (one per header), their nesting and each node's
    innermost loop."""
    nodes = region.nodes
    bodies: dict[int, set[int]] = {}
    for src, hdr in region.back_edges:
        body = bodies.setdefault(hdr, {hdr})
        work = [src]
        while work:
            pc = work.pop()
            if pc in body:
                continue
            body.add(pc)
            work.extend(p for p in preds[pc] if (p, pc) not in region.excluded)
    loops = {hdr: Loop(nodes[hdr], body) for hdr, body in bodies.items()}
    by_size = sorted(loops.values(), key=lambda lp: len(lp.body))
    for i, lp in enumerate(by_size):
        for outer in by_size[i + 1 :]:
            if lp.body < outer.body:
                lp.parent = outer
                outer.children.append(lp)
                break
    for lp in by_size[::-1]:  # outermost first: parents get their depth before children
        lp.depth = lp.parent.depth + 1 if lp.parent is not None else 1
    for node in nodes.values():
        node.loop = None
    for lp in by_size[::-1]:  # largest first, so the innermost loop is written last
        for pc in lp.body:
            nodes[pc].loop = lp
    region.loops = loops
