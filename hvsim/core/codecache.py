"""The translated-code cache shared by every hart on one physical memory.

Blocks are keyed by (host physical pc, guest virtual pc, single-step): the generated code
embeds the virtual pc (auipc, jal, branch targets), and the physical address is what stores
and DMA invalidate.  Each hart keeps per-translation-context *jump caches* (virtual pc ->
block entry) in front of this cache; when a code page is written every hart drops its jump
caches, and the page's blocks are forgotten.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hvsim.core.translate import Block, block_globals, translate

if TYPE_CHECKING:
    from hvsim.core.hart import Hart
    from hvsim.mem.phys import PhysMem


class CodeCache:
    def __init__(self, mem: PhysMem, hart: Hart) -> None:
        self.mem = mem
        self.blocks: dict[tuple[int, int, bool], Block] = {}
        self.by_page: dict[int, list[tuple[int, int, bool]]] = {}
        self.harts: list[Hart] = []
        self.globals = block_globals(hart)
        self.translations = 0
        self.invalidations = 0
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
            block = translate(hart, va, pa, single)
            self.translations += 1
            self.blocks[key] = block
            for page in block.pages:
                self.by_page.setdefault(page, []).append(key)
                self.mem.mark_code(page)
        return block

    @staticmethod
    def _second_page_ok(hart: Hart, block: Block) -> bool:
        """A page-straddling instruction is valid only while its second page maps the same."""
        return hart.translate_fetch((block.va | 0xFFF) + 1) >> 12 == block.pages[1]

    def invalidate_page(self, page: int) -> None:
        keys = self.by_page.pop(page, None)
        if not keys:
            return
        self.invalidations += 1
        for key in keys:
            self.blocks.pop(key, None)
        for hart in self.harts:
            hart.flush_jump_caches()
