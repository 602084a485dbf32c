"""Smoke tests of the benchmarks (guests/bench/, configs/bench-*.toml, benchmarks/): no timing.

Each benchmark runs at its smallest size (one iteration) on hvsim's bare machine and must
exit 0, which means the guest's own check passed: the kernel computed what the independent
Python models of benchmarks/reference.py (or the benchmark's structural checks) demand.
Also checked: the iteration knob the runner patches really changes the work done, a broken
check value makes a benchmark fail, the rvc kernel is compressed-only, and the data pages
stay apart from code and from the HTIF page.

The hypervisor side: every kernel's VS-guest build passes under its scenario; the exit
guests take exactly one VM exit of their kind per iteration (and fail when the device holds
the wrong value); the touch, latency, scaling and memory scenarios run; the peer engines
(unicorn, riscemu, riscv-emulator, qemu-user, when present) run the same programs and catch a
wrong result.  The tests are skipped when the cross toolchain is missing and no ELFs were
built before.
"""

from __future__ import annotations

import dataclasses
import io
import re
import sys
from pathlib import Path

import pytest
from elftools.elf.elffile import ELFFile
from hypothesis import given
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # the benchmarks package lives beside hvsim/, not inside it
    sys.path.insert(0, str(ROOT))

from benchmarks import reference  # noqa: E402
from benchmarks.engines import ENGINES, REFERENCE_ENGINE, EngineRun  # noqa: E402
from benchmarks.scenarios import ScenarioRun, prepare, run_scenario  # noqa: E402
from benchmarks.suite import (  # noqa: E402
    BENCHMARKS,
    CONFIGS,
    VARIANTS,
    Benchmark,
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
    variant = "bare"
    benchmarks = None

    def available(self) -> str | None:
        return None

    def version(self) -> str:
        return "scripted"

    def run(self, elf: Path, bench: Benchmark) -> EngineRun:
        n = read_iters(elf)
        return EngineRun(n * 1e-4, 0, 1000 + 50 * n)


class _ScriptedProcess(_ScriptedReference):
    """A fast whole-process engine: 0.5 s start-up, 1 us per iteration, cannot count."""

    name = "scripted-process"
    includes_startup = True
    scale = 10

    def run(self, elf: Path, bench: Benchmark) -> EngineRun:
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
        def run(self, elf: Path, bench: Benchmark) -> EngineRun:
            return EngineRun(0.1, 3, 10, "boom")

    (row,) = measure(BY_NAME["rvc"], [Failing()], "quick", 1, tmp_path)
    assert not row.ok
    assert "exit code 3" in row.note


def test_runner_skips_engines_for_other_benchmarks(built: None, tmp_path: Path) -> None:
    """An engine limited to some benchmarks gets no row for the others."""
    from benchmarks.run import measure

    class OnlyIntloop(_ScriptedReference):
        name = "only-intloop"
        benchmarks = frozenset({"intloop"})

    rows = measure(BY_NAME["crc32"], [_ScriptedReference(), OnlyIntloop()], "quick", 1, tmp_path)
    assert [r.engine for r in rows] == [REFERENCE_ENGINE]
    rows = measure(BY_NAME["intloop"], [_ScriptedReference(), OnlyIntloop()], "quick", 1, tmp_path)
    assert [r.engine for r in rows] == [REFERENCE_ENGINE, "only-intloop"]


# ---- the VS-guest builds under hvsim's hypervisor --------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_vs_build_passes_under_its_scenario(name: str, built: None, tmp_path: Path) -> None:
    bench = BY_NAME[name]
    assert bench.scenario.exists()
    elf = patched_elf(bench.program("vs"), 1, tmp_path)
    run = run_scenario(bench.scenario, kernel=elf)
    assert run.passed, run.output()
    assert f"{name}: 1 iterations ok" in run.output()
    if name == "sort":  # sort draws a fresh array per iteration: no equal steps
        return
    # the same kernel as the bare build: each extra iteration adds the same work on both
    # (give or take the bare build's HTIF console polling, which depends on timing)
    vs = [run.instructions]
    for iters in (2, 3):
        more = run_scenario(
            bench.scenario, kernel=patched_elf(bench.program("vs"), iters, tmp_path)
        )
        vs.append(more.instructions)
    assert vs[1] - vs[0] == vs[2] - vs[1] > 0
    bare = [_run(patched_elf(bench.elf, n, tmp_path))[0].retired for n in (1, 2)]
    assert abs((vs[1] - vs[0]) - (bare[1] - bare[0])) <= 2


def _exit_guest(name: str, iters: int, tmp_path: Path) -> ScenarioRun:
    elf = patched_elf(VARIANTS["vs"](name), iters, tmp_path)
    return run_scenario(CONFIGS / f"bench-{name}.toml", kernel=elf)


@pytest.mark.parametrize(
    ("name", "loop_exit"),
    [("sbi_null", "sbi.base.get_spec_version"), ("mmio_read", "mmio.bench_regs.read")],
)
def test_exit_guests_exit_once_per_iteration(
    name: str, loop_exit: str, built: None, tmp_path: Path
) -> None:
    counts = {}
    for iters in (10, 30):
        run = _exit_guest(name, iters, tmp_path)
        assert run.passed, run.output()
        counts[iters] = run.exit_counts[loop_exit]
    assert counts[30] - counts[10] == 20  # one exit per iteration, nothing batched away


def test_mmio_guest_fails_on_the_wrong_device_value(built: None, tmp_path: Path) -> None:
    text = (CONFIGS / "bench-mmio_read.toml").read_text()
    assert "0x6d6d696f72656164" in text
    kernel = patched_elf(VARIANTS["vs"]("mmio_read"), 5, tmp_path)
    text = text.replace("../guests/build/bench/vs_mmio_read.elf", str(kernel))
    good, broken = tmp_path / "good.toml", tmp_path / "broken.toml"
    good.write_text(text)
    broken.write_text(text.replace("0x6d6d696f72656164", "0x6d6d696f72656165"))
    assert run_scenario(good).passed
    run = run_scenario(broken)
    assert not run.passed
    assert "FAIL" in run.output()


def test_touch_guest_in_a_large_vm(built: None, tmp_path: Path) -> None:
    run = run_scenario(CONFIGS / "bench-memory.toml", vms=1)
    assert run.passed, run.output()
    assert run.vm_states == {"vm00": "shutdown"}


def test_scenario_shapes() -> None:
    scaling = prepare(CONFIGS / "bench-scaling.toml")
    assert scaling.host.pcpus == 2 and len(scaling.vms) == 8
    assert {vm.vcpus for vm in scaling.vms} == {1}
    assert len({vm.kernel for vm in scaling.vms}) == 1  # the same benchmark in every VM
    memory = prepare(CONFIGS / "bench-memory.toml")
    assert len(memory.vms) == 32 and {vm.memory for vm in memory.vms} == {256 << 20}
    one = prepare(CONFIGS / "bench-scaling.toml", vms=1, batch_insns=1234)
    assert len(one.vms) == 1 and one.vms[0] == scaling.vms[0]
    assert one.host == dataclasses.replace(scaling.host, batch_insns=1234)


def test_latency_guest_reports_both_series(built: None, tmp_path: Path) -> None:
    from benchmarks.batch import LATENCY_SCENARIO, parse_latency

    kernel = VARIANTS["vs"]("latency")
    run = run_scenario(LATENCY_SCENARIO, kernel=patched_elf(kernel, 5, tmp_path))
    assert run.passed, run.output()
    lat = parse_latency(run.console, prepare(LATENCY_SCENARIO).host.timebase_hz)
    assert lat["timer"].n == lat["ipi"].n == 5
    assert 0 <= lat["timer"].min_us <= lat["timer"].max_us  # never early
    assert lat["ipi"].min_us <= lat["ipi"].mean_us <= lat["ipi"].max_us
    assert run.exit_counts["sbi.ipi.send_ipi"] == 5


def test_parse_latency_converts_time_units() -> None:
    from benchmarks.batch import parse_latency

    lines = ["[x] latency: ipi n=3 min=-200 mean=100 max=400", "noise"]
    lat = parse_latency(lines, 100_000_000)  # 10 ns per unit
    assert lat["ipi"].n == 3
    assert lat["ipi"].min_us == pytest.approx(-2.0)
    assert lat["ipi"].max_us == pytest.approx(4.0)


def test_memory_child_reports_a_peak_rss(built: None) -> None:
    from benchmarks.memory import run_child

    child = run_child(CONFIGS / "bench-memory.toml", 1)
    assert child.exit_code == 0
    assert 10 < child.peak_rss_mib < 1024


# ---- the peer loop and the peer engines ------------------------------------------------

M32 = (1 << 32) - 1
M64 = (1 << 64) - 1


@given(st.integers(0, 300), st.integers(0, M32), st.integers(0, M32), st.integers(0, M64))
def test_intloop_low_bits_do_not_depend_on_register_width(
    iters: int, w0: int, w1: int, acc: int
) -> None:
    """The peer loop's claim: RV64 (sign-extended lw, 64-bit ops) and RV32 agree on 32 bits."""

    def sext32(v: int) -> int:
        v &= M32
        return (v | ~M32) & M64 if v >> 31 else v

    x64, y64, a64 = sext32(w0), sext32(w1), acc
    for _ in range(iters):
        x = (x64 + y64) & M64
        y = y64 ^ x
        y = (y + (y << 7)) & M64
        a64 = ((a64 - x) & M64) ^ (x & y)
        x64, y64 = sext32(x), sext32(y)  # stored with sw, reloaded with lw
    assert reference.intloop_model(iters, w0, w1, acc) == (a64 & M32, x64 & M32, y64 & M32)


def test_peer_loop_source_is_the_compiled_loop(built: None) -> None:
    """riscemu runs the marked source lines: the same instructions as the ELF's intloop."""
    from benchmarks.peers import elf_symbols, peer_loop_lines
    from hvsim.isa.disasm import disasm_raw

    elf = BY_NAME["intloop"].elf
    addr, size = elf_symbols(elf)["intloop"]
    with elf.open("rb") as f:
        text = ELFFile(f).get_section_by_name(".text")
        code = text.data()[addr - text["sh_addr"] : addr - text["sh_addr"] + size]
    words = [int.from_bytes(code[i : i + 4], "little") for i in range(0, size, 4)]
    assert all(w & 3 == 3 for w in words), "compressed instruction in intloop"
    compiled = [disasm_raw(w, aliases=False).split()[0] for w in words]
    source = [line.split()[0] for line in peer_loop_lines() if not line.endswith(":")]
    assert compiled == source
    assert len(compiled) == 15  # 13 in the loop, then the result move and the return


@pytest.mark.parametrize(
    ("engine", "bench", "iters"),
    [
        ("unicorn", "mixed", 1),
        ("unicorn", "intloop", 2),
        ("riscemu", "intloop", 1),
        ("riscv-emulator", "intloop", 2),
        ("qemu-user", "crc32", 1),
        ("hvsim-vs", "rvc", 1),
    ],
)
def test_engine_runs_the_benchmark(
    engine: str, bench: str, iters: int, built: None, tmp_path: Path
) -> None:
    eng = ENGINES[engine]()
    if (why := eng.available()) is not None:
        pytest.skip(why)
    program = BY_NAME[bench].program(eng.variant)
    if not program.exists():
        pytest.skip(f"no {eng.variant} build")
    result = eng.run(patched_elf(program, iters, tmp_path), BY_NAME[bench])
    assert result.exit_code == 0, result.output
    assert "ok" in result.output


def test_python_peers_reject_a_wrong_result() -> None:
    from benchmarks.peers import check_intloop

    want = reference.intloop_model(1000, *reference.intloop_words())[0]
    assert check_intloop(1000, want)[0] == 0
    assert check_intloop(1000, want ^ 1)[0] == 1
    assert check_intloop(1000, want | (5 << 32))[0] == 0  # only the low 32 bits count
