"""A virtual machine: guest RAM carved from host memory, its G-stage table, devices, image, vCPUs.

The kernel goes where its ELF segments say, or (raw images such as Linux's ``Image``) 2 MiB
into RAM; an initrd goes where QEMU's virt machine puts it (half-way into RAM, at most
128 MiB in), moved above a kernel that reaches further and below the device tree, and
``/chosen`` names it.

Guest RAM ``[ram_base, ram_base + memory)`` is backed by one contiguous host range.  It is
mapped into the G-stage either at start (``paging = "eager"``) or page by page on the first
guest-page fault that touches it (``"demand"``, counted as demand-paging exits, as KVM fills
stage-2 on faults).  Devices sit on the VM's own guest-physical bus and are never mapped, so
every access to them is an MMIO exit.  The hypervisor reaches guest memory only through
:meth:`VM.read_guest`/:meth:`VM.write_guest`, which refuse anything outside the VM's RAM.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hvsim.devices import DEVICE_TYPES, Device
from hvsim.hv.console import Console
from hvsim.hv.fdt import fdt_address
from hvsim.hv.gstage import GStage
from hvsim.hv.vcpu import Power, Vcpu
from hvsim.hv.vmid import VmidHolder
from hvsim.loader.elf import LoaderError, load_elf, load_raw, read_file

if TYPE_CHECKING:
    from pathlib import Path

    from hvsim.config.model import DeviceConfig, VmConfig
    from hvsim.hv.host import Host
    from hvsim.stats.recorder import ExitRecord

IMAGE_OFFSET = 0x200000  # raw kernels load 2 MiB into RAM, like Linux expects
INITRD_MAX_OFFSET = 128 << 20  # an initrd goes at most this far into RAM (QEMU's choice)


class GuestMemoryError(ValueError):
    """A guest-physical range that is not entirely inside the VM's RAM."""


@dataclass
class CrashReport:
    vm: str
    vcpu: int
    reason: str
    cause: int
    sepc: int
    stval: int
    htval: int
    htinst: int
    regs: list[int]
    time_ps: int
    last_exits: list[ExitRecord] = field(default_factory=list)


