"""virtio-blk (virtio 1.x, section 5.2) over virtio-mmio, backed by a host image file.

A request is one descriptor chain: a 16-byte header ``{type: u32, reserved: u32, sector: u64}``
in device-readable buffers, then the data (device-readable for a write, device-writable for a
read or get-id), then one status byte, the last byte of the device-writable part.  Buffers may
be split and laid out freely (VIRTIO_F_ANY_LAYOUT is implied by version 1).

Supported requests: IN (read), OUT (write), FLUSH, GET_ID (the 20-byte serial).  Others
complete with VIRTIO_BLK_S_UNSUPP.  A request completes with VIRTIO_BLK_S_IOERR, and without
touching the image, when any of its buffers lies outside the VM's RAM, when its header is
short, when the data length is not a multiple of 512 or runs past the end of the disk, when
it writes to a read-only disk, or when the host file operation fails.  When even the status
byte cannot be written (no device-writable buffer, or the status byte outside RAM) the request
cannot be answered at all: the device enters DEVICE_NEEDS_RESET.

Timing: a notification takes every available chain at once, checks it and queues it behind
the requests already in service (:class:`~hvsim.devices.virtio.timing.DiskTiming`).  At its
completion time the data moves (file <-> guest RAM), the status byte and the used-ring entry
are written and the interrupt is raised.  Writes are write-through (``os.pwrite`` before the
completion is visible), a flush also ``fsync``\\ s the image.

Offered features: SEG_MAX, BLK_SIZE, FLUSH, RO (read-only images), RING_INDIRECT_DESC,
VERSION_1.

Scenario keys (``type = "virtio-blk"``): ``image`` (required; relative paths resolve against
the scenario file), ``readonly`` (false), ``image_size`` (bytes: create or extend the image to
this size first), ``serial`` (default ``<vm>-<device>``), ``queue_size`` (256), and the timing
keys ``latency_us``, ``bandwidth_mbps``, ``flush_us``.  ``irq`` defaults to QEMU virt's
numbering (1 for 0x10001000, 2 for 0x10002000, ... 8 for 0x10008000).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from hvsim.devices.base import register_device
from hvsim.devices.plic import irq_line, irq_source
from hvsim.devices.virtio.image import SECTOR, DiskImage
from hvsim.devices.virtio.mmio import VIRTIO_F_RING_INDIRECT_DESC, IrqLine, VirtioMmio
from hvsim.devices.virtio.queue import (
    Buffer,
    Chain,
    QueueError,
    SplitQueue,
    gather,
    locate,
    scatter,
    total,
)
from hvsim.devices.virtio.timing import DiskTiming
from hvsim.devices.virtio.vmio import DeviceClock, Dma, DmaError, ImmediateClock, VmClock

if TYPE_CHECKING:
    from hvsim.config.model import DeviceConfig
    from hvsim.hv.vm import VM

VIRTIO_ID_BLOCK = 2

VIRTIO_BLK_F_SIZE_MAX = 1 << 1
VIRTIO_BLK_F_SEG_MAX = 1 << 2
VIRTIO_BLK_F_RO = 1 << 5
VIRTIO_BLK_F_BLK_SIZE = 1 << 6
VIRTIO_BLK_F_FLUSH = 1 << 9

VIRTIO_BLK_T_IN = 0
VIRTIO_BLK_T_OUT = 1
VIRTIO_BLK_T_FLUSH = 4
VIRTIO_BLK_T_GET_ID = 8

VIRTIO_BLK_S_OK = 0
VIRTIO_BLK_S_IOERR = 1
VIRTIO_BLK_S_UNSUPP = 2

HEADER_SIZE = 16
ID_BYTES = 20

#: Request type -> statistics name.
REQUEST_NAMES = {
    VIRTIO_BLK_T_IN: "read",
    VIRTIO_BLK_T_OUT: "write",
    VIRTIO_BLK_T_FLUSH: "flush",
    VIRTIO_BLK_T_GET_ID: "get_id",
}

#: QEMU virt: virtio-mmio transports at 0x10001000 + 0x1000*i use PLIC sources 1 + i.
QEMU_VIRTIO_BASE = 0x10001000
QEMU_VIRTIO_STRIDE = 0x1000
QEMU_VIRTIO_COUNT = 8


def default_irq(base: int) -> int | None:
    index, rest = divmod(base - QEMU_VIRTIO_BASE, QEMU_VIRTIO_STRIDE)
    if rest == 0 and 0 <= index < QEMU_VIRTIO_COUNT:
        return 1 + index
    return None


@dataclass(frozen=True)
class Request:
    """A checked request, waiting for its completion time."""

    chain: Chain
    kind: int
    sector: int
    nbytes: int  # data bytes moved (read, written, or id bytes)
    status_addr: int
    status: int  # VIRTIO_BLK_S_OK, or the error it will complete with

    @property
    def readable(self) -> tuple[Buffer, ...]:
        return self.chain.readable

    @property
    def writable(self) -> tuple[Buffer, ...]:
        return self.chain.writable


@register_device
class VirtioBlk(VirtioMmio):
    kind = "virtio-blk"
    device_id = VIRTIO_ID_BLOCK
    OPTIONS: ClassVar[dict[str, Any]] = {
        "image": str,
        "readonly": bool,
        "image_size": int,
        "serial": str,
        "queue_size": int,
        "latency_us": int,
        "bandwidth_mbps": int,
        "flush_us": int,
    }

    def __init__(
        self,
        image: DiskImage,
        dma: Dma,
        clock: DeviceClock | None = None,
        timing: DiskTiming | None = None,
        serial: str = "",
        irq: IrqLine | None = None,
        queue_size: int = 256,
        name: str = "",
        size: int | None = None,
    ) -> None:
        self.image = image
        self.clock: DeviceClock = clock if clock is not None else ImmediateClock()
        self.timing = timing if timing is not None else DiskTiming()
        self.serial = serial.encode()[:ID_BYTES]
        self.busy_until = 0
        super().__init__(dma, irq, queue_size, name, size)

    # ---- the transport's hooks ------------------------------------------------------------------
    def device_features(self) -> int:
        features = (
            VIRTIO_BLK_F_SEG_MAX
            | VIRTIO_BLK_F_BLK_SIZE
            | VIRTIO_BLK_F_FLUSH
            | VIRTIO_F_RING_INDIRECT_DESC
        )
        return features | (VIRTIO_BLK_F_RO if self.image.readonly else 0)

    def config_space(self) -> bytes:
        seg_max = max(1, self.queues[0].num_max - 2)  # header and status take two descriptors
        return (
            self.image.sectors.to_bytes(8, "little")  # capacity in 512-byte sectors
            + (0).to_bytes(4, "little")  # size_max (not offered)
            + seg_max.to_bytes(4, "little")
            + bytes(4)  # geometry (not offered)
            + SECTOR.to_bytes(4, "little")  # blk_size
            + bytes(16)  # topology, writeback, num_queues ... (not offered)
        )

    def device_reset(self) -> None:
        self.busy_until = 0

    def process(self, queue: SplitQueue) -> None:
        indirect = bool(self.negotiated & VIRTIO_F_RING_INDIRECT_DESC)
        while (chain := queue.pop(self.dma, indirect)) is not None:
            request = self.check(chain)
            name = REQUEST_NAMES.get(request.kind, "unsupported")
            self.counters[f"requests.{name}"] += 1
            flush = request.kind == VIRTIO_BLK_T_FLUSH and request.status == VIRTIO_BLK_S_OK
            moved = request.nbytes if request.status == VIRTIO_BLK_S_OK else 0
            start = max(self.clock.now_ps(), self.busy_until)
            self.busy_until = start + self.timing.service_ps(moved, flush)
            generation = self.generation
            self.clock.call_at(
                self.busy_until,
                lambda q=queue, r=request, g=generation: self._complete(q, r, g),
            )

    # ---- requests -------------------------------------------------------------------------------
    def check(self, chain: Chain) -> Request:
        """Validate a chain; raise QueueError when it cannot even be answered."""
        readable, writable = chain.readable, chain.writable
        wlen = total(writable)
        status_addr = locate(writable, wlen - 1) if wlen else None
        if status_addr is None:
            raise QueueError(f"virtio-blk request {chain.head} has no device-writable status byte")
        if not self.dma.ok(status_addr, 1):
            raise QueueError(
                f"virtio-blk request {chain.head}: status byte at {status_addr:#x} is not RAM"
            )

        def refuse(reason: str, kind: int = -1, sector: int = 0) -> Request:
            self.counters[f"errors.{reason}"] += 1
            return Request(chain, kind, sector, 0, status_addr, VIRTIO_BLK_S_IOERR)

        if not all(self.dma.ok(b.addr, b.length) for b in chain.buffers):
            return refuse("dma")  # never followed outside the VM's RAM
        if total(readable) < HEADER_SIZE:
            return refuse("header")
        header = gather(self.dma, readable, 0, HEADER_SIZE)
        kind = int.from_bytes(header[0:4], "little")
        sector = int.from_bytes(header[8:16], "little")
        data_in = wlen - 1
        data_out = total(readable) - HEADER_SIZE
        if kind in (VIRTIO_BLK_T_IN, VIRTIO_BLK_T_OUT):
            nbytes = data_in if kind == VIRTIO_BLK_T_IN else data_out
            if nbytes % SECTOR:
                return refuse("length", kind, sector)
            if not self.image.contains(sector * SECTOR, nbytes):
                return refuse("range", kind, sector)
            if kind == VIRTIO_BLK_T_OUT and self.image.readonly:
                return refuse("readonly", kind, sector)
            return Request(chain, kind, sector, nbytes, status_addr, VIRTIO_BLK_S_OK)
        if kind == VIRTIO_BLK_T_FLUSH:
            return Request(chain, kind, sector, 0, status_addr, VIRTIO_BLK_S_OK)
        if kind == VIRTIO_BLK_T_GET_ID:
            nbytes = min(data_in, ID_BYTES)
            return Request(chain, kind, sector, nbytes, status_addr, VIRTIO_BLK_S_OK)
        return Request(chain, kind, sector, 0, status_addr, VIRTIO_BLK_S_UNSUPP)

    def _complete(self, queue: SplitQueue, request: Request, generation: int) -> None:
        if generation != self.generation or self.broken:
            return  # the driver reset the device meanwhile: the request is gone
        status = request.status
        written = 0
        try:
            if status == VIRTIO_BLK_S_OK:
                written = self._perform(request)
        except OSError:
            self.counters["errors.host_io"] += 1
            status, written = VIRTIO_BLK_S_IOERR, 0
        except DmaError as exc:  # cannot happen: every buffer was checked against RAM
            self.fail(str(exc))
            return
        if status == VIRTIO_BLK_S_IOERR:
            self.counters["status.ioerr"] += 1
        elif status == VIRTIO_BLK_S_UNSUPP:
            self.counters["status.unsupp"] += 1
        try:
            self.dma.write(request.status_addr, bytes([status]))
        except DmaError as exc:
            self.fail(str(exc))
            return
        self.used(queue, request.chain.head, written + 1)

    def _perform(self, request: Request) -> int:
        """Move the data of a valid request; the number of bytes written into guest buffers."""
        kind, offset, n = request.kind, request.sector * SECTOR, request.nbytes
        if kind == VIRTIO_BLK_T_IN:
            scatter(self.dma, request.writable, 0, self.image.read(offset, n))
            self.counters["bytes.read"] += n
            return n
        if kind == VIRTIO_BLK_T_OUT:
            self.image.write(offset, gather(self.dma, request.readable, HEADER_SIZE, n))
            self.counters["bytes.written"] += n
            return 0
        if kind == VIRTIO_BLK_T_FLUSH:
            self.image.flush()
            return 0
        ident = self.serial + bytes(ID_BYTES - len(self.serial))  # NUL-padded
        scatter(self.dma, request.writable, 0, ident[:n])
        return n

    # ---- a VM's disk ----------------------------------------------------------------------------
    @classmethod
    def create_for_vm(cls, vm: VM, cfg: DeviceConfig, name: str) -> VirtioBlk:
        options = dict(cfg.options)
        image = options.pop("image", None)
        if not image:
            raise ValueError(f"{vm.name}: device {name}: virtio-blk needs an image file")
        timing_keys = ("latency_us", "bandwidth_mbps", "flush_us")
        timing = DiskTiming(**{k: options.pop(k) for k in timing_keys if k in options})
        disk = DiskImage(
            resolve_path(vm, image),
            readonly=bool(options.pop("readonly", False)),
            size=options.pop("image_size", None),
        )
        source = irq_source(vm, cfg, name, default_irq(cfg.base))
        dev = cls(
            disk,
            Dma(vm),
            clock=VmClock(vm),
            timing=timing,
            serial=str(options.pop("serial", f"{vm.name}-{name}")),
            irq=irq_line(vm, source),
            queue_size=int(options.pop("queue_size", 256)),
            name=name,
            size=cfg.size,
        )
        if options:
            raise ValueError(f"{vm.name}: device {name}: unknown options {sorted(options)}")
        dev.irq_source = source
        return dev


def resolve_path(vm: VM, value: str | os.PathLike[str]) -> Path:
    """A device file named in a scenario: ``${VAR:-default}`` and ``~`` are expanded and
    relative paths resolve against the scenario file (as for kernels)."""
    from hvsim.config.loader import expand_path

    path = Path(expand_path(str(value)))
    scenario = getattr(vm.host.config, "path", None)
    if not path.is_absolute() and scenario is not None:
        path = Path(scenario).parent / path
    return path
