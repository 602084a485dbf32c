"""virtio devices over the virtio-mmio transport (version 2).

* :mod:`.vmio` - a device's view of its VM: bounds-checked DMA into guest RAM, simulated time;
* :mod:`.queue` - split virtqueues: descriptor chains, available and used rings;
* :mod:`.mmio` - the virtio-mmio register interface, feature negotiation, device status;
* :mod:`.blk` - virtio-blk (registry name ``virtio-blk``), with :mod:`.image` (the host image
  file) and :mod:`.timing` (the latency/bandwidth model).
"""

from hvsim.devices.virtio import blk  # noqa: F401  (registers "virtio-blk")
