"""The translated-code cache shared by every hart on one physical memory.

Blocks are keyed by (host physical pc, guest virtual pc, single-step): the generated code
embeds the virtual pc (auipc, jal, branch targets), and the physical address is what stores
and DMA invalidate.  Each hart keeps per-translation-context *jump caches* (virtual pc ->
block entry) in front of this cache; when a code page is written every hart drops its jump
caches, and the page's blocks are forgotten.

A block is first *cold* (interpreted through generic instruction functions, see
:mod:`hvsim.core.interp`); once it has run :data:`hvsim.core.interp.HOT_THRESHOLD` times the
region around it is compiled (:mod:`hvsim.core.translate`) and replaces it.  The cache records,
per physical page, which instructions the cold tier has run: regions only follow edges into
code that has executed.  Single-step blocks (trace mode, batch ends) are always interpreted.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from hvsim.core import interp
from hvsim.core.insns import BLOCK_ENDERS, SEMANTICS
from hvsim.core.translate import Block, block_globals, translate
from hvsim.core.trap import Trap
from hvsim.isa import encoding as E
from hvsim.isa.decode import Insn, decode

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from hvsim.core.hart import Hart
    from hvsim.mem.phys import PhysMem


#: Most instructions of a cold block (most leave early; instructions decode lazily).
COLD_BLOCK_INSNS = 16
M64 = (1 << 64) - 1


class CodeCache:
    def __init__(self, mem: PhysMem, hart: Hart) -> None:
        self.mem = mem
        self.blocks: dict[tuple[int, int, bool], Block] = {}
        self.by_page: dict[int, list[tuple[int, int, bool]]] = {}
        # page offsets of the instructions the cold tier has run, per physical page: regions
        # only follow edges into code that has executed (see hvsim.core.region)
        self.reached: dict[int, set[int]] = {}
        # tuning and testing knobs: runs before a block is compiled, and whether regions
        # follow edges into code that never ran (tests use both to exercise the compiler)
        #: generated source -> compiled function (identical regions of different VMs)
        self.compiled: dict[str, Callable[..., int]] = {}
        self.hot_threshold = interp.HOT_THRESHOLD
        self.follow_unreached = False
        self.harts: list[Hart] = []
        self.globals = block_globals(hart)
        self.translations = 0  # blocks compiled
        self.cold_blocks = 0  # blocks decoded for the interpreter
        self.invalidations = 0
        self.generic = interp.GenericFunctions(self.globals)
        mem.on_code_write(self.invalidate_page)

    @classmethod
    def for_memory(cls, mem: PhysMem, hart: Hart) -> CodeCache:
        cache = getattr(mem, "code_cache", None)
        if cache is None:
            cache = cls(mem, hart)
            mem.code_cache = cache
        cache.harts.append(hart)
        return cache

    def lookup(self, hart: Hart, va: int, pa: int, single: bool) -> Block:
        key = (pa, va, single)
        block = self.blocks.get(key)
        if block is None or (len(block.pages) > 1 and not self._second_page_ok(hart, block)):
            block = self._cold(hart, va, pa, single)
            self._register(key, block)
        return block

    def _register(self, key: tuple[int, int, bool], block: Block) -> None:
        self.blocks[key] = block
        for page in block.pages:
            self.by_page.setdefault(page, []).append(key)
            self.mem.mark_code(page)

    def _cold(self, hart: Hart, va: int, pa: int, single: bool) -> Block:
        """A block for the interpreter: no compilation, and instructions are decoded lazily,
        the first time execution reaches them (most cold blocks leave after a few)."""
        pages = [pa >> 12]
        limit = 1 if single else COLD_BLOCK_INSNS
        decoded = iter_insns(hart, va, pa, limit, pages)
        first = next(decoded)  # may raise a fetch fault (a straddling first instruction)
        page_va, page_pa = va & ~0xFFF, pa & ~0xFFF
        reached = self.reached_on(pa >> 12)

        def step(item: tuple) -> tuple:
            pc, raw, insn = item
            reached.add(pc - page_va)
            if insn is None:
                return pc, partial(_raise_illegal, raw)
            fn = self.generic.step(insn, pc)
            if fn is None:  # the definition needs concrete operands: compile just it
                fn = translate(hart, pc, page_pa + (pc - page_va), True).fn
                self.translations += 1
            return pc, fn

        def more() -> tuple | None:
            item = next(decoded, None)
            return None if item is None else step(item)

        key = (pa, va, single)

        def promote(h: Hart) -> tuple:
            compiled = translate(h, va, pa, False)
            self.translations += 1
            if self.blocks.get(key) is cold_block:
                self.blocks[key] = compiled
            if h.jc.get(va) is cold_block.entry:
                h.jc[va] = compiled.entry
            return compiled.entry

        self.cold_blocks += 1
        fn = interp.make_cold(
            [step(first)],
            None if single else more,
            None if single else promote,
            self.hot_threshold,
        )
        cold_block = Block(
            va=va,
            pa=pa,
            count=limit,  # an upper bound: the budget check only needs that
            fn=fn,
            pages=tuple(pages),
            pcs=(first[0],),
            insns=(first[2],),
            raws=(first[1],),
            loop=True,
        )
        return cold_block

    def reached_on(self, page: int) -> set[int]:
        """Offsets of the instructions on physical page ``page`` that have executed."""
        if self.follow_unreached:
            return _EVERYWHERE  # type: ignore[return-value]
        found = self.reached.get(page)
        if found is None:
            found = self.reached[page] = set()
        return found

    @staticmethod
    def _second_page_ok(hart: Hart, block: Block) -> bool:
        """A page-straddling instruction is valid only while its second page maps the same."""
        return hart.translate_fetch((block.va | 0xFFF) + 1) >> 12 == block.pages[1]

    def invalidate_page(self, page: int) -> None:
        self.reached.pop(page, None)
        keys = self.by_page.pop(page, None)
        if not keys:
            return
        self.invalidations += 1
        for key in keys:
            self.blocks.pop(key, None)
        for hart in self.harts:
            hart.flush_jump_caches()


def iter_insns(
    h: Hart, va: int, pa: int, limit: int, pages: list[int]
) -> Iterator[tuple[int, int, Insn | None]]:
    """Yield the instructions of a cold block as (pc, raw, insn); ``pages`` gets the second
    physical page when the first instruction straddles two.

    Decoding continues past conditional branches (the taken side leaves the block) and follows
    direct ``jal`` jumps that stay in the page; it stops at instructions that end blocks,
    indirect jumps, the page end, and jumps back into the block.
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
        if insn.name == "jal":
            target = (cur_va + insn.imm) & M64
            if target & ~0xFFF != page_va or target in seen:
                return
            cur_va = target  # follow the jump
            continue
        cur_va = (cur_va + length) & M64
        if cur_va >= page_end or cur_va == 0:
            return


class _Everywhere:
    """A set that holds every offset (``CodeCache.follow_unreached``)."""

    def __contains__(self, item: object) -> bool:
        return True

    def add(self, item: int) -> None:
        pass


_EVERYWHERE = _Everywhere()


def _raise_illegal(raw: int, X: list[int], h: Hart, n: int) -> int:
    raise Trap(E.CAUSE_ILLEGAL_INSTRUCTION, raw)
