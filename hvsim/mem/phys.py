"""Physical memory: one lazily allocated RAM region plus an MMIO bus.

RAM is an anonymous ``mmap``: the kernel hands out zero pages only when they are touched, so a
machine with gigabytes of configured RAM costs nothing until the guest uses it.  The hart's
fast path indexes typed ``memoryview`` casts of the same buffer (``self.q`` for aligned 64-bit
words, ...) with byte offsets it caches in its software TLB; everything else (MMIO, misaligned
or page-crossing accesses, watched pages) goes through :meth:`PhysMem.read` /
:meth:`PhysMem.write`.

Two kinds of RAM page must never be written through a hart's fast path, and this module keeps
the bookkeeping for both:

* *watched* pages (e.g. the page holding HTIF ``tohost``), whose writes call a device;
* *code* pages, from which the hart has translated blocks: a write invalidates them.

Harts register a fast-write entry with :meth:`note_fast_write`; when a page becomes watched or
code, every such entry that points at it is dropped, so later stores take the slow path.
"""

from __future__ import annotations

import bisect
import mmap
from collections.abc import Callable
from typing import Protocol

from hvsim.core.trap import BusError

PAGE_SHIFT = 12
PAGE_SIZE = 1 << PAGE_SHIFT


class MmioDevice(Protocol):
    """What the bus needs from a device: sized reads and writes at an offset."""

    def read(self, offset: int, size: int) -> int: ...

    def write(self, offset: int, size: int, value: int) -> None: ...


WriteHook = Callable[[int, int], None]  # (physical address, size) after the write landed


