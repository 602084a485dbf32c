"""Host physical memory management: a bump allocator over the host RAM.

The hypervisor carves each VM's RAM and every G-stage page-table page out of the host
:class:`~hvsim.mem.phys.PhysMem`.  Memory is never returned (VMs live for the whole run) and
comes zeroed because host RAM is a lazily allocated anonymous mapping.
"""

from __future__ import annotations

from hvsim.mem.phys import PhysMem


class HostMemoryExhausted(MemoryError):
    """The host RAM configured for the scenario is too small."""


class HostAllocator:
    def __init__(self, mem: PhysMem) -> None:
        self.mem = mem
        self.next = mem.ram_base

    def alloc(self, size: int, align: int = 0x1000) -> int:
        """Return the host physical address of ``size`` fresh bytes aligned to ``align``."""
        base = -(-self.next // align) * align
        if base + size > self.mem.ram_end:
            raise HostMemoryExhausted(
                f"host RAM exhausted: need {size:#x} bytes at {base:#x}, RAM ends at "
                f"{self.mem.ram_end:#x}"
            )
        self.next = base + size
        return base

    @property
    def used(self) -> int:
        return self.next - self.mem.ram_base
