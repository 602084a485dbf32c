"""Run hvsim's benchmarks on every available engine and print the tables.

usage: python benchmarks/run.py [--quick] [--repeat N] [--bench NAME ...] [--engine NAME ...]
                                [--section NAME ...] [--json PATH] [--no-build]

Builds the guests (``make -C guests bench`` and the Linux-user variant, incremental), then
runs the sections (all by default):

* ``compute``: for each benchmark and engine (:mod:`benchmarks.engines`, the reference engine
  hvsim-bare first): one warm-up run of a zero-iteration copy of the engine's variant of the
  ELF, then ``--repeat`` timed runs; medians are reported.  Instructions are counted by the
  engine; one that cannot count gets hvsim-bare's per-iteration count times the iterations
  it ran (shown with a ``~``).  Engines with a ``scale`` run that many times hvsim's
  iterations; engines that time a whole process have the median time of zero-iteration runs
  subtracted ("start-up s"), so the MIPS and the ratio to hvsim compare kernels.
* ``exits``, ``scaling``, ``memory``, ``batch``: the hypervisor-level measurements of
  :mod:`benchmarks.exits`, :mod:`benchmarks.scaling`, :mod:`benchmarks.memory` and
  :mod:`benchmarks.batch`.

A last table compares the results with the speed issue's targets.  Wall time is what the
issue tracks; CPU time is shown beside it because the machine is shared and CPU time is less
disturbed by other load (the load average is printed before and after).

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

from benchmarks import batch, exits, memory, scaling
from benchmarks.engines import ENGINES, REFERENCE_ENGINE, Engine, EngineRun
from benchmarks.suite import (
    BENCHMARKS,
    COMPUTE,
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
    exits_per_s: float | None = None  # VM exits per wall second (hvsim-vs only)


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
def run_repeated(engine: Engine, elf: Path, bench: Benchmark, repeat: int) -> list[EngineRun]:
    return [engine.run(elf, bench) for _ in range(repeat)]


def median_or_none(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


@dataclass(frozen=True)
class Timing:
    """Repeated runs of one ELF on one engine, with start-up subtracted where it applies."""

    runs: list[EngineRun]
    walls: list[float]
    cpus: list[float]
    startup: float | None


def time_engine(engine: Engine, elf: Path, empty: Path, bench: Benchmark, repeat: int) -> Timing:
    runs = run_repeated(engine, elf, bench, repeat)
    startup = startup_cpu = None
    if engine.includes_startup:
        empties = run_repeated(engine, empty, bench, repeat)
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


def rate_exits(timing: Timing) -> float | None:
    """Median VM exits per wall second (engines that report exits)."""
    pairs = [(r.exits, w) for r, w in zip(timing.runs, timing.walls, strict=True)]
    return median_or_none([e / w for e, w in pairs if e is not None and w > 0])


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
    ref: Reference | None = None
    rows: list[Row] = []
    for engine in engines:
        if engine.benchmarks is not None and bench.name not in engine.benchmarks:
            continue
        program = bench.program(engine.variant)
        if not program.exists():
            progress(f"{bench.name}: no {engine.variant} build ({program}), {engine.name} skipped")
            continue
        iters = max(1, round(base_iters * engine.scale))
        empty = patched_elf(program, 0, tmp)
        progress(f"{bench.name}: {iters} iterations on {engine.name} ...")
        warm_up = engine.run(empty, bench)  # imports, caches; and the set-up's instruction count
        timing = time_engine(engine, patched_elf(program, iters, tmp), empty, bench, repeat)
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
                exits_per_s=rate_exits(timing),
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
    "exits/s",
    "result",
)


def _fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def _ratio(value: float | None) -> str:
    if value is None:
        return "-"
    if value >= 10:
        return f"{value:.0f}x"
    return f"{value:.2g}x"


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
            _ratio(r.vs_reference),
            _fmt(r.exits_per_s, ",.0f"),
            "ok" if r.ok else "FAIL",
        ]
        for r in rows
    ]


def print_cells(columns: tuple[str, ...], cells: list[list[str]], title: str = "") -> None:
    """One table: rich when installed, plain text otherwise; first two columns left-aligned."""
    if title:
        print(f"\n## {title}\n")
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:
        widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]

        def line(values: list[str] | tuple[str, ...]) -> str:
            return "  ".join(
                v.ljust(w) if i < 2 or i == len(columns) - 1 else v.rjust(w)
                for i, (v, w) in enumerate(zip(values, widths, strict=True))
            ).rstrip()

        print(line(columns))
        print("  ".join("-" * w for w in widths))
        for row in cells:
            print(line(row))
    else:
        table = Table()
        for i, name in enumerate(columns):
            table.add_column(name, justify="left" if i < 2 or i == len(columns) - 1 else "right")
        for row in cells:
            table.add_row(*row)
        Console(width=200).print(table)


def print_table(rows: list[Row]) -> None:
    title = "Compute benchmarks (MIPS; vs hvsim = MIPS / hvsim-bare's MIPS)"
    print_cells(COLUMNS, table_cells(rows), title)
    for r in rows:
        if r.note:
            print(f"note: {r.benchmark} on {r.engine}: {r.note}")


# ---- the hypervisor-level sections -------------------------------------------------------------
def print_exits(rows: list[exits.ExitRow]) -> None:
    cols = ("benchmark", "loop exit", "iters", "exits", "instructions", "wall s", "cpu s",
            "exits/s", "exits/s (cpu)", "target", "result")  # fmt: skip
    cells = [
        [
            r.benchmark,
            next(b.loop_exit for b in exits.EXIT_BENCHMARKS if b.name == r.benchmark),
            str(r.iterations),
            f"{r.exits:,}",
            f"{r.instructions:,}",
            f"{r.wall_median:.3f}",
            f"{r.cpu_median:.3f}",
            f"{r.rate_wall:,.0f}",
            f"{r.rate_cpu:,.0f}",
            f">= {r.target:,}",
            ("met" if r.met else "NOT met") if r.ok else "FAIL",
        ]
        for r in rows
    ]
    print_cells(cols, cells, "VM exits per second (hvsim run, VS-mode guest looping on one exit)")
    for r in rows:
        if r.note:
            print(f"note: {r.benchmark}: {r.note}")


def print_scaling(r: scaling.ScalingResult) -> None:
    cols = ("scenario", "VMs", "iters/VM", "instructions", "wall s", "cpu s", "ratio (wall)",
            "ratio (cpu)", "target", "result")  # fmt: skip
    one = ["1 VM alone", "1", str(r.iterations), f"{r.one_insns:,}", f"{r.one_wall:.3f}",
           f"{r.one_cpu:.3f}", "1.00", "1.00", "", ""]  # fmt: skip
    all_ = [
        f"{r.vms} VMs, 2 pCPUs",
        str(r.vms),
        str(r.iterations),
        f"{r.all_insns:,}",
        f"{r.all_wall:.3f}",
        f"{r.all_cpu:.3f}",
        f"{r.ratio:.2f}",
        f"{r.cpu_ratio:.2f}",
        f"<= {r.target:g}",
        ("met" if r.met else "NOT met") if r.ok else "FAIL",
    ]
    print_cells(cols, [one, all_], f"Scaling (configs/bench-scaling.toml, {scaling.KERNEL})")
    if r.note:
        print(f"note: scaling: {r.note}")


def print_memory(r: memory.MemoryResult) -> None:
    cols = ("scenario", "VMs", "configured", "touched", "peak RSS", "wall s", "target",
            "result")  # fmt: skip
    base = r.baseline
    cells = [
        ["1 VM (baseline)", "1", f"{r.configured_mib // r.vms} MiB", f"{memory.TOUCHED_MIB} MiB",
         f"{base.peak_rss_mib:.0f} MiB", f"{base.wall_seconds:.2f}", "", ""],
        [f"{r.vms} VMs", str(r.vms), f"{r.configured_mib:,} MiB",
         f"{memory.TOUCHED_MIB * r.vms} MiB", f"{r.full.peak_rss_mib:.0f} MiB",
         f"{r.full.wall_seconds:.2f}", f"< {r.target_mib} MiB",
         ("met" if r.met else "NOT met") if r.ok else "FAIL"],
    ]  # fmt: skip
    print_cells(cols, cells, "Memory (configs/bench-memory.toml, peak RSS of a child process)")
    print(f"per additional VM: {r.per_vm_mib:.1f} MiB")


def print_batch(rows: list[batch.BatchRow]) -> None:
    cols = ("batch_insns", "instructions", "MIPS", "MIPS (cpu)", "timer late max us",
            "IPI min us", "IPI mean us", "IPI max us", "IPI error us", "result")  # fmt: skip
    cells = [
        [
            f"{r.batch:,}",
            f"{r.instructions:,}",
            f"{r.mips_wall:.2f}",
            f"{r.mips_cpu:.2f}",
            f"{r.timer.max_us:.2f}",
            f"{r.ipi.min_us:.2f}",
            f"{r.ipi.mean_us:.2f}",
            f"{r.ipi.max_us:.2f}",
            _fmt(r.ipi_error_us, ".2f"),
            "ok" if r.ok else "FAIL",
        ]
        for r in rows
    ]
    print_cells(cols, cells, "Batch length: speed (mixed, hvsim-vs) and interrupt latency")


@dataclass(frozen=True)
class Target:
    what: str
    measured: str
    target: str
    met: bool | None  # None: not measured in this run


def geomean(values: list[float]) -> float | None:
    return statistics.geometric_mean(values) if values else None


def targets(
    rows: list[Row],
    exit_rows: list[exits.ExitRow],
    scale: scaling.ScalingResult | None,
    mem: memory.MemoryResult | None,
) -> list[Target]:
    """The speed issue's targets, from whatever this run measured."""
    found: list[Target] = []

    def mips(engine: str, names: tuple[str, ...], cpu: bool = False) -> list[float]:
        picked = [r for r in rows if r.engine == engine and r.benchmark in names and r.ok]
        values = [r.mips_cpu_median if cpu else r.mips_median for r in picked]
        return [v for v in values if v] if len(picked) == len(names) else []

    vs, vs_cpu = mips("hvsim-vs", COMPUTE), mips("hvsim-vs", COMPUTE, cpu=True)
    g, gc = geomean(vs), geomean(vs_cpu)
    found.append(
        Target(
            "geomean MIPS, 5 compute benchmarks, hvsim run (VS guest)",
            f"{g:.2f} (cpu {gc:.2f})" if g and gc else "-",
            ">= 10",
            g >= 10 if g else None,
        )
    )
    bare = mips("hvsim-bare", ("mixed",))
    bare_cpu = mips("hvsim-bare", ("mixed",), cpu=True)
    found.append(
        Target(
            "MIPS, mixed, hvsim bare",
            f"{bare[0]:.2f} (cpu {bare_cpu[0]:.2f})" if bare and bare_cpu else "-",
            ">= 20",
            bare[0] >= 20 if bare else None,
        )
    )
    for r in exit_rows:
        found.append(
            Target(
                f"exits/s, {r.benchmark}",
                f"{r.rate_wall:,.0f} (cpu {r.rate_cpu:,.0f})",
                f">= {r.target:,}",
                r.met,
            )
        )
    if scale is not None:
        found.append(
            Target(
                f"wall time {scale.vms} VMs / 1 VM (2 pCPUs)",
                f"{scale.ratio:.2f} (cpu {scale.cpu_ratio:.2f})",
                f"<= {scale.target:g}",
                scale.met,
            )
        )
    if mem is not None:
        found.append(
            Target(
                f"peak RSS, {mem.vms} VMs x {mem.configured_mib // mem.vms} MiB",
                f"{mem.full.peak_rss_mib:.0f} MiB",
                f"< {mem.target_mib} MiB",
                mem.met,
            )
        )
    return found


