"""Disassembler: :class:`~hvsim.isa.decode.Insn` -> GNU-like assembly text.

Owns the textual form of instructions for traces and error reports.  The output follows
``objdump -M no-aliases`` (ABI register names, ``imm(reg)`` memory operands, hex shift
amounts and U-type immediates, ``.aq``/``.rl`` suffixes, CSR names), separated by ``", "``;
compressed instructions show their own mnemonic and operands (``c.addi a0, 1``).  With
``aliases=True`` (the default) the CSR accesses use the assembler's aliases (``csrr``,
``csrw``, ``csrs``, ``csrc`` and their immediate forms).  Branch and jump targets are
absolute when the instruction's ``pc`` is given, else relative (``.+16``).

Everything is table-driven: each instruction has an operand format (a tuple of operand
kinds), chosen once from its opcode and encoding fields, and each operand kind has one
renderer.  FP instructions name f registers by their ABI names and show a rounding mode, as
GNU objdump does, only when it is not the default: ``dyn``, or ``rne`` for the conversions
that are always exact (``fcvt.d.s``, ``fcvt.d.w``, ``fcvt.d.wu``); reserved modes show as
``unknown``.
"""

from __future__ import annotations

from collections.abc import Callable

from hvsim.isa.decode import DEFAULT_EXTENSIONS, Insn, decode
from hvsim.isa.encoding import CSR_NAMES, INSTRUCTIONS

ABI_NAMES: tuple[str, ...] = (
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2",
    "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
    "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7",
    "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
)  # fmt: skip

FP_ABI_NAMES: tuple[str, ...] = (
    "ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7",
    "fs0", "fs1", "fa0", "fa1", "fa2", "fa3", "fa4", "fa5",
    "fa6", "fa7", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7",
    "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
)  # fmt: skip

_MASK64 = (1 << 64) - 1

# --- Operand renderers ------------------------------------------------------------------


def _target(insn: Insn, pc: int | None) -> str:
    if pc is not None:
        return f"{(pc + insn.imm) & _MASK64:#x}"
    return f".{insn.imm:+d}"


#: Rounding-mode field values as assemblers write them (5 and 6 are reserved).
RM_NAMES = ("rne", "rtz", "rdn", "rup", "rmm", "unknown", "unknown", "dyn")
#: Instructions whose rm field defaults to rne (exact conversions); for the others it is dyn.
RNE_DEFAULT = frozenset({"fcvt_d_s", "fcvt_d_w", "fcvt_d_wu"})


def _rm(insn: Insn, pc: int | None) -> str | None:
    default = 0 if insn.name in RNE_DEFAULT else 7
    return None if insn.rm == default else RM_NAMES[insn.rm]


def _fence_set(bits: int) -> str:
    return "".join(c for c, b in zip("iorw", (8, 4, 2, 1), strict=True) if bits & b) or "0"


#: A renderer returns None for an operand that is left out (a default rounding mode).
Renderer = Callable[[Insn, int | None], str | None]

OPERANDS: dict[str, Renderer] = {
    "rd": lambda i, pc: ABI_NAMES[i.rd],
    "rs1": lambda i, pc: ABI_NAMES[i.rs1],
    "rs2": lambda i, pc: ABI_NAMES[i.rs2],
    "frd": lambda i, pc: FP_ABI_NAMES[i.rd],
    "frs1": lambda i, pc: FP_ABI_NAMES[i.rs1],
    "frs2": lambda i, pc: FP_ABI_NAMES[i.rs2],
    "frs3": lambda i, pc: FP_ABI_NAMES[i.rs3],
    "rm": _rm,
    "imm": lambda i, pc: str(i.imm),
    "shamt": lambda i, pc: f"{i.imm:#x}",
    "uimm20": lambda i, pc: f"{(i.imm >> 12) & 0xFFFFF:#x}",
    "zimm": lambda i, pc: str(i.imm),
    "mem": lambda i, pc: f"{i.imm}({ABI_NAMES[i.rs1]})",
    "amem": lambda i, pc: f"({ABI_NAMES[i.rs1]})",
    "target": _target,
    "csr": lambda i, pc: CSR_NAMES.get(i.csr, f"{i.csr:#x}"),
    "pred": lambda i, pc: _fence_set(i.pred),
    "succ": lambda i, pc: _fence_set(i.succ),
}

# --- Operand formats --------------------------------------------------------------------

