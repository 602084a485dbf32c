"""CLINT registers, MTIP/MSIP lines and deadlines, with fake harts and a settable clock."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hvsim.core.trap import MIP_MSIP, MIP_MTIP
from hvsim.devices.base import DEVICE_TYPES
from hvsim.devices.clint import Clint

MSIP = 0x0
MTIMECMP = 0x4000
MTIME = 0xBFF8
NEVER = (1 << 64) - 1


class FakeClock:
    timebase_hz = 10_000_000

    def __init__(self, now: int = 0) -> None:
        self.now = now

    def mtime(self) -> int:
        return self.now

    def cycles(self) -> int:
        return self.now * 100

    def insns_until(self, mtime: int) -> int:
        return max(0, (mtime - self.now) * 100)


class FakeHart:
    def __init__(self) -> None:
        self.mip = 0
        self.yields = 0

    def set_pending(self, mask: int, level: bool) -> None:
        self.mip = self.mip | mask if level else self.mip & ~mask

    def request_yield(self) -> None:
        self.yields += 1


def rig(n: int = 1, now: int = 0) -> tuple[Clint, FakeClock, list[FakeHart]]:
    clock = FakeClock(now)
    harts = [FakeHart() for _ in range(n)]
    return Clint(harts, clock), clock, harts


def test_registered_and_sized() -> None:
    assert DEVICE_TYPES["clint"] is Clint
    clint, _, _ = rig()
    assert clint.size == 0x10000


def test_msip_drives_software_interrupt() -> None:
    clint, _, harts = rig(2)
    clint.write(MSIP + 4, 4, 1)
    assert harts[1].mip == MIP_MSIP and harts[0].mip == 0
    assert clint.read(MSIP + 4, 4) == 1
    clint.write(MSIP + 4, 4, 0xFFFF_FFFE)  # only bit 0 is writable
    assert harts[1].mip == 0
    assert clint.read(MSIP + 4, 4) == 0


def test_mtime_reads_the_clock() -> None:
    clint, clock, _ = rig(now=0x1_2345_6789)
    assert clint.read(MTIME, 8) == 0x1_2345_6789
    assert clint.read(MTIME, 4) == 0x2345_6789
    assert clint.read(MTIME + 4, 4) == 1
    clock.now += 10
    assert clint.read(MTIME, 8) == 0x1_2345_6793


def test_mtimecmp_resets_to_never_and_mtip_clear() -> None:
    clint, _clock, harts = rig(now=10**12)
    assert clint.read(MTIMECMP, 8) == NEVER
    clint.update()
    assert harts[0].mip == 0
    assert clint.next_deadline() is None


def test_mtimecmp_write_in_the_past_raises_mtip_and_yields() -> None:
    clint, _, harts = rig(now=500)
    clint.write(MTIMECMP, 8, 400)
    assert harts[0].mip & MIP_MTIP
    assert harts[0].yields == 1
    clint.write(MTIMECMP, 8, 600)
    assert not harts[0].mip & MIP_MTIP
    assert harts[0].yields == 2


def test_mtip_rises_when_time_reaches_mtimecmp() -> None:
    clint, clock, harts = rig(now=0)
    clint.write(MTIMECMP, 8, 1000)
    assert clint.next_deadline() == 1000
    clock.now = 999
    clint.update()
    assert not harts[0].mip & MIP_MTIP
    clock.now = 1000
    clint.update()
    assert harts[0].mip & MIP_MTIP
    assert clint.next_deadline() is None  # no future deadline left


def test_mtimecmp_32bit_halves() -> None:
    clint, _clock, harts = rig(now=0x1_0000_0000)
    clint.write(MTIMECMP + 4, 4, 0)  # high half first, as RV32 code does: cmp = 0x0_FFFFFFFF
    assert clint.read(MTIMECMP, 8) == 0x0000_0000_FFFF_FFFF
    assert harts[0].mip & MIP_MTIP
    clint.write(MTIMECMP, 4, 0x10)
    clint.write(MTIMECMP + 4, 4, 0x1)
    assert clint.read(MTIMECMP, 8) == 0x1_0000_0010
    assert clint.read(MTIMECMP + 4, 4) == 1
    assert not harts[0].mip & MIP_MTIP
    assert clint.next_deadline() == 0x1_0000_0010


def test_per_hart_registers_and_earliest_deadline() -> None:
    clint, clock, harts = rig(3, now=100)
    clint.write(MTIMECMP + 8 * 2, 8, 300)
    clint.write(MTIMECMP + 8 * 1, 8, 250)
    clint.write(MTIMECMP + 8 * 0, 8, 50)  # already due
    assert [bool(h.mip & MIP_MTIP) for h in harts] == [True, False, False]
    assert clint.next_deadline() == 250
    assert [h.yields for h in harts] == [1, 1, 1]
    clock.now = 260
    clint.update()
    assert [bool(h.mip & MIP_MTIP) for h in harts] == [True, True, False]
    assert clint.next_deadline() == 300


def test_mtime_write_sets_an_offset() -> None:
    clint, clock, harts = rig(now=1000)
    clint.write(MTIMECMP, 8, 5000)
    clint.write(MTIME, 8, 4000)
    assert clint.read(MTIME, 8) == 4000
    clock.now = 1500
    assert clint.read(MTIME, 8) == 4500
    assert clint.next_deadline() == 2000  # in clock ticks: 1000 ticks from now
    clock.now = 2000
    clint.update()
    assert harts[0].mip & MIP_MTIP


def test_mtime_low_half_write_keeps_high_half() -> None:
    clint, _clock, _ = rig(now=0x5_0000_0000)
    clint.write(MTIME, 4, 0x77)
    assert clint.read(MTIME, 8) == 0x5_0000_0077


def test_unmapped_offsets() -> None:
    clint, _, harts = rig(2)
    assert clint.read(MSIP + 8, 4) == 0  # hart 2 does not exist
    clint.write(MTIMECMP + 16, 8, 0)
    assert clint.read(0x8000, 4) == 0
    assert all(h.mip == 0 for h in harts)
    assert clint.read(MSIP + 2, 4) == 0  # straddles two msip registers


def test_hart_count_limits() -> None:
    with pytest.raises(ValueError):
        Clint([], FakeClock())


@given(
    now=st.integers(0, 1 << 62),
    cmps=st.lists(st.integers(0, (1 << 64) - 1), min_size=1, max_size=4),
)
def test_mtip_and_deadline_agree_with_time(now: int, cmps: list[int]) -> None:
    clint, clock, harts = rig(len(cmps), now=now)
    for h, cmp in enumerate(cmps):
        clint.write(MTIMECMP + 8 * h, 4, cmp & 0xFFFF_FFFF)
        clint.write(MTIMECMP + 8 * h + 4, 4, cmp >> 32)
    for h, cmp in enumerate(cmps):
        assert bool(harts[h].mip & MIP_MTIP) == (now >= cmp)
    deadline = clint.next_deadline()
    future = [c for c in cmps if c > now and c != NEVER]
    if not future:
        assert deadline is None
    else:
        assert deadline == min(future)
        clock.now = deadline
        clint.update()
        assert any(h.mip & MIP_MTIP for h, c in zip(harts, cmps, strict=True) if c == deadline)
