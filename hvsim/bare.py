"""The bare-metal machine: one hart, RAM, CLINT, UART, test finisher and HTIF, like Spike/QEMU.

:class:`BareMachine` builds the board (memory map from :data:`BOARDS`), places a program image
and drives the hart in batches.  A batch never runs past the next timer deadline (CLINT
``mtimecmp`` or the hart's Sstc ``stimecmp``/``vstimecmp``), so timer interrupts arrive on the
exact instruction; device state (MTIP, STIP) is re-evaluated at batch boundaries.  When the
hart waits in WFI the clock skips idle time to the next deadline; with no deadline ahead
(and still asleep when run again after the timers were re-evaluated) nothing can ever wake
it, and the run ends as a deadlock.

:func:`run_program` is the whole ``hvsim bare`` flow: validate the ELF before building
anything, load it, enter it in M-mode with ``a0 = hartid`` and ``a1 = 0``, run, and report.
"""

from __future__ import annotations

import codecs
import io
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TextIO

import structlog

from hvsim.core.clock import Clock, InstructionClock
from hvsim.core.trap import StopReason
from hvsim.devices.clint import Clint
from hvsim.devices.htif import Htif
from hvsim.devices.sifive_test import SifiveTest
from hvsim.devices.uart16550 import Uart16550
from hvsim.gctune import collecting_rarely
from hvsim.loader.elf import ElfImage, LoaderError, load_elf
from hvsim.mem.phys import PAGE_SIZE, PhysMem

log = structlog.get_logger(__name__)

PRV_M = 3
DEFAULT_MEMORY = 256 << 20
DEFAULT_CHUNK = 1_000_000  # instructions per batch when no timer deadline is nearer
DEFAULT_FREQ_HZ = 1_000_000_000
DEFAULT_TIMEBASE_HZ = 10_000_000

# Why a run ended (BareResult.reason).
REASON_EXIT = "exit"  # the program exited (HTIF, test finisher pass/fail)
REASON_RESET = "reset"  # the program asked for a reset (test finisher)
REASON_HALT = "halt"  # the hart halted without a device saying why
REASON_MAX_INSNS = "max-insns"  # the instruction limit was reached
REASON_DEADLOCK = "deadlock"  # WFI with no timer deadline ahead: nothing can wake the hart


@dataclass(frozen=True)
class Board:
    """A memory map: RAM base and the base address of each device role."""

    name: str
    ram_base: int
    devices: dict[str, int] = field(default_factory=dict)


BOARDS: dict[str, Board] = {
    "spike": Board("spike", 0x8000_0000, {"clint": 0x200_0000, "uart": 0x1000_0000}),
    "virt": Board(
        "virt",
        0x8000_0000,
        {"test": 0x10_0000, "clint": 0x200_0000, "uart": 0x1000_0000},
    ),
}


def board_for(kind: str, memory: int) -> Board:
    """The board called ``kind``, after checking that ``memory`` bytes of RAM fit on it."""
    board = BOARDS.get(kind)
    if board is None:
        raise ValueError(f"unknown machine {kind!r} (choose from {', '.join(BOARDS)})")
    if memory <= 0 or memory % PAGE_SIZE:
        raise ValueError(f"memory size {memory} is not a positive multiple of 4 KiB")
    if board.ram_base + memory > 1 << 56:
        raise ValueError(f"memory size {memory:#x} does not fit the 56-bit physical space")
    return board


class BareHart(Protocol):
    """The part of :class:`hvsim.core.hart.Hart` the bare machine drives."""

    pc: int
    x: list[int]
    priv: int
    trace: TextIO | None
    trap_count: int

    def run(self, budget: int) -> tuple[int, StopReason]: ...

    def retired_now(self) -> int: ...

    def set_pending(self, mask: int, level: bool) -> None: ...

    def request_stop(self) -> None: ...

    def request_yield(self) -> None: ...

    def next_timer_deadline(self) -> int | None: ...

    def update_timers(self) -> None: ...


HartFactory = Callable[[PhysMem, int, Clock], BareHart]


