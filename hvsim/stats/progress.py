"""A progress display for long runs: simulated time and instructions retired, on a terminal.

:class:`RunProgress` wraps ``host.run()``::

    with RunProgress(host, sys.stderr, until_ps=..., max_insns=...):
        outcome = host.run(...)

Nothing is shown unless the stream is a terminal and the run lasts longer than ``delay``
seconds of wall time (2 s by default); the display disappears when the run ends.  A daemon
thread samples ``host.env.now`` and ``host.total_instructions`` a few times per second and
redraws: the simulation itself never calls into this module, so it costs the run nothing
measurable and cannot change its results (the thread only reads two integers).  With
``--until`` or ``--max-insns`` the bar shows how far the run is towards that limit; otherwise
it pulses.  It uses rich when installed, else a single ``\\r``-rewritten line.
"""

from __future__ import annotations

import threading
import time
from typing import IO, TYPE_CHECKING, Any

from hvsim.hv.summary import format_time

if TYPE_CHECKING:
    from hvsim.hv.host import Host

DELAY_S = 2.0  # show nothing for runs shorter than this (wall time)
INTERVAL_S = 0.25  # redraw period


def is_terminal(stream: IO[str]) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # closed stream
        return False


class RunProgress:
    """Context manager showing a run's progress on ``stream`` (see the module docstring)."""

    def __init__(
        self,
        host: Host,
        stream: IO[str],
        until_ps: int | None = None,
        max_insns: int | None = None,
        delay: float = DELAY_S,
        interval: float = INTERVAL_S,
        enabled: bool | None = None,
        redirect_stdout: bool = False,
    ) -> None:
        self.host = host
        self.stream = stream
        self.until_ps = until_ps
        self.max_insns = max_insns
        self.delay = delay
        self.interval = interval
        self.enabled = is_terminal(stream) if enabled is None else enabled
        self.redirect_stdout = redirect_stdout  # rich only: print stdout above the bar
        self.shown = False  # whether the display ever appeared
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._start = 0.0

    # ---- what is shown ---------------------------------------------------------------------------
    def sample(self) -> tuple[int, int]:
        """(simulated ps, instructions retired) right now."""
        host = self.host
        return host.env.now, host.total_instructions

    def fraction(self, sim_ps: int, insns: int) -> float | None:
        """How far the run is towards its limit (None without one)."""
        parts = []
        if self.until_ps:
            parts.append(sim_ps / self.until_ps)
        if self.max_insns:
            parts.append(insns / self.max_insns)
        return min(1.0, max(parts)) if parts else None

    def describe(self, sim_ps: int, insns: int, wall: float) -> str:
        mips = insns / wall / 1e6 if wall > 0 else 0.0
        return (
            f"simulated {format_time(sim_ps)}, {insns:,} instructions, "
            f"wall {wall:.0f} s ({mips:.2f} MIPS)"
        )

    # ---- the thread -----------------------------------------------------------------------------
    def __enter__(self) -> RunProgress:
        if self.enabled:
            self._start = time.monotonic()
            self._thread = threading.Thread(target=self._run, name="hvsim-progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        if self._stop.wait(self.delay):
            return  # a short run: nothing shown
        self.shown = True
        try:
            self._run_rich()
        except ImportError:
            self._run_plain()

    def _run_rich(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn

        console = Console(file=self.stream)
        progress = Progress(
            SpinnerColumn(),
            TextColumn("hvsim"),
            BarColumn(),
            TextColumn("{task.description}"),
            console=console,
            transient=True,
            auto_refresh=False,
            redirect_stdout=self.redirect_stdout,
            redirect_stderr=False,
        )
        with progress:
            task = progress.add_task("", total=None)
            while True:
                self._update_rich(progress, task)
                if self._stop.wait(self.interval):
                    break

    def _update_rich(self, progress: Any, task: Any) -> None:
        sim_ps, insns = self.sample()
        frac = self.fraction(sim_ps, insns)
        text = self.describe(sim_ps, insns, time.monotonic() - self._start)
        if frac is None:
            progress.update(task, description=text)
        else:
            progress.update(task, description=text, total=1000, completed=int(frac * 1000))
        progress.refresh()

    def _run_plain(self) -> None:
        width = 0
        while True:
            sim_ps, insns = self.sample()
            text = "hvsim: " + self.describe(sim_ps, insns, time.monotonic() - self._start)
            frac = self.fraction(sim_ps, insns)
            if frac is not None:
                text += f" [{100 * frac:5.1f}%]"
            self.stream.write("\r" + text.ljust(width))
            self.stream.flush()
            width = max(width, len(text))
            if self._stop.wait(self.interval):
                break
        self.stream.write("\r" + " " * width + "\r")
        self.stream.flush()