class PhysMem:
    """Host physical address space: RAM at ``[ram_base, ram_base + ram_size)`` plus devices."""

    def __init__(self, ram_base: int, ram_size: int) -> None:
        if ram_size <= 0 or ram_size % PAGE_SIZE or ram_base % PAGE_SIZE:
            raise ValueError("RAM base and size must be positive multiples of 4 KiB")
        self.ram_base = ram_base
        self.ram_size = ram_size
        self.ram_end = ram_base + ram_size
        self._mmap = mmap.mmap(-1, ram_size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
        raw = memoryview(self._mmap)
        self.b = raw  # unsigned bytes
        self.sb = raw.cast("b")
        self.h = raw.cast("h")
        self.uh = raw.cast("H")
        self.w = raw.cast("i")
        self.uw = raw.cast("I")
        self.q = raw.cast("Q")
        self._dev_bases: list[int] = []
        self._devs: list[tuple[int, int, MmioDevice]] = []  # (base, end, device), sorted
        self._watch: dict[int, list[tuple[int, int, WriteHook]]] = {}  # page -> hooks
        self.code_pages: set[int] = set()  # physical page numbers holding translated code
        self._code_hooks: list[Callable[[int], None]] = []
        self._fast_writers: dict[int, list[tuple[dict[int, int], int]]] = {}
        self.code_cache: object | None = None  # hvsim.core.codecache.CodeCache, set by harts

    # ---- layout -------------------------------------------------------------------------
    def map_device(self, base: int, size: int, device: MmioDevice) -> None:
        """Attach ``device`` at ``[base, base + size)``; overlaps are refused."""
        end = base + size
        if base < self.ram_end and self.ram_base < end:
            raise ValueError(f"device at {base:#x}+{size:#x} overlaps RAM")
        for b, e, _ in self._devs:
            if base < e and b < end:
                raise ValueError(f"device at {base:#x}+{size:#x} overlaps one at {b:#x}")
        i = bisect.bisect(self._dev_bases, base)
        self._dev_bases.insert(i, base)
        self._devs.insert(i, (base, end, device))

    def is_ram(self, pa: int, size: int = 1) -> bool:
        return self.ram_base <= pa and pa + size <= self.ram_end

    def device_at(self, pa: int) -> tuple[int, MmioDevice] | None:
        """The device covering ``pa`` and its base address, if any."""
        i = bisect.bisect(self._dev_bases, pa) - 1
        if i >= 0:
            base, end, dev = self._devs[i]
            if pa < end:
                return base, dev
        return None

    # ---- slow-path accesses -------------------------------------------------------------
    def read(self, pa: int, size: int) -> int:
        """Little-endian unsigned read of ``size`` bytes; raises :class:`BusError`."""
        off = pa - self.ram_base
        if off >= 0 and off + size <= self.ram_size:
            return int.from_bytes(self.b[off : off + size], "little")
        found = self.device_at(pa)
        if found is None or not self._fits_device(pa, size):
            raise BusError(pa)
        base, dev = found
        return dev.read(pa - base, size) & ((1 << (8 * size)) - 1)

    def write(self, pa: int, size: int, value: int) -> None:
        """Little-endian write of the low ``size`` bytes of ``value``; raises :class:`BusError`."""
        off = pa - self.ram_base
        if off >= 0 and off + size <= self.ram_size:
            self.b[off : off + size] = (value & ((1 << (8 * size)) - 1)).to_bytes(size, "little")
            self._after_ram_write(pa, size)
            return
        found = self.device_at(pa)
        if found is None or not self._fits_device(pa, size):
            raise BusError(pa)
        base, dev = found
        dev.write(pa - base, size, value & ((1 << (8 * size)) - 1))

    def _fits_device(self, pa: int, size: int) -> bool:
        found = self.device_at(pa + size - 1)
        return found is not None and found[0] <= pa

    def read_bytes(self, pa: int, n: int) -> bytes:
        """Copy ``n`` bytes of RAM (loaders, DMA, SBI buffers)."""
        if not self.is_ram(pa, n):
            raise BusError(pa)
        off = pa - self.ram_base
        return bytes(self.b[off : off + n])

    def write_bytes(self, pa: int, data: bytes | bytearray | memoryview) -> None:
        """Copy ``data`` into RAM, honouring watched and code pages."""
        n = len(data)
        if not self.is_ram(pa, n):
            raise BusError(pa)
        off = pa - self.ram_base
        self.b[off : off + n] = data
        if n:
            self._after_ram_write(pa, n)

    def _after_ram_write(self, pa: int, size: int) -> None:
        first = pa >> PAGE_SHIFT
        last = (pa + size - 1) >> PAGE_SHIFT
        for page in range(first, last + 1):
            if page in self.code_pages:
                self.code_pages.discard(page)
                for hook in self._code_hooks:
                    hook(page)
            hooks = self._watch.get(page)
            if hooks:
                for lo, hi, hook in hooks:
                    if pa < hi and lo < pa + size:
                        hook(pa, size)

    # ---- fast-path bookkeeping ----------------------------------------------------------
    def watch_writes(self, pa: int, size: int, hook: WriteHook) -> None:
        """Call ``hook(pa, size)`` after every write that touches ``[pa, pa + size)``."""
        for page in range(pa >> PAGE_SHIFT, ((pa + size - 1) >> PAGE_SHIFT) + 1):
            self._watch.setdefault(page, []).append((pa, pa + size, hook))
            self._drop_fast_writers(page)

    def fast_writable(self, page: int) -> bool:
        """Whether a hart may cache a fast write path to physical page ``page``."""
        return page not in self.code_pages and page not in self._watch

    def note_fast_write(self, page: int, table: dict[int, int], key: int) -> None:
        """Record that ``table[key]`` caches a fast write path to physical page ``page``."""
        self._fast_writers.setdefault(page, []).append((table, key))

    def mark_code(self, page: int) -> None:
        """Physical page ``page`` now holds translated code: stores must take the slow path."""
        if page not in self.code_pages:
            self.code_pages.add(page)
            self._drop_fast_writers(page)

    def on_code_write(self, hook: Callable[[int], None]) -> None:
        """Call ``hook(page)`` when a code page is written (the hart invalidates its blocks)."""
        self._code_hooks.append(hook)

    def _drop_fast_writers(self, page: int) -> None:
        for table, key in self._fast_writers.pop(page, ()):
            table.pop(key, None)
