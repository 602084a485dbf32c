"""Fixtures shared by every test directory.

``guests_make``: build guest groups with ``make -C guests`` -- skipped when the cross toolchain
is missing, failed (with make's output) when the build fails.  All callers take one lock, so
pytest-xdist workers never run two makes over the same build tree at once.
"""

from __future__ import annotations

import fcntl
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

GUESTS = Path(__file__).resolve().parents[1] / "guests"
CROSS_GCC = "riscv64-unknown-elf-gcc"


def make_guests(*args: str) -> Path:
    """``make -s -C guests ARGS`` under the shared lock; returns guests/build."""
    if shutil.which(CROSS_GCC) is None:
        pytest.skip(f"{CROSS_GCC} not installed (Debian: gcc-riscv64-unknown-elf)")
    if shutil.which("make") is None:
        pytest.skip("make not installed")
    build = GUESTS / "build"
    build.mkdir(parents=True, exist_ok=True)
    with (build / ".make.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = subprocess.run(
            ["make", "-s", "-C", str(GUESTS), *args], capture_output=True, text=True, check=False
        )
    if done.returncode != 0:
        pytest.fail(f"building the guests failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return build


@pytest.fixture(scope="session")
def guests_make() -> Callable[..., Path]:
    return make_guests