def default_hart(mem: PhysMem, hartid: int, clock: Clock) -> BareHart:
    """Build the real hart (imported late so the devices and loader work without it)."""
    from hvsim.core.hart import Hart

    return Hart(mem, hartid=hartid, clock=clock)


class ConsoleSink:
    """Bytes from the guest console (UART, HTIF) to a text or binary stream."""

    def __init__(self, stream: TextIO | io.BufferedIOBase | io.RawIOBase) -> None:
        self.stream = stream
        self.binary = isinstance(stream, io.BufferedIOBase | io.RawIOBase)
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def __call__(self, data: bytes) -> None:
        if self.binary:
            self.stream.write(data)  # type: ignore[arg-type]
        else:
            self.stream.write(self._decoder.decode(data))  # type: ignore[arg-type]
        if b"\n" in data:
            self.flush()

    def put_byte(self, byte: int) -> None:
        self(bytes((byte,)))

    def flush(self) -> None:
        if not self.binary:
            tail = self._decoder.decode(b"", final=True)
            if tail:
                self.stream.write(tail)  # type: ignore[arg-type]
        flush = getattr(self.stream, "flush", None)
        if flush is not None:
            flush()


@dataclass
class BareResult:
    """How a bare-metal run ended."""

    exit_code: int | None
    retired: int
    wall_seconds: float
    reason: str

    @property
    def mips(self) -> float:
        """Millions of instructions per wall-clock second."""
        return self.retired / self.wall_seconds / 1e6 if self.wall_seconds > 0 else 0.0


