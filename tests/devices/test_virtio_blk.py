"""virtio-blk over virtio-mmio v2, driven like a guest driver would, against a fake VM.

The test driver follows the virtio 1.x specification (section 3.1.1 device initialisation,
4.2.2 the MMIO register layout, 2.7 split virtqueues, 5.2 the block device); the register
offsets, bits and structure layouts below are written from the specification.  The disk is a
temporary file that the tests read back directly.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

import pytest
import simpy

from hvsim.devices import DEVICE_TYPES
from hvsim.devices.virtio.blk import VirtioBlk
from hvsim.devices.virtio.image import DiskImage
from hvsim.devices.virtio.timing import DiskTiming
from hvsim.devices.virtio.vmio import Dma, VmClock

# ---- the specification's numbers ---------------------------------------------------------------
MAGIC, VERSION, DEVICE_ID, VENDOR = 0x000, 0x004, 0x008, 0x00C
DEV_FEATURES, DEV_FEATURES_SEL, DRV_FEATURES, DRV_FEATURES_SEL = 0x010, 0x014, 0x020, 0x024
QUEUE_SEL, QUEUE_NUM_MAX, QUEUE_NUM, QUEUE_READY, QUEUE_NOTIFY = 0x030, 0x034, 0x038, 0x044, 0x050
INT_STATUS, INT_ACK, STATUS = 0x060, 0x064, 0x070
DESC_LO, DESC_HI, DRIVER_LO, DRIVER_HI, DEVICE_LO, DEVICE_HI = 0x80, 0x84, 0x90, 0x94, 0xA0, 0xA4
CONFIG = 0x100

ACK, DRIVER, DRIVER_OK, FEATURES_OK, NEEDS_RESET = 1, 2, 4, 8, 64
F_SEG_MAX, F_RO, F_BLK_SIZE, F_FLUSH = 1 << 2, 1 << 5, 1 << 6, 1 << 9
F_INDIRECT, F_VERSION_1 = 1 << 28, 1 << 32
D_NEXT, D_WRITE, D_INDIRECT = 1, 2, 4
T_IN, T_OUT, T_FLUSH, T_GET_ID = 0, 1, 4, 8
S_OK, S_IOERR, S_UNSUPP = 0, 1, 2

RAM_BASE = 0x8000_0000
RAM_SIZE = 0x10_0000
QSIZE = 16
DESC = RAM_BASE + 0x1000
AVAIL = RAM_BASE + 0x2000
USED = RAM_BASE + 0x3000
HDR = RAM_BASE + 0x4000  # request headers, 32 bytes apart
STATUS_BYTES = RAM_BASE + 0x5000  # status bytes, one per request slot
DATA = RAM_BASE + 0x10000
SECTORS = 64


class FakeVM:
    """Guest RAM and a clock; records every range the device asked to read or write."""

    def __init__(self, env: simpy.Environment | None = None) -> None:
        self.ram = bytearray(RAM_SIZE)
        self.accesses: list[tuple[int, int]] = []
        self.running = True
        self.host = self
        self.env = env

    def now_ps(self) -> int:
        assert self.env is not None
        return int(self.env.now)

    def is_ram(self, gpa: int, size: int = 1) -> bool:
        return gpa >= RAM_BASE and gpa + size <= RAM_BASE + RAM_SIZE

    def read_guest(self, gpa: int, size: int) -> bytes:
        self.accesses.append((gpa, size))
        assert self.is_ram(gpa, size)
        return bytes(self.ram[gpa - RAM_BASE : gpa - RAM_BASE + size])

    def write_guest(self, gpa: int, data: bytes | bytearray) -> None:
        self.accesses.append((gpa, len(data)))
        assert self.is_ram(gpa, len(data))
        self.ram[gpa - RAM_BASE : gpa - RAM_BASE + len(data)] = data

    # test helpers
    def put(self, gpa: int, data: bytes) -> None:
        self.ram[gpa - RAM_BASE : gpa - RAM_BASE + len(data)] = data

    def get(self, gpa: int, size: int) -> bytes:
        return bytes(self.ram[gpa - RAM_BASE : gpa - RAM_BASE + size])


class Driver:
    """A virtio-blk driver written from the specification, on a FakeVM."""

    def __init__(self, dev: VirtioBlk, vm: FakeVM) -> None:
        self.dev = dev
        self.vm = vm
        self.avail_idx = 0
        self.irq_levels: list[bool] = []
        dev.irq = self.irq_levels.append

    def r(self, offset: int) -> int:
        return self.dev.read(offset, 4)

    def w(self, offset: int, value: int) -> None:
        self.dev.write(offset, 4, value)

    def features(self) -> int:
        self.w(DEV_FEATURES_SEL, 0)
        low = self.r(DEV_FEATURES)
        self.w(DEV_FEATURES_SEL, 1)
        return self.r(DEV_FEATURES) << 32 | low

    def negotiate(self, wanted: int) -> bool:
        self.w(STATUS, 0)
        self.w(STATUS, ACK)
        self.w(STATUS, ACK | DRIVER)
        for sel in (0, 1):
            self.w(DRV_FEATURES_SEL, sel)
            self.w(DRV_FEATURES, (wanted >> (32 * sel)) & 0xFFFF_FFFF)
        self.w(STATUS, ACK | DRIVER | FEATURES_OK)
        return bool(self.r(STATUS) & FEATURES_OK)

    def init(self, wanted: int = F_VERSION_1 | F_FLUSH, desc: int = DESC, used: int = USED) -> None:
        assert self.negotiate(wanted)
        self.w(QUEUE_SEL, 0)
        assert self.r(QUEUE_READY) == 0
        assert self.r(QUEUE_NUM_MAX) >= QSIZE
        self.w(QUEUE_NUM, QSIZE)
        for lo, hi, addr in ((DESC_LO, DESC_HI, desc), (DRIVER_LO, DRIVER_HI, AVAIL)):
            self.w(lo, addr & 0xFFFF_FFFF)
            self.w(hi, addr >> 32)
        self.w(DEVICE_LO, used & 0xFFFF_FFFF)
        self.w(DEVICE_HI, used >> 32)
        self.w(QUEUE_READY, 1)
        self.w(STATUS, ACK | DRIVER | FEATURES_OK | DRIVER_OK)
        self.avail_idx = 0

    def desc(self, index: int, addr: int, length: int, flags: int, nxt: int = 0, table=DESC):
        self.vm.put(table + 16 * index, struct.pack("<QIHH", addr, length, flags, nxt))

    def chain(self, first: int, buffers: list[tuple[int, int, int]]) -> int:
        """Descriptors first.. linked in order; buffers are (addr, len, flags)."""
        for i, (addr, length, flags) in enumerate(buffers):
            last = i == len(buffers) - 1
            self.desc(first + i, addr, length, flags | (0 if last else D_NEXT), first + i + 1)
        return first

    def request(self, slot: int, kind: int, sector: int, data: list[tuple[int, int]]) -> int:
        """A request chain at descriptors 4*slot..: header, data buffers, status byte."""
        hdr = HDR + 32 * slot
        self.vm.put(hdr, struct.pack("<IIQ", kind, 0, sector))
        self.vm.put(STATUS_BYTES + slot, b"\xff")
        flags = 0 if kind == T_OUT else D_WRITE
        status = (STATUS_BYTES + slot, 1, D_WRITE)
        buffers = [(hdr, 16, 0), *((a, n, flags) for a, n in data), status]
        return self.chain(4 * slot, buffers)

    def publish(self, *heads: int, notify: bool = True) -> None:
        for head in heads:
            self.vm.put(AVAIL + 4 + 2 * (self.avail_idx % QSIZE), struct.pack("<H", head))
            self.avail_idx = (self.avail_idx + 1) & 0xFFFF
        self.vm.put(AVAIL + 2, struct.pack("<H", self.avail_idx))
        if notify:
            self.w(QUEUE_NOTIFY, 0)

    def used(self) -> list[tuple[int, int]]:
        idx = struct.unpack("<H", self.vm.get(USED + 2, 2))[0]
        return [struct.unpack("<II", self.vm.get(USED + 4 + 8 * i, 8)) for i in range(idx)]

    def status(self, slot: int) -> int:
        return self.vm.get(STATUS_BYTES + slot, 1)[0]


def make_image(path: Path, sectors: int = SECTORS) -> Path:
    path.write_bytes(bytes(range(256)) * (2 * sectors))
    return path


@pytest.fixture
def image(tmp_path: Path) -> Path:
    return make_image(tmp_path / "disk.img")


def rig(
    image: Path,
    readonly: bool = False,
    serial: str = "hvsim-test-disk",
    env: simpy.Environment | None = None,
    timing: DiskTiming | None = None,
) -> tuple[VirtioBlk, FakeVM, Driver]:
    vm = FakeVM(env)
    clock = VmClock(vm) if env is not None else None  # type: ignore[arg-type]
    dev = VirtioBlk(
        DiskImage(image, readonly=readonly), Dma(vm), clock=clock, timing=timing, serial=serial
    )
    return dev, vm, Driver(dev, vm)


# ---- identification, features, queue set-up --------------------------------------------------
def test_registered() -> None:
    assert DEVICE_TYPES["virtio-blk"] is VirtioBlk


def test_identification_and_configuration(image: Path) -> None:
    dev, _, drv = rig(image)
    assert drv.r(MAGIC) == 0x74726976
    assert drv.r(VERSION) == 2
    assert drv.r(DEVICE_ID) == 2
    assert drv.r(VENDOR) != 0
    capacity = dev.read(CONFIG, 4) | dev.read(CONFIG + 4, 4) << 32
    assert capacity == image.stat().st_size // 512 == SECTORS
    assert dev.read(CONFIG, 8) == SECTORS  # the configuration space takes any access size
    assert dev.read(CONFIG + 20, 4) == 512  # blk_size
    assert dev.read(CONFIG + 12, 4) >= 1  # seg_max


def test_features_offered(image: Path, tmp_path: Path) -> None:
    _, _, drv = rig(image)
    offered = drv.features()
    for bit in (F_VERSION_1, F_FLUSH, F_BLK_SIZE, F_SEG_MAX, F_INDIRECT):
        assert offered & bit
    assert not offered & F_RO
    _, _, ro = rig(make_image(tmp_path / "ro.img"), readonly=True)
    assert ro.features() & F_RO


def test_features_ok_needs_version_1_and_a_subset(image: Path) -> None:
    _, _, drv = rig(image)
    assert not drv.negotiate(F_FLUSH)  # a legacy driver: refused
    assert not drv.negotiate(F_VERSION_1 | 1 << 40)  # a feature the device does not offer
    assert drv.negotiate(F_VERSION_1 | F_FLUSH)
    drv.w(DRV_FEATURES_SEL, 0)
    drv.w(DRV_FEATURES, 0)  # too late: features are fixed once FEATURES_OK is set
    assert drv.dev.negotiated & F_FLUSH


def test_queue_registers(image: Path) -> None:
    _, _, drv = rig(image)
    drv.w(QUEUE_SEL, 0)
    assert drv.r(QUEUE_NUM_MAX) == 256
    drv.w(QUEUE_SEL, 1)  # virtio-blk has one queue
    assert drv.r(QUEUE_NUM_MAX) == 0
    drv.init()
    assert drv.r(QUEUE_READY) == 1
    drv.w(DESC_LO, 0x1234_0000)  # ignored while the queue is live
    assert drv.dev.queues[0].desc == DESC


# ---- requests -------------------------------------------------------------------------------
def test_write_then_read_across_split_buffers(image: Path) -> None:
    dev, vm, drv = rig(image)
    drv.init()
    payload = bytes((7 * i + 3) & 0xFF for i in range(3 * 512))
    vm.put(DATA, payload[:100])
    vm.put(DATA + 0x1000, payload[100:1000])
    vm.put(DATA + 0x3000, payload[1000:])
    drv.request(0, T_OUT, 5, [(DATA, 100), (DATA + 0x1000, 900), (DATA + 0x3000, 536)])
    drv.publish(0)
    assert drv.status(0) == S_OK
    assert image.read_bytes()[5 * 512 : 8 * 512] == payload  # the bytes reached the file
    assert drv.used() == [(0, 1)]

    drv.request(1, T_IN, 5, [(DATA + 0x8000, 1000), (DATA + 0x9000, 536)])
    drv.publish(4)
    assert drv.status(1) == S_OK
    assert vm.get(DATA + 0x8000, 1000) + vm.get(DATA + 0x9000, 536) == payload
    assert drv.used() == [(0, 1), (4, 3 * 512 + 1)]  # len counts the bytes written, status too
    assert dev.counters["bytes.read"] == dev.counters["bytes.written"] == 3 * 512


def test_completion_interrupt_and_ack(image: Path) -> None:
    _, _, drv = rig(image)
    drv.init()
    drv.request(0, T_IN, 0, [(DATA, 512)])
    drv.publish(0)
    assert drv.r(INT_STATUS) == 1
    assert drv.irq_levels == [True]
    drv.w(INT_ACK, 1)
    assert drv.r(INT_STATUS) == 0
    assert drv.irq_levels == [True, False]


def test_no_interrupt_flag_suppresses_the_interrupt(image: Path) -> None:
    _, vm, drv = rig(image)
    drv.init()
    vm.put(AVAIL, struct.pack("<H", 1))  # VIRTQ_AVAIL_F_NO_INTERRUPT
    drv.request(0, T_IN, 0, [(DATA, 512)])
    drv.publish(0)
    assert drv.status(0) == S_OK
    assert drv.r(INT_STATUS) == 0
    assert drv.irq_levels == []


def test_flush_syncs_the_image(image: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))
    dev, _, drv = rig(image)
    drv.init()
    drv.request(0, T_FLUSH, 0, [])
    drv.publish(0)
    assert drv.status(0) == S_OK
    assert synced == [dev.image.fd]


@pytest.mark.parametrize(
    ("serial", "buffer", "expected"),
    [
        ("hvsim-test-disk", 20, b"hvsim-test-disk\0\0\0\0\0"),
        ("0123456789abcdefghijKLMN", 20, b"0123456789abcdefghij"),  # 20 bytes, no NUL
        ("hvsim-test-disk", 8, b"hvsim-te"),
    ],
)
def test_get_id(image: Path, serial: str, buffer: int, expected: bytes) -> None:
    _, vm, drv = rig(image, serial=serial)
    drv.init()
    vm.put(DATA, b"\xaa" * 32)
    drv.request(0, T_GET_ID, 0, [(DATA, buffer)])
    drv.publish(0)
    assert drv.status(0) == S_OK
    assert vm.get(DATA, len(expected)) == expected
    assert drv.used() == [(0, len(expected) + 1)]


def test_unknown_request_type_is_unsupported(image: Path) -> None:
    _, _, drv = rig(image)
    drv.init()
    drv.request(0, 0x7F, 0, [])
    drv.publish(0)
    assert drv.status(0) == S_UNSUPP
    assert drv.used() == [(0, 1)]


@pytest.mark.parametrize(
    ("kind", "sector", "length"),
    [
        (T_IN, SECTORS, 512),  # starts at the end
        (T_OUT, SECTORS - 1, 1024),  # runs past the end
        (T_OUT, 0, 100),  # not whole sectors
        (T_IN, 2**60, 512),  # sector * 512 beyond any file
    ],
)
def test_bad_ranges_fail_without_touching_the_image(image: Path, kind, sector, length) -> None:
    _, vm, drv = rig(image)
    before = image.read_bytes()
    drv.init()
    vm.put(DATA, b"\x55" * length)
    drv.request(0, kind, sector, [(DATA, length)])
    drv.publish(0)
    assert drv.status(0) == S_IOERR
    assert image.read_bytes() == before
    if kind == T_IN:
        assert vm.get(DATA, length) == b"\x55" * length


def test_readonly_image_refuses_writes(image: Path) -> None:
    _, _, drv = rig(image, readonly=True)
    before = image.read_bytes()
    drv.init(F_VERSION_1 | F_RO)
    drv.request(0, T_OUT, 0, [(DATA, 512)])
    drv.request(1, T_IN, 0, [(DATA, 512)])
    drv.publish(0, 4)
    assert (drv.status(0), drv.status(1)) == (S_IOERR, S_OK)
    assert image.read_bytes() == before


def test_indirect_descriptors(image: Path) -> None:
    _, vm, drv = rig(image)
    drv.init(F_VERSION_1 | F_INDIRECT)
    table = RAM_BASE + 0x6000
    vm.put(HDR, struct.pack("<IIQ", T_IN, 0, 1))
    drv.desc(0, HDR, 16, D_NEXT, 1, table=table)
    drv.desc(1, DATA, 512, D_WRITE | D_NEXT, 2, table=table)
    drv.desc(2, STATUS_BYTES, 1, D_WRITE, 0, table=table)
    drv.desc(0, table, 48, D_INDIRECT)
    drv.publish(0)
    assert drv.status(0) == S_OK
    assert vm.get(DATA, 512) == image.read_bytes()[512:1024]


# ---- guest addresses outside RAM ----------------------------------------------------------------
RAM_END = RAM_BASE + RAM_SIZE


@pytest.mark.parametrize(
    ("kind", "buffers"),
    [
        (T_OUT, [(RAM_END, 512)]),  # just past RAM
        (T_OUT, [(DATA, 512), (0x1000_0000, 512)]),  # one good and one bad buffer
        (T_IN, [(RAM_END - 256, 512)]),  # straddles the end of RAM
        (T_IN, [(2**64 - 256, 512)]),  # wraps around the address space
        (T_IN, [(RAM_BASE - 512, 512)]),  # just below RAM
    ],
)
def test_buffers_outside_ram_are_refused(image: Path, kind: int, buffers) -> None:
    dev, vm, drv = rig(image)
    before = image.read_bytes()
    drv.init()
    vm.put(RAM_END - 256, b"\x77" * 256)
    drv.request(0, kind, 0, buffers)
    drv.publish(0)
    assert drv.status(0) == S_IOERR
    assert drv.used() == [(0, 1)]
    assert image.read_bytes() == before
    assert vm.get(RAM_END - 256, 256) == b"\x77" * 256  # nothing half-done
    assert all(vm.is_ram(gpa, n) for gpa, n in vm.accesses)  # never asked for a bad range
    assert dev.counters["errors.dma"] == 1
    assert not drv.r(STATUS) & NEEDS_RESET  # the queue keeps working
    drv.request(1, T_IN, 0, [(DATA, 512)])
    drv.publish(4)
    assert drv.status(1) == S_OK


def test_header_outside_ram_is_refused(image: Path) -> None:
    _, vm, drv = rig(image)
    drv.init()
    drv.chain(0, [(RAM_END, 16, 0), (DATA, 512, 0), (STATUS_BYTES, 1, D_WRITE)])
    vm.put(STATUS_BYTES, b"\xff")
    drv.publish(0)
    assert drv.status(0) == S_IOERR


def needs_reset(drv: Driver) -> bool:
    return bool(drv.r(STATUS) & NEEDS_RESET)


@pytest.mark.parametrize(
    "attack",
    [
        "status outside RAM",
        "no status",
        "loop",
        "index out of range",
        "readable after writable",
        "indirect not negotiated",
        "indirect table outside RAM",
        "available index jump",
    ],
)
def test_unanswerable_chains_need_a_reset(image: Path, attack: str) -> None:
    dev, vm, drv = rig(image)
    drv.init()
    vm.put(HDR, struct.pack("<IIQ", T_IN, 0, 0))
    good = [(HDR, 16, 0), (DATA, 512, D_WRITE), (STATUS_BYTES, 1, D_WRITE)]
    if attack == "status outside RAM":
        drv.chain(0, [*good[:2], (RAM_END, 1, D_WRITE)])
    elif attack == "no status":
        drv.chain(0, [(HDR, 16, 0), (DATA, 512, 0)])
    elif attack == "loop":
        drv.chain(0, good)
        drv.desc(2, STATUS_BYTES, 1, D_WRITE | D_NEXT, 0)
    elif attack == "index out of range":
        drv.chain(0, good)
        drv.desc(1, DATA, 512, D_WRITE | D_NEXT, QSIZE)
    elif attack == "readable after writable":
        drv.chain(0, [(DATA, 512, D_WRITE), (HDR, 16, 0), (STATUS_BYTES, 1, D_WRITE)])
    elif attack == "indirect not negotiated":
        drv.desc(0, RAM_BASE + 0x6000, 48, D_INDIRECT)
    elif attack == "indirect table outside RAM":
        drv.w(STATUS, 0)
        drv.init(F_VERSION_1 | F_INDIRECT)
        drv.desc(0, RAM_END - 16, 48, D_INDIRECT)
    else:
        vm.put(AVAIL + 2, struct.pack("<H", QSIZE + 1))
    drv.irq_levels.clear()
    if attack == "available index jump":
        drv.w(QUEUE_NOTIFY, 0)
    else:
        drv.publish(0)
    assert needs_reset(drv)
    assert drv.r(INT_STATUS) & 2  # configuration change interrupt
    assert drv.irq_levels == [True]
    assert drv.used() == []
    assert dev.last_error
    assert all(vm.is_ram(gpa, n) for gpa, n in vm.accesses)

    # notifications are ignored until the driver resets the device; then it works again
    drv.request(0, T_IN, 0, [(DATA, 512)])
    drv.publish(0)
    assert drv.used() == []
    drv.w(STATUS, 0)
    assert drv.r(STATUS) == 0 and drv.r(INT_STATUS) == 0
    drv.init()
    vm.put(USED, bytes(4))
    drv.request(0, T_IN, 0, [(DATA, 512)])
    drv.publish(0)
    assert drv.status(0) == S_OK


@pytest.mark.parametrize("area", ["descriptors", "used ring"])
def test_queue_areas_outside_ram_need_a_reset(image: Path, area: str) -> None:
    _, _, drv = rig(image)
    if area == "descriptors":
        drv.init(desc=RAM_END - 64)
    else:
        drv.init(used=RAM_END - 32)
    drv.publish(0)
    assert needs_reset(drv)


# ---- timing ----------------------------------------------------------------------------------
US = 10**6  # picoseconds


def test_completion_takes_latency_plus_transfer_time(image: Path) -> None:
    env = simpy.Environment()
    timing = DiskTiming(latency_us=50, bandwidth_mbps=500, flush_us=200)
    _, vm, drv = rig(image, env=env, timing=timing)
    drv.init()
    drv.request(0, T_IN, 0, [(DATA, 4096)])
    drv.request(1, T_OUT, 8, [(DATA + 0x2000, 4096)])
    drv.request(2, T_FLUSH, 0, [])
    vm.put(DATA + 0x2000, b"\x42" * 4096)
    drv.publish(0, 4, 8)
    assert drv.used() == []  # nothing happens at notification time
    transfer = 4096 * US // 500  # 4096 bytes at 500 MB/s = 8.192 us
    done = []
    for slot, at in ((0, 50 * US + transfer), (1, 2 * (50 * US + transfer))):
        env.run(until=at)
        assert len(drv.used()) == slot, "completed early"
        env.run(until=at + 1)
        done.append(drv.used()[-1])
        assert drv.r(INT_STATUS) & 1
    assert image.read_bytes()[8 * 512 : 16 * 512] == b"\x42" * 4096
    flush_end = 2 * (50 * US + transfer) + 50 * US + 200 * US
    env.run(until=flush_end)
    assert len(drv.used()) == 2
    env.run(until=flush_end + 1)
    assert drv.used()[-1] == (8, 1)
    assert done == [(0, 4097), (4, 1)]


def test_reset_drops_requests_in_flight(image: Path) -> None:
    env = simpy.Environment()
    _, vm, drv = rig(image, env=env)
    before = image.read_bytes()
    drv.init()
    vm.put(DATA, b"\x13" * 512)
    drv.request(0, T_OUT, 0, [(DATA, 512)])
    drv.publish(0)
    drv.w(STATUS, 0)
    env.run(until=10**9)
    assert drv.used() == []
    assert image.read_bytes() == before


def test_completions_after_the_vm_stopped_are_dropped(image: Path) -> None:
    env = simpy.Environment()
    _, vm, drv = rig(image, env=env)
    drv.init()
    drv.request(0, T_IN, 0, [(DATA, 512)])
    drv.publish(0)
    vm.running = False
    env.run(until=10**9)
    assert drv.used() == []


def test_disk_timing_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        DiskTiming(bandwidth_mbps=0)
    with pytest.raises(ValueError):
        DiskTiming(latency_us=-1)
    assert DiskTiming(bandwidth_mbps=1).transfer_ps(1) == US  # one byte at 1 MB/s: 1 us


def test_image_created_and_extended_to_size(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "new.img"
    disk = DiskImage(path, size=1 << 20)
    assert path.stat().st_size == 1 << 20 and disk.sectors == 2048
    disk.close()
    path.write_bytes(b"\x01" * 1024)
    disk = DiskImage(path, size=4096)
    assert path.read_bytes() == b"\x01" * 1024 + bytes(3072)  # extended, contents kept
    disk.close()
