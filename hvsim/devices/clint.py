"""SiFive CLINT: machine software interrupts (``msip``) and the machine timer (``mtimecmp``).

Layout for N harts (window 0x10000):

* ``msip[h]``      at ``0x0000 + 4*h`` (32-bit; bit 0 drives the hart's MSIP line)
* ``mtimecmp[h]``  at ``0x4000 + 8*h`` (64-bit, also accessible as 32-bit halves)
* ``mtime``        at ``0xBFF8``       (64-bit)

``mtime`` reads come from the clock (``clock.mtime()``, exact in the middle of a batch); a write
sets an offset added to the clock from then on.  MTIP of hart h is ``mtime >= mtimecmp[h]``.  It
is re-evaluated by :meth:`update` (the machine calls it at every batch boundary) and at once
when ``mtimecmp`` is written; such a write also asks the hart to yield so its driver recomputes
the batch bound from :meth:`next_deadline`.

``mtimecmp`` resets to all ones, which means "never": MTIP is clear at power-on (as on QEMU)
and that value is not reported as a deadline.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from hvsim.core.clock import Clock
from hvsim.core.trap import MIP_MSIP, MIP_MTIP
from hvsim.devices.base import Device, register_device

MASK64 = (1 << 64) - 1
MSIP_BASE = 0x0000
MTIMECMP_BASE = 0x4000
MTIME_OFFSET = 0xBFF8
CLINT_SIZE = 0x10000
MAX_HARTS = 4095  # msip array limit (0x4000 / 4 - 1)
MTIMECMP_NEVER = MASK64


class ClintHart(Protocol):
    """What the CLINT drives on a hart."""

    def set_pending(self, mask: int, level: bool) -> None: ...

    def request_yield(self) -> None: ...


Getter = Callable[[int], int]
Setter = Callable[[int, int], None]


@register_device
class Clint(Device):
    """Core-local interruptor for ``len(harts)`` harts."""

    kind = "clint"
    default_size = CLINT_SIZE

    def __init__(
        self, harts: list[ClintHart], clock: Clock, name: str = "", size: int | None = None
    ) -> None:
        super().__init__(name, size)
        if not 1 <= len(harts) <= MAX_HARTS:
            raise ValueError(f"a CLINT serves 1..{MAX_HARTS} harts, not {len(harts)}")
        self.harts = harts
        self.clock = clock
        self.reset()

    def reset(self) -> None:
        n = len(self.harts)
        self.msip = [0] * n
        self.mtimecmp = [MTIMECMP_NEVER] * n
        self.mtime_offset = 0
        for hart in self.harts:
            hart.set_pending(MIP_MSIP | MIP_MTIP, False)
        # (base, stride, count, getter, setter): one row per register array.
        self._regions: tuple[tuple[int, int, int, Getter, Setter], ...] = (
            (MSIP_BASE, 4, n, self._get_msip, self._set_msip),
            (MTIMECMP_BASE, 8, n, self._get_mtimecmp, self._set_mtimecmp),
            (MTIME_OFFSET, 8, 1, self._get_mtime, self._set_mtime),
        )

    # ---- time -------------------------------------------------------------------------------
    def mtime(self) -> int:
        """The CLINT's view of time: the clock plus the offset set by ``mtime`` writes."""
        return (self.clock.mtime() + self.mtime_offset) & MASK64

    def update(self) -> None:
        """Re-evaluate every hart's MTIP against the current time."""
        now = self.mtime()
        for hart, cmp in zip(self.harts, self.mtimecmp, strict=True):
            hart.set_pending(MIP_MTIP, now >= cmp)

    def next_deadline(self) -> int | None:
        """The earliest future ``mtimecmp`` as a clock ``mtime`` value, or None."""
        now = self.mtime()
        future = [cmp for cmp in self.mtimecmp if now < cmp != MTIMECMP_NEVER]
        if not future:
            return None
        return (min(future) - self.mtime_offset) & MASK64

    # ---- bus side ---------------------------------------------------------------------------
    def _locate(self, offset: int, size: int) -> tuple[int, int, Getter, Setter] | None:
        """(register index, byte offset inside it, getter, setter) for an access, or None."""
        for base, stride, count, getter, setter in self._regions:
            if base <= offset < base + stride * count:
                index, inner = divmod(offset - base, stride)
                if inner + size > stride:
                    return None  # straddles two registers
                return index, inner, getter, setter
        return None

    def read(self, offset: int, size: int) -> int:
        found = self._locate(offset, size)
        if found is None:
            return 0
        index, inner, getter, _ = found
        return (getter(index) >> (8 * inner)) & ((1 << (8 * size)) - 1)

    def write(self, offset: int, size: int, value: int) -> None:
        found = self._locate(offset, size)
        if found is None:
            return
        index, inner, getter, setter = found
        shift = 8 * inner
        mask = ((1 << (8 * size)) - 1) << shift
        setter(index, (getter(index) & ~mask) | ((value << shift) & mask))

    # ---- registers --------------------------------------------------------------------------
    def _get_msip(self, h: int) -> int:
        return self.msip[h]

    def _set_msip(self, h: int, value: int) -> None:
        self.msip[h] = value & 1
        self.harts[h].set_pending(MIP_MSIP, bool(value & 1))

    def _get_mtimecmp(self, h: int) -> int:
        return self.mtimecmp[h]

    def _set_mtimecmp(self, h: int, value: int) -> None:
        self.mtimecmp[h] = value
        self.harts[h].set_pending(MIP_MTIP, self.mtime() >= value)
        self.harts[h].request_yield()

    def _get_mtime(self, _index: int) -> int:
        return self.mtime()

    def _set_mtime(self, _index: int, value: int) -> None:
        self.mtime_offset = (value - self.clock.mtime()) & MASK64
        self.update()
        for hart in self.harts:
            hart.request_yield()
