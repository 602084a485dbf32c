"""VM exits per wall-clock second: guests that loop on a null SBI call or an MMIO read.

Each exit benchmark is a VS-mode guest from ``guests/bench/vs/`` under its scenario
``configs/bench-<name>.toml``, run in-process like ``hvsim run``
(:func:`benchmarks.scenarios.run_scenario`).  The exits are the ones the host recorded
(``host.stats.exits``: the loop's exits plus a handful for the console and the shutdown); the
rate divides them by the wall (and CPU) time of ``Host.run``.  The loop's own exit kind is
checked to occur once per iteration, so a guest that stopped exiting cannot look fast.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path

from benchmarks.scenarios import run_scenario
from benchmarks.suite import CONFIGS, SIZES, VARIANTS, patched_elf, read_iters


@dataclass(frozen=True)
class ExitBenchmark:
    name: str
    loop_exit: str  # "kind.detail" of the exit every iteration takes
    target: int  # exits per wall-clock second the speed issue asks for

    @property
    def scenario(self) -> Path:
        return CONFIGS / f"bench-{self.name}.toml"

    @property
    def elf(self) -> Path:
        return VARIANTS["vs"](self.name)


EXIT_BENCHMARKS: tuple[ExitBenchmark, ...] = (
    ExitBenchmark("sbi_null", "sbi.base.get_spec_version", 100_000),
    ExitBenchmark("mmio_read", "mmio.bench_regs.read", 50_000),
)


@dataclass(frozen=True)
class ExitRow:
    benchmark: str
    iterations: int
    exits: int  # all exits of one run
    loop_exits: int
    instructions: int
    wall_median: float
    cpu_median: float
    rate_wall: float  # exits per wall second (median over the runs)
    rate_cpu: float
    target: int
    ok: bool
    note: str = ""

    @property
    def met(self) -> bool:
        return self.ok and self.rate_wall >= self.target


def measure(bench: ExitBenchmark, size: str, repeat: int, tmp: Path) -> ExitRow:
    iters = max(1, round(read_iters(bench.elf) * SIZES[size]))
    elf = patched_elf(bench.elf, iters, tmp)
    run_scenario(bench.scenario, kernel=patched_elf(bench.elf, 1, tmp))  # warm-up: imports
    runs = [run_scenario(bench.scenario, kernel=elf) for _ in range(repeat)]
    first = runs[0]
    loop_exits = first.exit_counts.get(bench.loop_exit, 0)
    notes = []
    if not all(r.passed for r in runs):
        notes.append("guest did not pass: " + first.output()[-200:])
    if loop_exits < iters:
        notes.append(f"only {loop_exits} {bench.loop_exit} exits for {iters} iterations")
    return ExitRow(
        benchmark=bench.name,
        iterations=iters,
        exits=first.exits,
        loop_exits=loop_exits,
        instructions=first.instructions,
        wall_median=statistics.median(r.wall_seconds for r in runs),
        cpu_median=statistics.median(r.cpu_seconds for r in runs),
        rate_wall=statistics.median(r.exits / r.wall_seconds for r in runs),
        rate_cpu=statistics.median(r.exits / r.cpu_seconds for r in runs),
        target=bench.target,
        ok=not notes,
        note="; ".join(notes),
    )