def print_targets(found: list[Target]) -> None:
    cells = [
        [t.what, t.measured, t.target, {True: "met", False: "NOT met", None: "-"}[t.met]]
        for t in found
    ]
    print_cells(("target", "measured", "wanted", "result"), cells, "Targets of the speed issue")


# ---- command line -------------------------------------------------------------------------
SECTIONS = ("compute", "exits", "scaling", "memory", "batch")


def load_note() -> str:
    """The load average when called (the machine is shared: figures depend on it)."""
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (1/5/15 min)"


# ---- command line -------------------------------------------------------------------------
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="a tenth of the full size")
    p.add_argument("--repeat", type=int, default=3, help="runs per benchmark and engine")
    names = [b.name for b in BENCHMARKS]
    p.add_argument("--bench", action="append", choices=names, help="only these benchmarks")
    p.add_argument("--engine", action="append", choices=sorted(ENGINES), help="only these")
    p.add_argument(
        "--section",
        action="append",
        choices=SECTIONS,
        help="only these parts (default: all): compute table, exit rates, scaling, memory, "
        "batch-length table",
    )
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
    sections = args.section or list(SECTIONS)
    benches = [b for b in BENCHMARKS if not args.bench or b.name in args.bench]
    engines = select_engines(args.engine) if "compute" in sections else []
    info = machine_info(engines)
    info["load average"] = load_note()
    for key, value in info.items():
        print(f"{key + ':':<22}{value}")
    size = "quick" if args.quick else "full"
    print(f"{'size:':<22}{size}, {args.repeat} run(s) each, medians shown")
    if not args.no_build:
        try:
            build_guests(tuple(benches))
        except BuildError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    rows: list[Row] = []
    exit_rows: list[exits.ExitRow] = []
    scale: scaling.ScalingResult | None = None
    mem: memory.MemoryResult | None = None
    batch_rows: list[batch.BatchRow] = []
    with tempfile.TemporaryDirectory(prefix="hvsim-bench-") as tmp_name:
        tmp = Path(tmp_name)
        if "compute" in sections:
            for bench in benches:
                rows += measure(bench, engines, size, args.repeat, tmp)
            print_table(rows)
        if "exits" in sections:
            for ebench in exits.EXIT_BENCHMARKS:
                progress(f"exits: {ebench.name} ...")
                exit_rows.append(exits.measure(ebench, size, args.repeat, tmp))
            print_exits(exit_rows)
        if "scaling" in sections:
            progress("scaling: 1 VM and 8 VMs ...")
            scale = scaling.measure(size, args.repeat, tmp)
            print_scaling(scale)
        if "memory" in sections:
            progress("memory: 32 VMs and 1 VM in child processes ...")
            mem = memory.measure()
            print_memory(mem)
        if "batch" in sections:
            progress(f"batch: {', '.join(map(str, batch.BATCHES))} ...")
            batch_rows = batch.measure(size, args.repeat, tmp)
            print_batch(batch_rows)
    print(f"\n{'load average:':<22}{load_note()} (at the end)")
    print_targets(targets(rows, exit_rows, scale, mem))
    if args.json:
        doc = {"machine": info, "size": size, "repeat": args.repeat}
        doc["rows"] = [asdict(r) for r in rows]
        doc["exits"] = [asdict(r) for r in exit_rows]
        doc["scaling"] = asdict(scale) if scale else None
        doc["memory"] = asdict(mem) if mem else None
        doc["batch"] = [asdict(r) for r in batch_rows]
        args.json.write_text(json.dumps(doc, indent=2) + "\n")
    ok = (
        all(r.ok for r in rows)
        and all(r.ok for r in exit_rows)
        and (scale is None or scale.ok)
        and (mem is None or mem.ok)
        and all(r.ok for r in batch_rows)
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
