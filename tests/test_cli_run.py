"""``hvsim run``: the seed exercise end to end, exit codes, limits, error handling, and the
exit summary's text (time formatting, the exit table, crash reports)."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from hvsim import cli
from hvsim.hv.summary import (
    VmSummary,
    cause_name,
    exit_rows,
    format_crash,
    format_exit_table,
    format_registers,
    format_time,
    format_vm,
)
from hvsim.hv.vm import CrashReport
from hvsim.stats.recorder import ExitRecord, VcpuStats

REPO = Path(__file__).resolve().parents[1]
SKERNEL2 = REPO / "configs" / "skernel2.toml"
AS = "riscv64-unknown-elf-as"
OBJCOPY = "riscv64-unknown-elf-objcopy"
needs_toolchain = pytest.mark.skipif(
    shutil.which(AS) is None or shutil.which("make") is None, reason="no RISC-V toolchain"
)
SEED_LINES = ["a0 = 0x6688, a1 = 0x1234", "Shutdown vm normally!"]


def hvsim(*args: str | Path, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hvsim", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="session")
def skernel2() -> Path:
    """Build the seed guest with the project's Makefile (only its group)."""
    if shutil.which("riscv64-unknown-elf-gcc") is None or shutil.which("make") is None:
        pytest.skip("no RISC-V toolchain")
    subprocess.run(
        ["make", "-C", str(REPO / "guests"), "skernel2"], check=True, capture_output=True
    )
    elf = REPO / "guests" / "build" / "skernel2" / "skernel2.elf"
    assert elf.is_file()
    return elf


@pytest.fixture
def guest(tmp_path: Path) -> Callable[[str, str], Path]:
    """``guest(name, asm)``: a raw VS-mode image assembled from ``asm`` and a scenario running it
    (one VM named ``name``); returns the scenario path."""
    if shutil.which(AS) is None:
        pytest.skip("no RISC-V toolchain")

    def build(name: str, asm: str, extra: str = "") -> Path:
        src = tmp_path / f"{name}.S"
        src.write_text(".globl _start\n_start:\n" + asm + "\n")
        obj = tmp_path / f"{name}.o"
        subprocess.run([AS, "-march=rv64imac_zicsr_zifencei", "-o", obj, src], check=True)
        subprocess.run([OBJCOPY, "-O", "binary", obj, tmp_path / f"{name}.bin"], check=True)
        scenario = tmp_path / f"{name}.toml"
        scenario.write_text(f'[[vm]]\nname = "{name}"\nkernel = "{name}.bin"\n{extra}')
        return scenario

    return build


SPIN = "1: addi t0, t0, 1\n   j 1b"


# ---- the seed exercise --------------------------------------------------------------------------
def test_seed_exercise_prints_exactly_the_two_lines(skernel2: Path) -> None:
    result = hvsim("run", "configs/skernel2.toml", "--quiet")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == SEED_LINES
    assert result.stderr == ""


def test_seed_exercise_summary_follows_the_console(skernel2: Path) -> None:
    result = hvsim("run", SKERNEL2)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:2] == SEED_LINES
    summary = "\n".join(lines[2:])
    assert "every VM stopped" in summary
    assert "VM seed: shutdown" in summary
    rows = {tuple(line.split()[:3]) for line in lines}
    # the three exits the guest provokes, once each
    assert ("csr", "mhartid", "1") in rows
    assert ("mmio", "regs0.read", "1") in rows
    assert ("sbi", "legacy.shutdown", "1") in rows


