"""The platform-level interrupt controller (``riscv,plic0`` / ``sifive,plic-1.0.0``) of a VM.

Owns the PLIC register model, its device-tree node, and how device interrupt lines reach it
(:func:`irq_line`).  Register map (offsets inside the window, 32-bit registers):

=========================== =================================================================
``0x000000 + 4*s``          priority of source ``s`` (1..ndev; 0 = never interrupts), WARL
``0x001000 + 4*w``          pending bits of sources ``32*w .. 32*w+31`` (read-only)
``0x002000 + 0x80*c + 4*w`` enable bits of context ``c``
``0x200000 + 0x1000*c``     priority threshold of context ``c``
``0x200004 + 0x1000*c``     claim (read) / complete (write) of context ``c``
=========================== =================================================================

Semantics (the RISC-V PLIC specification; where it leaves room, QEMU's ``sifive_plic``):

* every source is level-triggered.  While no request of a source is in flight, its pending
  bit follows its line; a claim clears the pending bit and puts the source *in flight*; a
  completion ends that, and a line still high makes the source pending again at once.
* a context's interrupt output is high while some source is pending, enabled for it and of a
  priority above its threshold.  A claim returns the highest-priority such source (ties go to
  the lowest ID) or 0; a completion for a source that is not enabled for the context, or not
  in flight, is ignored.
* accesses are 32-bit (64-bit ones act as two 32-bit ones; other sizes read 0 / are ignored).

In a VM there is one S-mode context per vCPU: context ``i`` is the external-interrupt input of
guest hart ``i``; its output drives ``hvip.VSEIP`` of vCPU ``i`` (delivered as a supervisor
external interrupt because hideleg delegates VSEIP), which also wakes a vCPU blocked in WFI.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from hvsim.core.trap import IRQ_S_EXT, MIP_VSEIP
from hvsim.devices.base import Device, register_device

if TYPE_CHECKING:
    from hvsim.config.model import DeviceConfig
    from hvsim.hv.fdt import FdtWriter
    from hvsim.hv.vm import VM

PRIORITY_BASE = 0x000000
PENDING_BASE = 0x001000
ENABLE_BASE = 0x002000
ENABLE_STRIDE = 0x80
CONTEXT_BASE = 0x200000
CONTEXT_STRIDE = 0x1000
THRESHOLD = 0x0
CLAIM = 0x4

MAX_SOURCES = 1023  # source IDs are 1..1023
MAX_CONTEXTS = 15872
DEFAULT_NDEV = 95  # QEMU virt: 96 sources including the reserved source 0
DEFAULT_PRIORITY_BITS = 3  # QEMU virt: priorities 0..7

#: The device-tree label (phandle) of a VM's PLIC; device nodes use it as interrupt-parent.
FDT_LABEL = "plic"

ContextSink = Callable[[int, bool], None]
IrqLine = Callable[[bool], None]
#: (start, end, reader(relative offset), writer(relative offset, value)) of a register block.
Region = tuple[int, int, Callable[[int], int], Callable[[int, int], None]]


@register_device
class Plic(Device):
    """A PLIC with ``contexts`` targets and sources ``1..ndev``."""

    kind = "plic"
    default_size = 0x600000  # QEMU virt's window: room for 1024 contexts
    #: Scenario options (checked and converted by the config loader).
    OPTIONS: ClassVar[dict[str, Any]] = {"ndev": int, "priority_bits": int}

    def __init__(
        self,
        contexts: int = 1,
        ndev: int = DEFAULT_NDEV,
        priority_bits: int = DEFAULT_PRIORITY_BITS,
        on_context: ContextSink | None = None,
        name: str = "",
        size: int | None = None,
    ) -> None:
        super().__init__(name, size)
        if not 1 <= ndev <= MAX_SOURCES:
            raise ValueError(f"plic ndev must be in 1..{MAX_SOURCES} (got {ndev})")
        if not 1 <= priority_bits <= 32:
            raise ValueError(f"plic priority_bits must be in 1..32 (got {priority_bits})")
        if not 1 <= contexts <= MAX_CONTEXTS:
            raise ValueError(f"plic contexts must be in 1..{MAX_CONTEXTS} (got {contexts})")
        needed = CONTEXT_BASE + CONTEXT_STRIDE * contexts
        if self.size < needed:
            raise ValueError(
                f"plic window of {self.size:#x} bytes is too small for {contexts} contexts "
                f"(needs {needed:#x})"
            )
        self.contexts = contexts
        self.ndev = ndev
        self.priority_mask = (1 << priority_bits) - 1
        self.on_context = on_context
        self._valid = ((1 << (ndev + 1)) - 1) & ~1  # source 0 does not exist
        self._words = (ndev + 32) // 32  # pending/enable words covering sources 0..ndev
        self._regions: tuple[Region, ...] = (
            (PRIORITY_BASE, PRIORITY_BASE + 4 * (ndev + 1), self._read_prio, self._write_prio),
            (PENDING_BASE, PENDING_BASE + 4 * self._words, self._read_pending, _ignore),
            (
                ENABLE_BASE,
                ENABLE_BASE + ENABLE_STRIDE * contexts,
                self._read_enable,
                self._write_enable,
            ),
            (
                CONTEXT_BASE,
                CONTEXT_BASE + CONTEXT_STRIDE * contexts,
                self._read_context,
                self._write_context,
            ),
        )
        self.lines = 0  # bit s: the line of source s is high
        self.reset()

    def reset(self) -> None:
        self.priority = [0] * (self.ndev + 1)
        self.in_flight = 0
        self.enable = [0] * self.contexts
        self.threshold = [0] * self.contexts
        self.outputs = [False] * self.contexts
        self.pending = self.lines & self._valid
        self._update()

    # ---- device side ----------------------------------------------------------------------------
    def set_level(self, source: int, level: bool) -> None:
        """Drive the interrupt line of ``source`` (level-triggered)."""
        if not 1 <= source <= self.ndev:
            raise ValueError(f"plic source {source} out of range 1..{self.ndev}")
        bit = 1 << source
        if level:
            self.lines |= bit
            if not self.in_flight & bit:
                self.pending |= bit
        else:
            self.lines &= ~bit
            self.pending &= ~bit
        self._update()

    # ---- interrupt selection --------------------------------------------------------------------
    def best(self, context: int) -> int:
        """The source a claim by ``context`` would return now (0: none)."""
        candidates = self.pending & self.enable[context]
        limit = self.threshold[context]
        best_id = 0
        best_prio = limit
        priority = self.priority
        while candidates:
            low = candidates & -candidates
            source = low.bit_length() - 1
            if priority[source] > best_prio:
                best_id, best_prio = source, priority[source]
            candidates ^= low
        return best_id

    def claim(self, context: int) -> int:
        source = self.best(context)
        if source:
            bit = 1 << source
            self.pending &= ~bit
            self.in_flight |= bit
            self._update()
        return source

    def complete(self, context: int, source: int) -> None:
        if not 1 <= source <= self.ndev:
            return
        bit = 1 << source
        if not (self.enable[context] & bit and self.in_flight & bit):
            return  # the specification: silently ignored
        self.in_flight &= ~bit
        if self.lines & bit:
            self.pending |= bit
        self._update()

    def _update(self) -> None:
        for context in range(self.contexts):
            level = self.best(context) != 0
            if level != self.outputs[context]:
                self.outputs[context] = level
                if self.on_context is not None:
                    self.on_context(context, level)

    # ---- bus side -------------------------------------------------------------------------------
    def read(self, offset: int, size: int) -> int:
        if size == 8 and not offset & 7:
            return self.read(offset, 4) | (self.read(offset + 4, 4) << 32)
        if size != 4 or offset & 3:
            return 0
        for start, end, reader, _ in self._regions:
            if start <= offset < end:
                return reader(offset - start)
        return 0

    def write(self, offset: int, size: int, value: int) -> None:
        if size == 8 and not offset & 7:
            self.write(offset, 4, value & 0xFFFFFFFF)
            self.write(offset + 4, 4, value >> 32)
            return
        if size != 4 or offset & 3:
            return
        value &= 0xFFFFFFFF
        for start, end, _, writer in self._regions:
            if start <= offset < end:
                writer(offset - start, value)
                return

    def _read_prio(self, rel: int) -> int:
        return self.priority[rel >> 2]

    def _write_prio(self, rel: int, value: int) -> None:
        source = rel >> 2
        if source:
            self.priority[source] = value & self.priority_mask
            self._update()

    def _read_pending(self, rel: int) -> int:
        return (self.pending >> (8 * rel)) & 0xFFFFFFFF

    def _read_enable(self, rel: int) -> int:
        context, word = divmod(rel, ENABLE_STRIDE)
        if word >= 4 * self._words:
            return 0
        return (self.enable[context] >> (8 * word)) & 0xFFFFFFFF

    def _write_enable(self, rel: int, value: int) -> None:
        context, word = divmod(rel, ENABLE_STRIDE)
        if word >= 4 * self._words:
            return
        shift = 8 * word
        mask = (0xFFFFFFFF << shift) & self._valid
        self.enable[context] = (self.enable[context] & ~mask) | ((value << shift) & mask)
        self._update()

    def _read_context(self, rel: int) -> int:
        context, reg = divmod(rel, CONTEXT_STRIDE)
        if reg == THRESHOLD:
            return self.threshold[context]
        if reg == CLAIM:
            return self.claim(context)
        return 0

    def _write_context(self, rel: int, value: int) -> None:
        context, reg = divmod(rel, CONTEXT_STRIDE)
        if reg == THRESHOLD:
            self.threshold[context] = value & self.priority_mask
            self._update()
        elif reg == CLAIM:
            self.complete(context, value)

    # ---- a VM's PLIC ----------------------------------------------------------------------------
    @classmethod
    def create_for_vm(cls, vm: VM, cfg: DeviceConfig, name: str) -> Plic:
        """One S-mode context per vCPU; context ``i`` drives vCPU ``i``'s VSEIP."""
        others = [d for d in vm.config.devices if d.type == cls.kind]
        if len(others) > 1:
            raise ValueError(f"{vm.name}: only one plic per VM is supported")

        def on_context(context: int, level: bool) -> None:
            vcpu = vm.vcpus[context]
            vcpu.set_hvip(MIP_VSEIP, level)
            if level:
                vcpu.stats.count("interrupts.external")

        size = cfg.size if cfg.size is not None else cls.default_size
        return cls(vm.config.vcpus, on_context=on_context, name=name, size=size, **cfg.options)

    def fdt_node(self, w: FdtWriter, base: int, vm: VM) -> str:
        node = f"plic@{base:x}"
        with w.node(node):
            w.u32("phandle", w.phandle(FDT_LABEL))
            w.u32("riscv,ndev", self.ndev)
            w.reg64("reg", (base, self.size))
            cells = []
            for context in range(self.contexts):
                cells += [w.phandle(f"intc{context}"), IRQ_S_EXT]
            w.u32("interrupts-extended", *cells)
            w.empty("interrupt-controller")
            w.strings("compatible", "sifive,plic-1.0.0", "riscv,plic0")
            w.u32("#address-cells", 0)
            w.u32("#interrupt-cells", 1)
        return f"/soc/{node}"


