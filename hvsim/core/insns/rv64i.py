"""RV64I: integer computation, control transfer, loads and stores, FENCE."""

from __future__ import annotations

from hvsim.core.insns import Emitter, register_rr, semantics
from hvsim.core.insns.symbolic import Sym

M = (1 << 64) - 1
S = 1 << 63

# ---- register-register and register-immediate arithmetic ---------------------------------
_RR = {
    "add": "({a} + {b}) & M",
    "sub": "({a} - {b}) & M",
    "and": "{a} & {b}",
    "or": "{a} | {b}",
    "xor": "{a} ^ {b}",
    "sll": "({a} << ({b} & 63)) & M",
    "srl": "{a} >> ({b} & 63)",
    "sra": "((({a} ^ S) - S) >> ({b} & 63)) & M",
    "slt": "1 if ({a} ^ S) < ({b} ^ S) else 0",
    "sltu": "1 if {a} < {b} else 0",
    "addw": "(((({a} + {b}) & 0xFFFFFFFF) ^ 0x80000000) - 0x80000000) & M",
    "subw": "(((({a} - {b}) & 0xFFFFFFFF) ^ 0x80000000) - 0x80000000) & M",
    "sllw": "(((({a} << ({b} & 31)) & 0xFFFFFFFF) ^ 0x80000000) - 0x80000000) & M",
    "srlw": "(((({a} & 0xFFFFFFFF) >> ({b} & 31)) ^ 0x80000000) - 0x80000000) & M",
    "sraw": "(((({a} & 0xFFFFFFFF) ^ 0x80000000) - 0x80000000) >> ({b} & 31)) & M",
}

register_rr(_RR)


@semantics("addi")
def addi(e: Emitter) -> None:
    if e.insn.rs1 == 0:
        e.set_rd(str(e.imm & M))
    elif e.imm == 0:
        e.set_rd(e.rs1)
    else:
        e.set_rd(f"({e.rs1} + {e.imm}) & M")  # a small signed addend is cheaper than 2**64-k


@semantics("addiw")
def addiw(e: Emitter) -> None:
    e.set_rd(f"(((({e.rs1} + {e.imm}) & 0xFFFFFFFF) ^ 0x80000000) - 0x80000000) & M")


@semantics("andi")
def andi(e: Emitter) -> None:
    e.set_rd(f"{e.rs1} & {e.imm & M}")


@semantics("ori")
def ori(e: Emitter) -> None:
    e.set_rd(f"{e.rs1} | {e.imm & M}")


@semantics("xori")
def xori(e: Emitter) -> None:
    e.set_rd(f"{e.rs1} ^ {e.imm & M}")


@semantics("slti")
def slti(e: Emitter) -> None:
    e.set_rd(f"1 if ({e.rs1} ^ S) < {(e.imm & M) ^ S} else 0")


@semantics("sltiu")
def sltiu(e: Emitter) -> None:
    e.set_rd(f"1 if {e.rs1} < {e.imm & M} else 0")


@semantics("slli")
def slli(e: Emitter) -> None:
    e.set_rd(f"({e.rs1} << {e.imm}) & M")


@semantics("srli")
def srli(e: Emitter) -> None:
    e.set_rd(f"{e.rs1} >> {e.imm}")


@semantics("srai")
def srai(e: Emitter) -> None:
    e.set_rd(f"((({e.rs1} ^ S) - S) >> {e.imm}) & M")


@semantics("slliw")
def slliw(e: Emitter) -> None:
    e.set_rd(f"(((({e.rs1} << {e.imm}) & 0xFFFFFFFF) ^ 0x80000000) - 0x80000000) & M")


@semantics("srliw")
def srliw(e: Emitter) -> None:
    e.set_rd(f"(((({e.rs1} & 0xFFFFFFFF) >> {e.imm}) ^ 0x80000000) - 0x80000000) & M")


@semantics("sraiw")
def sraiw(e: Emitter) -> None:
    e.set_rd(f"(((({e.rs1} & 0xFFFFFFFF) ^ 0x80000000) - 0x80000000) >> {e.imm}) & M")


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
    e.line(f"_t = ({e.rs1} + {e.imm}) & {M - 1}")
    e.set_rd(str(e.next))
    e.exit = "_t"