def test_outdir_receives_the_console_log(skernel2: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = hvsim("run", SKERNEL2, "-o", out, "--quiet")
    assert result.returncode == 0, result.stderr
    assert (out / "seed.console.log").read_text().splitlines() == SEED_LINES


# ---- exit codes and limits ----------------------------------------------------------------------
def test_until_stops_a_spinning_guest_at_the_time_limit(guest, capsys) -> None:
    scenario = guest("spin", SPIN)
    assert cli.main(["run", str(scenario), "--until", "200us"]) == 1
    out = capsys.readouterr().out
    assert "simulated-time limit" in out
    assert "simulated time 200.000 us" in out
    assert "VM spin: running" in out


def test_max_insns_stops_the_run_after_that_many_instructions(guest, capsys) -> None:
    scenario = guest("spin", SPIN)
    assert cli.main(["run", str(scenario), "--max-insns", "5000"]) == 1
    out = capsys.readouterr().out
    assert "instruction limit" in out
    assert "instructions 5000" in out


def test_a_crashing_guest_gets_a_crash_report_and_exit_1(guest, capsys) -> None:
    asm = "li a0, 0x1234\nli t0, 0x40000000\nld t1, 0(t0)\nj ."
    scenario = guest("oops", asm, 'console_prefix = ""\n')
    assert cli.main(["run", str(scenario)]) == 1
    out = capsys.readouterr().out
    assert "VM oops: crashed" in out
    assert "crash report for VM oops" in out
    assert "load_guest_page_fault" in out
    assert "0x40000000" in out
    assert "a0 0000000000001234" in out
    assert "t0 0000000040000000" in out


def test_a_guest_waiting_forever_is_a_deadlock(guest, capsys) -> None:
    scenario = guest("idle", "1: wfi\n   j 1b")
    assert cli.main(["run", str(scenario)]) == 1
    assert "deadlock" in capsys.readouterr().out


def test_quiet_prints_no_summary(guest, capsys) -> None:
    scenario = guest("spin", SPIN)
    assert cli.main(["run", str(scenario), "--until", "10us", "--quiet"]) == 1
    assert capsys.readouterr().out == ""


def test_guest_console_lines_carry_the_vm_prefix(guest, capsys) -> None:
    # legacy SBI console_putchar (EID 1) for "hi\n", then legacy shutdown (EID 8)
    asm = "\n".join(f"li a0, {ord(c)}\nli a7, 1\necall" for c in "hi\n") + "\nli a7, 8\necall"
    scenario = guest("talk", asm)
    assert cli.main(["run", str(scenario), "--quiet"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "[talk] hi"
    assert lines[-1] == "[talk] Shutdown vm normally!"


# ---- bad input ----------------------------------------------------------------------------------
def test_bad_scenario_is_one_line_on_stderr_and_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[[vm]]\nname = "a"\nkernel = "k.bin"\nmemory = "lots"\n')
    (tmp_path / "k.bin").write_bytes(b"\0" * 4)
    result = hvsim("run", path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f'hvsim: error: {path}: vm[0].memory: expected a size like "16M" (got "lots")'
    ]


def test_missing_scenario_file_exits_2(tmp_path: Path) -> None:
    result = hvsim("run", tmp_path / "missing.toml")
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_bad_kernel_elf_exits_2_before_running(tmp_path: Path) -> None:
    (tmp_path / "bad.elf").write_bytes(b"\x7fELF" + b"\0" * 60)
    path = tmp_path / "s.toml"
    path.write_text('[[vm]]\nname = "a"\nkernel = "bad.elf"\n')
    result = hvsim("run", path)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("hvsim: error: ")
    assert "bad.elf" in lines[0]
    assert result.stdout == ""


@pytest.mark.parametrize("option", [["--until", "10"], ["--until", "fast"], ["--max-insns", "0"]])
def test_bad_options_exit_2(option: list[str], capsys) -> None:
    with pytest.raises(SystemExit) as info:
        cli.main(["run", str(SKERNEL2), *option])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("hvsim: error: ") and len(err.splitlines()) == 1


# ---- time parsing and formatting ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "ps"),
    [
        ("10ms", 10 * 10**9),
        ("2s", 2 * 10**12),
        ("500us", 500 * 10**6),
        ("1.5ms", 1_500_000_000),
        ("250 ns", 250_000),
        ("7ps", 7),
        (".5s", 5 * 10**11),
    ],
)
def test_parse_time(text: str, ps: int) -> None:
    assert cli.parse_time(text) == ps


@pytest.mark.parametrize("text", ["10", "ms", "1.5ps", "0s", "3 parsecs", "-1ms"])
def test_parse_time_rejects(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        cli.parse_time(text)


@pytest.mark.parametrize(
    ("ps", "text"),
    [
        (0, "0 ps"),
        (999, "999 ps"),
        (1000, "1.000 ns"),
        (1_234_000_000, "1.234 ms"),
        (1_234_567_000, "1.235 ms"),
        (2 * 10**12, "2.000 s"),
        (61 * 10**12, "61.000 s"),
        (999_999, "999.999 ns"),
    ],
)
def test_format_time(ps: int, text: str) -> None:
    assert format_time(ps) == text


def test_format_time_reads_back_through_parse_time() -> None:
    for ps in (10**3, 5 * 10**6, 42 * 10**9, 3 * 10**12):
        assert cli.parse_time(format_time(ps).replace(" ", "")) == ps


# ---- the summary's text ------------------------------------------------------------------------
def exit_record(kind: str, detail: str, handling_ps: int, vcpu: int = 0) -> ExitRecord:
    return ExitRecord(0, "vm", vcpu, 10, kind, detail, 0x8020_0000, 0, 0, 0, handling_ps)


def test_exit_table_counts_percentages_and_average_time() -> None:
    exits = [exit_record("sbi", "time.set_timer", 1000)] * 3 + [exit_record("mmio", "u.read", 5000)]
    rows = exit_rows(exits)
    assert [(r.kind, r.detail, r.count, r.handling_ps) for r in rows] == [
        ("sbi", "time.set_timer", 3, 3000),
        ("mmio", "u.read", 1, 5000),
    ]
    lines = format_exit_table(exits).splitlines()
    assert lines[0].split() == ["kind", "detail", "count", "count%", "time%", "avg", "time"]
    assert lines[1].split() == ["sbi", "time.set_timer", "3", "75.00%", "37.50%", "1.000", "ns"]
    assert lines[2].split() == ["mmio", "u.read", "1", "25.00%", "62.50%", "5.000", "ns"]
    assert lines[3].split() == ["total", "4", "100.00%", "100.00%", "2.000", "ns"]


def test_exit_table_without_exits() -> None:
    assert "no VM exits" in format_exit_table([])


def test_registers_four_per_line_with_abi_names() -> None:
    regs = [i * 0x1111 for i in range(32)]
    lines = format_registers(regs).splitlines()
    assert len(lines) == 8
    assert lines[0].split() == [
        "zero", "0000000000000000", "ra", "0000000000001111",
        "sp", "0000000000002222", "gp", "0000000000003333",
    ]  # fmt: skip
    assert lines[2].split()[4:6] == ["a0", f"{10 * 0x1111:016x}"]
    assert lines[7].split()[-2:] == ["t6", f"{31 * 0x1111:016x}"]


def test_cause_names() -> None:
    assert cause_name(21) == "load_guest_page_fault"
    assert cause_name((1 << 63) | 6) == "interrupt virtual_supervisor_timer"
    assert cause_name(30) == "cause 30"


def test_crash_report_names_everything() -> None:
    regs = [0] * 32
    regs[10] = 0xDEAD
    crash = CrashReport(
        vm="v",
        vcpu=1,
        reason="guest load reaches nothing",
        cause=21,
        sepc=0x8020_000A,
        stval=0x4000_0000,
        htval=0x1000_0000,
        htinst=0x3303,
        regs=regs,
        time_ps=4_603_000,
        last_exits=[exit_record("demand_paging", "fetch", 3000)],
    )
    text = format_crash(crash)
    for fragment in (
        "reason   guest load reaches nothing",
        "vcpu     1",
        "4.603 us",
        "0x15 (load_guest_page_fault)",
        "sepc     0x000000008020000a",
        "stval    0x0000000040000000",
        "guest-physical 0x40000000",
        "htinst   0x00003303",
        "a0 000000000000dead",
        "demand_paging.fetch",
    ):
        assert fragment in text, fragment


def test_vm_block_totals_over_vcpus() -> None:
    a = VcpuStats("vm", 0, instructions=100, run_ps=3000, steal_ps=1000, idle_ps=0, switches=2)
    b = VcpuStats("vm", 1, instructions=50, run_ps=2000, steal_ps=0, idle_ps=7000, switches=1)
    exits = [exit_record("wfi", "block", 300, vcpu=1)]
    text = format_vm(VmSummary("vm", "shutdown", 12_000, [a, b], exits))
    assert text.splitlines()[0] == "VM vm: shutdown"
    assert "instructions 150, simulated time 12.000 ns, vcpus 2, exits 1" in text
    assert "run 5.000 ns, steal 1.000 ns, idle 7.000 ns" in text