#: Formats chosen by major opcode (32-bit instructions).
_FORMAT_BY_OPCODE: dict[int, tuple[str, ...]] = {
    0x03: ("rd", "mem"),  # LOAD
    0x07: ("frd", "mem"),  # LOAD-FP
    0x23: ("rs2", "mem"),  # STORE
    0x27: ("frs2", "mem"),  # STORE-FP
    0x63: ("rs1", "rs2", "target"),  # BRANCH
    0x6F: ("rd", "target"),  # JAL
    0x67: ("rd", "mem"),  # JALR
    0x37: ("rd", "uimm20"),  # LUI
    0x17: ("rd", "uimm20"),  # AUIPC
    0x43: ("frd", "frs1", "frs2", "frs3", "rm"),  # MADD
    0x47: ("frd", "frs1", "frs2", "frs3", "rm"),  # MSUB
    0x4B: ("frd", "frs1", "frs2", "frs3", "rm"),  # NMSUB
    0x4F: ("frd", "frs1", "frs2", "frs3", "rm"),  # NMADD
}

#: OP-FP instructions whose rd / rs1 are x registers, by name prefix: (rd is x, rs1 is x).
#: For conversions the type letters decide (``fcvt.<rd type>.<rs1 type>``).
_OP_FP_X_OPERANDS: dict[str, tuple[bool, bool]] = {
    "feq_": (True, False),
    "flt_": (True, False),
    "fle_": (True, False),
    "fclass_": (True, False),
    "fmv_x_": (True, False),
    "fmv_w_x": (False, True),
    "fmv_d_x": (False, True),
}
_INT_TYPES = frozenset({"w", "wu", "l", "lu"})


def _op_fp_format(name: str, fields: tuple[str, ...]) -> tuple[str, ...]:
    """The operand format of an OP-FP (major opcode 0x53) instruction."""
    if name.startswith("fcvt_"):
        _, to, frm = name.split("_")
        rd_x, rs1_x = to in _INT_TYPES, frm in _INT_TYPES
    else:
        prefix = next((p for p in _OP_FP_X_OPERANDS if name.startswith(p)), None)
        rd_x, rs1_x = _OP_FP_X_OPERANDS[prefix] if prefix is not None else (False, False)
    fmt = ["rd" if rd_x else "frd", "rs1" if rs1_x else "frs1"]
    if "rs2" in fields:
        fmt.append("frs2")
    if "rm" in fields:
        fmt.append("rm")
    return tuple(fmt)


#: Formats chosen by the encoding's set of variable fields (32-bit instructions).
_FORMAT_BY_FIELDS: dict[frozenset[str], tuple[str, ...]] = {
    frozenset(): (),
    frozenset({"rd", "rs1", "rs2"}): ("rd", "rs1", "rs2"),
    frozenset({"rd", "rs1", "imm12"}): ("rd", "rs1", "imm"),
    frozenset({"rd", "rs1", "shamtd"}): ("rd", "rs1", "shamt"),
    frozenset({"rd", "rs1", "shamtw"}): ("rd", "rs1", "shamt"),
    frozenset({"rd", "rs1"}): ("rd", "rs1"),
    frozenset({"rs1", "rs2"}): ("rs1", "rs2"),
    frozenset({"rs1"}): ("amem",),
    frozenset({"rd", "rs1", "csr"}): ("rd", "csr", "rs1"),
    frozenset({"rd", "csr", "zimm5"}): ("rd", "csr", "zimm"),
    frozenset({"rd", "rs1", "rs2", "aq", "rl"}): ("rd", "rs2", "amem"),
    frozenset({"rd", "rs1", "aq", "rl"}): ("rd", "amem"),
    frozenset({"fm", "pred", "succ", "rs1", "rd"}): ("pred", "succ"),
}

#: Formats of single instructions that share their field set with a different format.
_FORMAT_BY_NAME: dict[str, tuple[str, ...]] = {
    "fence_i": (),  # imm12/rs1/rd are reserved fields, written "fence.i"
}

#: Formats of instructions whose fields alone do not say how they are written.
_FORMAT_BY_PREFIX: dict[str, tuple[str, ...]] = {
    "hlv_": ("rd", "amem"),
    "hlvx_": ("rd", "amem"),
    "hsv_": ("rs2", "amem"),
}

#: Compressed instructions, by compressed name (operands are the expanded Insn's fields).
_RVC_FORMATS: dict[str, tuple[str, ...]] = {
    "c_addi4spn": ("rd", "rs1", "imm"),
    "c_lw": ("rd", "mem"),
    "c_ld": ("rd", "mem"),
    "c_fld": ("frd", "mem"),
    "c_sw": ("rs2", "mem"),
    "c_sd": ("rs2", "mem"),
    "c_fsd": ("frs2", "mem"),
    "c_nop": (),
    "c_addi": ("rd", "imm"),
    "c_addiw": ("rd", "imm"),
    "c_li": ("rd", "imm"),
    "c_addi16sp": ("rd", "imm"),
    "c_lui": ("rd", "uimm20"),
    "c_srli": ("rd", "shamt"),
    "c_srai": ("rd", "shamt"),
    "c_andi": ("rd", "imm"),
    "c_sub": ("rd", "rs2"),
    "c_xor": ("rd", "rs2"),
    "c_or": ("rd", "rs2"),
    "c_and": ("rd", "rs2"),
    "c_subw": ("rd", "rs2"),
    "c_addw": ("rd", "rs2"),
    "c_j": ("target",),
    "c_beqz": ("rs1", "target"),
    "c_bnez": ("rs1", "target"),
    "c_slli": ("rd", "shamt"),
    "c_fldsp": ("frd", "mem"),
    "c_lwsp": ("rd", "mem"),
    "c_ldsp": ("rd", "mem"),
    "c_jr": ("rs1",),
    "c_mv": ("rd", "rs2"),
    "c_ebreak": (),
    "c_jalr": ("rs1",),
    "c_add": ("rd", "rs2"),
    "c_fsdsp": ("frs2", "mem"),
    "c_swsp": ("rs2", "mem"),
    "c_sdsp": ("rs2", "mem"),
}