class VM(VmidHolder):
    def __init__(self, host: Host, config: VmConfig, index: int) -> None:
        self.host = host
        self.config = config
        self.name = config.name
        self.index = index
        self.state = "running"  # running | shutdown | reset | crashed | stopped
        #: ``state == "running"``, kept as a plain attribute: the vCPU loop reads it per batch
        self.running = True
        self.crash: CrashReport | None = None
        self.stopped_ps: int | None = None
        self.ram_base = config.ram_base
        self.ram_size = config.memory
        self.ram_end = config.ram_base + config.memory
        self.host_base = host.alloc.alloc(config.memory, 0x200000)
        self.gstage = GStage(host.mem, host.alloc)
        self.page_size = config.page_size
        if config.paging == "eager":
            self.gstage.map(self.ram_base, self.host_base, self.ram_size, self._leaf_size())
        self.hedeleg = config.hedeleg
        self.hideleg = config.hideleg
        self.csr_values = dict(config.csr)
        prefix = f"[{self.name}] " if config.console_prefix is None else config.console_prefix
        self.console = Console(
            prefix, host.console_sink, config.console_input, host.console_log(self)
        )
        self._dev_bases: list[int] = []
        self.devices: list[tuple[int, int, Device]] = []
        for i, dev_cfg in enumerate(config.devices):
            self.add_device(dev_cfg, i)
        self.vcpus = [Vcpu(self, i) for i in range(config.vcpus)]
        #: the initrd's guest-physical [start, end), or None
        self.initrd: tuple[int, int] | None = None
        self.entry, kernel_end = self._load_image()
        if config.initrd is not None:
            self.initrd = self._load_initrd(config.initrd, kernel_end)
        self.fdt_addr = host.build_fdt(self)
        boot = self.vcpus[0]
        boot.set_entry(self.entry, 0, self.fdt_addr)
        boot.power = Power.STARTED

    # ---- image ------------------------------------------------------------------------------
    def _load_image(self) -> tuple[int, int]:
        """Place the kernel (ELF segments at their physical addresses, or a raw image);
        return its entry point and the end of its highest segment."""
        cfg = self.config
        fmt = cfg.kernel_format
        if fmt == "auto":
            try:
                with open(cfg.kernel, "rb") as f:
                    fmt = "elf" if f.read(4) == b"\x7fELF" else "raw"
            except OSError as exc:
                raise LoaderError(f"{cfg.kernel}: cannot read file: {exc.strerror}") from None
        if fmt == "elf":
            image = load_elf(cfg.kernel)
        else:
            load_addr = cfg.load_addr if cfg.load_addr is not None else self.ram_base + IMAGE_OFFSET
            image = load_raw(cfg.kernel, load_addr)
        kernel_end = self.ram_base
        for seg in image.segments:
            if not self.is_ram(seg.paddr, max(seg.memsz, 1)):
                hint = ""
                if fmt == "elf" and seg.paddr < self.ram_base and image.entry >> 63:
                    hint = " (a Linux vmlinux is linked at physical 0: boot arch/riscv/boot/Image)"
                raise LoaderError(
                    f"{cfg.kernel}: segment [{seg.paddr:#x}, {seg.paddr + seg.memsz:#x}) lies "
                    f"outside {self.name}'s RAM [{self.ram_base:#x}, {self.ram_end:#x}){hint}"
                )
            self.write_guest(seg.paddr, seg.data)
            if seg.memsz > len(seg.data):
                self.write_guest(seg.paddr + len(seg.data), bytes(seg.memsz - len(seg.data)))
            kernel_end = max(kernel_end, seg.paddr + seg.memsz)
        return (cfg.entry if cfg.entry is not None else image.entry), kernel_end

    def _load_initrd(self, path: Path, kernel_end: int) -> tuple[int, int]:
        """Copy the initrd into RAM between the kernel and the device tree; return its range."""
        data = read_file(path)
        limit = fdt_address(self.ram_end, self.ram_size)
        kernel_top = (kernel_end + 0xFFF) & ~0xFFF  # the first page above the kernel
        start = max(self.ram_base + min(self.ram_size // 2, INITRD_MAX_OFFSET), kernel_top)
        if start + len(data) > limit:  # a large initrd: as high as the device tree allows
            start = (limit - len(data)) & ~0xFFF
        if start < kernel_top:
            room = max(limit - kernel_top, 0)
            raise LoaderError(
                f"{path}: initrd of {len(data)} bytes does not fit in {self.name}'s RAM between "
                f"the kernel (ends at {kernel_end:#x}) and the device tree ({limit:#x}): "
                f"{room} bytes free; give the VM more memory"
            )
        self.write_guest(start, data)
        return start, start + len(data)

    # ---- guest memory ----------------------------------------------------------------------
    def _leaf_size(self) -> int:
        size = self.page_size
        aligned = not (self.ram_base % size or self.host_base % size or self.ram_size % size)
        return size if aligned else 0x1000

    def is_ram(self, gpa: int, size: int = 1) -> bool:
        return self.ram_base <= gpa and gpa + size <= self.ram_end

    def gpa_to_hpa(self, gpa: int, size: int = 1) -> int:
        if not self.is_ram(gpa, size):
            raise GuestMemoryError(
                f"guest-physical range [{gpa:#x}, {gpa + size:#x}) is outside {self.name}'s RAM"
            )
        return self.host_base + (gpa - self.ram_base)

    def read_guest(self, gpa: int, size: int) -> bytes:
        return self.host.mem.read_bytes(self.gpa_to_hpa(gpa, size), size)

    def write_guest(self, gpa: int, data: bytes | bytearray) -> None:
        self.host.mem.write_bytes(self.gpa_to_hpa(gpa, max(len(data), 1)), data)

    def map_on_demand(self, gpa: int) -> bool:
        """Map the RAM page holding ``gpa`` after a guest-page fault; False if not RAM."""
        if not self.is_ram(gpa):
            return False
        size = self._leaf_size()
        page = gpa & ~(size - 1)
        self.gstage.map(page, self.host_base + (page - self.ram_base), size, size)
        return True

    # ---- devices ----------------------------------------------------------------------------
    def add_device(self, cfg: DeviceConfig, index: int) -> Device:
        cls = DEVICE_TYPES[cfg.type]
        name = cfg.name or f"{cfg.type}{index}"
        create = getattr(cls, "create_for_vm", None)
        if create is not None:
            dev = create(self, cfg, name)
        else:
            dev = cls(name=name, size=cfg.size, **cfg.options)
        size = dev.size
        base = cfg.base
        if self.is_ram(base, 1) or (base < self.ram_end and self.ram_base < base + size):
            raise ValueError(f"{self.name}: device {name} at {base:#x} overlaps RAM")
        for b, e, other in self.devices:
            if base < e and b < base + size:
                raise ValueError(f"{self.name}: device {name} overlaps {other.name}")
        i = bisect.bisect(self._dev_bases, base)
        self._dev_bases.insert(i, base)
        self.devices.insert(i, (base, base + size, dev))
        return dev

    def device_at(self, gpa: int) -> tuple[int, Device] | None:
        i = bisect.bisect(self._dev_bases, gpa) - 1
        if i >= 0:
            base, end, dev = self.devices[i]
            if gpa < end:
                return base, dev
        return None

    # ---- life cycle ---------------------------------------------------------------------------
    def shutdown(self, regs: list[int], state: str = "shutdown") -> None:
        """A clean shutdown requested by the guest (SBI SRST, legacy shutdown, poweroff device):
        the hypervisor reports the caller's a0/a1, as the seed exercise does."""
        self.console.flush()
        self.console.write(f"a0 = {regs[10]:#x}, a1 = {regs[11]:#x}\n".encode())
        message = "Shutdown vm normally!" if state == "shutdown" else "Reset vm requested!"
        self.console.write(message.encode() + b"\n")
        self.stop(state)

    def stop(self, state: str, crash: CrashReport | None = None) -> None:
        if not self.running:
            return
        self.state = state
        self.running = False
        self.crash = crash
        self.stopped_ps = self.host.now_ps()
        self.console.flush()
        for vcpu in self.vcpus:
            vcpu.kick()
        self.host.vm_stopped(self)

    # ---- requests between vCPUs ----------------------------------------------------------------
    def apply_request(self, vcpu: Vcpu, request: tuple) -> None:
        kind = request[0]
        if kind == "start":
            _, pc, opaque = request
            vcpu.set_entry(pc, vcpu.index, opaque)
            vcpu.power = Power.STARTED
            vcpu.blocked = vcpu.suspended = False
        elif kind == "fence":
            _, fence, start, size, asid = request
            hart = vcpu.hart
            if hart is not None:
                self.host.remote_fence(hart, self, fence, start, size, asid)
            else:  # not on a pCPU: flush wherever it runs next (KVM's request on entry)
                vcpu.flush_on_load = True
            vcpu.stats.count(f"fences.{fence}")
