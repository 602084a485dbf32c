"""Run hvsim's compute benchmarks on every available engine and print a table.

usage: python benchmarks/run.py [--quick] [--repeat N] [--bench NAME ...] [--engine NAME ...]
                                [--json PATH] [--no-build]

Builds the guests (``make -C guests bench``, incremental), then, for each benchmark and
engine (:mod:`benchmarks.engines`, the reference engine hvsim-bare first): one warm-up run of
a zero-iteration copy of the ELF, then ``--repeat`` timed runs; medians are reported.

* Instructions: counted by hvsim.  An engine that cannot count (QEMU) gets hvsim's
  per-iteration count times the iterations it ran (shown with a ``~``).
* Engines with a ``scale`` run that many times more iterations than hvsim, so their kernel
  time stands far above their start-up time.
* Engines that time a whole process have the median time of zero-iteration runs subtracted
  ("start-up s"), so the MIPS and the ratio to hvsim compare kernels, not start-up.
* Wall time is what the issue tracks; CPU time is shown beside it because the machine is
  shared and CPU time is less disturbed by other load.

This is the runner script: the only place in the suite that prints.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.engines import ENGINES, REFERENCE_ENGINE, Engine, EngineRun
from benchmarks.suite import (
    BENCHMARKS,
    ROOT,
    Benchmark,
    BuildError,
    build_guests,
    iterations_for,
    patched_elf,
)
from hvsim.logging import configure_logging


@dataclass
class Row:
    """One (benchmark, engine) line of the result table."""

    benchmark: str
    engine: str
    iterations: int
    instructions: int | None  # counted by the engine, or estimated from hvsim's count
    estimated: bool
    wall_median: float | None  # net of start-up for engines that include it
    startup_median: float | None
    mips_median: float | None
    cpu_median: float | None  # CPU seconds, net of start-up like the wall time
    mips_cpu_median: float | None
    vs_reference: float | None  # MIPS / hvsim's MIPS (>1: faster than hvsim)
    ok: bool
    note: str = ""


@dataclass(frozen=True)
class Reference:
    """What the reference engine measured for one benchmark."""

    setup_insns: int  # instructions of a zero-iteration run (start-up, set-up, check, exit)
    insns_per_iter: float
    mips: float | None


# ---- machine information ------------------------------------------------------------------
def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def git_revision() -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return "unknown"
    return done.stdout.strip() or "unknown"


def machine_info(engines: list[Engine]) -> dict[str, str]:
    info = {
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "cpu": f"{cpu_model()} ({os.cpu_count()} logical CPUs)",
        "os": platform.platform(),
        "hvsim revision": git_revision(),
    }
    for engine in engines:
        info[f"engine {engine.name}"] = engine.version()
    return info


# ---- measuring ----------------------------------------------------------------------------
def run_repeated(engine: Engine, elf: Path, repeat: int) -> list[EngineRun]:
    return [engine.run(elf) for _ in range(repeat)]


def median_or_none(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


@dataclass(frozen=True)
class Timing:
    """Repeated runs of one ELF on one engine, with start-up subtracted where it applies."""

    runs: list[EngineRun]
    walls: list[float]
    cpus: list[float]
    startup: float | None


def time_engine(engine: Engine, elf: Path, empty: Path, repeat: int) -> Timing:
    runs = run_repeated(engine, elf, repeat)
    startup = startup_cpu = None
    if engine.includes_startup:
        empties = run_repeated(engine, empty, repeat)
        startup = statistics.median(r.wall_seconds for r in empties)
        startup_cpu = median_or_none([r.cpu_seconds for r in empties if r.cpu_seconds])
    walls = [r.wall_seconds - (startup or 0.0) for r in runs]
    cpus = [r.cpu_seconds - (startup_cpu or 0.0) for r in runs if r.cpu_seconds is not None]
    return Timing(runs, walls, cpus, startup)


def rate(insns: int | None, seconds: list[float]) -> float | None:
    """Median MIPS over the runs (None without a count or a positive time)."""
    if not insns:
        return None
    return median_or_none([insns / t / 1e6 for t in seconds if t > 0])


def problems(timing: Timing, warm_up: EngineRun) -> list[str]:
    notes = [
        f"exit code {r.exit_code}: {r.output.strip()[-200:]}"
        for r in (warm_up, *timing.runs)
        if r.exit_code != 0
    ][:1]
    counts = {r.instructions for r in timing.runs}
    if len(counts) > 1:
        notes.append(f"instruction counts differ between runs: {sorted(counts)}")
    if statistics.median(timing.walls) <= 0:
        notes.append("kernel time below start-up noise: use a larger size")
    return notes


def measure(
    bench: Benchmark, engines: list[Engine], size: str, repeat: int, tmp: Path
) -> list[Row]:
    """Rows for one benchmark, the reference engine first (the others' counts use it)."""
    base_iters = iterations_for(bench.elf, size)
    empty = patched_elf(bench.elf, 0, tmp)
    ref: Reference | None = None
    rows: list[Row] = []
    for engine in engines:
        iters = base_iters * engine.scale
        progress(f"{bench.name}: {iters} iterations on {engine.name} ...")
        warm_up = engine.run(empty)  # imports, caches; and the set-up's instruction count
        timing = time_engine(engine, patched_elf(bench.elf, iters, tmp), empty, repeat)
        insns, estimated = timing.runs[0].instructions, False
        if insns is None and ref is not None:
            # set-up instructions count only when their time was not subtracted
            setup = 0 if timing.startup is not None else ref.setup_insns
            insns, estimated = round(ref.insns_per_iter * iters) + setup, True
        mips = rate(insns, timing.walls)
        if engine.name == REFERENCE_ENGINE and insns is not None:
            setup_insns = warm_up.instructions or 0
            ref = Reference(setup_insns, (insns - setup_insns) / iters, mips)
        rows.append(
            Row(
                benchmark=bench.name,
                engine=engine.name,
                iterations=iters,
                instructions=insns,
                estimated=estimated,
                wall_median=statistics.median(timing.walls),
                startup_median=timing.startup,
                mips_median=mips,
                cpu_median=median_or_none(timing.cpus),
                mips_cpu_median=rate(insns, timing.cpus),
                vs_reference=mips / ref.mips if mips and ref and ref.mips else None,
                ok=warm_up.exit_code == 0 and all(r.exit_code == 0 for r in timing.runs),
                note="; ".join(problems(timing, warm_up)),
            )
        )
    return rows


# ---- output -------------------------------------------------------------------------------
def progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


COLUMNS = (
    "benchmark",
    "engine",
    "iters",
    "instructions",
    "wall s (median)",
    "start-up s",
    "MIPS (median)",
    "cpu s",
    "MIPS (cpu)",
    "vs hvsim",
    "result",
)


def _fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def table_cells(rows: list[Row]) -> list[list[str]]:
    return [
        [
            r.benchmark,
            r.engine,
            str(r.iterations),
            ("~" if r.estimated else "") + _fmt(r.instructions, ","),
            _fmt(r.wall_median, ".3f"),
            _fmt(r.startup_median, ".3f"),
            _fmt(r.mips_median, ".2f"),
            _fmt(r.cpu_median, ".3f"),
            _fmt(r.mips_cpu_median, ".2f"),
            _fmt(r.vs_reference, ".1f") + ("x" if r.vs_reference else ""),
            "ok" if r.ok else "FAIL",
        ]
        for r in rows
    ]


def print_table(rows: list[Row]) -> None:
    cells = table_cells(rows)
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:
        widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(COLUMNS)]
        numeric = range(2, len(COLUMNS) - 1)

        def line(values: list[str] | tuple[str, ...]) -> str:
            return "  ".join(
                v.rjust(w) if i in numeric else v.ljust(w)
                for i, (v, w) in enumerate(zip(values, widths, strict=True))
            ).rstrip()

        print(line(COLUMNS))
        print("  ".join("-" * w for w in widths))
        for row in cells:
            print(line(row))
    else:
        table = Table()
        for i, name in enumerate(COLUMNS):
            table.add_column(name, justify="right" if 2 <= i < len(COLUMNS) - 1 else "left")
        for row in cells:
            table.add_row(*row)
        Console().print(table)
    for r in rows:
        if r.note:
            print(f"note: {r.benchmark} on {r.engine}: {r.note}")


