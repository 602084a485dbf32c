"""Privileged and system instructions: ECALL/EBREAK, xRET, WFI, fences, hypervisor
loads/stores and fences.  Legality checks (TW/TSR/TVM and their V-mode counterparts) live in
the hart helpers they call, so that the single-step and block paths share them."""

from __future__ import annotations

from hvsim.core.insns import Emitter, semantics
from hvsim.core.insns.rv64i import tinst
from hvsim.isa import encoding as E


@semantics("ecall", ends_block=True)
def ecall(e: Emitter) -> None:
    e.line("ECALL(h)")


@semantics("ebreak", ends_block=True)
def ebreak(e: Emitter) -> None:
    e.line(f"raise Trap({E.CAUSE_BREAKPOINT}, {e.pc})")


@semantics("mret", ends_block=True)
def mret(e: Emitter) -> None:
    e.line(f"_t = MRET(h, {e.insn.raw})")
    e.exit = "_t"


@semantics("sret", ends_block=True)
def sret(e: Emitter) -> None:
    e.line(f"_t = SRET(h, {e.insn.raw})")
    e.exit = "_t"


@semantics("wfi", ends_block=True)
def wfi(e: Emitter) -> None:
    e.line(f"WFI(h, {e.insn.raw})")
    e.exit = str(e.next)


@semantics("fence_i", ends_block=True)
def fence_i(e: Emitter) -> None:
    e.line("FENCE_I(h)")
    e.exit = str(e.next)


def _fence(kind: str):
    def emit(e: Emitter) -> None:
        i = e.insn
        e.line(f"FENCE_VMA(h, {kind!r}, {e.rs1}, {e.rs2}, {i.rs1 != 0}, {i.rs2 != 0}, {i.raw})")
        e.exit = str(e.next)

    return emit


semantics("sfence_vma", ends_block=True)(_fence("s"))
semantics("hfence_vvma", ends_block=True)(_fence("vv"))
semantics("hfence_gvma", ends_block=True)(_fence("gv"))

# name: (size, signed, execute-permission)
_HLV = {
    "hlv_b": (1, True, False),
    "hlv_bu": (1, False, False),
    "hlv_h": (2, True, False),
    "hlv_hu": (2, False, False),
    "hlv_w": (4, True, False),
    "hlv_wu": (4, False, False),
    "hlv_d": (8, False, False),
    "hlvx_hu": (2, False, True),
    "hlvx_wu": (4, False, True),
}
_HSV = {"hsv_b": 1, "hsv_h": 2, "hsv_w": 4, "hsv_d": 8}


def _hlv(size: int, signed: bool, execute: bool):
    def emit(e: Emitter) -> None:
        e.set_rd(
            f"HLV(h, {e.rs1}, {size}, {signed}, {execute}, {e.count}, {e.insn.raw}, {tinst(e)})"
        )

    return emit


def _hsv(size: int):
    def emit(e: Emitter) -> None:
        e.line(f"HSV(h, {e.rs1}, {e.rs2}, {size}, {e.count}, {e.insn.raw}, {tinst(e)})")

    return emit


for _name, (_size, _signed, _exec) in _HLV.items():
    semantics(_name)(_hlv(_size, _signed, _exec))
for _name, _size in _HSV.items():
    semantics(_name)(_hsv(_size))
