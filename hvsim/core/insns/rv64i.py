"""RV64I: integer computation, control transfer, loads and stores, FENCE."""

from __future__ import annotations

from hvsim.core.insns import Emitter, register_rr, semantics
from hvsim.core.insns.symbolic import Sym

M = (1 << 64) - 1
S = 1 << 63
#: M and S as literals in emitted code (a constant loads faster than a global)
ML = "0xFFFFFFFFFFFFFFFF"
SL = "0x8000000000000000"

# ---- register-register and register-immediate arithmetic ---------------------------------
#: An expression's low 32 bits sign-extended to 64 (an RV64 ``*W`` result), exact: the usual
#: non-negative case costs a mask and a compare, half of ``((v ^ 2**31) - 2**31) & M``.
SEXT32 = "(_w if (_w := ({}) & 0xFFFFFFFF) < 0x80000000 else _w | 0xFFFFFFFF00000000)"


def _sext32(expr: str) -> str:
    return SEXT32.format(expr)


# name: (template, wrap); {a}/{b} are rs1/rs2 exactly, {la}/{lb} modulo 2**64
_RR = {
    "and": ("{a} & {b}", False),
    "sll": ("{la} << ({lb} & 63)", True),
    "srl": ("{a} >> ({lb} & 63)", False),
    "sra": (f"(({{a}} ^ {SL}) - {SL}) >> ({{lb}} & 63)", True),
    "slt": (f"1 if ({{a}} ^ {SL}) < ({{b}} ^ {SL}) else 0", False),
    "sltu": ("1 if {a} < {b} else 0", False),
    "addw": (_sext32("{la} + {lb}"), False),
    "subw": (_sext32("{la} - {lb}"), False),
    "sllw": (_sext32("{la} << ({lb} & 31)"), False),
    "srlw": (_sext32("({la} & 0xFFFFFFFF) >> ({lb} & 31)"), False),
    "sraw": ("((({la} & 0xFFFFFFFF) ^ 0x80000000) - 0x80000000) >> ({lb} & 31)", True),
}

register_rr(_RR)


@semantics("add")
def add(e: Emitter) -> None:
    if e.insn.rs1 == 0:  # c.mv / mv
        e.set_rd(e.rs2)
    elif e.insn.rs2 == 0:
        e.set_rd(e.rs1)
    else:
        e.set_rd(f"{e.lo1} + {e.lo2}", True)


@semantics("sub")
def sub(e: Emitter) -> None:
    if e.insn.rs2 == 0:
        e.set_rd(e.rs1)
    else:
        e.set_rd(f"{e.lo1} - {e.lo2}", True)


def _bitwise(op: str):
    def emit(e: Emitter) -> None:
        if e.insn.rs1 == 0:
            e.set_rd(e.rs2 if op != "&" else "0")
        elif e.insn.rs2 == 0:
            e.set_rd(e.rs1 if op != "&" else "0")
        else:
            e.set_rd(f"{e.rs1} {op} {e.rs2}")

    return emit


semantics("or")(_bitwise("|"))
semantics("xor")(_bitwise("^"))


@semantics("addi")
def addi(e: Emitter) -> None:
    if e.insn.rs1 == 0:
        e.set_rd(str(e.imm & M))
    elif e.imm == 0:
        e.set_rd(e.rs1)
    else:
        e.set_rd(f"{e.lo1} + {e.imm}", True)  # a small signed addend is cheaper than 2**64-k


@semantics("addiw")
def addiw(e: Emitter) -> None:
    e.set_rd(_sext32(f"{e.lo1} + {e.imm}"))


@semantics("andi")
def andi(e: Emitter) -> None:
    if not e.symbolic and e.imm >= 0:
        e.set_rd(f"{e.lo1} & {e.imm}")  # a small mask: only the low bits of rs1 matter
    else:
        e.set_rd(f"{e.rs1} & {e.imm & M}")


@semantics("ori")
def ori(e: Emitter) -> None:
    e.set_rd(f"{e.rs1} | {e.imm & M}")


@semantics("xori")
def xori(e: Emitter) -> None:
    e.set_rd(f"{e.rs1} ^ {e.imm & M}")


@semantics("slti")
def slti(e: Emitter) -> None:
    e.set_rd(f"1 if ({e.rs1} ^ {SL}) < {(e.imm & M) ^ S} else 0")


@semantics("sltiu")
def sltiu(e: Emitter) -> None:
    e.set_rd(f"1 if {e.rs1} < {e.imm & M} else 0")


@semantics("slli")
def slli(e: Emitter) -> None:
    e.set_rd(f"{e.lo1} << {e.imm}", True)


