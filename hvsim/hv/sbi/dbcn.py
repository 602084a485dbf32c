"""SBI Debug Console extension (EID 0x4442434E "DBCN"): the VM console through SBI calls.

* ``console_write(num_bytes, base_addr_lo, base_addr_hi)`` copies guest-physical memory to the
  VM's :class:`~hvsim.hv.console.Console` and returns how many bytes it wrote;
* ``console_read(num_bytes, base_addr_lo, base_addr_hi)`` moves queued console input (at most
  ``num_bytes``, possibly none) into guest memory and returns how many bytes it moved;
* ``console_write_byte(byte)`` writes the low 8 bits of its argument.

The buffer is a guest-*physical* range ``(base_addr_hi << 64) | base_addr_lo``; per the
specification a range that is not entirely guest RAM (a non-zero ``base_addr_hi``, a device,
a length running past RAM or past 2^64) is SBI_ERR_INVALID_PARAM and nothing is transferred.
The calls are non-blocking and may transfer less than asked: at most :data:`MAX_CHUNK`
bytes per call, so a hostile length cannot make the host copy megabytes at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from hvsim.hv import sbi
from hvsim.hv.sbi import SbiResult, register_functions
from hvsim.hv.vm import GuestMemoryError

if TYPE_CHECKING:
    from hvsim.core.hart import Hart
    from hvsim.hv.vcpu import Vcpu

EID_DBCN = 0x4442434E
MAX_CHUNK = 64 * 1024


def _buffer(vcpu: Vcpu, args: list[int]) -> tuple[int, int] | None:
    """(guest-physical address, bytes to move) of a DBCN buffer, or None if it is invalid."""
    num_bytes, lo, hi = args[0], args[1], args[2]
    if hi != 0 or not vcpu.vm.is_ram(lo, num_bytes):
        return None
    return lo, min(num_bytes, MAX_CHUNK)


def _console_write(vcpu: Vcpu, hart: Hart, args: list[int]) -> SbiResult:
    if args[0] == 0:
        return SbiResult(function="console_write")
    buf = _buffer(vcpu, args)
    if buf is None:
        return SbiResult(sbi.SBI_ERR_INVALID_PARAM, function="console_write")
    try:
        data = vcpu.vm.read_guest(*buf)
    except GuestMemoryError:
        return SbiResult(sbi.SBI_ERR_INVALID_PARAM, function="console_write")
    vcpu.vm.console.write(data)
    return SbiResult(value=len(data), function="console_write")


def _console_read(vcpu: Vcpu, hart: Hart, args: list[int]) -> SbiResult:
    if args[0] == 0:
        return SbiResult(function="console_read")
    buf = _buffer(vcpu, args)
    if buf is None:
        return SbiResult(sbi.SBI_ERR_INVALID_PARAM, function="console_read")
    addr, limit = buf
    console = vcpu.vm.console
    data = bytearray()
    while len(data) < limit:
        byte = console.read_byte()
        if byte is None:
            break
        data.append(byte)
    if data:
        vcpu.vm.write_guest(addr, data)
    return SbiResult(value=len(data), function="console_read")


def _console_write_byte(vcpu: Vcpu, hart: Hart, args: list[int]) -> SbiResult:
    vcpu.vm.console.write(bytes([args[0] & 0xFF]))
    return SbiResult(function="console_write_byte")


FUNCTIONS: dict[int, Callable[[Vcpu, Hart, list[int]], SbiResult]] = {
    0: _console_write,
    1: _console_read,
    2: _console_write_byte,
}

register_functions("dbcn", EID_DBCN, FUNCTIONS)
