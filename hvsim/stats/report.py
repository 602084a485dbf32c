"""``hvsim report OUTDIR``: the ``perf kvm stat report`` table of a finished run's exits.

Reads ``OUTDIR/exits.csv`` (and ``stats.json`` for the run's outcome and VM list) written by
``hvsim run -o OUTDIR``, so a report never re-runs the simulation.  Exits are grouped by
event (``kind.detail``, e.g. ``sbi.time.set_timer``; or by kind alone), optionally only
those of one VM and/or one vCPU index, and each row shows::

    Event  Samples  Samples%  Time%  Min Time  Max Time  Avg time (+- relative std. error)

where "time" is the simulated exit-handling time (``handling_ps``) and percentages are of
the selected exits.  A ``Total`` row closes the table.  Rows are sorted by samples or by
total time (largest first; ties by name).  :func:`build_report` computes the numbers,
:func:`format_report` renders plain text, :func:`rich_table` a rich table (when installed).
"""

from __future__ import annotations

import csv
import json
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

EXITS_CSV = "exits.csv"
STATS_JSON = "stats.json"
SORT_KEYS = ("samples", "time")
GROUPINGS = ("event", "kind")
HEADER = ("Event", "Samples", "Samples%", "Time%", "Min Time", "Max Time", "Avg time")
PS_PER_US = 10**6


class ReportError(ValueError):
    """An OUTDIR that cannot be reported on (missing or malformed files, unknown VM)."""


@dataclass(frozen=True)
class ExitSample:
    """One row of exits.csv, as much as the report needs."""

    vm: str
    vcpu: int
    kind: str
    event: str
    handling_ps: int


@dataclass(frozen=True)
class ReportRow:
    event: str
    samples: int
    time_ps: int
    min_ps: int
    max_ps: int
    #: Relative standard error of the mean in percent (perf's "+-"), 0 for one sample.
    stderr_pct: float

    @property
    def mean_ps(self) -> float:
        return self.time_ps / self.samples


@dataclass(frozen=True)
class Report:
    title: str
    rows: list[ReportRow]
    total: ReportRow | None  # None when no exit matched
    outcome: str | None = None
    elapsed_ps: int | None = None


# ---- reading ------------------------------------------------------------------------------------
def load_exits(outdir: Path) -> list[ExitSample]:
    """The exit records of ``outdir/exits.csv``."""
    path = outdir / EXITS_CSV
    if not path.is_file():
        what = "no such directory" if not outdir.is_dir() else f"no {EXITS_CSV} in it"
        raise ReportError(f"{outdir}: {what} (write one with `hvsim run SCENARIO -o {outdir}`)")
    out = []
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = {"vm", "vcpu", "kind", "detail", "handling_ps"} - set(reader.fieldnames or ())
        if missing:
            raise ReportError(f"{path}: not an hvsim exits table (no {', '.join(sorted(missing))})")
        for line, row in enumerate(reader, start=2):
            try:
                vcpu, handling = int(row["vcpu"]), int(row["handling_ps"])
            except (TypeError, ValueError):
                raise ReportError(f"{path}:{line}: bad vcpu or handling_ps") from None
            kind, detail = row["kind"], row["detail"]
            event = f"{kind}.{detail}" if detail else kind
            out.append(ExitSample(row["vm"], vcpu, kind, event, handling))
    return out


def load_stats(outdir: Path) -> dict[str, Any] | None:
    """``outdir/stats.json`` if present (the report works without it)."""
    path = outdir / STATS_JSON
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReportError(f"{path}: not valid JSON ({exc})") from None


# ---- computing ----------------------------------------------------------------------------------
def _row(event: str, values: Sequence[int]) -> ReportRow:
    n = len(values)
    total = sum(values)
    mean = total / n
    stderr_pct = 0.0
    if n > 1 and mean:
        variance = sum((v - mean) ** 2 for v in values) / (n - 1)
        stderr_pct = 100 * math.sqrt(variance / n) / mean
    return ReportRow(event, n, total, min(values), max(values), stderr_pct)


def select(
    exits: Iterable[ExitSample], vm: str | None = None, vcpu: int | None = None
) -> list[ExitSample]:
    return [e for e in exits if (vm is None or e.vm == vm) and (vcpu is None or e.vcpu == vcpu)]


