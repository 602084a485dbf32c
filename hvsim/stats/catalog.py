"""The statistics catalog: every counter hvsim exports, declared once with its unit and meaning.

A counter's full name is dotted and stable; the first part says what it belongs to:

* ``host.<...>`` - the whole run;
* ``pcpu<i>.<...>`` - one physical hart;
* ``<vm>.<...>`` - one VM, summed over its vCPUs (minima, maxima and means over its exits);
* ``<vm>.vcpu<i>.<...>`` - one vCPU (``seed.vcpu0.exits.sbi.legacy.shutdown``);
* ``<vm>.device.<dev>.<...>`` - the counters a device model keeps (``Device.counters``).

VM and vCPU counters share their declarations (:data:`GUEST`, names relative to the scope).
Patterns use placeholders: ``<vm>`` a VM name, ``<i>`` an index, ``<kind>`` an exit kind
(``sbi``, ``mmio``, ...), ``<dev>`` a device name, ``<detail>`` an exit detail or a device
counter (may contain dots: ``time.set_timer``, ``uart0.read``), ``<name>`` one lower-case
word, ``<stat>`` one of ``total``, ``min``, ``max``, ``mean``.  :func:`find` maps a concrete
name to its :class:`CounterDef`; the exporters take units from here and the tests check that
every name a run produces is declared.

Units: ``count`` (events), ``instructions``, ``ps`` (simulated picoseconds), ``bytes``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

COUNT = "count"
PS = "ps"
INSTRUCTIONS = "instructions"
BYTES = "bytes"
UNITS = (COUNT, PS, INSTRUCTIONS, BYTES)

#: Placeholder -> regular expression for the part of a name it stands for.
PLACEHOLDERS: dict[str, str] = {
    "vm": r"[A-Za-z0-9_-]+",
    "i": r"[0-9]+",
    "dev": r"[A-Za-z0-9_-]+",
    "kind": r"[a-z_]+",
    "detail": r"[^\s]+",
    "name": r"[a-z0-9_]+",
    "stat": r"(?:total|min|max|mean)",
}
_PLACEHOLDER_RE = re.compile(r"<([a-z]+)>")

SCOPE_VM = "<vm>"
SCOPE_VCPU = "<vm>.vcpu<i>"


@dataclass(frozen=True)
class CounterDef:
    """One declared counter (or family of counters, when the pattern has placeholders)."""

    pattern: str
    unit: str
    description: str
    regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"{self.pattern}: unknown unit {self.unit!r}")
        object.__setattr__(self, "regex", compile_pattern(self.pattern))

    def matches(self, name: str) -> bool:
        return self.regex.fullmatch(name) is not None


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """``"<vm>.vcpu<i>.exits.<kind>"`` -> a regular expression matching such names."""
    parts = []
    pos = 0
    for m in _PLACEHOLDER_RE.finditer(pattern):
        parts.append(re.escape(pattern[pos : m.start()]))
        parts.append(PLACEHOLDERS[m.group(1)])
        pos = m.end()
    parts.append(re.escape(pattern[pos:]))
    return re.compile("".join(parts))


# ---- declarations -------------------------------------------------------------------------------
#: Counters of a VM and of each of its vCPUs: (name relative to the scope, unit, description).
GUEST: tuple[tuple[str, str, str], ...] = (
    ("instructions", INSTRUCTIONS, "guest instructions retired, emulated ones included"),
    (
        "instructions.emulated",
        INSTRUCTIONS,
        "trapping guest instructions the hypervisor performed (SBI ecall, CSR, MMIO, WFI, WRS)",
    ),
    ("time.run", PS, "time on a pCPU: world switches, guest execution, exit handling"),
    ("time.steal", PS, "time runnable but waiting for a pCPU"),
    ("time.idle", PS, "time blocked (WFI, suspended) or powered off"),
    ("switches", COUNT, "world switches in: run slices started on a pCPU"),
    ("exits", COUNT, "VM exits of every kind"),
    ("exits.<kind>", COUNT, "VM exits of one kind (sbi, csr, mmio, wfi, demand_paging, ...)"),
    (
        "exits.<kind>.<detail>",
        COUNT,
        "VM exits of one kind and sub-reason: SBI extension.function, CSR name, "
        "device.read/write, fault type (fetch/load/store), ...",
    ),
    ("handling.<stat>", PS, "exit handling time over all exits (total, min, max, mean)"),
    ("handling.<kind>.<stat>", PS, "exit handling time of one exit kind"),
    ("handling.<kind>.<detail>.<stat>", PS, "exit handling time of one kind and sub-reason"),
    ("interrupts.<name>", COUNT, "virtual interrupts injected (timer, ipi, external)"),
    ("wakeups", COUNT, "wake-ups of a blocked vCPU by an interrupt"),
    (
        "wakeups.latency.<stat>",
        PS,
        "from a wake-up request (interrupt, IPI, HSM start) until the vCPU runs again",
    ),
    ("fences.<name>", COUNT, "remote fences applied on this vCPU (SBI RFENCE)"),
    ("tlb.misses", COUNT, "TLB misses (translations not cached; TLB hits are not counted)"),
    ("tlb.walks", COUNT, "VS-stage (single-stage) page-table walks"),
    ("tlb.pte_reads", COUNT, "PTEs read by VS-stage walks (one per level)"),
    ("tlb.g_walks", COUNT, "G-stage walks (guest-physical -> host-physical)"),
    ("tlb.g_pte_reads", COUNT, "PTEs read by G-stage walks (one per level)"),
    ("cost.walk", PS, "time charged for TLB misses and page walks (cost model)"),
    ("cost.wfi_wakeup", PS, "time charged for resuming vCPUs woken from WFI (cost model)"),
)

#: Counters of a VM only (not per vCPU).
VM_ONLY: tuple[tuple[str, str, str], ...] = (
    ("vcpus", COUNT, "vCPUs of the VM"),
    ("time.elapsed", PS, "simulated time from the start until the VM stopped (or the run ended)"),
    ("device.<dev>.bytes.<name>", BYTES, "bytes a device model moved (e.g. read, written)"),
    (
        "device.<dev>.<detail>",
        COUNT,
        "events a device model counted (requests.<type>, errors.<why>, notifications, ...)",
    ),
)

#: Counters of the whole host and of each pCPU: (full pattern, unit, description).
HOST: tuple[tuple[str, str, str], ...] = (
    ("host.time", PS, "simulated time the run covered"),
    ("host.instructions", INSTRUCTIONS, "guest instructions retired by all VMs"),
    ("host.exits", COUNT, "VM exits of all VMs"),
    ("host.runqueue.max", COUNT, "longest run queue (vCPUs waiting for a pCPU)"),
    ("pcpu<i>.busy", PS, "time the pCPU ran vCPUs (world switches and exits included)"),
    ("pcpu<i>.idle", PS, "time the pCPU had no vCPU"),
    ("pcpu<i>.switches", COUNT, "vCPUs loaded on the pCPU (world switches in)"),
    ("pcpu<i>.instructions", INSTRUCTIONS, "guest instructions the pCPU executed"),
)


def _build() -> tuple[CounterDef, ...]:
    defs = [CounterDef(p, u, d) for p, u, d in HOST]
    for scope in (SCOPE_VM, SCOPE_VCPU):
        defs += [CounterDef(f"{scope}.{rel}", u, d) for rel, u, d in GUEST]
    defs += [CounterDef(f"{SCOPE_VM}.{rel}", u, d) for rel, u, d in VM_ONLY]
    return tuple(defs)


#: Every declared counter, in documentation order.
COUNTERS: tuple[CounterDef, ...] = _build()

#: Histograms (log2 buckets of picoseconds): (pattern, description).
HISTOGRAMS: tuple[tuple[str, str], ...] = (
    (f"{SCOPE_VM}.handling.<kind>", "exit handling time of one exit kind, per VM"),
    (f"{SCOPE_VCPU}.handling.<kind>", "exit handling time of one exit kind, per vCPU"),
    (f"{SCOPE_VM}.wakeups.latency", "wake-up latency, per VM"),
    (f"{SCOPE_VCPU}.wakeups.latency", "wake-up latency, per vCPU"),
)
_HISTOGRAM_RES = tuple(compile_pattern(p) for p, _ in HISTOGRAMS)


@lru_cache(maxsize=4096)
def find(name: str) -> CounterDef | None:
    """The declaration a concrete counter name belongs to (``None`` if undeclared).

    More specific declarations win: ``seed.vcpu0.exits`` is the vCPU's exit total, not the
    exits of a VM called ``seed.vcpu0`` (VM names have no dots, so that cannot happen anyway).
    """
    for d in COUNTERS:
        if d.matches(name):
            return d
    return None


def unit(name: str) -> str:
    """The unit of a counter (``count`` for an undeclared one)."""
    d = find(name)
    return d.unit if d is not None else COUNT


def is_histogram(name: str) -> bool:
    return any(r.fullmatch(name) for r in _HISTOGRAM_RES)


def guest_counter_declared(relative: str) -> bool:
    """Whether a vCPU counter name (relative, like ``exits.sbi.time.set_timer``) is declared."""
    return find(f"vm.vcpu0.{relative}") is not None
