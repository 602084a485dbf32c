"""The virtio-mmio transport, version 2 (virtio 1.x, section 4.2): registers, feature
negotiation, queue set-up, notifications, interrupts and the device status.

Register map (32-bit registers; the device-specific configuration space at 0x100 may be read
with any access size):

====== ====================== ====== ======================
offset register               offset register
====== ====================== ====== ======================
0x000  MagicValue "virt"      0x060  InterruptStatus
0x004  Version (2)            0x064  InterruptACK
0x008  DeviceID               0x070  Status
0x00c  VendorID               0x080  QueueDescLow/High
0x010  DeviceFeatures         0x090  QueueDriverLow/High
0x014  DeviceFeaturesSel      0x0a0  QueueDeviceLow/High
0x020  DriverFeatures         0x0ac  SHMSel
0x024  DriverFeaturesSel      0x0b0  SHMLenLow/High (-1: none)
0x030  QueueSel               0x0b8  SHMBaseLow/High (-1)
0x034  QueueNumMax            0x0fc  ConfigGeneration
0x038  QueueNum               0x100+ device configuration
0x044  QueueReady
0x050  QueueNotify
====== ====================== ====== ======================

Behaviour: writing 0 to Status resets the device (queues, features, interrupt status;
requests still in flight are dropped).  FEATURES_OK sticks only when the driver's features are
a subset of the device's and include VIRTIO_F_VERSION_1.  Queue registers are ignored while
the selected queue is ready.  The interrupt line is high while InterruptStatus is non-zero
(bit 0: used buffer, bit 1: configuration change) and InterruptACK clears bits.  When the
driver breaks the queue protocol (:class:`~hvsim.devices.virtio.queue.QueueError`) the device
sets DEVICE_NEEDS_RESET, raises a configuration-change interrupt once DRIVER_OK is set, and
ignores notifications until it is reset.

A device type subclasses :class:`VirtioMmio` and provides ``device_id``, its feature bits
(:meth:`device_features`), its configuration space (:meth:`config_space`) and what a
notification does (:meth:`process`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from hvsim.devices.base import Device
from hvsim.devices.plic import fdt_interrupt
from hvsim.devices.virtio.queue import VIRTQ_AVAIL_F_NO_INTERRUPT, QueueError, SplitQueue
from hvsim.devices.virtio.vmio import Dma, DmaError

if TYPE_CHECKING:
    from hvsim.hv.fdt import FdtWriter
    from hvsim.hv.vm import VM

MAGIC = 0x74726976  # "virt"
VERSION = 2
VENDOR_ID = 0x6D737668  # "hvsm"

MAGIC_VALUE = 0x000
VERSION_REG = 0x004
DEVICE_ID = 0x008
VENDOR_ID_REG = 0x00C
DEVICE_FEATURES = 0x010
DEVICE_FEATURES_SEL = 0x014
DRIVER_FEATURES = 0x020
DRIVER_FEATURES_SEL = 0x024
QUEUE_SEL = 0x030
QUEUE_NUM_MAX = 0x034
QUEUE_NUM = 0x038
QUEUE_READY = 0x044
QUEUE_NOTIFY = 0x050
INTERRUPT_STATUS = 0x060
INTERRUPT_ACK = 0x064
STATUS = 0x070
QUEUE_DESC_LOW = 0x080
QUEUE_DESC_HIGH = 0x084
QUEUE_DRIVER_LOW = 0x090
QUEUE_DRIVER_HIGH = 0x094
QUEUE_DEVICE_LOW = 0x0A0
QUEUE_DEVICE_HIGH = 0x0A4
SHM_SEL = 0x0AC
SHM_LEN_LOW = 0x0B0
SHM_LEN_HIGH = 0x0B4
SHM_BASE_LOW = 0x0B8
SHM_BASE_HIGH = 0x0BC
CONFIG_GENERATION = 0x0FC
CONFIG = 0x100

STATUS_ACKNOWLEDGE = 1
STATUS_DRIVER = 2
STATUS_DRIVER_OK = 4
STATUS_FEATURES_OK = 8
STATUS_NEEDS_RESET = 64
STATUS_FAILED = 128

INT_USED_BUFFER = 1
INT_CONFIG_CHANGE = 2

VIRTIO_F_RING_INDIRECT_DESC = 1 << 28
VIRTIO_F_VERSION_1 = 1 << 32

IrqLine = Callable[[bool], None]

#: queue address register -> (attribute of SplitQueue, shift of the 32-bit half)
QUEUE_ADDRESS_REGS = {
    QUEUE_DESC_LOW: ("desc", 0),
    QUEUE_DESC_HIGH: ("desc", 32),
    QUEUE_DRIVER_LOW: ("driver", 0),
    QUEUE_DRIVER_HIGH: ("driver", 32),
    QUEUE_DEVICE_LOW: ("device", 0),
    QUEUE_DEVICE_HIGH: ("device", 32),
}


class VirtioMmio(Device):
    """virtio-mmio v2 transport state shared by every device type."""

    default_size = 0x1000
    #: The virtio device type (2 = block device); 0 means "no device" to a driver.
    device_id: ClassVar[int] = 0
    num_queues: ClassVar[int] = 1

    def __init__(
        self,
        dma: Dma,
        irq: IrqLine | None = None,
        queue_size: int = 256,
        name: str = "",
        size: int | None = None,
    ) -> None:
        super().__init__(name, size)
        self.dma = dma
        self.irq = irq
        #: The PLIC source the interrupt line drives (for the device tree), if any.
        self.irq_source: int | None = None
        self.queues = [SplitQueue(i, queue_size) for i in range(self.num_queues)]
        #: Why the device last entered DEVICE_NEEDS_RESET (None: it has not).
        self.last_error: str | None = None
        self.counters: Counter[str] = Counter()
        self.generation = 0  # bumped by every reset: completions of older requests are dropped
        self._irq_level = False
        self._readers: dict[int, Callable[[], int]] = {
            MAGIC_VALUE: lambda: MAGIC,
            VERSION_REG: lambda: VERSION,
            DEVICE_ID: lambda: self.device_id,
            VENDOR_ID_REG: lambda: VENDOR_ID,
            DEVICE_FEATURES: self._read_device_features,
            QUEUE_NUM_MAX: lambda: self._queue_field("num_max"),
            QUEUE_READY: lambda: int(self._queue_field("ready")),
            INTERRUPT_STATUS: lambda: self.interrupt_status,
            STATUS: lambda: self.status,
            SHM_LEN_LOW: lambda: 0xFFFFFFFF,  # no shared memory regions
            SHM_LEN_HIGH: lambda: 0xFFFFFFFF,
            SHM_BASE_LOW: lambda: 0xFFFFFFFF,
            SHM_BASE_HIGH: lambda: 0xFFFFFFFF,
            CONFIG_GENERATION: lambda: 0,
        }
        self._writers: dict[int, Callable[[int], None]] = {
            DEVICE_FEATURES_SEL: self._write_device_features_sel,
            DRIVER_FEATURES: self._write_driver_features,
            DRIVER_FEATURES_SEL: self._write_driver_features_sel,
            QUEUE_SEL: self._write_queue_sel,
            QUEUE_NUM: self._write_queue_num,
            QUEUE_READY: self._write_queue_ready,
            QUEUE_NOTIFY: self._write_queue_notify,
            INTERRUPT_ACK: self._write_interrupt_ack,
            STATUS: self._write_status,
        }
        for reg in QUEUE_ADDRESS_REGS:
            self._writers[reg] = lambda value, reg=reg: self._write_queue_address(reg, value)
        self.reset()

    # ---- what a device type provides ------------------------------------------------------------
    def device_features(self) -> int:
        """Feature bits offered to the driver (the transport adds VERSION_1)."""
        return 0

    def config_space(self) -> bytes:
        """The device-specific configuration structure (little-endian)."""
        return b""

    def process(self, queue: SplitQueue) -> None:
        """The driver notified ``queue``: take its available chains (may raise QueueError)."""

    def device_reset(self) -> None:
        """Device-specific part of a reset."""

    # ---- state ----------------------------------------------------------------------------------
    def reset(self) -> None:
        self.status = 0
        self.device_features_sel = 0
        self.driver_features_sel = 0
        self.driver_features = 0
        self.queue_sel = 0
        self.interrupt_status = 0
        self.broken = False
        self.generation += 1
        for queue in self.queues:
            queue.reset()
        self.device_reset()
        self._update_irq()

    def offered_features(self) -> int:
        return self.device_features() | VIRTIO_F_VERSION_1

    @property
    def negotiated(self) -> int:
        """The features in force (those the driver accepted, once FEATURES_OK is set)."""
        return self.driver_features if self.status & STATUS_FEATURES_OK else 0

    @property
    def driver_ok(self) -> bool:
        return bool(self.status & STATUS_DRIVER_OK) and not self.broken

    # ---- helpers for device types ---------------------------------------------------------------
    def used(self, queue: SplitQueue, head: int, written: int) -> None:
        """Return a chain to the driver and interrupt it unless it asked not to be."""
        try:
            queue.push(self.dma, head, written)
            suppressed = queue.avail_flags(self.dma) & VIRTQ_AVAIL_F_NO_INTERRUPT
        except (QueueError, DmaError) as exc:
            self.fail(str(exc))
            return
        if not suppressed:
            self.interrupt(INT_USED_BUFFER)

    def interrupt(self, bits: int) -> None:
        self.interrupt_status |= bits
        self._update_irq()

    def fail(self, reason: str) -> None:
        """The driver broke the protocol: DEVICE_NEEDS_RESET until the driver resets us."""
        self.counters["errors.needs_reset"] += 1
        self.last_error = reason
        self.broken = True
        self.status |= STATUS_NEEDS_RESET
        if self.status & STATUS_DRIVER_OK:
            self.interrupt(INT_CONFIG_CHANGE)

    def _update_irq(self) -> None:
        level = self.interrupt_status != 0
        if level != self._irq_level:
            self._irq_level = level
            if self.irq is not None:
                self.irq(level)

    @property
    def irq_level(self) -> bool:
        return self._irq_level

    def fdt_node(self, w: FdtWriter, base: int, vm: VM) -> str:
        node = f"virtio_mmio@{base:x}"
        with w.node(node):
            fdt_interrupt(w, self.irq_source)
            w.reg64("reg", (base, self.size))
            w.strings("compatible", "virtio,mmio")
        return f"/soc/{node}"

    # ---- bus side -------------------------------------------------------------------------------
    def read(self, offset: int, size: int) -> int:
        if offset >= CONFIG:
            data = self.config_space()[offset - CONFIG : offset - CONFIG + size]
            return int.from_bytes(data, "little")
        if size != 4 or offset & 3:
            return 0
        reader = self._readers.get(offset)
        return reader() if reader is not None else 0

    def write(self, offset: int, size: int, value: int) -> None:
        if offset >= CONFIG or size != 4 or offset & 3:
            return  # the configuration space of our devices is read-only
        writer = self._writers.get(offset)
        if writer is not None:
            writer(value & 0xFFFFFFFF)

    # ---- registers ------------------------------------------------------------------------------
    def _selected(self) -> SplitQueue | None:
        return self.queues[self.queue_sel] if self.queue_sel < len(self.queues) else None

    def _queue_field(self, field: str) -> int:
        queue = self._selected()
        return getattr(queue, field) if queue is not None else 0

    def _read_device_features(self) -> int:
        if self.device_features_sel > 1:
            return 0
        return (self.offered_features() >> (32 * self.device_features_sel)) & 0xFFFFFFFF

    def _write_device_features_sel(self, value: int) -> None:
        self.device_features_sel = value

    def _write_driver_features(self, value: int) -> None:
        if self.status & STATUS_FEATURES_OK or self.driver_features_sel > 1:
            return
        shift = 32 * self.driver_features_sel
        self.driver_features = (self.driver_features & ~(0xFFFFFFFF << shift)) | (value << shift)

    def _write_driver_features_sel(self, value: int) -> None:
        self.driver_features_sel = value

    def _write_queue_sel(self, value: int) -> None:
        self.queue_sel = value

    def _write_queue_num(self, value: int) -> None:
        queue = self._selected()
        if queue is not None and not queue.ready:
            queue.num = value

    def _write_queue_address(self, reg: int, value: int) -> None:
        queue = self._selected()
        if queue is None or queue.ready:
            return
        attr, shift = QUEUE_ADDRESS_REGS[reg]
        old = getattr(queue, attr)
        setattr(queue, attr, (old & ~(0xFFFFFFFF << shift)) | (value << shift))

    def _write_queue_ready(self, value: int) -> None:
        queue = self._selected()
        if queue is None:
            return
        if value & 1 and not queue.ready:
            queue.last_avail = 0
            queue.used_idx = 0
        queue.ready = bool(value & 1)

    def _write_queue_notify(self, value: int) -> None:
        self.counters["notifications"] += 1
        if value >= len(self.queues) or not self.driver_ok:
            return
        queue = self.queues[value]
        if not queue.ready:
            return
        try:
            queue.check_layout(self.dma)
            self.process(queue)
        except QueueError as exc:
            self.fail(str(exc))

    def _write_interrupt_ack(self, value: int) -> None:
        self.interrupt_status &= ~value
        self._update_irq()

    def _write_status(self, value: int) -> None:
        if value == 0:
            self.reset()
            return
        value &= 0xFF & ~STATUS_NEEDS_RESET  # the device owns NEEDS_RESET
        if value & STATUS_FEATURES_OK and not self.status & STATUS_FEATURES_OK:
            offered = self.offered_features()
            wanted = self.driver_features
            if wanted & ~offered or not wanted & VIRTIO_F_VERSION_1:
                value &= ~STATUS_FEATURES_OK  # the driver reads it back and gives up
        self.status = value | (self.status & STATUS_NEEDS_RESET)
