"""Run the H-extension test programs of guests/hyp/ on the hvsim hart (``hvsim bare``).

Each program (one per guests/hyp/*.S) starts in M-mode, makes itself an HS-mode hypervisor
running VS/VU-mode guests, checks itself and exits through HTIF with 0 on success or the
number of the failing test case, printing ``PASS <name>`` or ``FAIL <name> test <n> (...)``.
They are built with ``make -C guests hyp`` (the tests are skipped without the cross
toolchain).  guests/hyp/README.md lists what each program covers.

Small programs built on the fly check the H layer of the framework itself: an exit to HS
that nobody expected, and a failed check inside the guest, must end the run with the test
number, never with 0.

When QEMU is installed the programs also run on QEMU (``-cpu rv64,h=true``), which validates
the programs themselves; for that they are built a second time with ``-DQEMU_COMPAT``, which
leaves out the checks where QEMU 7.2 departs from the specification (each program's header
lists them).
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUESTS = ROOT / "guests"
PROGRAMS = sorted(p.stem for p in (GUESTS / "hyp").glob("*.S"))
EXPECTED = {"hyp_basic", "hyp_vsstage", "hyp_csrs", "hyp_hlv", "hyp_hostile", "hyp_interrupts"}
CROSS_GCC = "riscv64-unknown-elf-gcc"
QEMU = shutil.which("qemu-system-riscv64")
QEMU_BUILD = "build/qemu"

# Programs that read the `time` CSR: QEMU's spike machine has none, so they use its virt
# machine (the framework falls back to virt's UART and test finisher without HTIF).
QEMU_VIRT_ONLY = {"hyp_csrs"}

# Every program finishes far below this; a hart bug that loops forever is cut off here.
MAX_INSNS = 20_000_000


@pytest.fixture(scope="session")
def hyp_build(guests_make) -> Path:
    """guests/build/hyp, built (incrementally) once per session."""
    return guests_make("hyp") / "hyp"


@pytest.fixture(scope="session")
def qemu_build(guests_make) -> Path:
    """The -DQEMU_COMPAT variant of the programs, for the QEMU cross-check."""
    guests_make("hyp", f"BUILD={QEMU_BUILD}", "EXTRA_CPPFLAGS=-DQEMU_COMPAT")
    return GUESTS / QEMU_BUILD / "hyp"


def _run_hvsim(elf: Path) -> tuple[int | None, str, str]:
    from hvsim.bare import run_program

    console = io.StringIO()
    result = run_program(elf, machine="spike", max_insns=MAX_INSNS, console=console)
    return result.exit_code, result.reason, console.getvalue()


def test_every_program_is_found() -> None:
    """The discovery itself: a moved directory must not silently drop programs."""
    assert set(PROGRAMS) >= EXPECTED


@pytest.mark.parametrize("name", PROGRAMS)
def test_program_on_hvsim(name: str, hyp_build: Path) -> None:
    code, reason, out = _run_hvsim(hyp_build / f"{name}.elf")
    assert code == 0, (
        f"{name}: exit code {code} (the failing test number), stop reason {reason!r}; "
        f"console: {out.strip()!r}; see guests/build/hyp/{name}.dump for the code"
    )
    assert out.strip().endswith(f"PASS {name}")


def test_guest_console_reaches_the_host(hyp_build: Path) -> None:
    """hyp_basic's guest prints through SBI putchar; its hypervisor forwards each byte."""
    code, _, out = _run_hvsim(hyp_build / "hyp_basic.elf")
    assert code == 0
    assert out.splitlines()[-2:] == ["Hi!", "PASS hyp_basic"]


# ---- the H layer's failure path -----------------------------------------------------------

UNEXPECTED_EXIT = """
#include "hyp.h"
HVTEST_BEGIN
    HYP_INIT 3
    TEST_CASE 9
    GOTO_VS
    csrr a0, hstatus
    PASS
"""

GUEST_CHECK_FAILS = """
#include "hyp.h"
HVTEST_BEGIN
    HYP_INIT 3
    TEST_CASE 11
    GOTO_VS
    li a0, 0x77
    CHECK a0, 0x77
    TEST_CASE 12
    CHECK a0, 0x78
    GOTO_HS
    PASS
"""

MISSED_EXIT = """
#include "hyp.h"
HVTEST_BEGIN
    HYP_INIT 3
    TEST_VS_EXIT 21, CAUSE_ECALL_VS, nop
    PASS
"""


def _build_one(tmp_path: Path, name: str, source: str, hyp_build: Path) -> Path:
    src = tmp_path / f"{name}.S"
    src.write_text(source)
    elf = tmp_path / f"{name}.elf"
    common = [
        hyp_build / "_" / "bare" / "common" / "start.o",
        hyp_build / "_" / "bare" / "common" / "vm.o",
        hyp_build / "common" / "hyp.o",
        hyp_build / "common" / "vcpu.o",
    ]
    cmd = [CROSS_GCC, "-march=rv64imac_zicsr_zifencei", "-Wa,-march=rv64imac_zicsr_zifencei_h"]
    cmd += ["-mabi=lp64", "-mcmodel=medany", "-nostdlib", "-nostartfiles", "-static"]
    cmd += [f"-I{GUESTS / 'bare' / 'common'}", f"-I{GUESTS / 'hyp' / 'common'}"]
    cmd += [f"-DGUEST_NAME={name}", "-Wl,--no-warn-rwx-segments"]
    cmd += ["-T", str(GUESTS / "bare" / "common" / "link.ld"), "-o", str(elf), str(src)]
    cmd += [str(p) for p in common]
    subprocess.run(cmd, check=True, capture_output=True)
    return elf


def test_unexpected_exit_reports_its_test_number(tmp_path: Path, hyp_build: Path) -> None:
    elf = _build_one(tmp_path, "exits_at_9", UNEXPECTED_EXIT, hyp_build)
    code, _, out = _run_hvsim(elf)
    assert code == 9
    # a virtual-instruction exception (22) with stval = the bits of `csrr a0, hstatus`
    assert "FAIL exits_at_9 test 9 (unexpected exit to HS: cause 0x0000000000000016" in out
    assert "tval 0x0000000060002573" in out


def test_failed_check_in_the_guest_reports_its_test_number(tmp_path: Path, hyp_build: Path) -> None:
    elf = _build_one(tmp_path, "guest_fails_at_12", GUEST_CHECK_FAILS, hyp_build)
    code, _, out = _run_hvsim(elf)
    assert code == 12
    assert "FAIL guest_fails_at_12 test 12 (got 0x0000000000000077" in out


def test_exit_that_does_not_happen_fails(tmp_path: Path, hyp_build: Path) -> None:
    elf = _build_one(tmp_path, "no_exit_21", MISSED_EXIT, hyp_build)
    code, _, out = _run_hvsim(elf)
    assert code == 21
    assert "FAIL no_exit_21 test 21" in out


# ---- QEMU cross-check of the programs themselves -----------------------------------------


@pytest.mark.skipif(QEMU is None, reason="qemu-system-riscv64 not installed")
@pytest.mark.parametrize("name", PROGRAMS)
def test_program_on_qemu(name: str, qemu_build: Path) -> None:
    machine = "virt" if name in QEMU_VIRT_ONLY else "spike"
    cmd = [str(QEMU), "-machine", machine, "-cpu", "rv64,h=true", "-bios", "none"]
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
