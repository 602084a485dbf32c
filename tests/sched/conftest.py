"""Fixtures for the scheduling-policy tests: the spin guests built once (``make -C guests spin``).

Skips when the RISC-V cross toolchain is missing.
"""

from __future__ import annotations

import fcntl
import shutil
import subprocess

import pytest
from sched_helpers import GUESTS, INTERACTIVE, SPIN


@pytest.fixture(scope="session")
def spin_guests() -> None:
    if shutil.which("riscv64-unknown-elf-gcc") is None:
        pytest.skip("no riscv64-unknown-elf-gcc (apt-get install gcc-riscv64-unknown-elf)")
    build = GUESTS / "build"
    build.mkdir(exist_ok=True)
    with open(build / ".sched-tests.lock", "w") as lock:  # one make at a time (xdist workers)
        fcntl.flock(lock, fcntl.LOCK_EX)
        proc = subprocess.run(
            ["make", "-C", str(GUESTS), "spin"], capture_output=True, text=True, check=False
        )
    if proc.returncode != 0 or not SPIN.exists() or not INTERACTIVE.exists():
        pytest.fail(f"building the spin guests failed:\n{proc.stdout[-2000:]}\n{proc.stderr}")
