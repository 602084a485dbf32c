"""Trap and stop-reason types shared by the hart, the bus and the hypervisor.

A synchronous exception is a Python exception (:class:`Trap`) raised from the instruction
semantics, the MMU or the bus; the hart's trap-entry logic catches it and performs the
privileged-spec trap entry.  Interrupts are not exceptions: the hart checks them at block
boundaries.  Cause codes come from the generated :mod:`hvsim.isa.encoding`.
"""

from __future__ import annotations

import enum

# Interrupt numbers (privileged spec, table "Machine interrupt-pending bits").
IRQ_S_SOFT = 1
IRQ_VS_SOFT = 2
IRQ_M_SOFT = 3
IRQ_S_TIMER = 5
IRQ_VS_TIMER = 6
IRQ_M_TIMER = 7
IRQ_S_EXT = 9
IRQ_VS_EXT = 10
IRQ_M_EXT = 11
IRQ_S_GEXT = 12
IRQ_LCOF = 13

MIP_SSIP = 1 << IRQ_S_SOFT
MIP_VSSIP = 1 << IRQ_VS_SOFT
MIP_MSIP = 1 << IRQ_M_SOFT
MIP_STIP = 1 << IRQ_S_TIMER
MIP_VSTIP = 1 << IRQ_VS_TIMER
MIP_MTIP = 1 << IRQ_M_TIMER
MIP_SEIP = 1 << IRQ_S_EXT
MIP_VSEIP = 1 << IRQ_VS_EXT
MIP_MEIP = 1 << IRQ_M_EXT
MIP_SGEIP = 1 << IRQ_S_GEXT
MIP_LCOFIP = 1 << IRQ_LCOF

INTERRUPT_BIT = 1 << 63


class Trap(Exception):
    """A synchronous exception raised while executing an instruction.

    ``tval`` goes to xtval, ``tval2`` to mtval2/htval (already shifted: GPA >> 2),
    ``tinst`` to mtinst/htinst, and ``gva`` says whether tval holds a guest virtual address.
    """

    __slots__ = ("cause", "gva", "tinst", "tval", "tval2")

    def __init__(
        self, cause: int, tval: int = 0, tval2: int = 0, tinst: int = 0, gva: bool = False
    ) -> None:
        super().__init__(cause, tval)
        self.cause = cause
        self.tval = tval
        self.tval2 = tval2
        self.tinst = tinst
        self.gva = gva

    def __repr__(self) -> str:
        return (
            f"Trap(cause={self.cause}, tval={self.tval:#x}, tval2={self.tval2:#x}, "
            f"tinst={self.tinst:#x}, gva={self.gva})"
        )


class BusError(Exception):
    """An access to a physical address that no RAM or device answers (becomes an access fault)."""


class StopReason(enum.Enum):
    """Why :meth:`hvsim.core.hart.Hart.run` returned."""

    BUDGET = "budget"  # the instruction budget is spent
    VMEXIT = "vmexit"  # a trap left V=1 for HS-mode and a hypervisor is attached
    WFI = "wfi"  # WFI with no interrupt pending: the driver should advance time
    YIELD = "yield"  # a timer or device was reprogrammed: the driver re-evaluates deadlines
    HALT = "halt"  # a device asked the machine to stop (HTIF exit, poweroff)
