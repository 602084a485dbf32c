"""The NS16550A UART of a VM: the register model of :mod:`hvsim.devices.uart16550` wired to the VM.

* TX: every byte written to THR goes to the VM's console (stdout with the VM's name as prefix,
  and ``<outdir>/<vm>.console.log``).
* RX: the VM's console input (the scenario's ``console_input`` string or
  ``console_input_file``).  The first UART created takes it: with ``rx_interval_us = 0`` (the
  default) every byte is waiting in the receiver from the start, as if typed ahead; with
  ``rx_interval_us = N`` one byte arrives every N microseconds of simulated time, like a slow
  terminal, so that an interrupt-driven driver sleeps in WFI between bytes.
* Interrupt: the UART's output drives PLIC source ``irq`` (default 10, QEMU virt's) when the VM
  has a PLIC; without one the UART can only be polled.
* Device tree: an ``ns16550a`` node with ``clock-frequency`` (QEMU's 3.6864 MHz by default),
  ``reg-shift``/``reg-io-width`` when registers are spaced out, and the interrupt; the first
  UART is the ``stdout-path`` of ``/chosen``.

Scenario keys (``type = "ns16550"``): ``reg_shift``, ``clock_frequency``, ``rx_interval_us``.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from hvsim.devices.plic import fdt_interrupt, irq_line, irq_source
from hvsim.devices.uart16550 import IrqLine, TxSink, Uart16550

if TYPE_CHECKING:
    from hvsim.config.model import DeviceConfig
    from hvsim.hv.fdt import FdtWriter
    from hvsim.hv.vm import VM

DEFAULT_IRQ = 10
CLOCK_FREQUENCY = 3_686_400
PS_PER_US = 10**6


class VmUart(Uart16550):
    """A UART with what a VM needs on top: its interrupt source and its device-tree node."""

    #: fdt.py makes the first such device the ``stdout-path``.
    is_console = True

    def __init__(
        self,
        on_tx: TxSink | None = None,
        rx: bytes = b"",
        irq: IrqLine | None = None,
        reg_shift: int = 0,
        irq_source: int | None = None,
        clock_frequency: int = CLOCK_FREQUENCY,
        name: str = "",
        size: int | None = None,
    ) -> None:
        super().__init__(on_tx, rx, irq, reg_shift, name, size)
        self.irq_source = irq_source
        self.clock_frequency = clock_frequency

    def fdt_node(self, w: FdtWriter, base: int, vm: VM) -> str:
        node = f"serial@{base:x}"
        with w.node(node):
            fdt_interrupt(w, self.irq_source)
            w.u32("clock-frequency", self.clock_frequency)
            if self.reg_shift:
                w.u32("reg-shift", self.reg_shift)
                w.u32("reg-io-width", 1)
            w.reg64("reg", (base, self.size))
            w.strings("compatible", "ns16550a")
        return f"/soc/{node}"


def create_vm_uart(vm: VM, cfg: DeviceConfig, name: str) -> VmUart:
    """The factory behind ``Uart16550.create_for_vm``."""
    options: dict[str, Any] = dict(cfg.options)
    interval_us = int(options.pop("rx_interval_us", 0))
    if interval_us < 0:
        raise ValueError(f"{vm.name}: device {name}: rx_interval_us must be >= 0")
    source = irq_source(vm, cfg, name, DEFAULT_IRQ)
    console = vm.console

    def transmit(byte: int) -> None:
        console.write(bytes((byte,)))

    uart = VmUart(
        on_tx=transmit,
        irq=irq_line(vm, source),
        reg_shift=int(options.pop("reg_shift", 0)),
        irq_source=source,
        clock_frequency=int(options.pop("clock_frequency", CLOCK_FREQUENCY)),
        name=name,
        size=cfg.size,
    )
    if options:
        raise ValueError(f"{vm.name}: device {name}: unknown options {sorted(options)}")
    if interval_us == 0:
        typed_ahead = bytearray()
        while (byte := console.read_byte()) is not None:
            typed_ahead.append(byte)
        uart.feed(bytes(typed_ahead))
    else:
        vm.host.env.process(_feed_slowly(vm, uart, interval_us * PS_PER_US))
    return uart


def _feed_slowly(vm: VM, uart: VmUart, interval_ps: int) -> Generator[Any, Any, None]:
    """One console input byte into the receiver every ``interval_ps`` of simulated time."""
    env = vm.host.env
    while vm.running:
        yield env.timeout(interval_ps)
        byte = vm.console.read_byte()
        if byte is None or not vm.running:
            return
        uart.feed(bytes((byte,)))
