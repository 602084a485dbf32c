"""The cost model: how much simulated time instructions, page walks, exits and switches take.

Every figure is in CPU cycles of the pCPU running the vCPU (``host.freq_mhz`` turns cycles
into picoseconds); scenario files override any field under ``[cost]``.  The defaults are round
numbers of the order measured on real RISC-V hypervisors (a trap plus world switch costs
hundreds of cycles, an SBI call handled in the hypervisor around a thousand, an MMIO exit that
reaches a device model a few thousand):

=====================  =======  ===============================================================
field                  default  what it costs
=====================  =======  ===============================================================
``cpi``                1        one guest instruction (every instruction class alike)
``world_switch``       400      a vCPU load or put: GPRs, vs* CSRs, hstatus, hgatp (charged at
                                the start and at the end of every run slice)
``trap_entry``         100      the hardware trap into HS-mode plus the ``sret`` back, per exit
``exit_handling``      table    the hypervisor's handling of one exit, by key (below)
``default_handling``   1000     exits whose key is not in ``exit_handling``
``tlb_miss``           4        a miss in the hart's TLB (starting the page-table walker)
``walk_level``         20       one VS-stage (or single-stage) PTE read: one level of a walk
``g_walk_level``       20       one G-stage PTE read: one level of a guest-physical walk (a
                                two-stage miss reads up to 3 + 4 * 4 of them)
``wfi_wakeup``         1500     resuming a vCPU that blocked in WFI (the host's wake-up path:
                                event, scheduling and reloading state), charged once when the
                                woken vCPU next gets a pCPU
=====================  =======  ===============================================================

``exit_handling`` keys name an exit *kind* (``sbi``, ``csr``, ``mmio``, ``wfi``,
``demand_paging``, ``redirect``, ``wrs``, ``interrupt``, ...) optionally refined by its detail,
most specific first: an ``sbi`` exit with detail ``time.set_timer`` costs
``exit_handling["sbi.time.set_timer"]``, else ``["sbi.time"]`` (SBI by extension), else
``["sbi"]``, else ``default_handling``.  MMIO exits refine by device (``mmio.uart0``,
``mmio.uart0.write``), CSR emulation by CSR name (``csr.mhartid``).  Default table:

==================  ======      ==================  ======
``sbi``             800         ``demand_paging``   3000
``csr``             600         ``redirect``        300
``mmio``            2000        ``virtual_instruction``  600
``wfi``             300
==================  ======      ==================  ======

Page walks: the hart counts its TLB misses and the PTEs each stage reads
(``tlb_misses``, ``pte_reads``, ``g_pte_reads``); the vCPU loop charges their increase after
every batch (``tlb_miss * misses + walk_level * pte_reads + g_walk_level * g_pte_reads``), so
a walk's time lands at the batch boundary that follows it.  The hart's TLB only forgets on
fences, ``satp``/``hgatp`` writes and VMID changes (it has no capacity limit), so misses are
rarer than on hardware with a small TLB; raise the per-level costs to compensate.

Device latencies (a disk request's service time) belong to the device and are set by its own
scenario options (``virtio-blk``: ``latency_us``, ``bandwidth_mbps``, ``flush_us``); the cost of
the MMIO *access* itself is the ``mmio.<device>`` handling cost above.

Cycles per instruction *class* are not modelled: the execution engine retires whole blocks
without classifying them, and counting classes per block would slow the engine; ``cpi``
applies to every instruction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Default handling cost per exit kind (cycles); scenario overrides merge with these.
DEFAULT_EXIT_HANDLING: dict[str, int] = {
    "sbi": 800,
    "csr": 600,
    "mmio": 2000,
    "wfi": 300,
    "demand_paging": 3000,
    "redirect": 300,
    "virtual_instruction": 600,
}


@dataclass(frozen=True)
class CostModel:
    cpi: int = 1  # cycles per guest instruction
    world_switch: int = 400  # vCPU load or put (GPRs, vs* CSRs, hgatp)
    trap_entry: int = 100  # hardware trap into HS plus the return (sret)
    #: Handling cost by exit key ("kind" or "kind.detail-prefix"); missing keys use default.
    exit_handling: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_EXIT_HANDLING))
    default_handling: int = 1000
    tlb_miss: int = 4  # a TLB miss (walk start-up), per miss
    walk_level: int = 20  # one VS-stage / single-stage PTE read
    g_walk_level: int = 20  # one G-stage PTE read
    wfi_wakeup: int = 1500  # resuming a vCPU woken from WFI
    _cache: dict[tuple[str, str], int] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def handling(self, kind: str, detail: str = "") -> int:
        """Cycles to handle an exit of ``kind`` with ``detail``: the most specific key wins."""
        key = (kind, detail)
        cycles = self._cache.get(key)
        if cycles is None:
            cycles = self._lookup(kind, detail)
            self._cache[key] = cycles
        return cycles

    def _lookup(self, kind: str, detail: str) -> int:
        table = self.exit_handling
        parts = detail.split(".") if detail else []
        while parts:
            cycles = table.get(kind + "." + ".".join(parts))
            if cycles is not None:
                return cycles
            parts.pop()
        return table.get(kind, self.default_handling)

    @property
    def charges_walks(self) -> bool:
        """Whether TLB misses or page walks cost anything (the vCPU loop skips them if not)."""
        return bool(self.tlb_miss or self.walk_level or self.g_walk_level)

    def walk_cycles(self, tlb_misses: int, pte_reads: int, g_pte_reads: int) -> int:
        """Cycles for ``tlb_misses`` misses whose walks read these PTEs per stage."""
        return (
            tlb_misses * self.tlb_miss
            + pte_reads * self.walk_level
            + g_pte_reads * self.g_walk_level
        )
