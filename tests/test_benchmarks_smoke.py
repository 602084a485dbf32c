"""Smoke tests of the compute benchmarks (guests/bench/, benchmarks/): correctness only.

Each benchmark runs at its smallest size (one iteration) on hvsim's bare machine and must
exit 0, which means the guest's own check passed: the kernel computed what the independent
Python models of benchmarks/reference.py (or the benchmark's structural checks) demand.
Also checked: the iteration knob the runner patches really changes the work done, a broken
check value makes a benchmark fail, the rvc kernel is compressed-only, and the data pages
stay apart from code and from the HTIF page.  No timing is asserted.  The tests are skipped
when the cross toolchain is missing and no ELFs were built before.
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import pytest
from elftools.elf.elffile import ELFFile

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # the benchmarks package lives beside hvsim/, not inside it
    sys.path.insert(0, str(ROOT))

from benchmarks import reference  # noqa: E402
from benchmarks.engines import REFERENCE_ENGINE, EngineRun  # noqa: E402
from benchmarks.suite import (  # noqa: E402
    BENCHMARKS,
    BuildError,
    build_guests,
    patched_elf,
    read_iters,
)
from hvsim.bare import BareResult, run_program  # noqa: E402

NAMES = [b.name for b in BENCHMARKS]
BY_NAME = {b.name: b for b in BENCHMARKS}
MAX_INSNS = 5_000_000  # one iteration of any benchmark is far below this
PAGE = 4096


@pytest.fixture(scope="module")
def built() -> None:
    try:
        build_guests()
    except BuildError as exc:
        pytest.skip(str(exc))


def _run(elf: Path) -> tuple[BareResult, str]:
    console = io.StringIO()
    result = run_program(elf, machine="spike", max_insns=MAX_INSNS, console=console)
    return result, console.getvalue()


def _symbols(elf: Path) -> dict[str, tuple[int, int]]:
    with elf.open("rb") as f:
        symtab = ELFFile(f).get_section_by_name(".symtab")
        return {s.name: (s["st_value"], s["st_size"]) for s in symtab.iter_symbols() if s.name}


@pytest.mark.parametrize("name", NAMES)
def test_smallest_size_passes_on_hvsim(name: str, built: None, tmp_path: Path) -> None:
    elf = patched_elf(BY_NAME[name].elf, 1, tmp_path)
    result, out = _run(elf)
    assert result.exit_code == 0, f"{name}: reason {result.reason}, console {out!r}"
    assert result.reason == "exit"
    assert f"{name}: 1 iterations ok" in out


@pytest.mark.parametrize("name", ["mixed", "crc32", "ptrchase", "rvc"])
def test_iteration_knob_adds_equal_work(name: str, built: None, tmp_path: Path) -> None:
    """These kernels do the same work every iteration: each extra one adds the same count."""
    counts = []
    for iters in (1, 2, 3):
        result, _ = _run(patched_elf(BY_NAME[name].elf, iters, tmp_path))
        assert result.exit_code == 0
        counts.append(result.retired)
    assert counts[1] - counts[0] == counts[2] - counts[1] > 0


def test_sort_sorts_different_arrays(built: None, tmp_path: Path) -> None:
    """sort draws a fresh array per iteration, so iterations differ in cost."""
    counts = [_run(patched_elf(BY_NAME["sort"].elf, n, tmp_path))[0].retired for n in (1, 2, 3)]
    assert counts[0] < counts[1] < counts[2]
    assert counts[1] - counts[0] != counts[2] - counts[1]


def test_patching_round_trips(built: None, tmp_path: Path) -> None:
    elf = BY_NAME["mixed"].elf
    assert read_iters(elf) > 1  # the linked-in default is the full size
    assert read_iters(patched_elf(elf, 12345, tmp_path)) == 12345
    assert read_iters(elf) > 1  # the original is untouched


def test_a_wrong_result_fails(built: None, tmp_path: Path) -> None:
    """Corrupt crc32's check string "123456789" in .rodata: its self-check must catch it."""
    elf = patched_elf(BY_NAME["crc32"].elf, 1, tmp_path)
    data = elf.read_bytes()
    assert data.count(b"123456789\0") == 1
    elf.write_bytes(data.replace(b"123456789\0", b"123456780\0"))
    result, out = _run(elf)
    assert result.exit_code == 1
    assert "FAIL" in out


def test_source_constants_match_reference_models() -> None:
    """The expected values compiled into the guests are the reference models' values."""
    found: dict[str, int] = {}
    for src in (ROOT / "guests" / "bench").glob("*.c"):
        for m in re.finditer(r"#define (\w+) (0x[0-9a-fA-F]+)[uUlL]*", src.read_text()):
            found[m.group(1)] = int(m.group(2), 16)
    for name, value in reference.constants().items():
        assert found.get(name) == value, name