_BRANCH = {
    "beq": "{a} == {b}",
    "bne": "{a} != {b}",
    "blt": "({a} ^ S) < ({b} ^ S)",
    "bge": "({a} ^ S) >= ({b} ^ S)",
    "bltu": "{a} < {b}",
    "bgeu": "{a} >= {b}",
}


def _branch(template: str):
    def emit(e: Emitter) -> None:
        e.branch(template.format(a=e.rs1, b=e.rs2), (e.pc + e.imm) & M)

    return emit


for _name, _tpl in _BRANCH.items():
    semantics(_name)(_branch(_tpl))


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
    """Emit the effective-address computation into ``_a`` and return ``_a``."""
    if e.insn.rs1 == 0:
        e.line(f"_a = {e.imm & M}")
    elif e.imm == 0:
        e.line(f"_a = {e.rs1}")
    else:
        e.line(f"_a = ({e.rs1} + {e.imm}) & M")
    return "_a"


def _load(size: int, signed: bool, view: str, shift: int):
    def emit(e: Emitter) -> None:
        a = address(e)
        e.line(f"_p = TR.get({a} >> 12)")
        fast = f"_p is not None and not {a} & {size - 1}" if size > 1 else "_p is not None"
        value = f"{view}[({a} + _p) >> {shift}]" if shift else f"{view}[{a} + _p]"
        if signed:
            value += " & M"
        slow = f"LOAD(h, {a}, {size}, {signed}, {e.count}, {tinst(e)})"
        e.set_rd(f"{value} if {fast} else {slow}")

    return emit


def _store(size: int, view: str, shift: int):
    mask = (1 << (8 * size)) - 1

    def emit(e: Emitter) -> None:
        a = address(e)
        src = e.rs2
        value = src if size == 8 else f"{src} & {mask:#x}"
        e.line(f"_p = TW.get({a} >> 12)")
        fast = f"_p is not None and not {a} & {size - 1}" if size > 1 else "_p is not None"
        index = f"({a} + _p) >> {shift}" if shift else f"{a} + _p"
        e.line(f"if {fast}: {view}[{index}] = {value}")
        e.line(f"else: STORE(h, {a}, {size}, {src}, {e.count}, {tinst(e)})")

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
    if opcode == 0x03:  # loads: clear imm[11:0] (bits 31:20) and rs1
        t = raw & ~((0xFFF << 20) | (0x1F << 15))
    elif opcode == 0x23:  # stores: clear imm[11:5] and imm[4:0] and rs1
        t = raw & ~((0x7F << 25) | (0x1F << 7) | (0x1F << 15))
    else:  # AMO, LR/SC, HLV/HSV: only rs1 is replaced
        t = raw & ~(0x1F << 15)
    if e.insn.length == 2:
        t &= ~0x2
    return t & 0xFFFFFFFF


_LOAD_FUNCT3 = {"lb": 0, "lh": 1, "lw": 2, "ld": 3, "lbu": 4, "lhu": 5, "lwu": 6}
_STORE_FUNCT3 = {"sb": 0, "sh": 1, "sw": 2, "sd": 3}


def expand_for_tinst(e: Emitter) -> int:
    """Re-encode a compressed load/store as its 32-bit equivalent (immediate left zero)."""
    i = e.insn
    if i.name in _LOAD_FUNCT3:
        return (i.rs1 << 15) | (_LOAD_FUNCT3[i.name] << 12) | (i.rd << 7) | 0x03
    return (i.rs2 << 20) | (i.rs1 << 15) | (_STORE_FUNCT3[i.name] << 12) | 0x23


for _name, (_size, _signed, _view, _shift) in _LOADS.items():
    semantics(_name)(_load(_size, _signed, _view, _shift))
for _name, (_size, _view, _shift) in _STORES.items():
    semantics(_name)(_store(_size, _view, _shift))


@semantics("fence")
def fence(e: Emitter) -> None:
    """A single hart observes its own accesses in order; other harts sync at batch ends."""
