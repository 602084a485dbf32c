"""Decoder behaviour: spec examples, RVC rules, extension sets and property tests."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hvsim.isa import DEFAULT_EXTENSIONS, Decoder, Insn, decode, insn_length
from hvsim.isa.encoding import ARG_LUT, INSTRUCTIONS, Encoding

ENABLED = [e for e in INSTRUCTIONS.values() if DEFAULT_EXTENSIONS.intersection(e.extensions)]
WIDE = [e for e in ENABLED if e.match & 3 == 3]
NARROW = [e for e in ENABLED if e.match & 3 != 3]


def sext(value: int, bits: int) -> int:
    value &= (1 << bits) - 1
    return value - (1 << bits) if value >> (bits - 1) else value


def bits(word: int, msb: int, lsb: int) -> int:
    return (word >> lsb) & ((1 << (msb - lsb + 1)) - 1)


# --- Hand-checked examples (encodings from the ISA manual / GNU as) ------------------------

EXAMPLES: list[tuple[int, dict[str, object]]] = [
    (0x00150513, {"name": "addi", "rd": 10, "rs1": 10, "imm": 1}),
    (0x80058593, {"name": "addi", "rd": 11, "rs1": 11, "imm": -2048}),
    (0x04003503, {"name": "ld", "rd": 10, "rs1": 0, "imm": 64}),
    (0xFEA12E23, {"name": "sw", "rs1": 2, "rs2": 10, "imm": -4}),
    (0x00B50263, {"name": "beq", "rs1": 10, "rs2": 11, "imm": 4}),
    (0xFB9FF0EF, {"name": "jal", "rd": 1, "imm": -72}),
    (0xFF8580E7, {"name": "jalr", "rd": 1, "rs1": 11, "imm": -8}),
    (0x80000537, {"name": "lui", "rd": 10, "imm": -0x80000000}),
    (0x7FFFF537, {"name": "lui", "rd": 10, "imm": 0x7FFFF000}),
    (0xFFFFF517, {"name": "auipc", "rd": 10, "imm": -4096}),
    (0x03F59513, {"name": "slli", "rd": 10, "rs1": 11, "imm": 63}),
    (0x4055D51B, {"name": "sraiw", "rd": 10, "rs1": 11, "imm": 5}),
    (0xF14025F3, {"name": "csrrs", "rd": 11, "csr": 0xF14}),
    (0x7C02D573, {"name": "csrrwi", "rd": 10, "rs1": 5, "imm": 5, "csr": 0x7C0}),
    (0x1605B52F, {"name": "lr_d", "rd": 10, "rs1": 11, "aq": 1, "rl": 1}),
    (0x04C5A52F, {"name": "amoadd_w", "rd": 10, "rs1": 11, "rs2": 12, "aq": 1}),
    (0x1AB6252F, {"name": "sc_w", "rd": 10, "rs1": 12, "rs2": 11, "rl": 1}),
    (0x0330000F, {"name": "fence", "pred": 3, "succ": 3}),
    (0x8330000F, {"name": "fence", "pred": 3, "succ": 3, "fm": 8}),
    (0x0000100F, {"name": "fence_i"}),
    (0x12B50073, {"name": "sfence_vma", "rs1": 10, "rs2": 11}),
    (0x62B00073, {"name": "hfence_gvma", "rs2": 11}),
    (0x22000073, {"name": "hfence_vvma"}),
    (0x6005C573, {"name": "hlv_b", "rd": 10, "rs1": 11}),
    (0x6C05C573, {"name": "hlv_d", "rd": 10, "rs1": 11}),
    (0x6835C573, {"name": "hlvx_wu", "rd": 10, "rs1": 11}),
    (0x6EA5C073, {"name": "hsv_d", "rs1": 11, "rs2": 10}),
    (0x10500073, {"name": "wfi"}),
    (0x30200073, {"name": "mret"}),
    (0x10200073, {"name": "sret"}),
    (0x00000073, {"name": "ecall"}),
    (0x00100073, {"name": "ebreak"}),
    # compressed, expanded
    (0x0505, {"name": "addi", "cname": "c_addi", "rd": 10, "rs1": 10, "imm": 1}),
    (0x0001, {"name": "addi", "cname": "c_nop"}),
    (0x0808, {"name": "addi", "cname": "c_addi4spn", "rd": 10, "rs1": 2, "imm": 16}),
    (0x41C8, {"name": "lw", "cname": "c_lw", "rd": 10, "rs1": 11, "imm": 4}),
    (0xFDE8, {"name": "sd", "cname": "c_sd", "rs1": 11, "rs2": 10, "imm": 248}),
    (0xA001, {"name": "jal", "cname": "c_j", "rd": 0, "imm": 0}),
    (0xC101, {"name": "beq", "cname": "c_beqz", "rs1": 10, "rs2": 0}),
    (0x8082, {"name": "jalr", "cname": "c_jr", "rd": 0, "rs1": 1, "imm": 0}),
    (0x9502, {"name": "jalr", "cname": "c_jalr", "rd": 1, "rs1": 10}),
    (0x852E, {"name": "add", "cname": "c_mv", "rd": 10, "rs1": 0, "rs2": 11}),
    (0x952E, {"name": "add", "cname": "c_add", "rd": 10, "rs1": 10, "rs2": 11}),
    (0x9002, {"name": "ebreak", "cname": "c_ebreak"}),
    (0x757D, {"name": "lui", "cname": "c_lui", "rd": 10, "imm": -4096}),
    (0x5501, {"name": "addi", "cname": "c_li", "rd": 10, "rs1": 0, "imm": -32}),
    (0x7101, {"name": "addi", "cname": "c_addi16sp", "rd": 2, "rs1": 2, "imm": -512}),
    (0x157E, {"name": "slli", "cname": "c_slli", "rd": 10, "rs1": 10, "imm": 63}),
    (0x997D, {"name": "andi", "cname": "c_andi", "rd": 10, "rs1": 10, "imm": -1}),
    (0x2501, {"name": "addiw", "cname": "c_addiw", "rd": 10, "rs1": 10, "imm": 0}),
    (0x557E, {"name": "lw", "cname": "c_lwsp", "rd": 10, "rs1": 2, "imm": 252}),
    (0x757E, {"name": "ld", "cname": "c_ldsp", "rd": 10, "rs1": 2, "imm": 504}),
    (0xDFAA, {"name": "sw", "cname": "c_swsp", "rs1": 2, "rs2": 10, "imm": 252}),
    (0xFFAA, {"name": "sd", "cname": "c_sdsp", "rs1": 2, "rs2": 10, "imm": 504}),
    (0x8C05, {"name": "sub", "cname": "c_sub", "rd": 8, "rs1": 8, "rs2": 9}),
    (0x9C25, {"name": "addw", "cname": "c_addw", "rd": 8, "rs1": 8, "rs2": 9}),
    # scrambled RVC immediates, encoded by GNU as
    (0xD081, {"name": "beq", "cname": "c_beqz", "rs1": 9, "imm": -256}),
    (0xEFFD, {"name": "bne", "cname": "c_bnez", "rs1": 15, "imm": 254}),
    (0xC54D, {"name": "beq", "cname": "c_beqz", "rs1": 10, "imm": 170}),
    (0xB001, {"name": "jal", "cname": "c_j", "imm": -2048}),
    (0xAFFD, {"name": "jal", "cname": "c_j", "imm": 2046}),
    (0xAB99, {"name": "jal", "cname": "c_j", "imm": 1366}),
    (0x617D, {"name": "addi", "cname": "c_addi16sp", "rd": 2, "rs1": 2, "imm": 496}),
    (0x1FE4, {"name": "addi", "cname": "c_addi4spn", "rd": 9, "rs1": 2, "imm": 1020}),
    (0x0AD0, {"name": "addi", "cname": "c_addi4spn", "rd": 12, "rs1": 2, "imm": 340}),
    (0x62FD, {"name": "lui", "cname": "c_lui", "rd": 5, "imm": 0x1F000}),
    (0x5C7C, {"name": "lw", "cname": "c_lw", "rd": 15, "rs1": 8, "imm": 124}),
    (0x7744, {"name": "ld", "cname": "c_ld", "rd": 9, "rs1": 14, "imm": 168}),
    (0xE686, {"name": "sd", "cname": "c_sdsp", "rs1": 2, "rs2": 1, "imm": 328}),
    (0x4FD6, {"name": "lw", "cname": "c_lwsp", "rd": 31, "rs1": 2, "imm": 84}),
    (0x96A9, {"name": "srai", "cname": "c_srai", "rd": 13, "rs1": 13, "imm": 42}),
    (0x88D5, {"name": "andi", "cname": "c_andi", "rd": 9, "rs1": 9, "imm": 21}),
]

SEMANTIC = ("name", "rd", "rs1", "rs2", "imm", "csr", "aq", "rl", "pred", "succ", "fm", "cname")


@pytest.mark.parametrize(("raw", "expected"), EXAMPLES, ids=[f"{raw:#x}" for raw, _ in EXAMPLES])
def test_examples(raw: int, expected: dict[str, object]) -> None:
    insn = decode(raw)
    assert insn is not None
    want = {field: 0 for field in SEMANTIC} | {"cname": None} | expected
    assert {f: getattr(insn, f) for f in SEMANTIC} == want
    assert insn.raw == raw
    assert insn.length == (2 if raw & 3 != 3 else 4)


@pytest.mark.parametrize(
    "raw",
    [
        0x10500073 | (1 << 7),  # wfi with rd != 0
        0x30200073 | (5 << 15),  # mret with rs1 != 0
        0x00000073 | (1 << 20) | (1 << 7),  # ebreak with rd != 0
        0x12000073 | (1 << 7),  # sfence.vma with rd != 0
        0x6005C573 | (2 << 20),  # hlv.b with an undefined rs2 selector
        0x0005D507,  # LOAD-FP funct3=5 (no such width without Q/V)
        0x00B5C027,  # STORE-FP funct3=4 (FSQ: Q is not enabled)
        0x06B57553,  # fadd.q: Q is not enabled
        0xE0052553,  # funct7 1110000 with funct3 010 (only fmv.x.w 000 / fclass.s 001)
        0xE0151553,  # fclass.s with rs2 != 0
        0x40B57553,  # fcvt.s.d spelled with rs2 = 11 (only rs2 = 1 is fcvt.s.d)
        0xFFFFFFFF,  # >32-bit encoding prefix
        0x0000001F,  # 48-bit encoding prefix
        0x0000003F,  # 64-bit encoding prefix
        0x0000007F,
        0x0000500B,  # custom-0
    ],
)
def test_illegal_32bit(raw: int) -> None:
    assert decode(raw) is None


def test_insn_length() -> None:
    assert insn_length(0x0000) == 2
    assert insn_length(0x0001) == 2
    assert insn_length(0x8002) == 2
    assert insn_length(0x0513) == 4
    assert insn_length(0x001F) == 4  # longer encodings: 4, and decode says illegal
    assert decode(0x0000001F) is None


def test_compressed_decoding_ignores_the_upper_halfword() -> None:
    assert decode(0xDEAD0505) == decode(0x0505)
    assert decode(0xDEAD0505).raw == 0x0505


# --- RVC reserved code points and HINTs (ISA manual, "C" chapter) -------------------------

RESERVED_RVC = {
    0x0000: "all-zero halfword",
    0x0004: "c.addi4spn nzuimm=0",
    0x001C: "c.addi4spn nzuimm=0 (rd'=x15)",
    0x6101: "c.addi16sp nzimm=0",
    0x6501: "c.lui nzimm=0",
    0x6001: "c.lui rd=x0 nzimm=0",
    0x4002: "c.lwsp rd=x0",
    0x6002: "c.ldsp rd=x0",
    0x8002: "c.jr rs1=x0",
    0x2001: "c.addiw rd=x0",
    0x8000: "quadrant 0 funct3=100",
    0x9C41: "c.subw-space funct2=10",
    0x9C61: "c.subw-space funct2=11",
}

HINTS_RVC: dict[int, tuple[str, str, int, int, int, int]] = {
    # raw: (cname, base, rd, rs1, rs2, imm)
    0x0015: ("c_nop", "addi", 0, 0, 0, 5),
    0x1001: ("c_nop", "addi", 0, 0, 0, -32),
    0x0501: ("c_addi", "addi", 10, 10, 0, 0),
    0x4015: ("c_li", "addi", 0, 0, 0, 5),
    0x6005: ("c_lui", "lui", 0, 0, 0, 0x1000),
    0x802E: ("c_mv", "add", 0, 0, 11, 0),
    0x902E: ("c_add", "add", 0, 0, 11, 0),
    0x0006: ("c_slli", "slli", 0, 0, 0, 1),
    0x0502: ("c_slli", "slli", 10, 10, 0, 0),
    0x8001: ("c_srli", "srli", 8, 8, 0, 0),
    0x8401: ("c_srai", "srai", 8, 8, 0, 0),
}


@pytest.mark.parametrize("raw", sorted(RESERVED_RVC), ids=lambda r: RESERVED_RVC[r])
def test_reserved_rvc_is_illegal(raw: int) -> None:
    assert decode(raw) is None


@pytest.mark.parametrize("raw", sorted(HINTS_RVC), ids=hex)
def test_rvc_hints_decode_to_their_base_instruction(raw: int) -> None:
    cname, base, rd, rs1, rs2, imm = HINTS_RVC[raw]
    insn = decode(raw)
    assert insn is not None
    assert (insn.cname, insn.name, insn.rd, insn.rs1, insn.rs2, insn.imm) == (
        cname,
        base,
        rd,
        rs1,
        rs2,
        imm,
    )


# Field constraints riscv-opcodes encodes in field names (rd_n0, rd_n2, nz*) for the enabled
# RVC instructions, classified per the manual.  Every one must be accounted for.
CONSTRAINTS_RESERVED = {
    ("c_addi4spn", "c_nzuimm10"),
    ("c_addi16sp", "c_nzimm10"),
    ("c_lui", "c_nzimm18"),
    ("c_lwsp", "rd_n0"),
    ("c_ldsp", "rd_n0"),
    ("c_jr", "rs1_n0"),
    ("c_addiw", "rd_rs1_n0"),
}
CONSTRAINTS_HINT = {
    ("c_nop", "c_nzimm6"),  # c.nop with imm != 0
    ("c_addi", "c_nzimm6"),
    ("c_li", "rd_n0"),
    ("c_lui", "rd_n2"),  # rd = x0 is a HINT (rd = x2 is c.addi16sp)
    ("c_slli", "rd_rs1_n0"),
    ("c_slli", "c_nzuimm6"),
    ("c_srli", "c_nzuimm6"),
    ("c_srai", "c_nzuimm6"),
    ("c_mv", "rd_n0"),
    ("c_add", "rd_rs1_n0"),
}
CONSTRAINTS_DISAMBIGUATING = {
    ("c_addi", "rd_rs1_n0"),  # rd = x0 is c.nop
    ("c_mv", "c_rs2_n0"),  # rs2 = x0 is c.jr
    ("c_add", "c_rs2_n0"),  # rs2 = x0 is c.jalr / c.ebreak
    ("c_jalr", "c_rs1_n0"),  # rs1 = x0 is c.ebreak
}


def test_every_rvc_field_constraint_in_the_data_is_classified() -> None:
    marked = set()
    for enc in NARROW:
        for field in enc.fields:
            if field.endswith(("_n0", "_n2")):
                marked.add((enc.name, field))
            elif "_nz" in field:
                marked.add((enc.name, field.removesuffix("hi").removesuffix("lo")))
    assert marked == CONSTRAINTS_RESERVED | CONSTRAINTS_HINT | CONSTRAINTS_DISAMBIGUATING


def rvc_reference(h: int) -> str | None:
    """The RV64C opcode map of the ISA manual (with D), written as plain bit tests."""
    op, f3 = h & 3, h >> 13
    rd, rs2, b12 = bits(h, 11, 7), bits(h, 6, 2), bits(h, 12, 12)
    if op == 0:
        if f3 == 0:
            return "c_addi4spn" if bits(h, 12, 5) else None
        return {1: "c_fld", 2: "c_lw", 3: "c_ld", 5: "c_fsd", 6: "c_sw", 7: "c_sd"}.get(f3)
    if op == 1:
        if f3 == 0:
            return "c_addi" if rd else "c_nop"
        if f3 == 1:
            return "c_addiw" if rd else None
        if f3 == 2:
            return "c_li"
        if f3 == 3:
            if b12 == 0 and rs2 == 0:
                return None
            return "c_addi16sp" if rd == 2 else "c_lui"
        if f3 == 4:
            f2 = bits(h, 11, 10)
            if f2 < 3:
                return ("c_srli", "c_srai", "c_andi")[f2]
            if b12 == 0:
                return ("c_sub", "c_xor", "c_or", "c_and")[bits(h, 6, 5)]
            return ("c_subw", "c_addw", None, None)[bits(h, 6, 5)]
        return ("c_j", "c_beqz", "c_bnez")[f3 - 5]
    if f3 == 0:
        return "c_slli"
    if f3 == 1:
        return "c_fldsp"  # rd = f0 is legal (an f register)
    if f3 in (2, 3):
        return ("c_lwsp", "c_ldsp")[f3 - 2] if rd else None
    if f3 == 4:
        if b12 == 0:
            if rs2 == 0:
                return "c_jr" if rd else None
            return "c_mv"
        if rs2 == 0:
            return "c_jalr" if rd else "c_ebreak"
        return "c_add"
    return {5: "c_fsdsp", 6: "c_swsp", 7: "c_sdsp"}.get(f3)


def test_every_16bit_word_against_the_manual_opcode_map() -> None:
    for h in range(1 << 16):
        if h & 3 == 3:
            continue
        insn = decode(h)
        assert (insn.cname if insn else None) == rvc_reference(h), hex(h)
        if insn is not None:
            assert insn.length == 2 and insn.raw == h
            assert h & INSTRUCTIONS[insn.cname].mask == INSTRUCTIONS[insn.cname].match


# --- RVC expansion == the equivalent 32-bit instruction ------------------------------------


def encode32(name: str, rd: int, rs1: int, rs2: int, imm: int) -> int:
    """An independent encoder for the base instructions that RVC expands to."""
    word = INSTRUCTIONS[name].match
    opcode = word & 0x7F
    if opcode in (0x37, 0x17):  # U
        return word | rd << 7 | (imm & 0xFFFFF000)
    if opcode == 0x6F:  # J
        return (
            word
            | rd << 7
            | bits(imm, 20, 20) << 31
            | bits(imm, 10, 1) << 21
            | bits(imm, 11, 11) << 20
            | bits(imm, 19, 12) << 12
        )
    if opcode == 0x63:  # B
        return (
            word
            | rs1 << 15
            | rs2 << 20
            | bits(imm, 12, 12) << 31
            | bits(imm, 10, 5) << 25
            | bits(imm, 4, 1) << 8
            | bits(imm, 11, 11) << 7
        )
    if opcode in (0x23, 0x27):  # S (and STORE-FP)
        return word | rs1 << 15 | rs2 << 20 | bits(imm, 11, 5) << 25 | bits(imm, 4, 0) << 7
    if opcode in (0x33, 0x3B):  # R
        return word | rd << 7 | rs1 << 15 | rs2 << 20
    if name == "ebreak":
        return word
    if name in ("slli", "srli", "srai"):
        return word | rd << 7 | rs1 << 15 | bits(imm, 5, 0) << 20
    return word | rd << 7 | rs1 << 15 | bits(imm, 11, 0) << 20  # I


def test_rvc_expansion_equals_the_32bit_instruction() -> None:
    checked = set()
    for h in range(1 << 16):
        short = decode(h) if h & 3 != 3 else None
        if short is None:
            continue
        word = encode32(short.name, short.rd, short.rs1, short.rs2, short.imm)
        full = decode(word)
        assert full is not None, (hex(h), short)
        assert full.cname is None and full.length == 4
        for field in SEMANTIC[:-1]:
            assert getattr(full, field) == getattr(short, field), (hex(h), field)
        checked.add(short.cname)
    assert checked == {e.name for e in NARROW}


# --- Property tests -------------------------------------------------------------------------

_IMM_OF_FIELD = {
    "imm12": lambda w: sext(w >> 20, 12),
    "imm12hi": lambda w: sext(bits(w, 31, 25) << 5 | bits(w, 11, 7), 12),
    "bimm12hi": lambda w: sext(
        bits(w, 31, 31) << 12 | bits(w, 7, 7) << 11 | bits(w, 30, 25) << 5 | bits(w, 11, 8) << 1,
        13,
    ),
    "jimm20": lambda w: sext(
        bits(w, 31, 31) << 20
        | bits(w, 19, 12) << 12
        | bits(w, 20, 20) << 11
        | bits(w, 30, 21) << 1,
        21,
    ),
    "imm20": lambda w: sext(w & 0xFFFFF000, 32),
    "shamtd": lambda w: bits(w, 25, 20),
    "shamtw": lambda w: bits(w, 24, 20),
    "zimm5": lambda w: bits(w, 19, 15),
}
_PLAIN_OF_FIELD = {
    "rd": (11, 7),
    "rs1": (19, 15),
    "rs2": (24, 20),
    "csr": (31, 20),
    "aq": (26, 26),
    "rl": (25, 25),
    "pred": (27, 24),
    "succ": (23, 20),
    "fm": (31, 28),
    "rs3": (31, 27),
    "rm": (14, 12),
}


def _matching(word: int, encodings: list[Encoding]) -> list[str]:
    return [e.name for e in encodings if word & e.mask == e.match]


def _check_wide(word: int) -> None:
    insn = decode(word)
    matches = _matching(word, WIDE)
    if insn is None:
        assert matches == []
        return
    assert matches == [insn.name]
    enc = INSTRUCTIONS[insn.name]
    assert insn.length == 4 and insn.raw == word and insn.cname is None
    for attr, (msb, lsb) in _PLAIN_OF_FIELD.items():
        expected = bits(word, msb, lsb) if attr in enc.fields else 0
        if attr == "rs1" and "zimm5" in enc.fields:
            expected = bits(word, 19, 15)
        assert getattr(insn, attr) == expected, attr
    imm_fields = [f for f in enc.fields if f in _IMM_OF_FIELD]
    expected_imm = _IMM_OF_FIELD[imm_fields[0]](word) if imm_fields else 0
    assert insn.imm == expected_imm


FRESH_DECODER = Decoder(DEFAULT_EXTENSIONS)  # built independently of the shared one

words32 = st.one_of(
    st.integers(0, 2**32 - 1).map(lambda w: w | 3),
    st.tuples(st.sampled_from(WIDE), st.integers(0, 2**32 - 1)).map(
        lambda t: (t[1] & ~t[0].mask) | t[0].match
    ),
)


@settings(max_examples=1500, deadline=None)
@given(words32)
def test_random_32bit_words(word: int) -> None:
    _check_wide(word)
    assert decode(word) == decode(word)
    assert FRESH_DECODER.decode(word) == decode(word)


@settings(max_examples=1000, deadline=None)
@given(st.integers(0, 2**16 - 1).filter(lambda h: h & 3 != 3))
def test_random_16bit_words(half: int) -> None:
    insn = decode(half)
    assert insn == decode(half)
    if insn is not None:
        enc = INSTRUCTIONS[insn.cname]
        assert half & enc.mask == enc.match
        assert DEFAULT_EXTENSIONS.intersection(enc.extensions)
        assert isinstance(insn, Insn) and insn.length == 2


# --- Extension sets ---------------------------------------------------------------------------


def test_bitmanip_needs_its_extension() -> None:
    sh1add = 0x20B52533  # sh1add a0, a0, a1
    clz = 0x60051513  # clz a0, a0
    assert decode(sh1add) is None and decode(clz) is None
    more = DEFAULT_EXTENSIONS | {"rv_zba", "rv64_zba", "rv_zbb", "rv64_zbb", "rv_zbs", "rv_zicond"}
    a = decode(sh1add, more)
    assert a is not None and (a.name, a.rd, a.rs1, a.rs2) == ("sh1add", 10, 10, 11)
    b = decode(clz, more)
    assert b is not None and (b.name, b.rd, b.rs1) == ("clz", 10, 10)
    # the extra extensions do not change anything already decoded
    for word in (0x00150513, 0x0505, 0x03F59513, 0x4055D51B):
        assert decode(word, more) == decode(word)


def test_every_enabled_instruction_is_reachable() -> None:
    for enc in ENABLED:
        # set the low bit of each variable field so that "must not be zero" cases are avoided
        word = enc.match
        for field in enc.fields:
            word |= 1 << ARG_LUT[field][1]
        insn = decode(word)
        assert insn is not None, enc.name
        assert (insn.cname or insn.name) == enc.name


def test_unknown_extension_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown extensions"):
        Decoder({"rv_i", "rv_nonsense"})


def test_fp_fields_rs3_and_rm() -> None:
    insn = decode(0x6AC5F543)  # fmadd.d fa0, fa1, fa2, fa3 (dynamic rounding)
    assert insn is not None
    assert (insn.name, insn.rd, insn.rs1, insn.rs2, insn.rs3, insn.rm) == (
        "fmadd_d",
        10,
        11,
        12,
        13,
        7,
    )
    insn = decode(0xC2251553)  # fcvt.l.d a0, fa0, rtz (rs2 = 2 is part of the opcode)
    assert insn is not None and (insn.name, insn.rs2, insn.rm) == ("fcvt_l_d", 0, 1)
    insn = decode(0x22B50553)  # fsgnj.d fa0, fa0, fa1: funct3 is not a rounding mode
    assert insn is not None and (insn.name, insn.rm) == ("fsgnj_d", 0)
