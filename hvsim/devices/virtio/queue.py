"""Split virtqueues (virtio 1.x, section 2.7): descriptor table, available ring, used ring.

Layout in guest memory (all little-endian)::

    descriptor table  num x {addr: u64, len: u32, flags: u16, next: u16}      16-byte aligned
    available ring    flags: u16, idx: u16, ring[num]: u16, (used_event: u16)  2-byte aligned
    used ring         flags: u16, idx: u16, ring[num]: {id: u32, len: u32},     4-byte aligned
                      (avail_event: u16)

:meth:`SplitQueue.pop` takes the next chain the driver made available and walks it
(``NEXT`` links, ``INDIRECT`` tables when negotiated) into a :class:`Chain` of buffers; the
buffers themselves are *not* touched.  :meth:`SplitQueue.push` returns a chain through the
used ring.  A ring that is not in RAM, a descriptor index out of range, a loop, an indirect
table that is malformed or not negotiated, a device-readable buffer after a device-writable
one, or an available index that moved by more than the queue size raise :class:`QueueError`:
the transport then marks the device as needing a reset (what QEMU's ``virtio_error`` does).

:func:`gather` / :func:`scatter` read and write a byte stream laid over a list of buffers.
"""

from __future__ import annotations

from dataclasses import dataclass

from hvsim.devices.virtio.vmio import Dma, DmaError

VIRTQ_DESC_F_NEXT = 1
VIRTQ_DESC_F_WRITE = 2
VIRTQ_DESC_F_INDIRECT = 4
VIRTQ_AVAIL_F_NO_INTERRUPT = 1
DESC_SIZE = 16
MAX_QUEUE_SIZE = 32768


class QueueError(Exception):
    """The driver broke the virtqueue protocol; the device must be reset."""


@dataclass(frozen=True)
class Buffer:
    addr: int
    length: int
    writable: bool


@dataclass(frozen=True)
class Chain:
    head: int  # the descriptor index that goes back in the used ring
    buffers: tuple[Buffer, ...]

    @property
    def readable(self) -> tuple[Buffer, ...]:
        return tuple(b for b in self.buffers if not b.writable)

    @property
    def writable(self) -> tuple[Buffer, ...]:
        return tuple(b for b in self.buffers if b.writable)


