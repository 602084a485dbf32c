"""Program images: reading RV64 ELF files (and raw binaries) and placing them in RAM.

:func:`load_elf` reads and validates an ELF file without touching any machine: it keeps the
entry point, the ``PT_LOAD`` segments (by physical address, as Spike and QEMU load bare-metal
programs) and the few symbols a machine cares about (HTIF ``tohost``/``fromhost``, the
riscv-arch-test signature bounds).  :meth:`ElfImage.place` then checks that every segment lies
in the machine's RAM and copies it there, zero-filling ``memsz`` beyond ``filesz`` (``.bss``).

Every refusal is a :class:`LoaderError` whose message is one line naming the file and the
reason, so a command-line front end can print it as is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from elftools.common.exceptions import ELFError
from elftools.elf.elffile import ELFFile
from elftools.elf.sections import SymbolTableSection

ELF_MAGIC = b"\x7fELF"
EI_CLASS = 4
EI_DATA = 5
ELFCLASS32 = 1
ELFCLASS64 = 2
ELFDATA2LSB = 1
ELFDATA2MSB = 2
EM_RISCV = 243

#: Symbols a machine may need, looked up in ``.symtab`` when present.
WANTED_SYMBOLS = ("tohost", "fromhost", "begin_signature", "end_signature")

_ZERO_CHUNK = 1 << 20  # zero-fill .bss in 1 MiB pieces


class LoaderError(ValueError):
    """A program image that cannot be loaded; the message is one line."""


class RamRange(Protocol):
    """What checking an image's placement needs: the RAM range."""

    ram_base: int
    ram_end: int

    def is_ram(self, pa: int, size: int = 1) -> bool: ...


class RamLike(RamRange, Protocol):
    """What placing an image needs from physical memory."""

    def write_bytes(self, pa: int, data: bytes | bytearray | memoryview) -> None: ...


@dataclass(frozen=True)
class Segment:
    """One loadable segment: ``data`` (file contents) followed by zeros up to ``memsz``."""

    paddr: int
    vaddr: int
    data: bytes
    memsz: int
    flags: int = 0  # PF_X = 1, PF_W = 2, PF_R = 4

    @property
    def end(self) -> int:
        """First physical address after the segment."""
        return self.paddr + self.memsz


@dataclass
class ElfImage:
    """A validated program image, independent of any machine."""

    path: str
    entry: int
    segments: list[Segment]
    symbols: dict[str, int] = field(default_factory=dict)

    @property
    def tohost(self) -> int | None:
        """Physical address of the HTIF ``tohost`` word, if the program has one."""
        return self.symbols.get("tohost")

    @property
    def fromhost(self) -> int | None:
        """Physical address of the HTIF ``fromhost`` word, if the program has one."""
        return self.symbols.get("fromhost")

    def check(self, mem: RamRange) -> None:
        """Raise :class:`LoaderError` unless every segment lies inside RAM."""
        for i, seg in enumerate(self.segments):
            if not mem.is_ram(seg.paddr, seg.memsz):
                raise LoaderError(
                    f"{self.path}: segment {i} [{seg.paddr:#x}, {seg.end:#x}) lies outside "
                    f"RAM [{mem.ram_base:#x}, {mem.ram_end:#x})"
                )

    def place(self, mem: RamLike) -> None:
        """Copy every segment into RAM (after :meth:`check`), zero-filling up to ``memsz``."""
        self.check(mem)
        for seg in self.segments:
            mem.write_bytes(seg.paddr, seg.data)
            pa = seg.paddr + len(seg.data)
            while pa < seg.end:
                n = min(_ZERO_CHUNK, seg.end - pa)
                mem.write_bytes(pa, bytes(n))
                pa += n


def _read_header(path: str) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read(64)
    except OSError as exc:
        raise LoaderError(f"{path}: cannot read file: {exc.strerror or exc}") from None


