"""Zicsr: CSR read/modify/write.  Every CSR instruction ends its block (a write may change
translation, interrupt enables or timers, which the dispatcher re-reads between blocks)."""

from __future__ import annotations

from hvsim.core.insns import Emitter, semantics


def _csr(op: str, immediate: bool):
    def emit(e: Emitter) -> None:
        i = e.insn
        operand = str(i.rs1) if immediate else e.rs1  # zimm lives in the rs1 field
        reads = op != "w" or i.rd != 0  # csrrw with rd=x0 must not read (no read side effects)
        writes = op == "w" or i.rs1 != 0  # csrrs/csrrc with rs1=x0 / zimm=0 must not write
        e.set_rd(f"CSR(h, {i.csr}, {op!r}, {operand}, {reads}, {writes}, {e.count}, {i.raw})")
        e.exit = str(e.next)

    return emit


for _name, _op, _imm in (
    ("csrrw", "w", False),
    ("csrrs", "s", False),
    ("csrrc", "c", False),
    ("csrrwi", "w", True),
    ("csrrsi", "s", True),
    ("csrrci", "c", True),
):
    semantics(_name, ends_block=True)(_csr(_op, _imm))
