"""The SiFive test finisher: pass, fail with a code, reset."""

from __future__ import annotations

import pytest

from hvsim.devices.base import DEVICE_TYPES
from hvsim.devices.sifive_test import SifiveTest


def rig() -> tuple[SifiveTest, list[tuple[str, int]]]:
    stops: list[tuple[str, int]] = []
    return SifiveTest(lambda kind, code: stops.append((kind, code))), stops


def test_registered() -> None:
    assert DEVICE_TYPES["sifive_test"] is SifiveTest


def test_pass() -> None:
    dev, stops = rig()
    dev.write(0, 4, 0x5555)
    assert stops == [("pass", 0)]


@pytest.mark.parametrize("code", [1, 3, 0x7F, 0xFFFF])
def test_fail_with_code(code: int) -> None:
    dev, stops = rig()
    dev.write(0, 4, code << 16 | 0x3333)
    assert stops == [("fail", code)]
    assert dev.last == ("fail", code)


def test_reset() -> None:
    dev, stops = rig()
    dev.write(0, 4, 0x7777)
    assert stops == [("reset", 0)]


@pytest.mark.parametrize(
    ("offset", "size", "value"), [(0, 4, 0x1234), (4, 4, 0x5555), (0, 1, 0x55)]
)
def test_other_writes_are_ignored(offset: int, size: int, value: int) -> None:
    dev, stops = rig()
    dev.write(offset, size, value)
    assert stops == []
    assert dev.read(0, 4) == 0
