"""Clocks: where a hart's ``time``/``cycle`` and a CLINT's ``mtime`` come from.

Time is never wall-clock.  A bare-metal machine uses :class:`InstructionClock`: each retired
instruction is one cycle at ``freq_hz`` (CPI = 1), and cycles spent idle in WFI are added by
the machine driver when it skips ahead to the next timer deadline.  ``mtime`` ticks at
``timebase_hz``.  The hypervisor installs its own clock derived from SimPy time.

The hart tells its clock how many instructions it has retired, including those retired so
far in the batch that is running (``hart.retired_now()``), so a ``rdtime`` or an ``mtime`` read
in the middle of a batch is exact.
"""

from __future__ import annotations

from typing import Protocol


class RetiredCounter(Protocol):
    def retired_now(self) -> int: ...


class Clock(Protocol):
    """What a hart and a timer device need from a clock."""

    timebase_hz: int

    def cycles(self) -> int:
        """Cycles elapsed on this hart (drives mcycle)."""
        ...

    def mtime(self) -> int:
        """The platform time in timebase ticks (drives ``time`` and CLINT ``mtime``)."""
        ...

    def insns_until(self, mtime: int) -> int:
        """Instructions the hart may retire before ``mtime`` is reached (0 if it already is)."""
        ...


class InstructionClock:
    """Time derived from retired instructions plus skipped idle cycles (CPI = 1)."""

    def __init__(self, freq_hz: int = 1_000_000_000, timebase_hz: int = 10_000_000) -> None:
        if freq_hz <= 0 or timebase_hz <= 0:
            raise ValueError("clock frequencies must be positive")
        self.freq_hz = freq_hz
        self.timebase_hz = timebase_hz
        self.idle_cycles = 0
        self._counter: RetiredCounter | None = None

    def attach(self, counter: RetiredCounter) -> None:
        self._counter = counter

    def cycles(self) -> int:
        retired = self._counter.retired_now() if self._counter is not None else 0
        return retired + self.idle_cycles

    def mtime(self) -> int:
        return self.cycles() * self.timebase_hz // self.freq_hz

    def cycles_at(self, mtime: int) -> int:
        """The first cycle count at which the platform time reaches ``mtime``."""
        return -(-mtime * self.freq_hz // self.timebase_hz)

    def insns_until(self, mtime: int) -> int:
        return max(0, self.cycles_at(mtime) - self.cycles())

    def skip_idle_to(self, mtime: int) -> None:
        """Advance time while the hart idles (WFI) until the platform time reaches ``mtime``."""
        self.idle_cycles += max(0, self.cycles_at(mtime) - self.cycles())
