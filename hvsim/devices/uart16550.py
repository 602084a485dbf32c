"""A register-level NS16550A UART (the ``ns16550a`` of QEMU's virt board and of device trees).

Registers (index = offset >> ``reg_shift``; DLAB is LCR bit 7):

====== ================= =================
index  read              write
====== ================= =================
0      RBR (DLL if DLAB) THR (DLL if DLAB)
1      IER (DLM if DLAB) IER (DLM if DLAB)
2      IIR               FCR
3      LCR               LCR
4      MCR               MCR
5      LSR               (ignored)
6      MSR               (ignored)
7      SCR               SCR
====== ================= =================

Transmission is instant: THR is always empty (LSR THRE|TEMT) and each byte written to THR is
handed to ``on_tx`` at once.  Received bytes come from a queue (constructor or :meth:`feed`);
LSR.DR is set while it is not empty and RBR pops it.

Interrupts follow the 8250 rules Linux relies on (and QEMU implements): identification by
priority RX line status > RX data > THR empty > modem status; the "THR empty" interrupt is
armed when THR empties (each transmitted byte) or when IER.ETBEI is set while THR is empty,
and acknowledged by reading IIR while it is the reported source or by writing THR.  The
``irq(level)`` callback is called whenever the interrupt output changes.  With FIFOs enabled
(FCR bit 0) IIR reads with bits 7:6 set.  MCR loopback (bit 4) routes TX to RX and the modem
control outputs to the modem status inputs, as the 8250 probe expects.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from hvsim.devices.base import Device, register_device

if TYPE_CHECKING:
    from hvsim.config.model import DeviceConfig
    from hvsim.hv.vm import VM

# Register indices.
RBR = THR = DLL = 0
IER = DLM = 1
IIR = FCR = 2
LCR = 3
MCR = 4
LSR = 5
MSR = 6
SCR = 7

IER_ERBFI = 0x01  # RX data available
IER_ETBEI = 0x02  # THR empty
IER_ELSI = 0x04  # RX line status
IER_EDSSI = 0x08  # modem status

IIR_NO_INT = 0x01
IIR_MSI = 0x00
IIR_THRI = 0x02
IIR_RDI = 0x04
IIR_RLSI = 0x06
IIR_FIFO_BITS = 0xC0

FCR_ENABLE = 0x01
FCR_CLEAR_RX = 0x02
FCR_CLEAR_TX = 0x04

LCR_DLAB = 0x80

MCR_DTR = 0x01
MCR_RTS = 0x02
MCR_OUT1 = 0x04
MCR_OUT2 = 0x08
MCR_LOOP = 0x10

LSR_DR = 0x01
LSR_OE = 0x02
LSR_BI = 0x10
LSR_THRE = 0x20
LSR_TEMT = 0x40
LSR_ERRORS = 0x1E

MSR_DCTS = 0x01
MSR_DDSR = 0x02
MSR_TERI = 0x04
MSR_DDCD = 0x08
MSR_CTS = 0x10
MSR_DSR = 0x20
MSR_RI = 0x40
MSR_DCD = 0x80
MSR_DELTAS = 0x0F

#: The modem status inputs a real terminal presents when not in loopback (CTS, DSR, DCD).
MSR_IDLE_LINES = MSR_CTS | MSR_DSR | MSR_DCD

TxSink = Callable[[int], None]
IrqLine = Callable[[bool], None]


def _loopback_msr(mcr: int) -> int:
    """Modem status inputs in loopback: RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD."""
    return (
        (MSR_CTS if mcr & MCR_RTS else 0)
        | (MSR_DSR if mcr & MCR_DTR else 0)
        | (MSR_RI if mcr & MCR_OUT1 else 0)
        | (MSR_DCD if mcr & MCR_OUT2 else 0)
    )


@register_device
class Uart16550(Device):
    """NS16550A UART with instant transmission and a queued receiver."""

    kind = "ns16550"
    default_size = 0x100
    #: Scenario options of a VM's UART (see :mod:`hvsim.devices.vm_uart`).
    OPTIONS: ClassVar[dict[str, Any]] = {
        "reg_shift": int,
        "clock_frequency": int,
        "rx_interval_us": int,
    }

    def __init__(
        self,
        on_tx: TxSink | None = None,
        rx: bytes = b"",
        irq: IrqLine | None = None,
        reg_shift: int = 0,
        name: str = "",
        size: int | None = None,
    ) -> None:
        super().__init__(name, size)
        if reg_shift < 0:
            raise ValueError("reg_shift must be >= 0")
        self.on_tx = on_tx
        self.irq = irq
        self.reg_shift = reg_shift
        self.rx: deque[int] = deque(rx)
        self.tx_count = 0
        self._readers: dict[int, Callable[[], int]] = {
            RBR: self._read_rbr,
            IER: self._read_ier,
            IIR: self._read_iir,
            LCR: lambda: self.lcr,
            MCR: lambda: self.mcr,
            LSR: self._read_lsr,
            MSR: self._read_msr,
            SCR: lambda: self.scr,
        }
        self._writers: dict[int, Callable[[int], None]] = {
            THR: self._write_thr,
            IER: self._write_ier,
            FCR: self._write_fcr,
            LCR: self._write_lcr,
            MCR: self._write_mcr,
            SCR: self._write_scr,
        }
        self.reset()

    def reset(self) -> None:
        self.ier = 0
        self.fcr = 0
        self.lcr = 0
        self.mcr = 0
        self.scr = 0
        self.dll = 0x0C  # 9600 baud at 1.8432 MHz, a conventional power-on divisor
        self.dlm = 0
        self.lsr_errors = 0
        self.msr_deltas = 0
        self.thr_ipending = False
        self.iir_id = IIR_NO_INT
        self._irq_level = False
        self._update()

    @classmethod
    def create_for_vm(cls, vm: VM, cfg: DeviceConfig, name: str) -> Uart16550:
        """A VM's UART: console TX/RX, PLIC interrupt, device-tree node (:mod:`.vm_uart`)."""
        from hvsim.devices.vm_uart import create_vm_uart  # the VM-side adapter imports us

        return create_vm_uart(vm, cfg, name)

    # ---- host side --------------------------------------------------------------------------
    def feed(self, data: bytes) -> None:
        """Queue received bytes (from the terminal/host)."""
        self.rx.extend(data)
        self._update()

    @property
    def irq_level(self) -> bool:
        """The current level of the interrupt output."""
        return self._irq_level

    # ---- bus side ---------------------------------------------------------------------------
    def _index(self, offset: int) -> int | None:
        if offset & ((1 << self.reg_shift) - 1):
            return None
        index = offset >> self.reg_shift
        return index if index < 8 else None

    def read(self, offset: int, size: int) -> int:
        index = self._index(offset)
        if index is None:
            return 0
        return self._readers[index]()

    def write(self, offset: int, size: int, value: int) -> None:
        index = self._index(offset)
        if index is None:
            return
        writer = self._writers.get(index)
        if writer is not None:
            writer(value & 0xFF)

    # ---- registers --------------------------------------------------------------------------
    def _read_rbr(self) -> int:
        if self.lcr & LCR_DLAB:
            return self.dll
        value = self.rx.popleft() if self.rx else 0
        self._update()
        return value

    def _read_ier(self) -> int:
        return self.dlm if self.lcr & LCR_DLAB else self.ier

    def _read_iir(self) -> int:
        value = self.iir_id | (IIR_FIFO_BITS if self.fcr & FCR_ENABLE else 0)
        if self.iir_id == IIR_THRI:
            self.thr_ipending = False  # reading IIR acknowledges the THR-empty interrupt
            self._update()
        return value

    def _read_lsr(self) -> int:
        value = self.lsr_errors | LSR_THRE | LSR_TEMT | (LSR_DR if self.rx else 0)
        if self.lsr_errors:
            self.lsr_errors = 0  # error bits clear on read
            self._update()
        return value

    def _read_msr(self) -> int:
        lines = _loopback_msr(self.mcr) if self.mcr & MCR_LOOP else MSR_IDLE_LINES
        value = lines | self.msr_deltas
        if self.msr_deltas:
            self.msr_deltas = 0  # delta bits clear on read
            self._update()
        return value

    def _write_thr(self, value: int) -> None:
        if self.lcr & LCR_DLAB:
            self.dll = value
            return
        self.tx_count += 1
        if self.mcr & MCR_LOOP:
            self.rx.append(value)
        elif self.on_tx is not None:
            self.on_tx(value)
        self.thr_ipending = True  # THR emptied again at once
        self._update()

    def _write_ier(self, value: int) -> None:
        if self.lcr & LCR_DLAB:
            self.dlm = value
            return
        old = self.ier
        self.ier = value & 0x0F
        if (old ^ self.ier) & IER_ETBEI:
            self.thr_ipending = bool(self.ier & IER_ETBEI)  # THR is always empty
        self._update()

    def _write_fcr(self, value: int) -> None:
        if value & FCR_CLEAR_RX:
            self.rx.clear()
        self.fcr = value & (FCR_ENABLE | 0xC0)  # enable + RX trigger level; clear bits self-clear
        self._update()

    def _write_lcr(self, value: int) -> None:
        self.lcr = value

    def _write_mcr(self, value: int) -> None:
        old_lines = _loopback_msr(self.mcr) if self.mcr & MCR_LOOP else MSR_IDLE_LINES
        self.mcr = value & 0x1F
        new_lines = _loopback_msr(self.mcr) if self.mcr & MCR_LOOP else MSR_IDLE_LINES
        changed = old_lines ^ new_lines
        deltas = (
            (MSR_DCTS if changed & MSR_CTS else 0)
            | (MSR_DDSR if changed & MSR_DSR else 0)
            | (MSR_DDCD if changed & MSR_DCD else 0)
            | (MSR_TERI if old_lines & MSR_RI and not new_lines & MSR_RI else 0)
        )
        self.msr_deltas |= deltas
        self._update()

    def _write_scr(self, value: int) -> None:
        self.scr = value

    # ---- interrupt identification -------------------------------------------------------------
    def _update(self) -> None:
        ier = self.ier
        if ier & IER_ELSI and self.lsr_errors:
            ident = IIR_RLSI
        elif ier & IER_ERBFI and self.rx:
            ident = IIR_RDI
        elif ier & IER_ETBEI and self.thr_ipending:
            ident = IIR_THRI
        elif ier & IER_EDSSI and self.msr_deltas:
            ident = IIR_MSI
        else:
            ident = IIR_NO_INT
        self.iir_id = ident
        level = ident != IIR_NO_INT
        if level != self._irq_level:
            self._irq_level = level
            if self.irq is not None:
                self.irq(level)
