"""hvsim.isa: RISC-V encodings (generated), the instruction decoder and the disassembler.

``encoding`` holds the tables generated from riscv-opcodes by ``tools/gen_encoding.py``;
``decode`` turns instruction words into :class:`Insn` (expanding RVC); ``disasm`` prints them.
"""

from hvsim.isa.decode import DEFAULT_EXTENSIONS, Decoder, Insn, decode, decoder_for, insn_length
from hvsim.isa.disasm import disasm, disasm_raw

__all__ = [
    "DEFAULT_EXTENSIONS",
    "Decoder",
    "Insn",
    "decode",
    "decoder_for",
    "disasm",
    "disasm_raw",
    "insn_length",
]