# ---- command line -------------------------------------------------------------------------
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="a tenth of the full size")
    p.add_argument("--repeat", type=int, default=3, help="runs per benchmark and engine")
    names = [b.name for b in BENCHMARKS]
    p.add_argument("--bench", action="append", choices=names, help="only these benchmarks")
    p.add_argument("--engine", action="append", choices=sorted(ENGINES), help="only these")
    p.add_argument("--json", type=Path, help="also write machine info and rows as JSON")
    p.add_argument("--no-build", action="store_true", help="use the ELFs as they are")
    args = p.parse_args(argv)
    if args.repeat < 1:
        p.error("--repeat must be at least 1")
    return args


def select_engines(names: list[str] | None) -> list[Engine]:
    """The engines to run, reference first; unavailable ones are reported and skipped."""
    chosen = names or list(ENGINES)
    chosen = sorted(set(chosen), key=lambda n: (n != REFERENCE_ENGINE, list(ENGINES).index(n)))
    engines = []
    for name in chosen:
        engine = ENGINES[name]()
        why = engine.available()
        if why is None:
            engines.append(engine)
        else:
            progress(f"skipping engine {name}: {why}")
    return engines


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    configure_logging(0)  # hvsim's own warnings only, on stderr
    benches = [b for b in BENCHMARKS if not args.bench or b.name in args.bench]
    engines = select_engines(args.engine)
    info = machine_info(engines)
    for key, value in info.items():
        print(f"{key + ':':<22}{value}")
    size = "quick" if args.quick else "full"
    print(f"{'size:':<22}{size}, {args.repeat} run(s) each, medians shown")
    print()
    if not args.no_build:
        try:
            build_guests(tuple(benches))
        except BuildError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="hvsim-bench-") as tmp:
        for bench in benches:
            rows += measure(bench, engines, size, args.repeat, Path(tmp))
    print_table(rows)
    if args.json:
        doc = {"machine": info, "size": size, "repeat": args.repeat}
        doc["rows"] = [asdict(r) for r in rows]
        args.json.write_text(json.dumps(doc, indent=2) + "\n")
    return 0 if all(r.ok for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
