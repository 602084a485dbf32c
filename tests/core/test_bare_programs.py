"""Run the self-checking bare-metal programs of guests/bare/ on the hvsim hart.

Each program (one per guests/bare/*.S) checks itself and exits through HTIF with 0 on
success or the number of the failing test case; it also prints ``PASS <name>`` or
``FAIL <name> test <n> (...)`` on the HTIF console.  They are built with
``make -C guests bare`` (the tests are skipped when the cross toolchain is missing).

Two small programs built on the fly check the framework's failure path itself: a failed
check and an unexpected trap must end the run with the test number, never with 0.

When QEMU is installed the same programs also run on QEMU, which validates the programs
themselves.  For that they are built a second time with ``-DQEMU_COMPAT``, which leaves out
the few checks where QEMU 7.2 departs from the specification (listed in guests/README.md).
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUESTS = ROOT / "guests"
COMMON = GUESTS / "bare" / "common"
PROGRAMS = sorted(p.stem for p in (GUESTS / "bare").glob("*.S"))
CROSS_GCC = "riscv64-unknown-elf-gcc"
QEMU = shutil.which("qemu-system-riscv64")
QEMU_BUILD = "build/qemu"

# Programs that read the `time` CSR: QEMU's spike machine has none, so they use its virt
# machine (the framework falls back to virt's UART and test finisher without HTIF).
QEMU_VIRT_ONLY = {"priv_counters", "priv_sstc"}

# Every program finishes far below this; a hart bug that loops forever is cut off here.
MAX_INSNS = 20_000_000


@pytest.fixture(scope="session")
def bare_build(guests_make) -> Path:
    """guests/build/bare, built (incrementally) once per session."""
    return guests_make("bare") / "bare"


@pytest.fixture(scope="session")
def qemu_build(guests_make) -> Path:
    """The -DQEMU_COMPAT variant of the programs, for the QEMU cross-check."""
    guests_make("bare", f"BUILD={QEMU_BUILD}", "EXTRA_CPPFLAGS=-DQEMU_COMPAT")
    return GUESTS / QEMU_BUILD / "bare"


def _run_hvsim(elf: Path) -> tuple[int | None, str, str]:
    from hvsim.bare import run_program

    console = io.StringIO()
    result = run_program(elf, machine="spike", max_insns=MAX_INSNS, console=console)
    return result.exit_code, result.reason, console.getvalue()


def test_every_program_is_found() -> None:
    """The discovery itself: a moved directory must not silently yield zero tests."""
    assert len(PROGRAMS) >= 30
    for prefix in ("rv64ui_", "rv64um_", "rv64ua_", "rv64uc_", "priv_"):
        assert any(p.startswith(prefix) for p in PROGRAMS), prefix


@pytest.mark.parametrize("name", PROGRAMS)
def test_program_on_hvsim(name: str, bare_build: Path) -> None:
    code, reason, out = _run_hvsim(bare_build / f"{name}.elf")
    assert code == 0, (
        f"{name}: exit code {code} (the failing test number), stop reason {reason!r}; "
        f"console: {out.strip()!r}; see guests/build/bare/{name}.dump for the code"
    )
    assert out.strip().endswith(f"PASS {name}")


# ---- the framework's failure path ---------------------------------------------------------

FAILING_CHECK = """
#include "hvtest.h"
HVTEST_BEGIN
    TEST_CASE 6
    li a0, 5
    CHECK a0, 5
    TEST_CASE 7
    CHECK a0, 0x1234
    PASS
"""

UNEXPECTED_TRAP = """
#include "hvtest.h"
HVTEST_BEGIN
    TEST_CASE 42
    GOTO_U
    csrr a0, mstatus
    PASS
"""


def _build_one(tmp_path: Path, name: str, source: str, bare_build: Path) -> Path:
    src = tmp_path / f"{name}.S"
    src.write_text(source)
    elf = tmp_path / f"{name}.elf"
    cmd = [CROSS_GCC, "-march=rv64imac_zicsr_zifencei", "-mabi=lp64", "-mcmodel=medany"]
    cmd += ["-nostdlib", "-nostartfiles", "-static", f"-I{COMMON}", f"-DGUEST_NAME={name}"]
    cmd += ["-Wl,--no-warn-rwx-segments", "-T", str(COMMON / "link.ld"), "-o", str(elf)]
    cmd += [str(src), str(bare_build / "common" / "start.o"), str(bare_build / "common" / "vm.o")]
    subprocess.run(cmd, check=True, capture_output=True)
    return elf


def test_failed_check_reports_its_test_number(tmp_path: Path, bare_build: Path) -> None:
    elf = _build_one(tmp_path, "fails_at_7", FAILING_CHECK, bare_build)
    code, _, out = _run_hvsim(elf)
    assert code == 7
    assert "FAIL fails_at_7 test 7 (got 0x0000000000000005, expected 0x0000000000001234)" in out


def test_unexpected_trap_reports_its_test_number(tmp_path: Path, bare_build: Path) -> None:
    elf = _build_one(tmp_path, "traps_at_42", UNEXPECTED_TRAP, bare_build)
    code, _, out = _run_hvsim(elf)
    assert code == 42
    assert "FAIL traps_at_42 test 42 (unexpected trap at level 3: cause 0x0000000000000002" in out


# ---- QEMU cross-check of the programs themselves -----------------------------------------


@pytest.mark.skipif(QEMU is None, reason="qemu-system-riscv64 not installed")
@pytest.mark.parametrize("name", PROGRAMS)
def test_program_on_qemu(name: str, qemu_build: Path) -> None:
    machine = "virt" if name in QEMU_VIRT_ONLY else "spike"
    cmd = [str(QEMU), "-machine", machine, "-bios", "none"]
    cmd += ["-kernel", str(qemu_build / f"{name}.elf")]
    cmd += ["-nographic", "-monitor", "none", "-serial", "stdio"]
    try:
        done = subprocess.run(
            cmd, capture_output=True, timeout=60, check=False, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{name} did not finish on QEMU {machine} within 60 s")
    out = done.stdout.decode(errors="replace").strip()
    assert done.returncode == 0, f"{name} failed test {done.returncode} on QEMU {machine}: {out}"
    assert out.endswith(f"PASS {name}")
