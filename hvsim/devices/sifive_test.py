"""SiFive test finisher (``sifive,test0`` on QEMU's virt board): power off or reset the machine.

A write (16 bits or wider) to offset 0 whose low 16 bits are

* ``0x5555``: power off, test passed (code 0);
* ``0x3333``: power off, test failed with code ``value >> 16``;
* ``0x7777``: reset request (code 0);

calls ``on_stop(kind, code)`` with kind ``"pass"``, ``"fail"`` or ``"reset"``.  Other values
and reads are ignored (reads return 0).

In a VM (:meth:`SifiveTest.create_for_vm`) it is the alternative to SBI SRST: pass powers the
VM off ("shutdown"), fail powers it off after printing the code, reset stops it in state
"reset"; the device tree gets the ``syscon`` node with ``syscon-poweroff`` and
``syscon-reboot`` cells, as on QEMU's virt board, so Linux's generic drivers use it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from hvsim.devices.base import Device, register_device

if TYPE_CHECKING:
    from hvsim.config.model import DeviceConfig
    from hvsim.hv.fdt import FdtWriter
    from hvsim.hv.vm import VM

FINISHER_FAIL = 0x3333
FINISHER_PASS = 0x5555
FINISHER_RESET = 0x7777

#: Status value -> stop kind.
FINISHER_KINDS = {FINISHER_PASS: "pass", FINISHER_FAIL: "fail", FINISHER_RESET: "reset"}

StopCallback = Callable[[str, int], None]

#: What the VM's console says when the guest stops through the finisher (kind -> line).
VM_STOP_MESSAGES = {
    "pass": "Shutdown vm normally!",
    "fail": "Shutdown vm with failure code {code}",
    "reset": "Reset vm requested!",
}
#: VM state after each kind of stop.
VM_STOP_STATES = {"pass": "shutdown", "fail": "shutdown", "reset": "reset"}


@register_device
class SifiveTest(Device):
    """The finisher register; the machine decides what a stop means."""

    kind = "sifive_test"
    default_size = 0x1000
    OPTIONS: ClassVar[dict[str, Any]] = {}  # nothing to configure

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

    # ---- in a VM --------------------------------------------------------------------------------
    @classmethod
    def create_for_vm(cls, vm: VM, cfg: DeviceConfig, name: str) -> SifiveTest:
        def stop(kind: str, code: int) -> None:
            vm.console.flush()
            vm.console.write(VM_STOP_MESSAGES[kind].format(code=code).encode() + b"\n")
            vm.stop(VM_STOP_STATES[kind])

        return cls(stop, name=name, size=cfg.size)

    def fdt_node(self, w: FdtWriter, base: int, vm: VM) -> str:
        """The syscon node with its poweroff and reboot cells as children (``simple-mfd``, so
        that Linux populates them; QEMU puts them at the root, where a device hook cannot)."""
        node = f"test@{base:x}"
        label = f"syscon.{self.name}"
        with w.node(node):
            w.u32("phandle", w.phandle(label))
            w.reg64("reg", (base, self.size))
            w.strings("compatible", "sifive,test1", "sifive,test0", "syscon", "simple-mfd")
            for child, compatible, value in (
                ("poweroff", "syscon-poweroff", FINISHER_PASS),
                ("reboot", "syscon-reboot", FINISHER_RESET),
            ):
                with w.node(child):
                    w.u32("value", value)
                    w.u32("offset", 0)
                    w.u32("regmap", w.phandle(label))
                    w.strings("compatible", compatible)
        return f"/soc/{node}"
