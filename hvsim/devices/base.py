"""Device base class and the registry of device types by scenario name.

A device answers sized reads and writes at an offset inside its MMIO window.  Bare-metal
machines map devices on the host :class:`~hvsim.mem.phys.PhysMem`; the hypervisor maps them
on a VM's device bus and reaches them through guest-page-fault MMIO exits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar


class Device:
    """A memory-mapped device.  Subclasses override :meth:`read`, :meth:`write`, :meth:`reset`."""

    #: Registry name used in scenario files (``type = "ns16550"``).
    kind: ClassVar[str] = ""
    #: Default size of the MMIO window in bytes.
    default_size: ClassVar[int] = 0x1000

    def __init__(self, name: str = "", size: int | None = None) -> None:
        self.name = name or self.kind
        self.size = size if size is not None else self.default_size

    def read(self, offset: int, size: int) -> int:
        """Return ``size`` bytes at ``offset`` (unmapped registers read as zero)."""
        return 0

    def write(self, offset: int, size: int, value: int) -> None:
        """Write the low ``size`` bytes of ``value`` at ``offset`` (unmapped registers ignore)."""

    def reset(self) -> None:
        """Return to the power-on state."""


DEVICE_TYPES: dict[str, type[Device]] = {}


def register_device(cls: type[Device]) -> type[Device]:
    """Class decorator: make ``cls`` available to scenario files under ``cls.kind``."""
    if not cls.kind:
        raise ValueError(f"{cls.__name__} has no registry name")
    DEVICE_TYPES[cls.kind] = cls
    return cls


DeviceFactory = Callable[..., Device]