def _ignore(rel: int, value: int) -> None:
    """Writes to read-only registers (the pending bits) have no effect."""


# ---- device interrupt lines ---------------------------------------------------------------------
#: Which PLIC sources are taken, per VM (a source has exactly one device driving it).
_SOURCES: weakref.WeakKeyDictionary[Any, dict[int, str]] = weakref.WeakKeyDictionary()


def plic_config(vm: VM) -> DeviceConfig | None:
    """The scenario entry of the VM's PLIC, if it has one."""
    for dev_cfg in vm.config.devices:
        if dev_cfg.type == Plic.kind:
            return dev_cfg
    return None


def vm_plic(vm: VM) -> Plic | None:
    """The VM's PLIC instance (None while it has not been created, or when there is none)."""
    for _base, _end, dev in vm.devices:
        if isinstance(dev, Plic):
            return dev
    return None


def irq_source(vm: VM, cfg: DeviceConfig, name: str, default: int | None) -> int | None:
    """The PLIC source device ``name`` drives: ``cfg.irq``, else ``default`` when the VM has a
    PLIC.

    Raises ValueError when the device names an interrupt but the VM has no PLIC, when the
    source is outside the PLIC's range, or when another device already drives it.
    """
    plic_cfg = plic_config(vm)
    if plic_cfg is None:
        if cfg.irq is not None:
            raise ValueError(f"{vm.name}: device {name} has irq {cfg.irq} but the VM has no plic")
        return None
    source = cfg.irq if cfg.irq is not None else default
    if source is None:
        return None
    ndev = int(plic_cfg.options.get("ndev", DEFAULT_NDEV))
    if not 1 <= source <= ndev:
        raise ValueError(f"{vm.name}: device {name}: irq {source} is outside the plic's 1..{ndev}")
    taken = _SOURCES.setdefault(vm, {})
    if source in taken and taken[source] != name:
        raise ValueError(f"{vm.name}: devices {taken[source]} and {name} share irq {source}")
    taken[source] = name
    return source


def irq_line(vm: VM, source: int | None) -> IrqLine | None:
    """A line driving ``source`` on the VM's PLIC, found when first used (devices may be
    created before the PLIC)."""
    if source is None:
        return None
    plic: Plic | None = None

    def drive(level: bool) -> None:
        nonlocal plic
        if plic is None:
            plic = vm_plic(vm)
            if plic is None:
                return  # not created yet: the line is sampled again at the next change
        plic.set_level(source, level)

    return drive


def fdt_interrupt(w: FdtWriter, source: int | None) -> None:
    """The ``interrupts`` / ``interrupt-parent`` properties of a device node on the PLIC."""
    if source is None:
        return
    w.u32("interrupts", source)
    w.u32("interrupt-parent", w.phandle(FDT_LABEL))
