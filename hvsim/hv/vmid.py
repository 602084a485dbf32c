"""VMID allocation with generations, as KVM's arch/riscv/kvm/vmid.c does.

VMIDs come from a VMIDLEN-bit space (VMID 0 stays with the host).  When it is exhausted the
allocator starts a new generation: every pCPU's guest translations are flushed (the
equivalent of HFENCE.GVMA on every hart) and VMs get fresh VMIDs the next time one of their
vCPUs is loaded.
"""

from __future__ import annotations

from collections.abc import Callable


class VmidAllocator:
    def __init__(self, vmidlen: int, flush_all: Callable[[], None]) -> None:
        self.bits = vmidlen
        self.generation = 1
        self._next = 1
        self._flush_all = flush_all
        self.rollovers = 0

    def ensure(self, holder: VmidHolder) -> int:
        """Give ``holder`` a VMID valid in the current generation; returns it."""
        if holder.vmid_generation == self.generation:
            return holder.vmid
        if self.bits == 0:  # no VMIDs at all: every change of VM flushes
            self.generation += 1
            self.rollovers += 1
            self._flush_all()
            holder.vmid, holder.vmid_generation = 0, self.generation
            return 0
        if self._next >= 1 << self.bits:
            self.generation += 1
            self.rollovers += 1
            self._next = 1
            self._flush_all()
        holder.vmid = self._next
        holder.vmid_generation = self.generation
        self._next += 1
        return holder.vmid


class VmidHolder:
    vmid: int = 0
    vmid_generation: int = 0
