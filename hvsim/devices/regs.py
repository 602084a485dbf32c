"""``regs``: a small block of emulated 64-bit words, the simplest MMIO device a guest can use.

Scenario keys: ``words`` maps byte offsets to initial values (``{ 64 = 0x6688 }``) and
``writable`` (default true) says whether guest stores change them.  Accesses of any naturally
aligned size read or write the corresponding bytes of the little-endian words; unset words read
as zero.  The seed exercise maps one at guest-physical 0x0 so that ``ld a0, 64(zero)`` reads
0x6688 through an MMIO exit.
"""

from __future__ import annotations

from hvsim.devices.base import Device, register_device


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

    def read(self, offset: int, size: int) -> int:
        return int.from_bytes(self.data[offset : offset + size], "little")

    def write(self, offset: int, size: int, value: int) -> None:
        if self.writable:
            self.data[offset : offset + size] = value.to_bytes(size, "little")
