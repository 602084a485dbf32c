"""NS16550A register semantics, interrupts, and the access patterns of real drivers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hvsim.devices.base import DEVICE_TYPES
from hvsim.devices.uart16550 import Uart16550
from hvsim.mem.phys import PhysMem

# Register offsets (reg_shift 0) and bits, spelled out as in the 16550 data sheet.
RBR = THR = DLL = 0
IER = DLM = 1
IIR = FCR = 2
LCR = 3
MCR = 4
LSR = 5
MSR = 6
SCR = 7


class Rig:
    def __init__(self, rx: bytes = b"", reg_shift: int = 0) -> None:
        self.tx = bytearray()
        self.levels: list[bool] = []
        self.uart = Uart16550(
            on_tx=self.tx.append, rx=rx, irq=self.levels.append, reg_shift=reg_shift
        )
        self.shift = reg_shift

    def r(self, reg: int) -> int:
        return self.uart.read(reg << self.shift, 1 << self.shift if self.shift else 1)

    def w(self, reg: int, value: int) -> None:
        self.uart.write(reg << self.shift, 1 << self.shift if self.shift else 1, value)

    @property
    def level(self) -> bool:
        return self.levels[-1] if self.levels else False


def test_registered() -> None:
    assert DEVICE_TYPES["ns16550"] is Uart16550


def test_power_on_state() -> None:
    t = Rig()
    assert t.r(LSR) == 0x60  # THRE | TEMT, no data
    assert t.r(IIR) == 0x01  # no interrupt, FIFOs off
    assert t.r(IER) == 0
    assert t.r(LCR) == 0
    assert t.levels == []


def test_transmit_is_instant() -> None:
    t = Rig()
    for ch in b"hi\n":
        assert t.r(LSR) & 0x20
        t.w(THR, ch)
    assert bytes(t.tx) == b"hi\n"
    assert t.r(LSR) & 0x60 == 0x60


def test_receive_queue_and_data_ready() -> None:
    t = Rig(rx=b"ab")
    assert t.r(LSR) & 0x01
    assert t.r(RBR) == ord("a")
    assert t.r(LSR) & 0x01
    assert t.r(RBR) == ord("b")
    assert not t.r(LSR) & 0x01
    t.uart.feed(b"c")
    assert t.r(LSR) & 0x01 and t.r(RBR) == ord("c")


def test_dlab_selects_divisor_latches() -> None:
    t = Rig(rx=b"x")
    t.w(IER, 0x05)
    t.w(LCR, 0x83)  # DLAB + 8N1
    t.w(DLL, 0x01)
    t.w(DLM, 0x02)
    assert t.r(DLL) == 0x01 and t.r(DLM) == 0x02
    assert t.tx == b""  # the DLL write was not a transmission
    assert t.r(LSR) & 0x01  # RBR was not consumed by the DLL read
    t.w(LCR, 0x03)
    assert t.r(IER) == 0x05
    assert t.r(RBR) == ord("x")
    assert t.r(LCR) == 0x03


def test_scratch_register() -> None:
    t = Rig()
    t.w(SCR, 0xA5)
    assert t.r(SCR) == 0xA5


def test_ier_keeps_low_nibble_only() -> None:
    t = Rig()
    t.w(IER, 0xFF)
    assert t.r(IER) == 0x0F


def test_fifo_bits_in_iir_and_rx_clear() -> None:
    t = Rig(rx=b"abc")
    t.w(FCR, 0x01)
    assert t.r(IIR) & 0xC0 == 0xC0
    t.w(FCR, 0x03)  # enable + clear RX
    assert not t.r(LSR) & 0x01
    t.w(FCR, 0x00)
    assert t.r(IIR) & 0xC0 == 0


def test_rx_interrupt() -> None:
    t = Rig()
    t.w(IER, 0x01)
    assert t.r(IIR) == 0x01 and not t.level
    t.uart.feed(b"z")
    assert t.level
    assert t.r(IIR) & 0x0F == 0x04
    assert t.r(RBR) == ord("z")
    assert not t.level
    assert t.r(IIR) == 0x01


def test_thr_empty_interrupt_armed_by_ier_and_acked_by_iir_read() -> None:
    t = Rig()
    t.w(IER, 0x02)
    assert t.level
    assert t.r(IIR) == 0x02  # reading IIR acknowledges THRE
    assert not t.level
    assert t.r(IIR) == 0x01
    t.w(THR, ord("a"))  # THR empties again: re-armed
    assert t.level
    assert t.r(IIR) == 0x02
    assert not t.level


def test_thr_interrupt_cleared_by_disabling_etbei() -> None:
    t = Rig()
    t.w(IER, 0x02)
    assert t.level
    t.w(IER, 0x00)
    assert not t.level
    assert t.r(IIR) == 0x01


def test_rx_has_priority_over_thre() -> None:
    t = Rig(rx=b"q")
    t.w(IER, 0x03)
    assert t.r(IIR) == 0x04  # RX first; THRE stays pending
    t.r(RBR)
    assert t.r(IIR) == 0x02
    assert t.r(IIR) == 0x01


def test_irq_callback_only_on_changes() -> None:
    t = Rig()
    t.w(IER, 0x01)
    t.uart.feed(b"a")
    t.uart.feed(b"b")
    assert t.levels == [True]
    t.r(RBR)
    assert t.levels == [True]
    t.r(RBR)
    assert t.levels == [True, False]


def test_loopback_routes_tx_and_modem_lines() -> None:
    t = Rig()
    assert t.r(MSR) & 0xF0 == 0xB0  # CTS, DSR, DCD asserted by the "terminal"
    t.w(MCR, 0x10 | 0x0A)  # loop + RTS + OUT2, as Linux's 8250 probe does
    assert t.r(MSR) & 0xF0 == 0x90  # CTS + DCD
    t.w(THR, 0x5A)
    assert t.tx == b""
    assert t.r(LSR) & 0x01 and t.r(RBR) == 0x5A
    t.w(MCR, 0x10 | 0x05)  # loop + DTR + OUT1
    assert t.r(MSR) & 0xF0 == 0x60  # DSR + RI
    t.w(MCR, 0x00)
    t.w(THR, ord("!"))
    assert t.tx == b"!"


def test_modem_status_interrupt_from_loopback_changes() -> None:
    t = Rig()
    t.w(IER, 0x08)
    t.w(MCR, 0x10)  # loopback with all outputs low: CTS/DSR/DCD drop
    assert t.r(IIR) == 0x00  # modem status interrupt
    msr = t.r(MSR)
    assert msr & 0x0B == 0x0B  # delta CTS, DSR, DCD
    assert t.r(MSR) & 0x0F == 0  # deltas clear on read
    assert t.r(IIR) == 0x01


def test_reg_shift_2() -> None:
    t = Rig(rx=b"r", reg_shift=2)
    assert t.uart.read(5 << 2, 4) & 0x61 == 0x61
    t.uart.write(7 << 2, 4, 0x3C)
    assert t.uart.read(7 << 2, 4) == 0x3C
    assert t.uart.read(7, 1) == 0  # SCR at reg_shift 0 would be offset 7
    t.uart.write(0, 4, ord("k"))
    assert t.tx == b"k"


def test_on_the_bus() -> None:
    mem = PhysMem(0x8000_0000, 0x1000)
    out = bytearray()
    uart = Uart16550(on_tx=out.append)
    mem.map_device(0x1000_0000, uart.size, uart)
    for ch in b"ok":
        while not mem.read(0x1000_0005, 1) & 0x20:
            pass
        mem.write(0x1000_0000, 1, ch)
    assert out == b"ok"


def test_polling_driver_echo() -> None:
    """A bare-metal driver: init 115200 8N1 with FIFOs, echo what arrives, polling LSR."""
    t = Rig(rx=b"ping")
    t.w(IER, 0x00)
    t.w(LCR, 0x80)
    t.w(DLL, 0x01)
    t.w(DLM, 0x00)
    t.w(LCR, 0x03)
    t.w(FCR, 0x07)  # enable, clear both FIFOs (clears the queued input)
    t.uart.feed(b"ping")
    while t.r(LSR) & 0x01:
        ch = t.r(RBR)
        while not t.r(LSR) & 0x20:
            pass
        t.w(THR, ch)
    assert t.tx == b"ping"
    assert t.levels == []  # interrupts were never enabled


def test_linux_8250_probe_and_startup_sequence() -> None:
    """The checks drivers/tty/serial/8250 makes before trusting a port."""
    t = Rig()
    # autoconfig: IER read-back
    t.w(IER, 0)
    assert t.r(IER) & 0x0F == 0
    t.w(IER, 0x0F)
    assert t.r(IER) & 0x0F == 0x0F
    t.w(IER, 0)
    # FIFO detection: 16550A reports both FIFO bits
    t.w(FCR, 0x01)
    assert t.r(IIR) >> 6 == 3
    t.w(FCR, 0)
    # loopback test
    t.w(MCR, 0x10 | 0x0A)
    assert t.r(MSR) & 0xF0 == 0x90
    t.w(MCR, 0)
    # startup: clear FIFOs, read status registers, LSR must not float high
    t.w(FCR, 0x07)
    t.w(FCR, 0)
    assert t.r(LSR) != 0xFF
    t.r(RBR)
    t.r(IIR)
    t.r(MSR)
    # THRE test (UART_BUG_THRE / UART_BUG_TXEN): enabling THRI must raise THRI at once
    t.w(IER, 0x02)
    lsr = t.r(LSR)
    iir = t.r(IIR)
    t.w(IER, 0)
    assert not (lsr & 0x40 and iir & 0x01)
    t.w(IER, 0x02)
    iir = t.r(IIR)
    t.w(IER, 0)
    assert iir & 0x0F == 0x02
    # normal operation: 8N1, FIFOs on, RX interrupts, transmit on THRI
    t.w(LCR, 0x03)
    t.w(FCR, 0xC1)
    t.w(MCR, 0x0B)  # DTR RTS OUT2
    t.w(IER, 0x05)
    assert not t.level
    t.w(IER, 0x07)  # start_tx
    assert t.level
    message = b"Linux version 6.x\n"
    sent = 0
    while sent < len(message):  # the interrupt handler
        iir = t.r(IIR)
        assert iir & 0xC0 == 0xC0
        if iir & 0x01:
            break
        if iir & 0x0F == 0x02:
            for ch in message[sent : sent + 16]:  # up to the FIFO size per interrupt
                t.w(THR, ch)
            sent = min(len(message), sent + 16)
    t.w(IER, 0x05)  # stop_tx
    assert bytes(t.tx) == message
    assert t.r(IIR) & 0x0F == 0x01
    t.uart.feed(b"root\n")
    assert t.level
    got = bytearray()
    while t.r(IIR) & 0x0F == 0x04:
        while t.r(LSR) & 0x01:
            got.append(t.r(RBR))
    assert got == b"root\n"
    assert not t.level


OPS = st.lists(
    st.one_of(
        st.tuples(st.just("w"), st.integers(0, 7), st.integers(0, 255)),
        st.tuples(st.just("r"), st.integers(0, 7), st.just(0)),
        st.tuples(st.just("feed"), st.just(0), st.integers(0, 255)),
    ),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(ops=OPS)
def test_interrupt_output_matches_identification(ops) -> None:
    """After any access sequence the irq line equals "IIR reports an interrupt", and a
    pending RX interrupt is reported whenever it is enabled and data is waiting."""
    t = Rig()
    for op, reg, value in ops:
        if op == "w":
            t.w(reg, value)
        elif op == "r":
            t.r(reg)
        else:
            t.uart.feed(bytes((value,)))
    assert t.uart.irq_level == t.level
    lcr = t.r(LCR)
    t.w(LCR, lcr & 0x7F)
    ier = t.r(IER)
    data = bool(t.r(LSR) & 0x01)
    iir = t.r(IIR)
    assert (iir & 0x01 == 0) == t.level or iir & 0x0F == 0x02  # reading IIR may ack THRE
    if ier & 0x01 and data:
        assert iir & 0x0F in (0x04, 0x06)


@pytest.mark.parametrize("reg_shift", [0, 2])
def test_out_of_range_offsets_are_ignored(reg_shift: int) -> None:
    t = Rig(reg_shift=reg_shift)
    t.uart.write(8 << reg_shift, 1, 0x41)
    assert t.uart.read(8 << reg_shift, 1) == 0
    assert t.tx == b""
