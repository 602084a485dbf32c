"""Per-VM flattened device tree, built with libfdt's Python binding (pylibfdt).

The tree describes what the guest really gets: its harts (``riscv,isa`` lists exactly what the
hart implements for a VS-mode guest, ``mmu-type``, a ``riscv,cpu-intc`` child), the timebase,
its RAM, ``/chosen`` (bootargs, stdout-path, the initrd's ``linux,initrd-start``/``-end``)
and every device on the VM's bus — a device type contributes its node through an optional
``fdt_node(writer, base, vm)`` method.

The blob goes near the top of guest RAM (2 MiB below the end when RAM allows, like QEMU keeps
it clear of the kernel) and its address is passed to the boot vCPU in a1.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING

import libfdt

if TYPE_CHECKING:
    from collections.abc import Iterator

    from hvsim.hv.vm import VM

#: What a VS-mode guest sees of the hart (no H: nested virtualization is not offered).
GUEST_ISA_BASE = "rv64imafdc"
GUEST_ISA_EXTENSIONS = ("zicsr", "zifencei", "zicntr")
MMU_TYPE = "riscv,sv48"
FDT_MAX = 0x10000


class FdtWriter:
    """A thin wrapper over libfdt's sequential-write API that hands out phandles."""

    def __init__(self) -> None:
        self.sw = libfdt.FdtSw()
        self.sw.finish_reservemap()
        self._next_phandle = 1
        self.phandles: dict[str, int] = {}

    def phandle(self, label: str) -> int:
        if label not in self.phandles:
            self.phandles[label] = self._next_phandle
            self._next_phandle += 1
        return self.phandles[label]

    @contextmanager
    def node(self, name: str) -> Iterator[FdtWriter]:
        with self.sw.add_node(name):
            yield self

    def u32(self, name: str, *values: int) -> None:
        if len(values) == 1:
            self.sw.property_u32(name, values[0])
        else:
            self.sw.property(name, b"".join(v.to_bytes(4, "big") for v in values))

    def reg64(self, name: str, *pairs: tuple[int, int]) -> None:
        """A reg-style property of (address, size) pairs with two cells each."""
        cells = []
        for addr, size in pairs:
            cells += [addr >> 32, addr & 0xFFFFFFFF, size >> 32, size & 0xFFFFFFFF]
        self.u32(name, *cells)

    def u64(self, name: str, value: int) -> None:
        self.sw.property_u64(name, value)

    def string(self, name: str, value: str) -> None:
        self.sw.property_string(name, value)

    def strings(self, name: str, *values: str) -> None:
        self.sw.property(name, b"".join(v.encode() + b"\0" for v in values))

    def empty(self, name: str) -> None:
        self.sw.property(name, b"")

    def finish(self) -> bytes:
        fdt = self.sw.as_fdt()
        fdt.pack()
        return bytes(fdt.as_bytearray())


def guest_isa(vm: VM) -> tuple[str, tuple[str, ...]]:
    extensions = GUEST_ISA_EXTENSIONS + (("sstc",) if vm.config.sstc else ())
    return GUEST_ISA_BASE, extensions


def build_fdt(vm: VM) -> bytes:
    cfg = vm.config
    host = vm.host
    w = FdtWriter()
    base, extensions = guest_isa(vm)
    stdout = None
    with w.node(""):
        w.u32("#address-cells", 2)
        w.u32("#size-cells", 2)
        w.strings("compatible", "hvsim,virt")
        w.string("model", f"hvsim virtual machine {vm.name}")
        with w.node("cpus"):
            w.u32("#address-cells", 1)
            w.u32("#size-cells", 0)
            w.u32("timebase-frequency", host.timebase_hz)
            for vcpu in vm.vcpus:
                with w.node(f"cpu@{vcpu.index:x}"):
                    w.string("device_type", "cpu")
                    w.u32("reg", vcpu.index)
                    w.string("status", "okay")
                    w.strings("compatible", "riscv")
                    w.string("riscv,isa", base + "".join("_" + e for e in extensions))
                    w.string("riscv,isa-base", "rv64i")
                    w.strings("riscv,isa-extensions", *"imafdc", *extensions)
                    w.string("mmu-type", MMU_TYPE)
                    with w.node("interrupt-controller"):
                        w.u32("#address-cells", 0)
                        w.u32("#interrupt-cells", 1)
                        w.empty("interrupt-controller")
                        w.strings("compatible", "riscv,cpu-intc")
                        w.u32("phandle", w.phandle(f"intc{vcpu.index}"))
        with w.node(f"memory@{vm.ram_base:x}"):
            w.string("device_type", "memory")
            w.reg64("reg", (vm.ram_base, vm.ram_size))
        with w.node("soc"):
            w.u32("#address-cells", 2)
            w.u32("#size-cells", 2)
            w.strings("compatible", "simple-bus")
            w.empty("ranges")
            for dev_base, _end, dev in vm.devices:
                add_node = getattr(dev, "fdt_node", None)
                if add_node is not None:
                    path = add_node(w, dev_base, vm)
                    if path and stdout is None and getattr(dev, "is_console", False):
                        stdout = path
        with w.node("chosen"):
            if cfg.bootargs:
                w.string("bootargs", cfg.bootargs)
            if stdout:
                w.string("stdout-path", stdout)
            if vm.initrd is not None:
                w.u64("linux,initrd-start", vm.initrd[0])
                w.u64("linux,initrd-end", vm.initrd[1])
    return w.finish()


def fdt_address(ram_end: int, ram_size: int) -> int:
    """Where a VM's device tree goes (the loader keeps the initrd below it)."""
    if ram_size >= 8 << 20:
        return ram_end - 0x200000
    return (ram_end - FDT_MAX) & ~0xFFF


def place_fdt(vm: VM) -> int:
    """Build the VM's device tree, copy it into guest RAM and return its guest address."""
    blob = build_fdt(vm)
    if len(blob) > FDT_MAX:
        raise ValueError(f"{vm.name}: device tree of {len(blob)} bytes is too large")
    addr = fdt_address(vm.ram_end, vm.ram_size)
    vm.write_guest(addr, blob)
    return addr
