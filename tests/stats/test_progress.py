"""The progress display: silent off a terminal and for short runs; shows simulated time and
instructions on a terminal; clears itself at the end."""

from __future__ import annotations

import io
import time
from types import SimpleNamespace

import pytest

from hvsim.stats.progress import RunProgress, is_terminal


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def fake_host(now: int = 0, insns: int = 0) -> SimpleNamespace:
    return SimpleNamespace(env=SimpleNamespace(now=now), total_instructions=insns)


def run_for(progress: RunProgress, host: SimpleNamespace, seconds: float) -> None:
    with progress:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:  # a "simulation" making progress
            host.env.now += 10**9
            host.total_instructions += 12345
            time.sleep(0.005)


def test_silent_when_not_a_terminal() -> None:
    out = io.StringIO()
    progress = RunProgress(fake_host(), out, delay=0, interval=0.01)
    run_for(progress, progress.host, 0.1)
    assert out.getvalue() == "" and not progress.shown


def test_silent_for_short_runs() -> None:
    out = Terminal()
    progress = RunProgress(fake_host(), out, delay=5, interval=0.01)
    run_for(progress, progress.host, 0.05)
    assert out.getvalue() == "" and not progress.shown


def test_disabled_explicitly() -> None:
    out = Terminal()
    progress = RunProgress(fake_host(), out, delay=0, interval=0.01, enabled=False)
    run_for(progress, progress.host, 0.05)
    assert out.getvalue() == ""


def test_plain_line_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_rich(self: RunProgress) -> None:
        raise ImportError("rich")

    monkeypatch.setattr(RunProgress, "_run_rich", no_rich)
    out = Terminal()
    progress = RunProgress(fake_host(), out, until_ps=10**15, delay=0, interval=0.01)
    run_for(progress, progress.host, 0.15)
    text = out.getvalue()
    assert progress.shown
    assert "simulated" in text and "instructions" in text and "%]" in text
    assert text.endswith("\r")  # the line is blanked at the end
    last = text.rstrip("\r").rsplit("\r", 1)[-1]
    assert last.strip() == ""


def test_rich_bar_on_a_terminal() -> None:
    pytest.importorskip("rich")
    out = Terminal()
    progress = RunProgress(fake_host(), out, max_insns=10**9, delay=0, interval=0.01)
    run_for(progress, progress.host, 0.15)
    assert progress.shown
    assert "instructions" in out.getvalue()


def test_fraction_towards_the_limits() -> None:
    host = fake_host()
    assert RunProgress(host, io.StringIO()).fraction(5, 5) is None
    p = RunProgress(host, io.StringIO(), until_ps=100, max_insns=1000)
    assert p.fraction(25, 500) == 0.5  # the closer limit counts
    assert p.fraction(250, 0) == 1.0


def test_is_terminal() -> None:
    assert is_terminal(Terminal())
    assert not is_terminal(io.StringIO())
    closed = io.StringIO()
    closed.close()
    assert not is_terminal(closed)
