"""A VM's G-stage page table (Sv39x4), built in host memory like KVM's stage-2 tables.

The table maps guest-physical pages of the VM's RAM to the host pages that back them, with
R/W/X/U set (U is required on G-stage leaves) and A/D preset so the hart never has to update
them.  Nothing else is ever mapped: emulated devices stay unmapped so that every access to
them is a guest-page fault the hypervisor emulates, and any other guest-physical address is
simply absent — a guest cannot name host memory outside its own RAM.
"""

from __future__ import annotations

from hvsim.core import bits as B
from hvsim.hv.hostmem import HostAllocator
from hvsim.mem.phys import PhysMem

LEVELS = 3  # Sv39x4
GPA_BITS = 41
LEAF_RWXU = B.PTE_V | B.PTE_R | B.PTE_W | B.PTE_X | B.PTE_U | B.PTE_A | B.PTE_D
PAGE_SIZES = {0x1000: 0, 0x200000: 1, 0x40000000: 2}  # size -> leaf level


class GStage:
    def __init__(self, mem: PhysMem, alloc: HostAllocator) -> None:
        self.mem = mem
        self.alloc = alloc
        self.root = alloc.alloc(0x4000, 0x4000)  # 16 KiB root, 16 KiB aligned
        self.table_pages = 4
        self.mapped_bytes = 0

    def hgatp(self, vmid: int) -> int:
        return (
            (B.ATP_MODE_SV39 << B.ATP_MODE_SHIFT) | (vmid << B.HGATP_VMID_SHIFT) | (self.root >> 12)
        )

    def map(self, gpa: int, hpa: int, size: int, page_size: int = 0x1000) -> None:
        """Map ``[gpa, gpa + size)`` to ``[hpa, hpa + size)`` with leaves of ``page_size``."""
        level = PAGE_SIZES[page_size]
        if gpa % page_size or hpa % page_size or size % page_size:
            raise ValueError("G-stage mapping must be aligned to its page size")
        if gpa + size > 1 << GPA_BITS:
            raise ValueError(f"GPA {gpa + size:#x} exceeds the Sv39x4 guest-physical space")
        for off in range(0, size, page_size):
            self._set_leaf(gpa + off, hpa + off, level)
        self.mapped_bytes += size

    def _set_leaf(self, gpa: int, hpa: int, level: int) -> None:
        table = self.root
        for lvl in range(LEVELS - 1, level, -1):
            width = 0x7FF if lvl == LEVELS - 1 else 0x1FF
            pte_addr = table + ((gpa >> (12 + 9 * lvl)) & width) * 8
            pte = self.mem.read(pte_addr, 8)
            if not pte & B.PTE_V:
                child = self.alloc.alloc(0x1000, 0x1000)
                self.table_pages += 1
                pte = ((child >> 12) << 10) | B.PTE_V
                self.mem.write(pte_addr, 8, pte)
            elif pte & (B.PTE_R | B.PTE_X):
                return  # already covered by a larger leaf
            table = ((pte >> 10) & ((1 << 44) - 1)) << 12
        width = 0x7FF if level == LEVELS - 1 else 0x1FF
        pte_addr = table + ((gpa >> (12 + 9 * level)) & width) * 8
        self.mem.write(pte_addr, 8, ((hpa >> 12) << 10) | LEAF_RWXU)

    def lookup(self, gpa: int) -> int | None:
        """The host physical address ``gpa`` maps to, or None (for tests and reports)."""
        table = self.root
        for lvl in range(LEVELS - 1, -1, -1):
            width = 0x7FF if lvl == LEVELS - 1 else 0x1FF
            pte = self.mem.read(table + ((gpa >> (12 + 9 * lvl)) & width) * 8, 8)
            if not pte & B.PTE_V:
                return None
            ppn = (pte >> 10) & ((1 << 44) - 1)
            if pte & (B.PTE_R | B.PTE_X):
                return (ppn << 12) | (gpa & ((1 << (12 + 9 * lvl)) - 1))
            table = ppn << 12
        return None
