"""HTIF tohost/fromhost protocol, driven the way a program drives it: by storing to RAM."""

from __future__ import annotations

import pytest

from hvsim.devices.base import DEVICE_TYPES
from hvsim.devices.htif import Htif
from hvsim.mem.phys import PhysMem

RAM = 0x8000_0000
TOHOST = RAM + 0x1000
FROMHOST = RAM + 0x1040
MAGIC = RAM + 0x2000
BUF = RAM + 0x3000
M64 = (1 << 64) - 1


class Host:
    """An HTIF on a small RAM with recorded exits and console output."""

    def __init__(self, input_bytes: bytes = b"") -> None:
        self.mem = PhysMem(RAM, 0x10000)
        self.exits: list[int] = []
        self.out = bytearray()
        self.htif = Htif(self.exits.append, self.out.extend, input_bytes=input_bytes)
        self.htif.attach(self.mem, TOHOST, FROMHOST)

    def tohost(self, device: int, cmd: int, payload: int) -> None:
        self.mem.write(TOHOST, 8, device << 56 | cmd << 48 | payload)

    def syscall(self, *words: int) -> None:
        for i in range(8):
            self.mem.write(MAGIC + 8 * i, 8, (words[i] if i < len(words) else 0) & M64)
        self.tohost(0, 0, MAGIC)

    @property
    def fromhost(self) -> int:
        return self.mem.read(FROMHOST, 8)

    @property
    def tohost_value(self) -> int:
        return self.mem.read(TOHOST, 8)

    def ret(self) -> int:
        value = self.mem.read(MAGIC, 8)
        return value - (1 << 64) if value >> 63 else value


def test_registered() -> None:
    assert DEVICE_TYPES["htif"] is Htif


@pytest.mark.parametrize("code", [0, 1, 3, 42, 255, 1 << 20])
def test_exit_code_and_tohost_cleared(code: int) -> None:
    h = Host()
    h.tohost(0, 0, code << 1 | 1)
    assert h.exits == [code]
    assert h.htif.exit_code == code
    assert h.tohost_value == 0


def test_writing_zero_is_not_a_request() -> None:
    h = Host()
    h.mem.write(TOHOST, 8, 0)
    h.mem.write(TOHOST + 4, 4, 0)
    assert h.exits == [] and h.out == b"" and h.fromhost == 0


def test_request_assembled_from_two_word_stores() -> None:
    """A 32-bit program writes tohost in halves; the low half already carries an exit."""
    h = Host()
    h.mem.write(TOHOST, 4, 5 << 1 | 1)
    h.mem.write(TOHOST + 4, 4, 0)
    assert h.exits == [5]


def test_sys_write_to_stdout_and_stderr() -> None:
    h = Host()
    h.mem.write_bytes(BUF, b"hello, world\n")
    h.syscall(64, 1, BUF, 13)
    assert h.out == b"hello, world\n"
    assert h.ret() == 13
    assert h.fromhost == 1
    assert h.tohost_value == 0
    h.mem.write(FROMHOST, 8, 0)  # the program acknowledges
    h.syscall(64, 2, BUF, 5)
    assert h.out == b"hello, world\nhello"
    assert h.ret() == 5 and h.fromhost == 1


def test_sys_write_errors() -> None:
    h = Host()
    h.syscall(64, 7, BUF, 4)
    assert h.ret() == -9  # EBADF
    h.mem.write(FROMHOST, 8, 0)
    h.syscall(64, 1, 0x1000, 4)  # not RAM
    assert h.ret() == -14  # EFAULT
    assert h.out == b""


def test_unknown_syscall_is_enosys() -> None:
    h = Host()
    h.syscall(1234, 1, 2, 3)
    assert h.ret() == -38
    assert h.fromhost == 1
    assert h.exits == []


def test_sys_exit_through_magic_memory() -> None:
    h = Host()
    h.syscall(93, 9)
    assert h.exits == [9]
    assert h.fromhost == 0  # no response after exit


def test_putchar_and_response() -> None:
    h = Host()
    h.tohost(1, 1, ord("A"))
    assert h.out == b"A"
    assert h.fromhost == (1 << 56) | (1 << 48)
    assert h.tohost_value == 0


def test_responses_wait_until_fromhost_is_cleared() -> None:
    h = Host()
    for ch in b"xyz":
        h.tohost(1, 1, ch)
    assert h.out == b"xyz"
    assert h.fromhost == (1 << 56) | (1 << 48)
    delivered = 1
    while h.fromhost:
        h.mem.write(FROMHOST, 8, 0)
        delivered += bool(h.fromhost)
    assert delivered == 3


def test_getchar_with_queued_input() -> None:
    h = Host(input_bytes=b"k")
    h.tohost(1, 0, 0)
    assert h.fromhost == (1 << 56) | 0x100 | ord("k")


def test_getchar_waits_for_input() -> None:
    h = Host()
    h.tohost(1, 0, 0)
    assert h.fromhost == 0
    h.htif.feed(b"qr")
    assert h.fromhost == (1 << 56) | 0x100 | ord("q")
    h.mem.write(FROMHOST, 8, 0)
    assert h.fromhost == 0  # only one read was requested
    h.tohost(1, 0, 0)
    assert h.fromhost & 0xFF == ord("r")


def test_without_fromhost_requests_are_served_but_not_answered() -> None:
    mem = PhysMem(RAM, 0x4000)
    mem.write(TOHOST + 8, 8, 0x1234)  # program data right after tohost: must stay intact
    out = bytearray()
    htif = Htif(lambda code: None, out.extend)
    htif.attach(mem, TOHOST, None)
    mem.write(TOHOST, 8, 1 << 56 | 1 << 48 | ord("z"))
    assert out == b"z"
    assert mem.read(TOHOST, 8) == 0
    assert mem.read(TOHOST + 8, 8) == 0x1234