class SplitQueue:
    """One split virtqueue as configured by the driver through the transport."""

    def __init__(self, index: int, num_max: int) -> None:
        if not 1 <= num_max <= MAX_QUEUE_SIZE or num_max & (num_max - 1):
            raise ValueError(f"queue size {num_max} must be a power of two up to 32768")
        self.index = index
        self.num_max = num_max
        self.reset()

    def reset(self) -> None:
        self.num = self.num_max
        self.desc = 0
        self.driver = 0  # the available ring
        self.device = 0  # the used ring
        self.ready = False
        self.last_avail = 0
        self.used_idx = 0

    # ---- layout ---------------------------------------------------------------------------------
    def check_layout(self, dma: Dma) -> None:
        """Raise QueueError unless the size is legal and the three areas are aligned RAM."""
        num = self.num
        if not 1 <= num <= self.num_max or num & (num - 1):
            raise QueueError(
                f"queue {self.index}: size {num} is not a power of two <= {self.num_max}"
            )
        areas = (
            ("descriptor table", self.desc, DESC_SIZE * num, 16),
            ("available ring", self.driver, 6 + 2 * num, 2),
            ("used ring", self.device, 6 + 8 * num, 4),
        )
        for what, addr, size, align in areas:
            if addr % align:
                raise QueueError(f"queue {self.index}: {what} at {addr:#x} is not {align}-aligned")
            if not dma.ok(addr, size):
                raise QueueError(f"queue {self.index}: {what} at {addr:#x} is outside RAM")

    # ---- driver -> device -----------------------------------------------------------------------
    def avail_flags(self, dma: Dma) -> int:
        return self._read(dma, self.driver, 2)

    def pop(self, dma: Dma, indirect: bool) -> Chain | None:
        """The next available chain, or None when the driver has made nothing new available."""
        avail_idx = self._read(dma, self.driver + 2, 2)
        outstanding = (avail_idx - self.last_avail) & 0xFFFF
        if outstanding == 0:
            return None
        if outstanding > self.num:
            raise QueueError(
                f"queue {self.index}: available index moved from {self.last_avail} to "
                f"{avail_idx}, more than the queue size {self.num}"
            )
        slot = self.last_avail % self.num
        head = self._read(dma, self.driver + 4 + 2 * slot, 2)
        self.last_avail = (self.last_avail + 1) & 0xFFFF
        return Chain(head, self._walk(dma, head, indirect))

    def _walk(self, dma: Dma, head: int, indirect: bool) -> tuple[Buffer, ...]:
        table, size = self.desc, self.num
        index = head
        in_table = False
        buffers: list[Buffer] = []
        seen = 0
        while True:
            if index >= size:
                raise QueueError(f"queue {self.index}: descriptor index {index} >= {size}")
            seen += 1
            if seen > size:
                raise QueueError(f"queue {self.index}: descriptor chain from {head} loops")
            raw = self._read_bytes(dma, table + DESC_SIZE * index, DESC_SIZE)
            addr = int.from_bytes(raw[0:8], "little")
            length = int.from_bytes(raw[8:12], "little")
            flags = int.from_bytes(raw[12:14], "little")
            nxt = int.from_bytes(raw[14:16], "little")
            if flags & VIRTQ_DESC_F_INDIRECT:
                if not indirect:
                    raise QueueError(f"queue {self.index}: indirect descriptor not negotiated")
                if in_table or flags & VIRTQ_DESC_F_NEXT:
                    raise QueueError(f"queue {self.index}: indirect descriptor in a chain")
                if length == 0 or length % DESC_SIZE:
                    raise QueueError(f"queue {self.index}: indirect table of {length} bytes")
                if not dma.ok(addr, length):
                    raise QueueError(f"queue {self.index}: indirect table at {addr:#x} not RAM")
                table, size, index, seen, in_table = addr, length // DESC_SIZE, 0, 0, True
                continue
            writable = bool(flags & VIRTQ_DESC_F_WRITE)
            if buffers and buffers[-1].writable and not writable:
                raise QueueError(
                    f"queue {self.index}: device-readable descriptor after a writable one"
                )
            buffers.append(Buffer(addr, length, writable))
            if not flags & VIRTQ_DESC_F_NEXT:
                return tuple(buffers)
            index = nxt

    # ---- device -> driver -----------------------------------------------------------------------
    def push(self, dma: Dma, head: int, written: int) -> None:
        """Return chain ``head`` to the driver, ``written`` bytes having been written into it."""
        slot = self.used_idx % self.num
        element = head.to_bytes(4, "little") + (written & 0xFFFFFFFF).to_bytes(4, "little")
        try:
            dma.write(self.device + 4 + 8 * slot, element)
            self.used_idx = (self.used_idx + 1) & 0xFFFF
            dma.write_int(self.device + 2, 2, self.used_idx)
        except DmaError as exc:
            raise QueueError(f"queue {self.index}: used ring: {exc}") from None

    # ---- helpers --------------------------------------------------------------------------------
    def _read(self, dma: Dma, gpa: int, size: int) -> int:
        return int.from_bytes(self._read_bytes(dma, gpa, size), "little")

    def _read_bytes(self, dma: Dma, gpa: int, size: int) -> bytes:
        try:
            return dma.read(gpa, size)
        except DmaError as exc:
            raise QueueError(f"queue {self.index}: {exc}") from None


def total(buffers: tuple[Buffer, ...]) -> int:
    return sum(b.length for b in buffers)


def gather(dma: Dma, buffers: tuple[Buffer, ...], offset: int, size: int) -> bytes:
    """``size`` bytes of the stream formed by ``buffers``, from ``offset`` on."""
    out = bytearray()
    for buf in buffers:
        if size <= 0:
            break
        if offset >= buf.length:
            offset -= buf.length
            continue
        n = min(buf.length - offset, size)
        out += dma.read(buf.addr + offset, n)
        size -= n
        offset = 0
    return bytes(out)


def scatter(dma: Dma, buffers: tuple[Buffer, ...], offset: int, data: bytes) -> None:
    """Write ``data`` into the stream formed by ``buffers`` at ``offset``."""
    pos = 0
    for buf in buffers:
        if pos >= len(data):
            break
        if offset >= buf.length:
            offset -= buf.length
            continue
        n = min(buf.length - offset, len(data) - pos)
        dma.write(buf.addr + offset, data[pos : pos + n])
        pos += n
        offset = 0


def locate(buffers: tuple[Buffer, ...], offset: int) -> int | None:
    """The guest address of byte ``offset`` of the stream (None past its end)."""
    for buf in buffers:
        if offset < buf.length:
            return buf.addr + offset
        offset -= buf.length
    return None
