"""SiFive test finisher (``sifive,test0`` on QEMU's virt board): power off or reset the machine.

A write (16 bits or wider) to offset 0 whose low 16 bits are

* ``0x5555``: power off, test passed (code 0);
* ``0x3333``: power off, test failed with code ``value >> 16``;
* ``0x7777``: reset request (code 0);

calls ``on_stop(kind, code)`` with kind ``"pass"``, ``"fail"`` or ``"reset"``.  Other values
and reads are ignored (reads return 0).
"""

from __future__ import annotations

from collections.abc import Callable

from hvsim.devices.base import Device, register_device

FINISHER_FAIL = 0x3333
FINISHER_PASS = 0x5555
FINISHER_RESET = 0x7777

#: Status value -> stop kind.
FINISHER_KINDS = {FINISHER_PASS: "pass", FINISHER_FAIL: "fail", FINISHER_RESET: "reset"}

StopCallback = Callable[[str, int], None]


@register_device
class SifiveTest(Device):
    """The finisher register; the machine decides what a stop means."""

    kind = "sifive_test"
    default_size = 0x1000

    def __init__(self, on_stop: StopCallback, name: str = "", size: int | None = None) -> None:
        super().__init__(name, size)
        self.on_stop = on_stop
        self.last: tuple[str, int] | None = None

    def write(self, offset: int, size: int, value: int) -> None:
        if offset != 0 or size < 2:
            return
        kind = FINISHER_KINDS.get(value & 0xFFFF)
        if kind is None:
            return
        code = (value >> 16) & 0xFFFF if kind == "fail" else 0
        self.last = (kind, code)
        self.on_stop(kind, code)

    def reset(self) -> None:
        self.last = None