class BareMachine:
    """One hart on a Spike- or QEMU-virt-like board, run without a hypervisor."""

    def __init__(
        self,
        kind: str = "spike",
        memory: int = DEFAULT_MEMORY,
        trace: TextIO | None = None,
        console: TextIO | io.BufferedIOBase | io.RawIOBase | None = None,
        freq_hz: int = DEFAULT_FREQ_HZ,
        timebase_hz: int = DEFAULT_TIMEBASE_HZ,
        hart_factory: HartFactory = default_hart,
    ) -> None:
        board = self.board = board_for(kind, memory)
        try:
            self.mem = PhysMem(board.ram_base, memory)
        except (OSError, OverflowError) as exc:
            raise ValueError(f"cannot allocate {memory} bytes of RAM ({exc})") from None
        self.clock = InstructionClock(freq_hz, timebase_hz)
        self.hart = hart_factory(self.mem, 0, self.clock)
        self.clock.attach(self.hart)
        self.hart.trace = trace
        self.console = ConsoleSink(console if console is not None else sys.stdout)
        self.stop_reason: str | None = None
        self.exit_code: int | None = None
        self.htif: Htif | None = None
        self.clint = Clint([self.hart], self.clock)
        self.uart = Uart16550(on_tx=self.console.put_byte)
        self.finisher = SifiveTest(self._on_finisher)
        builders = {"clint": self.clint, "uart": self.uart, "test": self.finisher}
        for role, base in board.devices.items():
            device = builders[role]
            self.mem.map_device(base, device.size, device)

    # ---- stop callbacks -----------------------------------------------------------------------
    def _stop(self, reason: str, code: int | None) -> None:
        if self.stop_reason is None:
            self.stop_reason, self.exit_code = reason, code
        self.hart.request_stop()

    def _on_htif_exit(self, code: int) -> None:
        self._stop(REASON_EXIT, code)

    def _on_finisher(self, kind: str, code: int) -> None:
        self._stop(
            REASON_RESET if kind == "reset" else REASON_EXIT, None if kind == "reset" else code
        )

    # ---- loading ----------------------------------------------------------------------------
    def load(self, image: ElfImage, hartid: int = 0) -> None:
        """Place ``image`` in RAM, attach HTIF if it has ``tohost``, and enter it in M-mode."""
        image.check(self.mem)
        tohost = image.tohost
        if tohost is not None and not self.mem.is_ram(tohost, 8):
            raise LoaderError(f"{image.path}: tohost symbol at {tohost:#x} lies outside RAM")
        image.place(self.mem)
        if tohost is not None:
            self.htif = Htif(self._on_htif_exit, self.console)
            self.htif.attach(self.mem, tohost, image.fromhost)
        hart = self.hart
        hart.pc = image.entry
        hart.priv = PRV_M
        hart.x[10] = hartid
        hart.x[11] = 0

    # ---- running ----------------------------------------------------------------------------
    def _deadline(self) -> int | None:
        both = (self.clint.next_deadline(), self.hart.next_timer_deadline())
        found = [d for d in both if d is not None]
        return min(found) if found else None

    def _sync_timers(self) -> None:
        self.clint.update()
        self.hart.update_timers()

    def run(self, max_insns: int | None = None, chunk: int = DEFAULT_CHUNK) -> BareResult:
        """Drive the hart until the program stops, deadlocks or ``max_insns`` retire."""
        with collecting_rarely():
            return self._run(max_insns, chunk)

    def _run(self, max_insns: int | None, chunk: int) -> BareResult:
        hart, clock = self.hart, self.clock
        retired = 0
        steps = 0  # retired instructions plus traps taken: a trap storm also reaches max_insns
        reason: str | None = None
        dozing = False  # the last stop was WFI with no timer deadline ahead
        start = time.perf_counter()
        self._sync_timers()
        while reason is None:
            deadline = self._deadline()
            budget = chunk if deadline is None else min(chunk, clock.insns_until(deadline))
            if max_insns is not None:
                budget = min(budget, max_insns - steps)
            traps_before = hart.trap_count
            n, stop = hart.run(max(1, budget))
            retired += n
            steps += n + hart.trap_count - traps_before
            self._sync_timers()
            if stop is StopReason.HALT:
                reason = self.stop_reason or REASON_HALT
            elif stop is StopReason.WFI:
                deadline = self._deadline()
                if deadline is not None and deadline > clock.mtime():
                    clock.skip_idle_to(deadline)
                    self._sync_timers()
                    dozing = False
                elif dozing and n == 0:
                    reason = REASON_DEADLOCK  # asked again after the timers were synced
                else:
                    dozing = True  # a timer may have fired at this very boundary: look again
            else:
                dozing = False
            if reason is None and max_insns is not None and steps >= max_insns:
                reason = REASON_MAX_INSNS
        wall = time.perf_counter() - start
        self.console.flush()
        code = self.exit_code if reason in (REASON_EXIT, REASON_HALT) else None
        log.debug("bare.stop", reason=reason, retired=retired, exit_code=code, wall=wall)
        return BareResult(code, retired, wall, reason)


def run_program(
    path: str | Path,
    machine: str = "spike",
    memory: int = DEFAULT_MEMORY,
    max_insns: int | None = None,
    trace: TextIO | None = None,
    console: TextIO | io.BufferedIOBase | io.RawIOBase | None = None,
    hart_factory: HartFactory | None = None,
) -> BareResult:
    """Load the ELF at ``path`` on a fresh bare machine and run it to the end.

    Raises :class:`~hvsim.loader.elf.LoaderError` for an unfit ELF and :class:`ValueError`
    for a bad machine name or memory size, all before any instruction runs.
    """
    if max_insns is not None and max_insns <= 0:
        raise ValueError("max_insns must be positive")
    image = load_elf(path)
    board = board_for(machine, memory)
    image.check(RamRange(board.ram_base, board.ram_base + memory))
    factory = hart_factory if hart_factory is not None else default_hart
    m = BareMachine(machine, memory, trace=trace, console=console, hart_factory=factory)
    m.load(image)
    log.debug("bare.start", path=str(path), machine=machine, entry=hex(image.entry))
    return m.run(max_insns)


@dataclass(frozen=True)
class RamRange:
    """A RAM range, to check an image against before any memory is allocated."""

    ram_base: int
    ram_end: int

    def is_ram(self, pa: int, size: int = 1) -> bool:
        return self.ram_base <= pa and pa + size <= self.ram_end