def test_reference_crc_model_is_standard() -> None:
    """The model's CRC is the standard CRC-32 (check value of "123456789")."""
    import zlib

    assert zlib.crc32(b"123456789") == 0xCBF43926
    assert len(reference.crc32_buffer()) == reference.CRC_BYTES


def test_rvc_kernel_is_compressed_only(built: None) -> None:
    elf = BY_NAME["rvc"].elf
    addr, size = _symbols(elf)["rvc_kernel"]
    with elf.open("rb") as f:
        ef = ELFFile(f)
        text = ef.get_section_by_name(".text")
        code = text.data()[addr - text["sh_addr"] : addr - text["sh_addr"] + size]
    assert size >= 40
    parcels = [int.from_bytes(code[i : i + 2], "little") for i in range(0, size, 2)]
    assert all(p & 3 != 3 for p in parcels), "a 32-bit instruction in rvc_kernel"


def _section_pages(elf: Path) -> dict[str, range]:
    """Allocated sections -> the page numbers they occupy."""
    with elf.open("rb") as f:
        return {
            sec.name: range(
                sec["sh_addr"] // PAGE, (sec["sh_addr"] + sec["sh_size"] - 1) // PAGE + 1
            )
            for sec in ELFFile(f).iter_sections()
            if sec["sh_flags"] & 2 and sec["sh_size"] > 0  # SHF_ALLOC
        }


@pytest.mark.parametrize("name", NAMES)
def test_data_pages_apart_from_code_and_tohost(name: str, built: None) -> None:
    """Stores never land on a code page or on the watched HTIF page (slow paths)."""
    pages = _section_pages(BY_NAME[name].elf)
    code = {p for sec in (".text.init", ".text") for p in pages.get(sec, ())}
    htif = set(pages[".tohost"])
    data = {p for sec in (".data", ".bss", ".stack") for p in pages.get(sec, ())}
    assert code and htif and data
    assert not code & htif and not code & data and not htif & data
    syms = _symbols(BY_NAME[name].elf)
    assert syms["bench_iters"][0] // PAGE in data
    assert {syms["tohost"][0] // PAGE, syms["fromhost"][0] // PAGE} == htif


# ---- the runner's arithmetic, with scripted engines -------------------------------------


class _ScriptedReference:
    """Stands in for hvsim: counts 1000 + 50 per iteration, 0.1 ms per iteration."""

    name = REFERENCE_ENGINE
    description = "scripted reference"
    includes_startup = False
    scale = 1

    def available(self) -> str | None:
        return None

    def version(self) -> str:
        return "scripted"

    def run(self, elf: Path) -> EngineRun:
        n = read_iters(elf)
        return EngineRun(n * 1e-4, 0, 1000 + 50 * n)


class _ScriptedProcess(_ScriptedReference):
    """A fast whole-process engine: 0.5 s start-up, 1 us per iteration, cannot count."""

    name = "scripted-process"
    includes_startup = True
    scale = 10

    def run(self, elf: Path) -> EngineRun:
        return EngineRun(0.5 + read_iters(elf) * 1e-6, 0, None)


def test_runner_subtracts_startup_and_estimates_counts(built: None, tmp_path: Path) -> None:
    from benchmarks.run import measure, print_table

    ref, fast = measure(
        BY_NAME["crc32"], [_ScriptedReference(), _ScriptedProcess()], "quick", 2, tmp_path
    )
    n = ref.iterations
    assert ref.instructions == 1000 + 50 * n
    assert ref.mips_median == pytest.approx((1000 + 50 * n) / (n * 1e-4) / 1e6)
    assert fast.iterations == 10 * n
    assert fast.estimated and fast.instructions == 50 * 10 * n  # set-up went with start-up
    assert fast.startup_median == pytest.approx(0.5)
    assert fast.wall_median == pytest.approx(10 * n * 1e-6)
    assert fast.mips_median == pytest.approx(50.0)  # 50 instructions per microsecond
    assert fast.vs_reference == pytest.approx(fast.mips_median / ref.mips_median)
    assert ref.ok and fast.ok
    print_table([ref, fast])  # both rows render


def test_runner_reports_a_failing_engine(built: None, tmp_path: Path) -> None:
    from benchmarks.run import measure

    class Failing(_ScriptedReference):
        def run(self, elf: Path) -> EngineRun:
            return EngineRun(0.1, 3, 10, "boom")

    (row,) = measure(BY_NAME["rvc"], [Failing()], "quick", 1, tmp_path)
    assert not row.ok
    assert "exit code 3" in row.note
