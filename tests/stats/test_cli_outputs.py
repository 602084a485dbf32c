"""``hvsim run SCENARIO -o OUTDIR`` writes the result files; ``hvsim report OUTDIR`` reads them."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from stats_helpers import CONFIGS, GUESTS, ROOT

SEED_LINES = ["a0 = 0x6688, a1 = 0x1234", "Shutdown vm normally!"]


@pytest.fixture(scope="module")
def skernel2() -> None:
    if shutil.which("riscv64-unknown-elf-gcc") is None:
        pytest.skip("no RISC-V toolchain")
    subprocess.run(["make", "-C", str(GUESTS), "skernel2"], check=True, capture_output=True)


def hvsim(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hvsim", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_run_writes_results_and_report_reads_them(skernel2: None, tmp_path: Path) -> None:
    outdir = tmp_path / "out"
    proc = hvsim("run", CONFIGS / "skernel2.toml", "-o", outdir)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[:2] == SEED_LINES  # the console comes first, unchanged
    assert f"to {outdir}" in proc.stderr
    for name in ("stats.json", "exits.csv", "slices.csv", "trace.json", "scenario.json"):
        assert (outdir / name).is_file(), name
    stats = json.loads((outdir / "stats.json").read_text())
    assert stats["outcome"] == "done"
    assert stats["vms"]["seed"]["state"] == "shutdown"
    counters = stats["counters"]
    # the seed exercise: mhartid emulated, one MMIO load, the legacy shutdown
    assert counters["seed.vcpu0.exits.csr.mhartid"]["value"] == 1
    assert counters["seed.vcpu0.exits.mmio.regs0.read"]["value"] == 1
    assert counters["seed.vcpu0.exits.sbi.legacy.shutdown"]["value"] == 1
    with open(outdir / "exits.csv", newline="") as f:
        events = [r["event"] for r in csv.DictReader(f)]
    assert events[-1] == "sbi.legacy.shutdown"

    report = hvsim("report", outdir, "--plain")
    assert report.returncode == 0, report.stderr
    assert "Analyze events for all VMs, all VCPUs:" in report.stdout
    assert f"Total Samples:{len(events)}," in report.stdout
    for event in set(events):
        assert event in report.stdout


def test_run_without_outdir_writes_nothing(skernel2: None, tmp_path: Path) -> None:
    proc = hvsim("run", CONFIGS / "skernel2.toml", "--quiet")
    assert proc.returncode == 0
    assert proc.stderr == ""  # no progress off a terminal, no "wrote" line
    assert proc.stdout.splitlines() == SEED_LINES
