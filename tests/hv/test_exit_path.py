"""The shortcuts of the VM-exit path give the answers the long way would.

* MMIO decode: transformed instructions (htinst) are decoded once and kept in a table; every
  load/store width, sign and register decodes right from the table as from a fresh decode, a
  non-access stays undecodable, the table is bounded, and htinst = 0 (fetch the instruction)
  is never answered from it.
* SBI: the ExitResult of a resuming call is built once per extension and function; other
  actions get their own; made-up FIDs cannot grow the table without bound.
* MMIO exit results: one per device and direction, with the same kind and detail as before.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hvsim.hv import exits, mmio, sbi
from hvsim.hv.mmio import MmioAccess
from hvsim.hv.vcpu import Action, ExitResult

# name -> (funct3, is store, size, sign-extends), from the RISC-V base ISA tables
LOADS = {
    "lb": (0, 1, True),
    "lh": (1, 2, True),
    "lw": (2, 4, True),
    "ld": (3, 8, False),
    "lbu": (4, 1, False),
    "lhu": (5, 2, False),
    "lwu": (6, 4, False),
}
STORES = {"sb": (0, 1), "sh": (1, 2), "sw": (2, 4), "sd": (3, 8)}
OP_LOAD, OP_STORE = 0x03, 0x23
NO_HART: Any = None  # a transformed instruction is decoded without looking at the hart


def transformed_load(funct3: int, rd: int, compressed: bool = False) -> int:
    """htinst of a load: the instruction with rs1 and the offset cleared (bit 1 clear if it
    was a 16-bit instruction)."""
    raw = OP_LOAD | rd << 7 | funct3 << 12
    return raw & ~2 if compressed else raw


def transformed_store(funct3: int, rs2: int, compressed: bool = False) -> int:
    raw = OP_STORE | funct3 << 12 | rs2 << 20
    return raw & ~2 if compressed else raw


@pytest.fixture(autouse=True)
def empty_decode_table():
    mmio.DECODED.clear()
    yield
    mmio.DECODED.clear()


@given(
    name=st.sampled_from(sorted(LOADS)),
    reg=st.integers(0, 31),
    compressed=st.booleans(),
)
def test_loads_decode_the_same_from_the_table(name: str, reg: int, compressed: bool) -> None:
    funct3, size, signed = LOADS[name]
    htinst = transformed_load(funct3, reg, compressed)
    expected = MmioAccess(False, size, signed, reg, 2 if compressed else 4)
    first = mmio.decode_access(NO_HART, htinst, 0)
    again = mmio.decode_access(NO_HART, htinst, 0)
    assert first == expected == mmio.decode_transformed(htinst)
    assert again is first  # the second answer came from the table
    assert mmio.DECODED[htinst] == expected


@given(
    name=st.sampled_from(sorted(STORES)),
    reg=st.integers(0, 31),
    compressed=st.booleans(),
)
def test_stores_decode_the_same_from_the_table(name: str, reg: int, compressed: bool) -> None:
    funct3, size = STORES[name]
    htinst = transformed_store(funct3, reg, compressed)
    expected = MmioAccess(True, size, False, reg, 2 if compressed else 4)
    assert mmio.decode_access(NO_HART, htinst, 0) == expected
    assert mmio.decode_access(NO_HART, htinst, 0) == expected


def test_a_non_access_stays_undecodable() -> None:
    add = 0x33 | 10 << 7  # add a0, zero, zero: not a load or store
    assert mmio.decode_access(NO_HART, add, 0) is None
    assert add in mmio.DECODED  # remembered as undecodable ...
    assert mmio.decode_access(NO_HART, add, 0) is None  # ... and still so


def test_the_table_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mmio, "MAX_DECODED", 8)
    for reg in range(32):
        htinst = transformed_load(3, reg)
        access = mmio.decode_access(NO_HART, htinst, 0)
        assert access is not None and access.reg == reg
        assert len(mmio.DECODED) <= 8


def test_htinst_zero_always_fetches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a transformed instruction the access depends on the code at sepc: no table."""
    fetched = iter([0x00053503, 0x00B53023])  # ld a0, 0(a0); then sd a1, 0(a0)
    monkeypatch.setattr(mmio, "fetch_guest_insn", lambda hart, pc: next(fetched))
    assert mmio.decode_access(NO_HART, 0, 0x1000) == MmioAccess(False, 8, False, 10, 4)
    assert mmio.decode_access(NO_HART, 0, 0x1000) == MmioAccess(True, 8, False, 11, 4)
    assert not mmio.DECODED


# ---- SBI exit results -------------------------------------------------------------------------
def _extension() -> sbi.SbiExtension:
    never_called: Any = None
    return sbi.SbiExtension("demo", range(0x0D0, 0x0D1), never_called)


def test_sbi_resume_results_are_built_once() -> None:
    ext = _extension()
    first = ext.exit_result("call", Action.RESUME)
    assert first == ExitResult(Action.RESUME, "sbi", "demo.call")
    assert ext.exit_result("call", Action.RESUME) is first
    other = ext.exit_result("other", Action.RESUME)
    assert other.detail == "demo.other" and other is not first


@pytest.mark.parametrize("action", [a for a in Action if a is not Action.RESUME])
def test_sbi_other_actions_keep_their_action(action: Action) -> None:
    ext = _extension()
    ext.exit_result("call", Action.RESUME)
    assert ext.exit_result("call", action) == ExitResult(action, "sbi", "demo.call")


def test_sbi_result_table_is_bounded() -> None:
    ext = _extension()
    for fid in range(sbi.MAX_CACHED_RESULTS + 50):
        result = ext.exit_result(str(fid), Action.RESUME)
        assert result.detail == f"demo.{fid}"
    assert len(ext._resume_results) == sbi.MAX_CACHED_RESULTS


def test_handle_ecall_reports_each_call_by_name() -> None:
    """Through the FID table: right return registers, sepc advanced, the cached result."""
    sbi.load_extensions()
    hart: Any = SimpleNamespace(x=[0] * 32, sepc=0x1000)
    vcpu: Any = None  # BASE's constant functions do not look at the vCPU
    for fid, value in [(0, sbi.SPEC_VERSION), (1, sbi.IMPL_ID), (2, sbi.IMPL_VERSION)]:
        hart.x[17], hart.x[16] = 0x10, fid
        first = sbi.handle_ecall(vcpu, hart)
        assert (hart.x[10], hart.x[11]) == (0, value)
        second = sbi.handle_ecall(vcpu, hart)
        assert second is first and first.action is Action.RESUME
    assert first.detail == "base.get_impl_version"
    assert hart.sepc == 0x1000 + 6 * 4
    hart.x[17], hart.x[16], hart.x[11] = 0x10, 0x55, 0x77
    unknown = sbi.handle_ecall(vcpu, hart)
    assert unknown.detail == "base.85"
    assert (hart.x[10], hart.x[11]) == (sbi.SBI_ERR_NOT_SUPPORTED & (2**64 - 1), 0x77)


# ---- MMIO exit results ------------------------------------------------------------------------
def test_mmio_results_name_device_and_direction() -> None:
    read = exits._mmio_result("uart0", False)
    write = exits._mmio_result("uart0", True)
    assert read == ExitResult(Action.RESUME, "mmio", "uart0.read")
    assert write == ExitResult(Action.RESUME, "mmio", "uart0.write")
    assert exits._mmio_result("uart0", False) is read
    assert exits._mmio_result("plic", False).detail == "plic.read"
