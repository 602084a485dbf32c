"""Block translator: guest basic blocks -> cached Python functions.

A block starts at a guest virtual pc and runs to the first instruction that ends a block
(branch, jump, CSR access, xRET, fence, ECALL, ...), the end of the 4 KiB page, or
:data:`MAX_BLOCK_INSNS`.  Its instructions' definitions (:mod:`hvsim.core.insns`) emit Python
source that is joined into one function::

    def blk(X, h, n):            # X: the hart's register list, n: retired so far in the batch
        x5 = X[5]; x10 = X[10]   # every register the block touches, as locals
        TR = h.tr                # fast-path TLB for loads (vpn -> RAM offset - page VA)
        try:
            ...                  # one or more lines per instruction
        except Trap as _e:       # precise traps: write back, record which instruction trapped
            X[10] = x10
            _i = _L[_e.__traceback__.tb_lineno]
            h.trap_idx = _i; h.trap_pc = _P[_i]
            raise
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
    from collections.abc import Callable

    from hvsim.core.hart import Hart

load_all()

MAX_BLOCK_INSNS = 48
M64 = (1 << 64) - 1


@dataclass(slots=True)
class Block:
    """A translated block: ``entry`` = (function, instruction count) for the jump caches."""

    va: int
    pa: int
    count: int
    fn: Callable[..., int]
    pages: tuple[int, ...]
    pcs: tuple[int, ...]
    insns: tuple[Insn | None, ...]
    raws: tuple[int, ...]
    source: str = ""
    entry: tuple[Callable[..., int], int] = field(init=False)

    def __post_init__(self) -> None:
        self.entry = (self.fn, self.count)


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


def fetch_insns(h: Hart, va: int, pa: int, limit: int) -> tuple[list, list[int]]:
    """Decode up to ``limit`` instructions of a block; returns [(pc, raw, insn)], pages."""
    mem = h.mem
    u16 = mem.uh
    base = mem.ram_base
    out: list[tuple[int, int, Insn | None]] = []
    pages = [pa >> 12]
    page_end = (va | 0xFFF) + 1
    cur_va, cur_pa = va, pa
    while len(out) < limit:
        lo = u16[(cur_pa - base) >> 1]
        if lo & 3 == 3:
            if cur_va + 2 >= page_end:  # a 32-bit instruction straddling two pages
                if out:
                    break
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
            if out:
                break  # the illegal instruction starts its own block
            out.append((cur_va, raw, None))
            break
        out.append((cur_va, raw, insn))
        if insn.name in BLOCK_ENDERS or insn.name in _CONTROL:
            break
        cur_va = (cur_va + length) & M64
        cur_pa += length
        if cur_va >= page_end or cur_va == 0:
            break
    return out, pages


_CONTROL = {"jal", "jalr", "beq", "bne", "blt", "bge", "bltu", "bgeu"}


def translate(h: Hart, va: int, pa: int, single: bool = False) -> Block:
    """Translate the block at guest ``va`` (host physical ``pa``)."""
    insns, pages = fetch_insns(h, va, pa, 1 if single else MAX_BLOCK_INSNS)
    body: list[str] = []
    line_of: dict[int, int] = {}
    reads: set[int] = set()
    writes: set[int] = set()
    uses_tr = uses_tw = False
    exit_expr: str | None = None
    header_lines = 2  # "def ...:" is line 1; register loads and TLB locals are counted below
    emitted: list[tuple[int, list[str]]] = []
    for idx, (pc, raw, insn) in enumerate(insns):
        if insn is None:
            emitted.append((idx, [f"raise Trap({E.CAUSE_ILLEGAL_INSTRUCTION}, {raw})"]))
            exit_expr = None
            continue
        e = Emitter(insn, pc, idx)
        SEMANTICS[insn.name](e)
        reads |= e.reads
        writes |= e.writes
        text = "\n".join(e.lines)
        uses_tr = uses_tr or "TR." in text
        uses_tw = uses_tw or "TW." in text
        emitted.append((idx, e.lines or ["pass"]))
        exit_expr = e.exit
    if exit_expr is None:
        last_pc, _, last = insns[-1]
        length = last.length if last is not None else 4
        exit_expr = str((last_pc + length) & M64)

    prologue = [f"    x{r} = X[{r}]" for r in sorted(reads)]
    if uses_tr:
        prologue.append("    TR = h.tr")
    if uses_tw:
        prologue.append("    TW = h.tw")
    lineno = 1 + len(prologue) + header_lines  # line of the first statement inside "try:"
    for idx, lines in emitted:
        for text in lines:
            line_of[lineno] = idx
            body.append("        " + text)
            lineno += 1
    writeback = [f"X[{r}] = x{r}" for r in sorted(writes)]
    src = ["def _blk(X, h, n):", *prologue, "    try:", *body, "    except Trap as _e:"]
    src += ["        " + w for w in writeback]
    src += [
        "        _i = _L[_e.__traceback__.tb_lineno]",
        "        h.trap_idx = _i",
        "        h.trap_pc = _P[_i]",
        "        raise",
    ]
    src += ["    " + w for w in writeback]
    src.append(f"    return {exit_expr}")
    source = "\n".join(src) + "\n"
    assert src[header_lines + len(prologue) - 1].strip() == "try:", source

    g = dict(h.code_cache.globals)
    pcs = tuple(pc for pc, _, _ in insns)
    g["_L"] = line_of
    g["_P"] = pcs
    code = compile(source, f"<block {va:#x}>", "exec")
    exec(code, g)
    return Block(
        va=va,
        pa=pa,
        count=len(insns),
        fn=g["_blk"],  # type: ignore[arg-type]
        pages=tuple(pages),
        pcs=pcs,
        insns=tuple(i for _, _, i in insns),
        raws=tuple(r for _, r, _ in insns),
        source=source,
    )