#: Assembler aliases: base name -> ((operand that must be x0/0, alias, alias format), ...).
ALIASES: dict[str, tuple[tuple[str, str, tuple[str, ...]], ...]] = {
    "csrrs": (("rs1", "csrr", ("rd", "csr")), ("rd", "csrs", ("csr", "rs1"))),
    "csrrw": (("rd", "csrw", ("csr", "rs1")),),
    "csrrc": (("rd", "csrc", ("csr", "rs1")),),
    "csrrsi": (("rd", "csrsi", ("csr", "zimm")),),
    "csrrwi": (("rd", "csrwi", ("csr", "zimm")),),
    "csrrci": (("rd", "csrci", ("csr", "zimm")),),
}


def _format_of(name: str) -> tuple[str, ...]:
    if name in _FORMAT_BY_NAME:
        return _FORMAT_BY_NAME[name]
    for prefix, fmt in _FORMAT_BY_PREFIX.items():
        if name.startswith(prefix):
            return fmt
    enc = INSTRUCTIONS[name]
    if enc.match & 0x7F == 0x53:
        return _op_fp_format(name, enc.fields)
    by_opcode = _FORMAT_BY_OPCODE.get(enc.match & 0x7F)
    if by_opcode is not None:
        return by_opcode
    return _FORMAT_BY_FIELDS.get(frozenset(enc.fields), ("rd", "rs1", "rs2"))


#: The operand format of every 32-bit instruction in the encoding tables.
FORMATS: dict[str, tuple[str, ...]] = {
    name: _format_of(name) for name, enc in INSTRUCTIONS.items() if enc.match & 3 == 3
}

#: Instructions that take ``.aq``/``.rl`` ordering suffixes.
_ORDERED = frozenset(name for name, enc in INSTRUCTIONS.items() if "aq" in enc.fields)


_ORDERING_SUFFIX: dict[tuple[int, int], str] = {
    (0, 0): "",
    (1, 0): ".aq",
    (0, 1): ".rl",
    (1, 1): ".aqrl",
}


def _mnemonic(name: str) -> str:
    return name.replace("_", ".")


def _render(mnemonic: str, fmt: tuple[str, ...], insn: Insn, pc: int | None) -> str:
    operands = [text for kind in fmt if (text := OPERANDS[kind](insn, pc)) is not None]
    if not operands:
        return mnemonic
    return mnemonic + " " + ", ".join(operands)


def disasm(insn: Insn | None, pc: int | None = None, *, aliases: bool = True) -> str:
    """Assembly text for ``insn`` at address ``pc`` (``"unimp"`` for ``None``)."""
    if insn is None:
        return "unimp"
    if insn.cname is not None:
        if insn.cname == "c_nop" and insn.imm:
            return f"c.nop {insn.imm}"  # a HINT
        return _render(_mnemonic(insn.cname), _RVC_FORMATS[insn.cname], insn, pc)
    name = insn.name
    if aliases:
        for operand, alias, fmt in ALIASES.get(name, ()):
            if getattr(insn, operand) == 0:
                return _render(alias, fmt, insn, pc)
    if name == "fence" and insn.fm == 0b1000 and insn.pred == insn.succ == 0b0011:
        return "fence.tso"
    mnemonic = _mnemonic(name)
    if name in _ORDERED:
        mnemonic += _ORDERING_SUFFIX[insn.aq, insn.rl]
    return _render(mnemonic, FORMATS[name], insn, pc)


def disasm_raw(
    raw: int,
    pc: int | None = None,
    extensions: frozenset[str] = DEFAULT_EXTENSIONS,
    *,
    aliases: bool = True,
) -> str:
    """Decode and disassemble ``raw``; illegal words show as ``.2byte``/``.4byte`` data."""
    insn = decode(raw, extensions)
    if insn is not None:
        return disasm(insn, pc, aliases=aliases)
    if raw & 3 != 3:
        half = raw & 0xFFFF
        return "c.unimp" if half == 0 else f".2byte {half:#06x}"
    return f".4byte {raw & 0xFFFFFFFF:#010x}"
