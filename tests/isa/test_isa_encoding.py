"""The generated encoding tables: reproducible from the data, consistent, spec-valued."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from hvsim.isa import encoding

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO.parent / "shared" / "riscv-opcodes"
GENERATOR = REPO / "tools" / "gen_encoding.py"
COMMITTED = REPO / "hvsim" / "isa" / "encoding.py"


@pytest.mark.skipif(not SOURCE.is_dir(), reason="../shared/riscv-opcodes is not available")
def test_generator_reproduces_committed_file(tmp_path: Path) -> None:
    out = tmp_path / "encoding.py"
    for _ in range(2):  # twice: the output must not depend on anything but the data
        subprocess.run(
            [sys.executable, str(GENERATOR), "--source", str(SOURCE), "--output", str(out)],
            check=True,
        )
        assert out.read_bytes() == COMMITTED.read_bytes()


@pytest.mark.skipif(not SOURCE.is_dir(), reason="../shared/riscv-opcodes is not available")
def test_generator_check_mode_detects_a_stale_file(tmp_path: Path) -> None:
    stale = tmp_path / "encoding.py"
    stale.write_text(COMMITTED.read_text().replace("MATCH_ADDI = 0x13", "MATCH_ADDI = 0x14"))
    cmd = [sys.executable, str(GENERATOR), "--source", str(SOURCE), "--output", str(stale)]
    assert subprocess.run([*cmd, "--check"], capture_output=True).returncode == 1
    subprocess.run(cmd, check=True)
    assert subprocess.run([*cmd, "--check"]).returncode == 0


def test_header_names_source_and_license() -> None:
    head = COMMITTED.read_text().splitlines()[:6]
    text = "\n".join(head)
    assert "riscv/riscv-opcodes" in text
    assert "BSD-3-Clause" in text
    assert "do not edit" in text
    assert encoding.SOURCE_COMMIT in text


def test_constants_agree_with_instruction_table() -> None:
    for name, enc in encoding.INSTRUCTIONS.items():
        assert enc.name == name
        assert getattr(encoding, f"MATCH_{name.upper()}") == enc.match
        assert getattr(encoding, f"MASK_{name.upper()}") == enc.mask
        assert enc.match & ~enc.mask == 0
        assert enc.extensions and set(enc.extensions) <= encoding.EXTENSIONS


def test_fields_and_mask_partition_the_instruction_bits() -> None:
    for name, enc in encoding.INSTRUCTIONS.items():
        width = 16 if enc.match & 3 != 3 else 32
        seen = enc.mask
        for field in enc.fields:
            msb, lsb = encoding.ARG_LUT[field]
            bits = ((1 << (msb - lsb + 1)) - 1) << lsb
            assert bits & seen == 0, (name, field)
            seen |= bits
        assert seen == (1 << width) - 1, name


@pytest.mark.parametrize(
    ("name", "number"),
    [
        ("mstatus", 0x300),
        ("misa", 0x301),
        ("mepc", 0x341),
        ("mhartid", 0xF14),
        ("sstatus", 0x100),
        ("satp", 0x180),
        ("stimecmp", 0x14D),
        ("hstatus", 0x600),
        ("hgatp", 0x680),
        ("htinst", 0x64A),
        ("vsatp", 0x280),
        ("vstimecmp", 0x24D),
        ("mtinst", 0x34A),
        ("mtval2", 0x34B),
        ("time", 0xC01),
    ],
)
def test_csr_numbers_match_the_privileged_spec(name: str, number: int) -> None:
    assert encoding.CSRS[name] == number
    assert encoding.CSR_NAMES[number] == name
    assert getattr(encoding, f"CSR_{name.upper()}") == number


def test_cause_codes_match_the_privileged_spec() -> None:
    expected = {
        "MISALIGNED_FETCH": 0,
        "FETCH_ACCESS": 1,
        "ILLEGAL_INSTRUCTION": 2,
        "BREAKPOINT": 3,
        "MISALIGNED_LOAD": 4,
        "LOAD_ACCESS": 5,
        "MISALIGNED_STORE": 6,
        "STORE_ACCESS": 7,
        "USER_ECALL": 8,
        "SUPERVISOR_ECALL": 9,
        "VIRTUAL_SUPERVISOR_ECALL": 10,
        "MACHINE_ECALL": 11,
        "FETCH_PAGE_FAULT": 12,
        "LOAD_PAGE_FAULT": 13,
        "STORE_PAGE_FAULT": 15,
        "FETCH_GUEST_PAGE_FAULT": 20,
        "LOAD_GUEST_PAGE_FAULT": 21,
        "VIRTUAL_INSTRUCTION": 22,
        "STORE_GUEST_PAGE_FAULT": 23,
    }
    for name, code in expected.items():
        assert getattr(encoding, f"CAUSE_{name}") == code
        assert encoding.CAUSE_NAMES[code] == name.lower()


def test_csr_and_cause_tables_are_bijective() -> None:
    assert len(encoding.CSRS) == len(encoding.CSR_NAMES)
    assert {v: k for k, v in encoding.CSR_NAMES.items()} == encoding.CSRS
    assert len(set(encoding.CAUSE_NAMES.values())) == len(encoding.CAUSE_NAMES)
