"""Instruction decoder: raw instruction bits -> :class:`Insn`.

Owns turning 16- and 32-bit instruction words into decoded instructions, including the
expansion of compressed (RVC) instructions to their base equivalents and the rules that
make some RVC code points reserved.  Everything is built once per extension set from the
generated tables in :mod:`hvsim.isa.encoding`:

* candidates are grouped by major opcode (bits 6:0, refined by funct3 when every candidate
  of the opcode has one) for 32-bit words, and by quadrant + funct3 for 16-bit words, and
  are tried most specific mask first;
* operand fields are extracted with the bit ranges of ``ARG_LUT``; immediates are assembled
  from the scrambled instruction bits described once per field, in the ISA manual's own
  notation (``"12|10:5"`` = instruction bits msb..lsb hold immediate bits 12, 10..5).

RVC code points that share an encoding (c.nop/c.addi, c.addi16sp/c.lui, c.jr/c.mv,
c.ebreak/c.jalr/c.add) are told apart by trying the more specific mask first: the general
form's disambiguating constraint (rd != 0, rd != 2, rs2 != 0) is exactly "the specific form
did not match".  Of the remaining constraints that riscv-opcodes marks in field names
(``*_n0``, ``*_n2``, ``nz*``), the ISA manual makes some code points *reserved* (decoded as
``None``, i.e. illegal) and the others *HINTs*, which decode to their base instruction (a
HINT writes x0 or does nothing, exactly like the base instruction would).  The reserved ones
are listed in :data:`RVC_RESERVED_IF_ZERO`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from hvsim.isa.encoding import ARG_LUT, EXTENSIONS, INSTRUCTIONS, Encoding

#: RV64IMAFDC + Zicsr + Zifencei + S + H and the privileged instructions (mret, wfi:
#: rv_system).  Of the compressed FP instructions only C.FLD/C.FSD/C.FLDSP/C.FSDSP exist on
#: RV64 (rv_c_d); C.FLW & co. are RV32-only.
DEFAULT_EXTENSIONS: frozenset[str] = frozenset(
    {
        "rv_i",
        "rv64_i",
        "rv_m",
        "rv64_m",
        "rv_a",
        "rv64_a",
        "rv_f",
        "rv64_f",
        "rv_d",
        "rv64_d",
        "rv_c",
        "rv64_c",
        "rv_c_d",
        "rv_zicsr",
        "rv_zifencei",
        "rv_s",
        "rv_h",
        "rv64_h",
        "rv_system",
    }
)


@dataclass(frozen=True, slots=True)
class Insn:
    """A decoded instruction.

    ``name`` is the semantic (base) instruction; compressed instructions are expanded
    (``c.addi`` -> ``addi``) and keep their own mnemonic in ``cname``.  ``imm`` is a signed
    Python int: the offset/value for I/S/B/J formats, the already shifted value for U
    formats (``lui``/``auipc``/``c.lui``), the shift amount for shifts and the 5-bit zimm of
    ``csrr*i`` (which is then also in ``rs1``).  FP instructions use ``rd``/``rs1``/``rs2``/
    ``rs3`` for f registers or x registers as the instruction says; ``rm`` is the rounding-mode
    field (0 for instructions without one).
    """

    name: str
    raw: int
    length: int
    rd: int = 0
    rs1: int = 0
    rs2: int = 0
    imm: int = 0
    csr: int = 0
    aq: int = 0
    rl: int = 0
    pred: int = 0
    succ: int = 0
    fm: int = 0
    cname: str | None = None
    rs3: int = 0
    rm: int = 0


# --- Field tables ----------------------------------------------------------------------

#: Plain (unsigned, contiguous) fields: ARG_LUT name -> (Insn attributes set, value added).
#: The 3-bit RVC register fields (``*_p``) name x8..x15.
PLAIN_FIELDS: dict[str, tuple[tuple[str, ...], int]] = {
    "rd": (("rd",), 0),
    "rs1": (("rs1",), 0),
    "rs2": (("rs2",), 0),
    "csr": (("csr",), 0),
    "aq": (("aq",), 0),
    "rl": (("rl",), 0),
    "pred": (("pred",), 0),
    "succ": (("succ",), 0),
    "fm": (("fm",), 0),
    "rs3": (("rs3",), 0),
    "rm": (("rm",), 0),
    "zimm5": (("imm", "rs1"), 0),
    "shamtd": (("imm",), 0),
    "shamtw": (("imm",), 0),
    "rd_p": (("rd",), 8),
    "rs1_p": (("rs1",), 8),
    "rs2_p": (("rs2",), 8),
    "rd_rs1_p": (("rd", "rs1"), 8),
    "rd_rs1_n0": (("rd", "rs1"), 0),
    "rd_n0": (("rd",), 0),
    "rd_n2": (("rd",), 0),
    "rs1_n0": (("rs1",), 0),
    "c_rs1_n0": (("rs1",), 0),
    "c_rs2_n0": (("rs2",), 0),
    "c_rs2": (("rs2",), 0),
}

#: Immediate fields: ARG_LUT name -> (immediate bits held by the field's instruction bits,
#: msb first, in the ISA manual's notation; whether the assembled immediate is signed).
IMM_FIELDS: dict[str, tuple[str, bool]] = {
    "imm12": ("11:0", True),
    "imm12hi": ("11:5", True),
    "imm12lo": ("4:0", True),
    "bimm12hi": ("12|10:5", True),
    "bimm12lo": ("4:1|11", True),
    "jimm20": ("20|10:1|11|19:12", True),
    "imm20": ("31:12", True),
    "c_nzuimm10": ("5:4|9:6|2|3", False),
    "c_uimm7hi": ("5:3", False),
    "c_uimm7lo": ("2|6", False),
    "c_uimm8hi": ("5:3", False),
    "c_uimm8lo": ("7:6", False),
    "c_nzimm6hi": ("5", True),
    "c_nzimm6lo": ("4:0", True),
    "c_imm6hi": ("5", True),
    "c_imm6lo": ("4:0", True),
    "c_nzimm10hi": ("9", True),
    "c_nzimm10lo": ("4|6|8:7|5", True),
    "c_nzimm18hi": ("17", True),
    "c_nzimm18lo": ("16:12", True),
    "c_imm12": ("11|4|9:8|10|6|7|3:1|5", True),
    "c_bimm9hi": ("8|4:3", True),
    "c_bimm9lo": ("7:6|2:1|5", True),
    "c_nzuimm6hi": ("5", False),
    "c_nzuimm6lo": ("4:0", False),
    "c_uimm8sphi": ("5", False),
    "c_uimm8splo": ("4:2|7:6", False),
    "c_uimm9sphi": ("5", False),
    "c_uimm9splo": ("4:3|8:6", False),
    "c_uimm8sp_s": ("5:2|7:6", False),
    "c_uimm9sp_s": ("5:3|8:6", False),
}

#: RVC expansion: compressed name -> (base instruction, operands the expansion fixes).
#: Operands not fixed here come from the compressed instruction's own fields.
RVC_EXPANSION: dict[str, tuple[str, dict[str, int]]] = {
    # quadrant 0
    "c_addi4spn": ("addi", {"rs1": 2}),
    "c_fld": ("fld", {}),
    "c_lw": ("lw", {}),
    "c_ld": ("ld", {}),
    "c_fsd": ("fsd", {}),
    "c_sw": ("sw", {}),
    "c_sd": ("sd", {}),
    # quadrant 1
    "c_nop": ("addi", {"rd": 0, "rs1": 0}),
    "c_addi": ("addi", {}),
    "c_addiw": ("addiw", {}),
    "c_li": ("addi", {"rs1": 0}),
    "c_addi16sp": ("addi", {"rd": 2, "rs1": 2}),
    "c_lui": ("lui", {}),
    "c_srli": ("srli", {}),
    "c_srai": ("srai", {}),
    "c_andi": ("andi", {}),
    "c_sub": ("sub", {}),
    "c_xor": ("xor", {}),
    "c_or": ("or", {}),
    "c_and": ("and", {}),
    "c_subw": ("subw", {}),
    "c_addw": ("addw", {}),
    "c_j": ("jal", {"rd": 0}),
    "c_beqz": ("beq", {"rs2": 0}),
    "c_bnez": ("bne", {"rs2": 0}),
    # quadrant 2
    "c_slli": ("slli", {}),
    "c_fldsp": ("fld", {"rs1": 2}),
    "c_lwsp": ("lw", {"rs1": 2}),
    "c_ldsp": ("ld", {"rs1": 2}),
    "c_jr": ("jalr", {"rd": 0, "imm": 0}),
    "c_mv": ("add", {"rs1": 0}),
    "c_ebreak": ("ebreak", {}),
    "c_jalr": ("jalr", {"rd": 1, "imm": 0}),
    "c_add": ("add", {}),
    "c_fsdsp": ("fsd", {"rs1": 2}),
    "c_swsp": ("sw", {"rs1": 2}),
    "c_sdsp": ("sd", {"rs1": 2}),
}

#: Reserved RVC code points (ISA manual, "C" chapter): the instruction is reserved when the
#: named (decoded) operand is zero.  This covers the all-zero halfword (c.addi4spn with
#: nzuimm=0).  Other field constraints in riscv-opcodes' names are HINTs, not reserved.
RVC_RESERVED_IF_ZERO: dict[str, str] = {
    "c_addi4spn": "imm",  # nzuimm = 0
    "c_addi16sp": "imm",  # nzimm = 0
    "c_lui": "imm",  # nzimm = 0 (rd = x0 with nzimm != 0 is a HINT)
    "c_addiw": "rd",  # rd = x0
    "c_lwsp": "rd",  # rd = x0
    "c_ldsp": "rd",  # rd = x0
    "c_jr": "rs1",  # rs1 = x0
}

_FUNCT3_MASK = 0x7000
_OPCODE_MASK = 0x7F
_RVC_GROUP_MASK = 0xE003
_CACHE_LIMIT = 1 << 16  # memoised words per decoder before the memo is dropped
_MISS = object()


def imm_bit_order(notation: str) -> list[int]:
    """Immediate bit numbers, msb first, spelled by manual notation (``"4:1|11"``)."""
    bits: list[int] = []
    for part in notation.split("|"):
        hi, _, lo = part.partition(":")
        top = int(hi)
        bottom = int(lo) if lo else top
        bits.extend(range(top, bottom - 1, -1))
    return bits


def _imm_runs(field: str) -> list[tuple[int, int, int]]:
    """(source shift, width mask, destination shift) moves that place ``field`` in imm."""
    msb, lsb = ARG_LUT[field]
    notation, _ = IMM_FIELDS[field]
    dest = imm_bit_order(notation)
    if len(dest) != msb - lsb + 1:
        raise ValueError(f"{field}: {notation!r} does not fit bits {msb}:{lsb}")
    runs: list[list[int]] = []  # [src_lo, dst_lo, width]
    for src, dst in zip(range(msb, lsb - 1, -1), dest, strict=True):
        if runs and runs[-1][0] == src + 1 and runs[-1][1] == dst + 1:
            runs[-1][0], runs[-1][1], runs[-1][2] = src, dst, runs[-1][2] + 1
        else:
            runs.append([src, dst, 1])
    return [(src, (1 << width) - 1, dst) for src, dst, width in runs]


class _Entry(NamedTuple):
    """One candidate encoding compiled for fast field extraction."""

    match: int
    mask: int
    name: str
    cname: str | None
    length: int
    plain: tuple[tuple[tuple[str, ...], int, int, int], ...]  # slots, shift, mask, add
    imm_runs: tuple[tuple[int, int, int], ...]
    sign_bit: int  # 0: unsigned immediate
    fixed: tuple[tuple[str, int], ...]
    reserved_if_zero: str | None


def _compile(enc: Encoding) -> _Entry:
    compressed = enc.match & 3 != 3
    if compressed:
        if enc.name not in RVC_EXPANSION:
            raise ValueError(f"{enc.name}: no RVC expansion known")
        name, fixed = RVC_EXPANSION[enc.name]
    else:
        name, fixed = enc.name, {}
    plain: list[tuple[tuple[str, ...], int, int, int]] = []
    runs: list[tuple[int, int, int]] = []
    imm_width, signed = 0, False
    slots_set: set[str] = set()
    for field in enc.fields:
        msb, lsb = ARG_LUT[field]
        if field in PLAIN_FIELDS:
            slots, add = PLAIN_FIELDS[field]
            plain.append((slots, lsb, (1 << (msb - lsb + 1)) - 1, add))
            slots_set.update(slots)
        elif field in IMM_FIELDS:
            runs.extend(_imm_runs(field))
            imm_width = max(imm_width, max(imm_bit_order(IMM_FIELDS[field][0])) + 1)
            signed = signed or IMM_FIELDS[field][1]
            slots_set.add("imm")
        else:
            raise ValueError(f"{enc.name}: field {field!r} is not supported by the decoder")
    if runs and any("imm" in slots for slots, *_ in plain):
        raise ValueError(f"{enc.name}: two sources for the immediate")
    if slots_set & fixed.keys():
        raise ValueError(f"{enc.name}: expansion fixes an operand the encoding provides")
    return _Entry(
        match=enc.match,
        mask=enc.mask,
        name=name,
        cname=enc.name if compressed else None,
        length=2 if compressed else 4,
        plain=tuple(plain),
        imm_runs=tuple(sorted(runs)),
        sign_bit=(1 << (imm_width - 1)) if signed else 0,
        fixed=tuple(sorted(fixed.items())),
        reserved_if_zero=RVC_RESERVED_IF_ZERO.get(enc.name) if compressed else None,
    )


def _specific_first(entries: Iterable[_Entry]) -> tuple[_Entry, ...]:
    return tuple(sorted(entries, key=lambda e: (-e.mask.bit_count(), e.cname or e.name)))


def _build(entry: _Entry, raw: int) -> Insn | None:
    values = dict(entry.fixed)
    for slots, shift, mask, add in entry.plain:
        value = ((raw >> shift) & mask) + add
        for slot in slots:
            values[slot] = value
    if entry.imm_runs:
        imm = 0
        for shift, mask, dest in entry.imm_runs:
            imm |= ((raw >> shift) & mask) << dest
        if imm & entry.sign_bit:
            imm -= entry.sign_bit << 1
        values["imm"] = imm
    if entry.reserved_if_zero is not None and not values[entry.reserved_if_zero]:
        return None
    return Insn(entry.name, raw, entry.length, cname=entry.cname, **values)


class Decoder:
    """Decoding tables for one extension set (build once, call :meth:`decode` often)."""

    def __init__(self, extensions: Iterable[str] = DEFAULT_EXTENSIONS) -> None:
        self.extensions = frozenset(extensions)
        unknown = self.extensions - EXTENSIONS
        if unknown:
            raise ValueError(f"unknown extensions: {sorted(unknown)}")
        enabled = [
            _compile(enc)
            for enc in INSTRUCTIONS.values()
            if self.extensions.intersection(enc.extensions)
        ]
        self.names = frozenset(e.cname or e.name for e in enabled)
        # 16-bit: one bucket per quadrant + funct3 (bits 15:13 and 1:0 -> a 5-bit index).
        buckets: list[list[_Entry]] = [[] for _ in range(32)]
        wide: dict[int, list[_Entry]] = {}
        for entry in enabled:
            if entry.length == 2:
                if entry.mask & _RVC_GROUP_MASK != _RVC_GROUP_MASK:
                    raise ValueError(f"{entry.cname}: mask does not fix quadrant and funct3")
                buckets[self._rvc_index(entry.match)].append(entry)
            else:
                if entry.mask & _OPCODE_MASK != _OPCODE_MASK:
                    raise ValueError(f"{entry.name}: mask does not fix the major opcode")
                wide.setdefault(entry.match & _OPCODE_MASK, []).append(entry)
        self._rvc: tuple[tuple[_Entry, ...], ...] = tuple(_specific_first(b) for b in buckets)
        self._cache: dict[int, Insn | None] = {}
        # 32-bit: by major opcode, then by funct3 when every candidate of the opcode has one.
        self._wide: dict[int, tuple[int, dict[int, tuple[_Entry, ...]]]] = {}
        for opcode, entries in wide.items():
            key_mask = _OPCODE_MASK
            if all(e.mask & _FUNCT3_MASK == _FUNCT3_MASK for e in entries):
                key_mask |= _FUNCT3_MASK
            sub: dict[int, list[_Entry]] = {}
            for entry in entries:
                sub.setdefault(entry.match & key_mask, []).append(entry)
            self._wide[opcode] = (key_mask, {k: _specific_first(v) for k, v in sub.items()})

    @staticmethod
    def _rvc_index(halfword: int) -> int:
        return ((halfword >> 11) & 0x1C) | (halfword & 3)

    def decode(self, raw: int) -> Insn | None:
        """Decode ``raw``; ``None`` if it is not a legal instruction of this extension set.

        A compressed instruction uses only the low 16 bits of ``raw`` (bits above, e.g. the
        next instruction of a fetched word, are ignored); otherwise the low 32 bits.
        Results are memoised per word (an :class:`Insn` is immutable, so sharing is safe).
        """
        raw &= 0xFFFF if raw & 3 != 3 else 0xFFFFFFFF
        cache = self._cache
        insn = cache.get(raw, _MISS)
        if insn is _MISS:
            if len(cache) >= _CACHE_LIMIT:
                cache.clear()
            insn = cache[raw] = self._decode(raw)
        return insn  # type: ignore[return-value]

    def _decode(self, raw: int) -> Insn | None:
        if raw & 3 != 3:
            for entry in self._rvc[((raw >> 11) & 0x1C) | (raw & 3)]:
                if raw & entry.mask == entry.match:
                    return _build(entry, raw)
            return None
        group = self._wide.get(raw & _OPCODE_MASK)
        if group is None:
            return None
        key_mask, sub = group
        for entry in sub.get(raw & key_mask, ()):
            if raw & entry.mask == entry.match:
                return _build(entry, raw)
        return None


@lru_cache(maxsize=16)
def decoder_for(extensions: frozenset[str] = DEFAULT_EXTENSIONS) -> Decoder:
    """The shared :class:`Decoder` for an extension set."""
    return Decoder(extensions)


def decode(raw: int, extensions: frozenset[str] = DEFAULT_EXTENSIONS) -> Insn | None:
    """Decode one instruction (see :meth:`Decoder.decode`); ``None`` means illegal."""
    return decoder_for(extensions).decode(raw)


def insn_length(first_halfword: int) -> int:
    """Length in bytes of the instruction starting with ``first_halfword``.

    Encodings longer than 32 bits (low five bits all ones) report 4; :func:`decode` treats
    them as illegal.
    """
    return 2 if first_halfword & 3 != 3 else 4
