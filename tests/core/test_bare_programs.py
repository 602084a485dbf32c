"""Run the self-checking bare-metal programs of guests/bare/ on the hvsim hart.

Each program (one per guests/bare/*.S) checks itself and exits through HTIF with 0 on
success or the number of the failing test case; it also prints ``PASS <name>`` or
``FAIL <name> test <n>`` on the HTIF console.  The guests are built with ``make -C guests``
(the cross toolchain is required; the tests are skipped without it).

When QEMU is installed, the same programs are also run on QEMU's ``spike`` machine: that
validates the programs themselves.  They are built a second time with ``-DQEMU_COMPAT``,
which leaves out the few checks where QEMU 7.2 departs from the specification (listed in
guests/README.md).
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUESTS = ROOT / "guests"
PROGRAMS = sorted(p.stem for p in (GUESTS / "bare").glob("*.S"))
CROSS_GCC = "riscv64-unknown-elf-gcc"
QEMU = shutil.which("qemu-system-riscv64")
QEMU_BUILD = "build/qemu"

# Programs that read the `time` CSR: QEMU's spike machine has no rdtime, use its virt machine.
QEMU_VIRT_ONLY = {"priv_counters", "priv_sstc"}

# Every program finishes well below this; a hart bug that loops forever is cut off here.
MAX_INSNS = 20_000_000


def _make(*args: str) -> None:
    if shutil.which(CROSS_GCC) is None:
        pytest.skip(f"{CROSS_GCC} not installed (Debian: gcc-riscv64-unknown-elf)")
    if shutil.which("make") is None:
        pytest.skip("make not installed")
    done = subprocess.run(
        ["make", "-s", "-C", str(GUESTS), *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        pytest.fail(f"building the guests failed:\n{done.stdout}\n{done.stderr}")


@pytest.fixture(scope="session")
def bare_build() -> Path:
    """guests/build/bare, built (incrementally) once per session."""
    _make()
    return GUESTS / "build" / "bare"


@pytest.fixture(scope="session")
def qemu_build() -> Path:
    """The -DQEMU_COMPAT variant of the programs, for the QEMU cross-check."""
    _make(f"BUILD={QEMU_BUILD}", "EXTRA_CPPFLAGS=-DQEMU_COMPAT")
    return GUESTS / QEMU_BUILD / "bare"


def test_every_program_is_found() -> None:
    """The discovery itself: a renamed directory must not silently yield zero tests."""
    assert len(PROGRAMS) >= 30
    for prefix in ("rv64ui_", "rv64um_", "rv64ua_", "rv64uc_", "priv_"):
        assert any(p.startswith(prefix) for p in PROGRAMS), prefix


@pytest.mark.parametrize("name", PROGRAMS)
def test_program_on_hvsim(name: str, bare_build: Path) -> None:
    from hvsim.bare import run_program

    console = io.StringIO()
    result = run_program(
        bare_build / f"{name}.elf", machine="spike", max_insns=MAX_INSNS, console=console
    )
    out = console.getvalue()
    assert result.exit_code == 0, (
        f"{name}: exit code {result.exit_code} (= failing test number), reason {result.reason}, "
        f"{result.retired} instructions\nconsole: {out!r}"
    )
    assert f"PASS {name}" in out


@pytest.mark.skipif(QEMU is None, reason="qemu-system-riscv64 not installed")
@pytest.mark.parametrize("name", PROGRAMS)
def test_program_on_qemu(name: str, qemu_build: Path) -> None:
    machine = "virt" if name in QEMU_VIRT_ONLY else "spike"
    cmd = [QEMU, "-machine", machine, "-bios", "none", "-kernel", str(qemu_build / f"{name}.elf")]
    cmd += ["-nographic", "-monitor", "none", "-serial", "stdio"]
    try:
        done = subprocess.run(cmd, capture_output=True, timeout=30, check=False, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{name} did not finish on QEMU {machine} within 30 s")
    assert done.returncode == 0, f"{name} failed test {done.returncode} on QEMU {machine}"
