"""The batch length (``host.batch_insns``): speed against interrupt-latency accuracy.

A vCPU runs its guest for at most ``batch_insns`` instructions between two looks at the
rest of the simulation: other vCPUs' requests (IPIs, remote fences), device interrupts and
the other pCPUs' progress land at batch boundaries.  (A vCPU's own timer never waits: a batch
never runs past its next timer deadline.)  For each batch length this module measures

* speed: MIPS of the ``mixed`` benchmark as a VS-mode guest (``configs/bench-mixed.toml``);
* accuracy: the ``latency`` guest (``configs/bench-latency.toml``, 2 vCPUs on 2 pCPUs, time
  CSR at 100 MHz): how late its own Sstc timer interrupts arrive while it computes, and the
  delay from an IPI's send (rdtime before the SBI call on the sender) to its handler on the
  busy receiver.  The IPI error is the largest distance of a sample from the mean latency at
  the shortest batch measured (the closest to an exact simulation).
"""

from __future__ import annotations

import dataclasses
import re
import statistics
from dataclasses import dataclass
from pathlib import Path

from benchmarks.scenarios import prepare, run_scenario
from benchmarks.suite import CONFIGS, SIZES, VARIANTS, patched_elf

BATCHES = (1_000, 10_000, 100_000)
SPEED_SCENARIO = CONFIGS / "bench-mixed.toml"
SPEED_FULL_ITERS = 300
LATENCY_SCENARIO = CONFIGS / "bench-latency.toml"
LINE = re.compile(r"latency: (\w+) n=(\d+) min=(-?\d+) mean=(-?\d+) max=(-?\d+)")


@dataclass(frozen=True)
class Latency:
    n: int
    min_us: float
    mean_us: float
    max_us: float


@dataclass(frozen=True)
class BatchRow:
    batch: int
    instructions: int
    mips_wall: float
    mips_cpu: float
    timer: Latency
    ipi: Latency
    ok: bool
    ipi_error_us: float | None = None  # filled in against the shortest batch


def parse_latency(lines: list[str], timebase_hz: int) -> dict[str, Latency]:
    """The guest's ``latency: <what> n= min= mean= max=`` lines, converted to microseconds."""
    found = {}
    scale = 1e6 / timebase_hz
    for line in lines:
        m = LINE.search(line)
        if m:
            n, lo, mean, hi = (int(g) for g in m.groups()[1:])
            found[m.group(1)] = Latency(n, lo * scale, mean * scale, hi * scale)
    return found


def measure_one(batch: int, elf: Path, repeat: int) -> BatchRow:
    runs = [run_scenario(SPEED_SCENARIO, kernel=elf, batch_insns=batch) for _ in range(repeat)]
    insns = runs[0].instructions
    timebase = prepare(LATENCY_SCENARIO).host.timebase_hz
    lat_run = run_scenario(LATENCY_SCENARIO, batch_insns=batch)
    lat = parse_latency(lat_run.console, timebase)
    missing = Latency(0, float("nan"), float("nan"), float("nan"))
    return BatchRow(
        batch=batch,
        instructions=insns,
        mips_wall=statistics.median(insns / r.wall_seconds / 1e6 for r in runs),
        mips_cpu=statistics.median(insns / r.cpu_seconds / 1e6 for r in runs),
        timer=lat.get("timer", missing),
        ipi=lat.get("ipi", missing),
        ok=all(r.passed for r in runs) and lat_run.passed and len(lat) == 2,
    )


def measure(
    size: str, repeat: int, tmp: Path, batches: tuple[int, ...] = BATCHES
) -> list[BatchRow]:
    iters = max(1, round(SPEED_FULL_ITERS * SIZES[size]))
    elf = patched_elf(VARIANTS["vs"]("mixed"), iters, tmp)
    run_scenario(SPEED_SCENARIO, kernel=patched_elf(VARIANTS["vs"]("mixed"), 1, tmp))  # warm-up
    rows = [measure_one(b, elf, repeat) for b in sorted(batches)]
    ref = rows[0].ipi.mean_us
    return [
        dataclasses.replace(r, ipi_error_us=max(r.ipi.max_us - ref, ref - r.ipi.min_us))
        for r in rows
    ]