@semantics("srli")
def srli(e: Emitter) -> None:
    e.set_rd(f"{e.rs1} >> {e.imm}")


@semantics("srai")
def srai(e: Emitter) -> None:
    if e.symbolic:
        e.set_rd(f"(({e.rs1} ^ {SL}) - {SL}) >> {e.imm}", True)
    else:  # exact, and a non-negative value costs just a compare and a shift
        high = M ^ (M >> e.imm)
        e.set_rd(f"(_w >> {e.imm} if (_w := {e.rs1}) < {SL} else (_w >> {e.imm}) | {high})")


@semantics("slliw")
def slliw(e: Emitter) -> None:
    e.set_rd(_sext32(f"{e.lo1} << {e.imm}"))


@semantics("srliw")
def srliw(e: Emitter) -> None:
    if not e.symbolic and e.imm:  # the result is below 2**31: sign extension is the identity
        e.set_rd(f"({e.lo1} & 0xFFFFFFFF) >> {e.imm}")
    else:
        e.set_rd(_sext32(f"({e.lo1} & 0xFFFFFFFF) >> {e.imm}"))


@semantics("sraiw")
def sraiw(e: Emitter) -> None:
    if e.symbolic:
        e.set_rd(f"((({e.lo1} & 0xFFFFFFFF) ^ 0x80000000) - 0x80000000) >> {e.imm}", True)
    else:  # exact: the low word, sign-extended to 64 bits, shifted arithmetically
        high = M ^ (M >> e.imm)
        e.set_rd(
            f"(_w >> {e.imm} if (_w := {e.lo1} & 0xFFFFFFFF) < 0x80000000"
            f" else ((_w | 0xFFFFFFFF00000000) >> {e.imm}) | {high})"
        )


@semantics("lui")
def lui(e: Emitter) -> None:
    e.set_rd(str(e.imm & M))


@semantics("auipc")
def auipc(e: Emitter) -> None:
    e.set_rd(str((e.pc + e.imm) & M))


# ---- control transfer ----------------------------------------------------------------------
@semantics("jal")
def jal(e: Emitter) -> None:
    e.set_rd(str(e.next))
    e.target = (e.pc + e.imm) & M
    e.cond = "True"
    e.exit = str(e.target)


@semantics("jalr")
def jalr(e: Emitter) -> None:
    # The target is computed before rd is written: rd may equal rs1.
    e.line(f"_t = ({e.lo1} + {e.imm}) & {M - 1}")
    e.set_rd(str(e.next))
    e.exit = "_t"


_BRANCH = {
    "beq": "{a} == {b}",
    "bne": "{a} != {b}",
    "blt": f"({{a}} ^ {SL}) < ({{b}} ^ {SL})",
    "bge": f"({{a}} ^ {SL}) >= ({{b}} ^ {SL})",
    "bltu": "{a} < {b}",
    "bgeu": "{a} >= {b}",
}
#: Comparisons with x0 (beqz, bnez, bltz, bgez, bgtz, blez): a truth test needs no constant
#: and no compare, a signed one no sign flip.
_BRANCH_ZERO_RS2 = {"beq": "not {a}", "bne": "{a}", "blt": f"{{a}} >= {SL}", "bge": f"{{a}} < {SL}"}
_BRANCH_ZERO_RS1 = {
    "beq": "not {b}",
    "bne": "{b}",
    "blt": f"0 < {{b}} < {SL}",
    "bge": f"not 0 < {{b}} < {SL}",
}


def _branch(name: str, template: str):
    def emit(e: Emitter) -> None:
        tpl = template
        if e.insn.rs2 == 0 and e.insn.rs1 != 0 and name in _BRANCH_ZERO_RS2:
            tpl = _BRANCH_ZERO_RS2[name]
        elif e.insn.rs1 == 0 and e.insn.rs2 != 0 and name in _BRANCH_ZERO_RS1:
            tpl = _BRANCH_ZERO_RS1[name]
        fields = {k: getattr(e, f) for k, f in (("a", "rs1"), ("b", "rs2")) if "{" + k + "}" in tpl}
        e.branch(tpl.format(**fields), (e.pc + e.imm) & M)

    return emit


for _name, _tpl in _BRANCH.items():
    semantics(_name)(_branch(_name, _tpl))


# ---- loads and stores ------------------------------------------------------------------------
# name: (size, signed, memoryview global, index shift)
_LOADS = {
    "lb": (1, True, "I8", 0),
    "lbu": (1, False, "U8", 0),
    "lh": (2, True, "I16", 1),
    "lhu": (2, False, "U16", 1),
    "lw": (4, True, "I32", 2),
    "lwu": (4, False, "U32", 2),
    "ld": (8, False, "U64", 3),
}
_STORES = {
    "sb": (1, "U8", 0),
    "sh": (2, "U16", 1),
    "sw": (4, "U32", 2),
    "sd": (8, "U64", 3),
}


