"""``regs``: a small block of emulated 64-bit words, the simplest MMIO device a guest can use.

Scenario keys: ``words`` maps byte offsets to initial values (``{ 64 = 0x6688 }``) and
``writable`` (default true) says whether guest stores change them.  Accesses of any naturally
aligned size read or write the corresponding bytes of the little-endian words; unset words read
as zero.  The seed exercise maps one at guest-physical 0x0 so that ``ld a0, 64(zero)`` reads
0x6688 through an MMIO exit.

Naturally aligned accesses go through typed views of the block (``memoryview.cast``, the host's
byte order, which hvsim takes to be little-endian as :class:`~hvsim.mem.phys.PhysMem` does);
others are assembled byte by byte.
"""

from __future__ import annotations

from hvsim.devices.base import Device, register_device

#: access size -> memoryview format of an unsigned item of that size
VIEW_CODES = {1: "B", 2: "H", 4: "I", 8: "Q"}


@register_device
class Regs(Device):
    kind = "regs"
    default_size = 0x1000

    def __init__(
        self,
        words: dict[int, int] | None = None,
        writable: bool = True,
        name: str = "",
        size: int | None = None,
    ) -> None:
        super().__init__(name, size)
        self.initial = {int(k): int(v) & ((1 << 64) - 1) for k, v in (words or {}).items()}
        for offset in self.initial:
            if offset % 8 or not 0 <= offset < self.size:
                raise ValueError(f"regs word offset {offset:#x} must be 8-aligned inside the block")
        self.writable = writable
        self.reset()

    def reset(self) -> None:
        self.data = bytearray(self.size)
        for offset, value in self.initial.items():
            self.data[offset : offset + 8] = value.to_bytes(8, "little")
        whole = memoryview(self.data)
        #: access size -> the block as an array of that many bytes per item
        self.views = {n: whole.cast(code) for n, code in VIEW_CODES.items() if self.size % n == 0}

    def read(self, offset: int, size: int) -> int:
        view = self.views.get(size)
        if view is not None and not offset & (size - 1):
            return view[offset // size]
        return int.from_bytes(self.data[offset : offset + size], "little")

    def write(self, offset: int, size: int, value: int) -> None:
        if not self.writable:
            return
        view = self.views.get(size)
        if view is not None and not offset & (size - 1):
            view[offset // size] = value
        else:
            self.data[offset : offset + size] = value.to_bytes(size, "little")
