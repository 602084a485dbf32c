"""Block translator: guest basic blocks -> cached Python functions.

A block starts at a guest virtual pc and runs to the first instruction that ends a block
(branch, jump, CSR access, xRET, fence, ECALL, ...), the end of the 4 KiB page, or
:data:`MAX_BLOCK_INSNS`.  Its instructions' definitions (:mod:`hvsim.core.insns`) emit Python
source that is joined into one function::

    def blk(X, h, n):            # X: the hart's register list, n: retired so far in the batch
        x5 = X[5]; x10 = X[10]   # every register the block touches, as locals
        TR = h.tr                # fast-path TLB for loads (vpn -> RAM offset - page VA)
        _n = n
        try:
            ...                  # one or more lines per instruction
        except Trap as _e:       # precise traps: record which instruction trapped
            _i = _L[_e.__traceback__.tb_lineno]
            h.trap_idx = _n - n + _i; h.trap_pc = _P[_i]
            raise
        finally:                 # registers go back on the normal and the trapping path
            X[10] = x10
        return <next pc>

``try`` costs nothing in CPython 3.11 until it fires, and the line number of the trapping
statement tells which instruction trapped, so the fast path carries no bookkeeping at all.
Compiled blocks are shared by all harts on the same physical memory
(:class:`hvsim.core.codecache.CodeCache`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hvsim.core.insns import BLOCK_ENDERS, SEMANTICS, Emitter, load_all, rv64m
from hvsim.core.trap import Trap
from hvsim.isa import encoding as E
from hvsim.isa.decode import Insn, decode

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from hvsim.core.hart import Hart

load_all()

MAX_BLOCK_INSNS = 48
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


def fetch_insns(
    h: Hart, va: int, pa: int, limit: int, basic: bool = False
) -> tuple[list, list[int]]:
    """Decode up to ``limit`` instructions of a superblock; returns [(pc, raw, insn)], pages."""
    pages = [pa >> 12]
    return list(iter_insns(h, va, pa, limit, pages, basic)), pages


def iter_insns(
    h: Hart, va: int, pa: int, limit: int, pages: list[int], basic: bool = False
) -> Iterator[tuple[int, int, Insn | None]]:
    """Yield the instructions of a superblock as (pc, raw, insn); ``pages`` gets the second
    physical page when the first instruction straddles two.

    Decoding continues past conditional branches (their taken side becomes a side exit) and
    follows direct ``jal`` jumps that stay in the page (short forward ones are decoded through
    in memory order, see :func:`translate`); it stops at instructions that end blocks,
    indirect jumps, the page end, and jumps back into the block.  With ``basic`` it stops
    after the first branch or jump.
    """
    mem = h.mem
    u16 = mem.uh
    base = mem.ram_base
    page_va = va & ~0xFFF
    page_pa = pa & ~0xFFF
    page_end = page_va + 0x1000
    cur_va = va
    count = 0
    seen: set[int] = set()
    while count < limit and cur_va not in seen:
        seen.add(cur_va)
        cur_pa = page_pa + (cur_va - page_va)
        lo = u16[(cur_pa - base) >> 1]
        if lo & 3 == 3:
            if cur_va + 2 >= page_end:  # a 32-bit instruction straddling two pages
                if count:
                    return
                pa2 = h.translate_fetch((cur_va + 2) & M64)
                if not mem.is_ram(pa2, 2):
                    raise Trap(E.CAUSE_FETCH_ACCESS, (cur_va + 2) & M64)
                hi = u16[(pa2 - base) >> 1]
                pages.append(pa2 >> 12)
            else:
                hi = u16[(cur_pa + 2 - base) >> 1]
            raw, length = lo | (hi << 16), 4
        else:
            raw, length = lo, 2
        insn = decode(raw)
        if insn is None or insn.name not in SEMANTICS:
            if not count:  # an illegal instruction only ever starts its own block
                yield cur_va, raw, None
            return
        yield cur_va, raw, insn
        count += 1
        if insn.name in BLOCK_ENDERS or insn.name == "jalr" or len(pages) > 1:
            return
        if basic and (insn.name == "jal" or insn.name in _BRANCHES):
            return
        if insn.name == "jal":
            target = (cur_va + insn.imm) & M64
            if target & ~0xFFF != page_va or target in seen:
                return
            if basic or not 0 < target - cur_va <= FORWARD_SKIP:
                cur_va = target  # follow the jump
                continue
            # a short forward jump (the "then" side of an if/else): keep decoding in memory
            # order so that the jump becomes structured code (see translate)
        cur_va = (cur_va + length) & M64
        if cur_va >= page_end or cur_va == 0:
            return


_BRANCHES = {"beq", "bne", "blt", "bge", "bltu", "bgeu"}
#: Forward jumps up to this many bytes are decoded through (structured as if/else).
FORWARD_SKIP = 256


def translate(h: Hart, va: int, pa: int, single: bool = False) -> Block:
    """Translate the block at guest ``va`` (host physical ``pa``)."""
    insns, pages = fetch_insns(h, va, pa, 1 if single else MAX_BLOCK_INSNS)
    count = len(insns)
    emitters: list[tuple[int, list[str], Emitter | None]] = []
    reads: set[int] = set()
    writes: set[int] = set()
    for idx, (pc, raw, insn) in enumerate(insns):
        if insn is None:
            emitters.append((idx, [f"raise Trap({E.CAUSE_ILLEGAL_INSTRUCTION}, {raw})"], None))
            continue
        e = Emitter(insn, pc, idx)
        e.count_base = "_n"
        SEMANTICS[insn.name](e)
        reads |= e.reads
        writes |= e.writes
        emitters.append((idx, e.lines, e))
    text = "\n".join(line for _, lines, _ in emitters for line in lines)
    calls_out = "(h," in text  # slow paths and helpers may raise the hart's flag
    # A branch back to the start makes a loop that iterates inside the function while the batch
    # budget allows; a branch elsewhere before the end is a side exit.
    loops = not single and any(
        e is not None and e.target == va and (e.insn.name in _BRANCHES or i == count - 1)
        for i, _, e in emitters
    )
    side_exits = any(
        e is not None
        and (e.insn.name in _BRANCHES or (e.insn.name == "jal" and insns[i + 1][0] != e.target))
        for i, _, e in emitters
        if i < count - 1
    )
    variable = loops or side_exits

    prologue = [f"x{r} = X[{r}]" for r in sorted(reads)]
    if "TR." in text:
        prologue.append("TR = h.tr")
    if "TW." in text:
        prologue.append("TW = h.tw")
    prologue.append("_n = n")
    if loops:
        prologue.append(f"_B = h.budget - {count}")
    writeback = [f"X[{r}] = x{r}" for r in sorted(writes)]
    stop = "_n > _B or h.flag" if calls_out else "_n > _B"

    def back_edge(done: int) -> list[str]:
        return [
            f"_n += {done}",
            f"if {stop}:",
            f"    _t = {va}",
            "    _c = 0",
            "    break",
            "continue",
        ]

    src = ["def _blk(X, h, n):", *("    " + p for p in prologue), "    try:"]
    indent = "            " if variable else "        "
    if variable:
        src.append("        while True:")
    line_of: dict[int, int] = {}
    index_of = {pc: i for i, (pc, _, _) in enumerate(insns)}

    def forward(target: int | None, after: int, hi: int) -> int | None:
        """The index of ``target`` if it lies strictly after ``after`` and within ``hi``."""
        q = index_of.get(target) if target is not None else None
        return q if q is not None and after + 1 < q <= hi and q < count else None

    def emit_range(lo: int, hi: int, ind: str) -> None:
        """Instructions [lo, hi) at indentation ``ind``; forward branches and jumps inside the
        range become if/else (the skipped side subtracts what it did not execute from _n)."""
        i = lo
        while i < hi:
            idx, lines, e = emitters[i]
            for line in lines:
                src.append(ind + line)
                line_of[len(src)] = idx
            if e is None:
                i += 1
                continue
            name = e.insn.name
            last = i == count - 1
            if name in _BRANCHES and e.target == va and loops:
                src.append(f"{ind}if {e.cond}:")
                src.extend(ind + "    " + t for t in back_edge(i + 1))
            elif name in _BRANCHES and (q := forward(e.target, i, hi)) is not None:
                k = q - 1  # an if/else when the "then" side ends with a jump over the "else"
                ke = emitters[k][2]
                r = None
                if k > i and ke is not None and ke.insn.name == "jal" and ke.insn.rd == 0:
                    r = forward(ke.target, k, hi)
                src.append(f"{ind}if {e.cond}:")
                src.append(f"{ind}    _n -= {k - i if r is not None else q - i - 1}")
                if r is not None:
                    emit_range(q, r, ind + "    ")
                src.append(f"{ind}else:")
                emit_range(i + 1, k if r is not None else q, ind + "    ")
                if r is not None:
                    src.append(f"{ind}    _n -= {r - q}")
                i = r if r is not None else q
                continue
            elif name in _BRANCHES and not last:
                src.extend(
                    [
                        f"{ind}if {e.cond}:",
                        f"{ind}    _t = {e.target}",
                        f"{ind}    _c = {idx + 1}",
                        f"{ind}    break",
                    ]
                )
            elif name == "jal" and not last and insns[i + 1][0] != e.target:
                r = forward(e.target, i, hi)
                if r is not None:
                    src.append(f"{ind}_n -= {r - i - 1}")
                    i = r
                    continue
                src.extend([f"{ind}_t = {e.target}", f"{ind}_c = {idx + 1}", f"{ind}break"])
            if last and variable:
                if name == "jal" and e.target == va and loops:
                    src.extend(ind + t for t in back_edge(count))
                else:
                    if name in _BRANCHES:
                        exit_expr = e.next if e.target == va and loops else e.exit
                    else:
                        exit_expr = e.exit if e.exit is not None else e.next
                    src.extend([f"{ind}_t = {exit_expr}", f"{ind}_c = {count}", f"{ind}break"])
            i += 1

    emit_range(0, count, indent)
    if variable and (emitters[-1][2] is None):
        src += [f"{indent}_t = 0", f"{indent}_c = {count}", f"{indent}break"]
    if not variable and len(src) == len(prologue) + 2:
        src.append(indent + "pass")
    src += [
        "    except Trap as _e:",
        "        _i = _L[_e.__traceback__.tb_lineno]",
        "        h.trap_idx = _n - n + _i",
        "        h.trap_pc = _P[_i]",
        "        raise",
    ]
    if writeback:  # one copy for both the normal and the trapping path
        src += ["    finally:", *("        " + w for w in writeback)]
    if variable:
        src += ["    h.loop_n = _n + _c", "    return _t"]
    else:
        last_pc, _, last_insn = insns[-1]
        final = emitters[-1][2]
        if final is not None and final.exit is not None:
            exit_expr = final.exit
        else:
            exit_expr = str((last_pc + (last_insn.length if last_insn else 4)) & M64)
        src.append(f"    return {exit_expr}")
    source = "\n".join(src) + "\n"

    g = dict(h.code_cache.globals)
    pcs = tuple(pc for pc, _, _ in insns)
    g["_L"] = line_of
    g["_P"] = pcs
    exec(compile(source, f"<block {va:#x}>", "exec"), g)
    return Block(
        va=va,
        pa=pa,
        count=count,
        fn=g["_blk"],  # type: ignore[arg-type]
        pages=tuple(pages),
        pcs=pcs,
        insns=tuple(i for _, _, i in insns),
        raws=tuple(r for _, r, _ in insns),
        loop=variable,
        source=source,
    )
