"""Disassembler output: GNU-like text, targets, aliases, compressed forms, illegal words."""

from __future__ import annotations

import pytest

from hvsim.isa import DEFAULT_EXTENSIONS, decode, disasm, disasm_raw
from hvsim.isa.encoding import INSTRUCTIONS


@pytest.mark.parametrize(
    ("raw", "pc", "text"),
    [
        (0x00150513, None, "addi a0, a0, 1"),
        (0x04003503, None, "ld a0, 64(zero)"),
        (0xF14025F3, None, "csrr a1, mhartid"),
        (0x30051073, None, "csrw mstatus, a0"),
        (0x00B50263, 0x8000000C, "beq a0, a1, 0x80000010"),
        (0x00B50263, None, "beq a0, a1, .+4"),
        (0xFB9FF0EF, 0x80000060, "jal ra, 0x80000018"),
        (0xFB9FF0EF, None, "jal ra, .-72"),
        (0xFB9FF0EF, 0x0, "jal ra, 0xffffffffffffffb8"),  # wraps like a 64-bit pc
        (0x0505, None, "c.addi a0, 1"),
        (0x0001, None, "c.nop"),
        (0x0015, None, "c.nop 5"),
        (0xA001, 0x1000, "c.j 0x1000"),
        (0x1605B52F, None, "lr.d.aqrl a0, (a1)"),
        (0x00C5A52F, None, "amoadd.w a0, a2, (a1)"),
        (0x04C5A52F, None, "amoadd.w.aq a0, a2, (a1)"),
        (0x1AB6252F, None, "sc.w.rl a0, a1, (a2)"),
        (0x0330000F, None, "fence rw, rw"),
        (0x0FF0000F, None, "fence iorw, iorw"),
        (0x8330000F, None, "fence.tso"),
        (0x0000100F, None, "fence.i"),
        (0x12000073, None, "sfence.vma zero, zero"),
        (0x62B00073, None, "hfence.gvma zero, a1"),
        (0x6005C573, None, "hlv.b a0, (a1)"),
        (0x6EA5C073, None, "hsv.d a0, (a1)"),
        (0x80000537, None, "lui a0, 0x80000"),
        (0x03F59513, None, "slli a0, a1, 0x3f"),
        (0x7C02D573, None, "csrrwi a0, 0x7c0, 5"),  # no name for a custom CSR
        (0x30200073, None, "mret"),
        (0x10500073, None, "wfi"),
        (0x757D, None, "c.lui a0, 0xfffff"),
        (0x7101, None, "c.addi16sp sp, -512"),
        (0x0808, None, "c.addi4spn a0, sp, 16"),
        (0x557E, None, "c.lwsp a0, 252(sp)"),
        (0x8082, None, "c.jr ra"),
        (0x852E, None, "c.mv a0, a1"),
        (0x9002, None, "c.ebreak"),
        (0x02C5F553, None, "fadd.d fa0, fa1, fa2"),  # dyn: not shown
        (0x02C59553, None, "fadd.d fa0, fa1, fa2, rtz"),
        (0x02B5D553, None, "fadd.d fa0, fa1, fa1, unknown"),  # reserved rm 5
        (0x68C5C543, None, "fmadd.s fa0, fa1, fa2, fa3, rmm"),
        (0xC2051553, None, "fcvt.w.d a0, fa0, rtz"),
        (0xD2050553, None, "fcvt.d.w fa0, a0"),  # exact: rne is the default
        (0xD2057553, None, "fcvt.d.w fa0, a0, dyn"),
        (0xE2050553, None, "fmv.x.d a0, fa0"),
        (0xF0050553, None, "fmv.w.x fa0, a0"),
        (0xA2B52553, None, "feq.d a0, fa0, fa1"),
        (0x00852507, None, "flw fa0, 8(a0)"),
        (0xFEA13C27, None, "fsd fa0, -8(sp)"),
        (0x2422, None, "c.fldsp fs0, 8(sp)"),
        (0xA508, None, "c.fsd fa0, 8(a0)"),
    ],
)
def test_examples(raw: int, pc: int | None, text: str) -> None:
    assert disasm(decode(raw), pc) == text
    assert disasm_raw(raw, pc) == text


def test_no_alias_mode_shows_the_real_instruction() -> None:
    assert disasm(decode(0xF14025F3), aliases=False) == "csrrs a1, mhartid, zero"
    assert disasm(decode(0x30051073), aliases=False) == "csrrw zero, mstatus, a0"
    # csrrs with both rd and rs1 non-zero has no alias
    assert disasm(decode(0x30062573)) == "csrrs a0, mstatus, a2"


def test_illegal_words() -> None:
    assert disasm(None) == "unimp"
    assert disasm_raw(0x0000) == "c.unimp"
    assert disasm_raw(0x4002) == ".2byte 0x4002"
    assert disasm_raw(0xFFFFFFFF) == ".4byte 0xffffffff"
    assert disasm_raw(0x0005D507) == ".4byte 0x0005d507"  # LOAD-FP funct3=5: no such width


def test_every_enabled_instruction_disassembles_to_its_mnemonic() -> None:
    for enc in INSTRUCTIONS.values():
        if not DEFAULT_EXTENSIONS.intersection(enc.extensions):
            continue
        word = enc.match
        if enc.name in ("c_addi4spn", "c_addi16sp", "c_lui"):
            word |= 1 << 6  # keep the immediate non-zero (zero is reserved)
        if enc.name in ("c_lwsp", "c_ldsp", "c_jr", "c_addiw", "c_jalr", "c_lui"):
            word |= 1 << 7  # rd/rs1 = x1
        if enc.name in ("c_mv", "c_add"):
            word |= 1 << 2  # rs2 = x1
        if enc.name == "c_addi":
            word |= 1 << 7
        text = disasm(decode(word), aliases=False)
        mnemonic = text.split(" ")[0]
        expected = enc.name.replace("_", ".")
        if enc.name == "fence":
            assert mnemonic == "fence"
        else:
            assert mnemonic.startswith(expected), (enc.name, text)
