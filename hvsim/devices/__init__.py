"""Device models and their registry (:data:`hvsim.devices.base.DEVICE_TYPES`).

Importing this package registers every built-in device type.
"""

from hvsim.devices import clint, plic, regs, sifive_test, uart16550, virtio  # noqa: F401
from hvsim.devices.base import DEVICE_TYPES, Device, register_device

__all__ = ["DEVICE_TYPES", "Device", "register_device"]