def build_report(
    exits: Iterable[ExitSample],
    vm: str | None = None,
    vcpu: int | None = None,
    sort: str = "samples",
    by: str = "event",
    stats: dict[str, Any] | None = None,
) -> Report:
    """Group the selected exits into report rows (see the module docstring)."""
    if sort not in SORT_KEYS:
        raise ReportError(f"unknown sort key {sort!r} (expected one of {', '.join(SORT_KEYS)})")
    if by not in GROUPINGS:
        raise ReportError(f"unknown grouping {by!r} (expected one of {', '.join(GROUPINGS)})")
    exits = list(exits)
    if vm is not None:
        known = set(stats["vms"]) if stats and "vms" in stats else {e.vm for e in exits}
        if vm not in known:
            raise ReportError(f"no VM {vm!r} in this run (VMs: {', '.join(sorted(known))})")
    chosen = select(exits, vm, vcpu)
    groups: dict[str, list[int]] = defaultdict(list)
    for e in chosen:
        groups[e.event if by == "event" else e.kind].append(e.handling_ps)
    rows = [_row(name, values) for name, values in groups.items()]
    if sort == "samples":
        rows.sort(key=lambda r: (-r.samples, -r.time_ps, r.event))
    else:
        rows.sort(key=lambda r: (-r.time_ps, -r.samples, r.event))
    total = _row("Total", [e.handling_ps for e in chosen]) if chosen else None
    vm_part = "all VMs" if vm is None else f"VM {vm}"
    vcpu_part = "all VCPUs" if vcpu is None else f"VCPU {vcpu}"
    return Report(
        title=f"Analyze events for {vm_part}, {vcpu_part}:",
        rows=rows,
        total=total,
        outcome=stats.get("outcome") if stats else None,
        elapsed_ps=stats.get("elapsed_ps") if stats else None,
    )


# ---- rendering ----------------------------------------------------------------------------------
def format_us(ps: float) -> str:
    """Picoseconds as perf prints times: microseconds with two decimals, ``"1.23us"``."""
    return f"{ps / PS_PER_US:.2f}us"


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.2f}%" if whole else "0.00%"


def cells(report: Report) -> list[tuple[str, ...]]:
    """The table's rows as text cells (the total row last)."""
    total = report.total
    if total is None:
        return []
    out = []
    for r in [*report.rows, total]:
        out.append(
            (
                r.event,
                str(r.samples),
                _percent(r.samples, total.samples),
                _percent(r.time_ps, total.time_ps),
                format_us(r.min_ps),
                format_us(r.max_ps),
                f"{format_us(r.mean_ps)} ( +- {r.stderr_pct:6.2f}% )",
            )
        )
    return out


def footer(report: Report) -> str:
    total = report.total
    samples = total.samples if total else 0
    handled = format_us(total.time_ps if total else 0)
    line = f"Total Samples:{samples}, Total events handled time:{handled}."
    if report.elapsed_ps is not None:
        line += f" Simulated time:{format_us(report.elapsed_ps)}"
        if report.outcome:
            line += f" ({report.outcome})"
        line += "."
    return line


def format_report(report: Report) -> str:
    """The report as plain text, columns aligned like perf's (event right-aligned too)."""
    rows = cells(report)
    if not rows:
        return f"{report.title}\n\nno VM exits\n"
    table = [HEADER, *rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(HEADER))]
    lines = [report.title, ""]
    for i, r in enumerate(table):
        if i == len(table) - 1:
            lines.append("")  # the total row stands apart
        lines.append("  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)).rstrip())
        if i == 0:
            lines.append("")
    lines += ["", footer(report)]
    return "\n".join(lines) + "\n"


def rich_available() -> bool:
    try:
        import rich  # noqa: F401
    except ImportError:
        return False
    return True


def rich_table(report: Report) -> Any:
    """The report as a :class:`rich.table.Table` (requires rich).

    Numbers never shrink: on a narrow terminal the event names wrap instead.
    """
    from rich import box
    from rich.table import Table

    rows = cells(report)
    table = Table(
        title=report.title,
        caption=footer(report),
        title_justify="left",
        caption_justify="left",
        box=box.SIMPLE_HEAD,
    )
    for i, name in enumerate(HEADER):
        if i == 0:
            table.add_column(name, justify="left", overflow="fold")
        else:
            width = max([len(name), *(len(r[i]) for r in rows)])
            table.add_column(name, justify="right", no_wrap=True, min_width=width)
    for i, r in enumerate(rows):
        last = i == len(rows) - 1
        table.add_row(*r, end_section=i == len(rows) - 2, style="bold" if last else None)
    return table
