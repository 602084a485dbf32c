"""How a DMA-capable device model reaches its VM: guest RAM with bounds checks, and simulated time.

:class:`Dma` is the only way a device touches guest memory.  Every access is checked against
the VM's RAM *before* it is made (``is_ram``) and a range outside it raises :class:`DmaError`,
so a guest-supplied address is never followed into host memory (the hypervisor's own
``read_guest``/``write_guest`` refuse such ranges too; this check lets the device turn the
refusal into a virtio error instead of an exception in an exit handler).

:class:`DeviceClock` is the device's view of simulated time: ``now_ps()`` and ``call_at(ps,
fn)``.  :class:`VmClock` implements it on the host's SimPy environment (integer picoseconds;
``now_ps`` includes the running vCPU's not-yet-yielded time) and drops callbacks that fall due
after the VM stopped.  :class:`ImmediateClock` runs callbacks at once (unit tests, or a device
used without a simulation).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from hvsim.hv.vm import VM


class DmaError(Exception):
    """A device access to guest-physical memory outside the VM's RAM."""


class GuestMemory(Protocol):
    """What :class:`Dma` needs from a VM (``hvsim.hv.vm.VM`` has these)."""

    def is_ram(self, gpa: int, size: int = 1) -> bool: ...

    def read_guest(self, gpa: int, size: int) -> bytes: ...

    def write_guest(self, gpa: int, data: bytes | bytearray) -> None: ...


class Dma:
    """Bounds-checked little-endian access to a VM's RAM."""

    def __init__(self, mem: GuestMemory) -> None:
        self.mem = mem

    def check(self, gpa: int, size: int) -> None:
        if size and (gpa < 0 or not self.mem.is_ram(gpa, size)):
            raise DmaError(f"guest-physical range [{gpa:#x}, {gpa + size:#x}) is not RAM")

    def ok(self, gpa: int, size: int) -> bool:
        return size == 0 or (gpa >= 0 and self.mem.is_ram(gpa, size))

    def read(self, gpa: int, size: int) -> bytes:
        if not size:
            return b""
        self.check(gpa, size)
        return self.mem.read_guest(gpa, size)

    def write(self, gpa: int, data: bytes | bytearray) -> None:
        if not data:
            return
        self.check(gpa, len(data))
        self.mem.write_guest(gpa, data)

    def write_int(self, gpa: int, size: int, value: int) -> None:
        self.write(gpa, (value & ((1 << (8 * size)) - 1)).to_bytes(size, "little"))


class DeviceClock(Protocol):
    def now_ps(self) -> int: ...

    def call_at(self, at_ps: int, fn: Callable[[], None]) -> None: ...


class ImmediateClock:
    """No simulation: time stands still and every callback runs at once."""

    def __init__(self) -> None:
        self.now = 0

    def now_ps(self) -> int:
        return self.now

    def call_at(self, at_ps: int, fn: Callable[[], None]) -> None:
        self.now = max(self.now, at_ps)
        fn()


class VmClock:
    """Simulated time of a VM's host; callbacks due after the VM stopped are dropped."""

    def __init__(self, vm: VM) -> None:
        self.vm = vm
        self.env = vm.host.env

    def now_ps(self) -> int:
        return self.vm.host.now_ps()

    def call_at(self, at_ps: int, fn: Callable[[], None]) -> None:
        vm = self.vm

        def fire(_event: object) -> None:
            if vm.running:
                fn()

        self.env.timeout(max(0, at_ps - self.env.now)).callbacks.append(fire)