def _check_ident(path: str, head: bytes) -> None:
    """Refuse anything but a little-endian 64-bit ELF, before pyelftools parses it."""
    if head[:4] != ELF_MAGIC:
        raise LoaderError(f"{path}: not an ELF file (bad magic number)")
    if len(head) < 20:
        raise LoaderError(f"{path}: truncated ELF header")
    if head[EI_CLASS] == ELFCLASS32:
        raise LoaderError(f"{path}: 32-bit ELF (ELFCLASS32) is not supported; hvsim runs RV64")
    if head[EI_CLASS] != ELFCLASS64:
        raise LoaderError(f"{path}: unknown ELF class {head[EI_CLASS]}")
    if head[EI_DATA] == ELFDATA2MSB:
        raise LoaderError(f"{path}: big-endian ELF is not supported; RISC-V is little-endian")
    if head[EI_DATA] != ELFDATA2LSB:
        raise LoaderError(f"{path}: unknown ELF data encoding {head[EI_DATA]}")
    machine = int.from_bytes(head[18:20], "little")
    if machine != EM_RISCV:
        raise LoaderError(f"{path}: not a RISC-V ELF (e_machine={machine}, expected {EM_RISCV})")


def _segments(path: str, elf: ELFFile) -> list[Segment]:
    segments: list[Segment] = []
    for seg in elf.iter_segments():
        if seg["p_type"] != "PT_LOAD" or seg["p_memsz"] == 0:
            continue
        filesz, memsz = seg["p_filesz"], seg["p_memsz"]
        if filesz > memsz:
            raise LoaderError(f"{path}: PT_LOAD segment with p_filesz > p_memsz")
        data = seg.data()
        if len(data) != filesz:
            raise LoaderError(f"{path}: truncated file (a segment extends past its end)")
        segments.append(Segment(seg["p_paddr"], seg["p_vaddr"], bytes(data), memsz, seg["p_flags"]))
    return segments


def _to_paddr(vaddr: int, segments: list[Segment]) -> int:
    for seg in segments:
        if seg.vaddr <= vaddr < seg.vaddr + seg.memsz:
            return seg.paddr + (vaddr - seg.vaddr)
    return vaddr


def _symbols(elf: ELFFile, segments: list[Segment]) -> dict[str, int]:
    symtab = elf.get_section_by_name(".symtab")
    if not isinstance(symtab, SymbolTableSection):
        return {}
    found: dict[str, int] = {}
    for name in WANTED_SYMBOLS:
        syms = symtab.get_symbol_by_name(name)
        if syms:
            found[name] = _to_paddr(syms[0]["st_value"], segments)
    return found


def load_elf(path: str | Path) -> ElfImage:
    """Read and validate an RV64 little-endian ELF file; raise :class:`LoaderError` if unfit."""
    path = str(path)
    _check_ident(path, _read_header(path))
    try:
        with open(path, "rb") as f:
            elf = ELFFile(f)
            segments = _segments(path, elf)
            symbols = _symbols(elf, segments)
            entry = elf.header["e_entry"]
    except LoaderError:
        raise
    except OSError as exc:
        raise LoaderError(f"{path}: cannot read file: {exc.strerror or exc}") from None
    except (ELFError, Exception) as exc:  # pyelftools' construct layer raises its own types
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise LoaderError(f"{path}: corrupt or truncated ELF ({detail})") from None
    if not segments:
        raise LoaderError(f"{path}: no PT_LOAD segments to load")
    return ElfImage(path, entry, segments, symbols)


def read_file(path: str | Path) -> bytes:
    """A whole image file (raw kernel, initrd); :class:`LoaderError` if it cannot be read."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise LoaderError(f"{path}: cannot read file: {exc.strerror or exc}") from None


def load_raw(path: str | Path, load_addr: int) -> ElfImage:
    """A raw binary image: the whole file at ``load_addr``, entered at ``load_addr``."""
    path = str(path)
    data = read_file(path)
    if not data:
        raise LoaderError(f"{path}: empty file")
    return ElfImage(path, load_addr, [Segment(load_addr, load_addr, data, len(data), 7)])