def address(e: Emitter) -> str:
    """The effective address as an expression (a register, a constant, or ``_a``).

    The sum is not reduced modulo 2**64: an address that wraps finds no TLB entry, or an
    index outside RAM, and the slow path (which reduces it) handles it.
    """
    if e.insn.rs1 == 0:
        return str(e.imm & M)
    if e.imm == 0:
        return e.ad1
    e.line(f"_a = {e.ad1} + {e.imm}")
    return "_a"


def _key(size: int) -> int:
    """TLB key mask: the page address, plus the low bits that must be zero when aligned."""
    return (M & ~0xFFF) | (size - 1)


def _load(size: int, signed: bool, view: str, shift: int):
    def emit(e: Emitter) -> None:
        a = address(e)
        index = f"{a} + TR[{a} & {_key(size)}]"
        value = f"{view}[({index}) >> {shift}]" if shift else f"{view}[{index}]"
        if signed:
            value += f" & {ML}"
        rd = e.rd
        # a TLB miss (KeyError), a misaligned access (its key is never present) or a wrapped
        # address (IndexError) takes the slow path
        slow = f"{rd} = LOAD(h, {a} & M, {size}, {signed}, {e.count}, {tinst(e)})"
        e.guarded(f"{rd} = {value}", slow)

    return emit


def _store(size: int, view: str, shift: int):
    mask = (1 << (8 * size)) - 1

    def emit(e: Emitter) -> None:
        a = address(e)
        value = e.rs2 if size == 8 else f"{e.lo2} & {mask:#x}"
        index = f"{a} + TW[{a} & {_key(size)}]"
        target = f"{view}[({index}) >> {shift}]" if shift else f"{view}[{index}]"
        slow = f"STORE(h, {a} & M, {size}, {value}, {e.count}, {tinst(e)})"
        e.guarded(f"{target} = {value}", slow)

    return emit


def tinst(e: Emitter) -> int:
    """The transformed instruction for htinst/mtinst on a guest-page fault of this access.

    Per the H extension: the 32-bit form of the instruction with the immediate fields cleared
    and rs1 replaced by the address offset (0 here: accesses are not split when reported);
    bit 1 is cleared when the original instruction was compressed.
    """
    if isinstance(e.insn.raw, Sym):  # generic function: the value is passed as _tinst
        return Sym("_tinst")  # type: ignore[return-value]
    raw = e.insn.raw if e.insn.length == 4 else expand_for_tinst(e)
    opcode = raw & 0x7F
    if opcode in (0x03, 0x07):  # loads (FP too): clear imm[11:0] (bits 31:20) and rs1
        t = raw & ~((0xFFF << 20) | (0x1F << 15))
    elif opcode in (0x23, 0x27):  # stores (FP too): clear imm[11:5] and imm[4:0] and rs1
        t = raw & ~((0x7F << 25) | (0x1F << 7) | (0x1F << 15))
    else:  # AMO, LR/SC, HLV/HSV: only rs1 is replaced
        t = raw & ~(0x1F << 15)
    if e.insn.length == 2:
        t &= ~0x2
    return t & 0xFFFFFFFF


# name: (funct3, major opcode) of the loads and stores that have compressed forms
_LOAD_CODES = {"lw": (2, 0x03), "ld": (3, 0x03), "fld": (3, 0x07)}
_STORE_CODES = {"sw": (2, 0x23), "sd": (3, 0x23), "fsd": (3, 0x27)}


def expand_for_tinst(e: Emitter) -> int:
    """Re-encode a compressed load/store as its 32-bit equivalent (immediate left zero)."""
    i = e.insn
    if i.name in _LOAD_CODES:
        funct3, opcode = _LOAD_CODES[i.name]
        return (i.rs1 << 15) | (funct3 << 12) | (i.rd << 7) | opcode
    funct3, opcode = _STORE_CODES[i.name]
    return (i.rs2 << 20) | (i.rs1 << 15) | (funct3 << 12) | opcode


for _name, (_size, _signed, _view, _shift) in _LOADS.items():
    semantics(_name)(_load(_size, _signed, _view, _shift))
for _name, (_size, _view, _shift) in _STORES.items():
    semantics(_name)(_store(_size, _view, _shift))


@semantics("fence")
def fence(e: Emitter) -> None:
    """A single hart observes its own accesses in order; other harts sync at batch ends."""
