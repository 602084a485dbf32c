"""Recording overhead: wall time of runs with and without the per-exit/per-slice records.

Not a test (pytest does not collect it); run it by hand::

    python tests/stats/bench_recording.py [--repeat 5] [--iterations 20000]

Workloads: the exit-storm guest (``guests/exitloop.S``: four exits per iteration, nothing
else - the worst case for recording), the same with 50 loop iterations (about 150
instructions) between exit groups, and ``configs/multi-vm.toml`` (ordinary guests).  Each
runs ``--repeat`` times in each variant, the variants interleaved, and the least CPU time
(``time.process_time``, steadier than wall time on a shared machine) of each is reported:

* ``full``: everything as shipped;
* ``stripped``: the exit/slice/wake-up/run-queue lists made to discard appends (what "no
  recording" would cost, but for building each exit record's tuple);
* ``no-walk-cost``: walk costs set to zero (the vCPU loop then skips the per-batch walk
  accounting, the one per-batch addition of the statistics work);
* the end-of-run export (``write_outputs``) separately.

On a busy machine the A/B difference is noisy (a few percent either way), so the script also
times the per-exit recording alone (``timeit`` of what the vCPU loop in ``hvsim.hv.host`` does
per exit: build the ExitRecord and append it) and reports ``exits * per-exit cost`` as a share
of the run: the steadier estimate of what recording costs.
"""

from __future__ import annotations

import argparse
import dataclasses
import subprocess
import sys
import tempfile
import time
import timeit
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from stats_helpers import CC, CONFIGS, UNTIL_PS, exitloop_scenario  # noqa: E402

from hvsim.config.loader import load_scenario  # noqa: E402
from hvsim.config.model import Scenario  # noqa: E402
from hvsim.hv import host as host_mod  # noqa: E402
from hvsim.stats import recorder  # noqa: E402
from hvsim.stats.export import write_outputs  # noqa: E402


class _Discard(list):
    def append(self, item: object) -> None:
        pass


@contextmanager
def stripped() -> Iterator[None]:
    """Run without records: the record lists (the exit log among them) discard appends."""
    saved_init = recorder.Stats.__init__

    def init(self: recorder.Stats) -> None:
        saved_init(self)
        self.exits, self.slices = _Discard(), _Discard()
        self.wakeups, self.runqueue = _Discard(), _Discard()

    recorder.Stats.__init__ = init
    try:
        yield
    finally:
        recorder.Stats.__init__ = saved_init


def build(iterations: int, work: int, out: Path) -> Path:
    elf = out / f"exitloop-{iterations}-{work}.elf"
    subprocess.run(
        [
            CC,
            "-march=rv64imac_zicsr",
            "-mabi=lp64",
            "-nostdlib",
            "-static",
            "-Wl,-Ttext=0x80200000",
            f"-DITERATIONS={iterations}",
            f"-DWORK={work}",
            "-o",
            str(elf),
            str(HERE / "guests" / "exitloop.S"),
        ],
        check=True,
    )
    return elf


def timed_run(scenario: Scenario) -> tuple[float, host_mod.Host, str]:
    host = host_mod.Host(scenario, console_sink=lambda line: None)
    start = time.process_time()
    outcome = host.run(until_ps=UNTIL_PS)
    return time.process_time() - start, host, outcome


def best_of(repeat: int, variants: dict[str, Callable[[], float]]) -> dict[str, float]:
    """The least time of each variant over ``repeat`` rounds (variants interleaved)."""
    times: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(repeat):
        for name, fn in variants.items():
            times[name].append(fn())
    return {name: min(ts) for name, ts in times.items()}


def run_stripped(scenario: Scenario) -> float:
    with stripped():
        return timed_run(scenario)[0]


def record_cost(host: host_mod.Host) -> float:
    """Seconds per exit of the recording (as the vCPU loop does it), measured in isolation."""
    new_record, record_type = host_mod.new_record, recorder.ExitRecord
    log: list[recorder.ExitRecord] = []
    append = log.append
    fields = (1, "loop", 0, 10, "sbi", "base.get_spec_version", 0x80200000, 0, 0, 0, 1)

    def record() -> None:
        append(new_record(record_type, fields))

    n = 100_000
    per_call = min(
        timeit.timeit(record, number=n) - timeit.timeit(lambda: None, number=n) for _ in range(5)
    )
    return per_call / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--iterations", type=int, default=20000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="hvsim-bench-"))
    workloads = {
        "exit storm": exitloop_scenario(build(args.iterations, 0, tmp)),
        "exits + work": exitloop_scenario(build(args.iterations // 4, 50, tmp)),
        "multi-vm": load_scenario(CONFIGS / "multi-vm.toml"),
    }
    print(f"{'workload':14} {'exits':>7} {'insns':>9} {'full':>8} {'stripped':>9} "
          f"{'A/B':>7} {'est.':>6} {'no-walk':>8} {'walk acct':>9} {'export':>7}")  # fmt: skip
    for name, scenario in workloads.items():
        no_walk = dataclasses.replace(
            scenario,
            cost=dataclasses.replace(scenario.cost, tlb_miss=0, walk_level=0, g_walk_level=0),
        )
        best = best_of(
            args.repeat,
            {
                "full": lambda s=scenario: timed_run(s)[0],
                "stripped": lambda s=scenario: run_stripped(s),
                "no-walk": lambda s=no_walk: timed_run(s)[0],
            },
        )
        full, bare, nowalk = best["full"], best["stripped"], best["no-walk"]
        _, host, outcome = timed_run(scenario)
        start = time.process_time()
        write_outputs(host, outcome, tmp / name.replace(" ", "-"))
        export = time.process_time() - start
        insns = sum(v.instructions for v in host.stats.vcpus)
        estimate = len(host.stats.exits) * record_cost(host) / full
        print(
            f"{name:14} {len(host.stats.exits):7d} {insns:9d} {full:7.3f}s {bare:8.3f}s "
            f"{100 * (full - bare) / bare:6.1f}% {100 * estimate:5.1f}% {nowalk:7.3f}s "
            f"{100 * (full - nowalk) / nowalk:8.1f}% {export:6.2f}s"
        )


if __name__ == "__main__":
    main()
