"""Determinism: the same scenario and seed give byte-identical output files.

Two separate processes with different hash seeds (so any dependence on set or dict ordering
of strings would show) run multi-vm.toml (four VMs, two pCPUs, preemption, IPIs, WFI) and
write OUTDIR; every file is compared byte for byte.  The exit-storm guest is also run twice
in one process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from stats_helpers import CONFIGS, ROOT, exitloop_scenario, finished

#: Files that must be identical (Parquet too when pyarrow wrote it).
DETERMINISTIC = (
    "stats.json",
    "exits.csv",
    "slices.csv",
    "wakeups.csv",
    "runqueue.csv",
    "trace.json",
    "scenario.json",
)


def run_cli(outdir: Path, hash_seed: str) -> None:
    env = dict(os.environ, PYTHONHASHSEED=hash_seed)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "hvsim",
            "run",
            str(CONFIGS / "multi-vm.toml"),
            "-o",
            str(outdir),
            "--quiet",
            "--no-progress",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]


def compare(a: Path, b: Path) -> list[str]:
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir())
    assert set(DETERMINISTIC) <= set(names)
    return [n for n in names if (a / n).read_bytes() != (b / n).read_bytes()]


def test_two_processes_write_identical_files(project_guests: Path, tmp_path: Path) -> None:
    run_cli(tmp_path / "a", "1")
    run_cli(tmp_path / "b", "2")
    assert compare(tmp_path / "a", tmp_path / "b") == []


def test_same_process_twice(build_exitloop: Callable[..., Path], tmp_path: Path) -> None:
    elf = build_exitloop(40, 3)
    finished(exitloop_scenario(elf), tmp_path / "a")
    finished(exitloop_scenario(elf), tmp_path / "b")
    assert compare(tmp_path / "a", tmp_path / "b") == []
