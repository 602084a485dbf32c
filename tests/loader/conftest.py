"""Helpers for loader tests: hand-made ELF files and programs built with the cross toolchain."""

from __future__ import annotations

import functools
import shutil
import struct
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

CC = "riscv64-unknown-elf-gcc"
OBJCOPY = "riscv64-unknown-elf-objcopy"

PT_LOAD = 1
PT_NOTE = 4


def make_elf64(
    segments: list[tuple[int, int, bytes, int]],
    entry: int,
    machine: int = 243,
    ei_class: int = 2,
    ei_data: int = 1,
    p_type: int = PT_LOAD,
) -> bytes:
    """A minimal ELF64 (no sections) with one program header per (paddr, vaddr, data, memsz)."""
    ehsize, phentsize = 64, 56
    phoff = ehsize
    data_off = phoff + phentsize * len(segments)
    phdrs = b""
    blobs = b""
    for paddr, vaddr, data, memsz in segments:
        offset = data_off + len(blobs)
        phdrs += struct.pack("<IIQQQQQQ", p_type, 7, offset, vaddr, paddr, len(data), memsz, 8)
        blobs += data
    ident = b"\x7fELF" + bytes([ei_class, ei_data, 1, 0]) + bytes(8)
    header = ident + struct.pack(
        "<HHIQQQIHHHHHH",
        2,  # ET_EXEC
        machine,
        1,
        entry,
        phoff if segments else 0,
        0,
        0,
        ehsize,
        phentsize,
        len(segments),
        64,
        0,
        0,
    )
    assert len(header) == ehsize
    return header + phdrs + blobs


def have_toolchain() -> bool:
    return shutil.which(CC) is not None and shutil.which(OBJCOPY) is not None


def compile_program(
    workdir: Path,
    source: str,
    linker_script: str | None = None,
    name: str = "prog.elf",
    flags: tuple[str, ...] = ("-march=rv64imac_zicsr", "-mabi=lp64"),
    extra: tuple[str, ...] = (),
) -> Path:
    """Assemble/link ``source`` (assembly) with ``linker_script`` into ``workdir/name``."""
    src = workdir / (name + ".S")
    src.write_text(source)
    out = workdir / name
    cmd = [CC, *flags, "-nostdlib", "-nostartfiles", *extra]
    if linker_script is not None:
        ld = workdir / (name + ".ld")
        ld.write_text(linker_script)
        cmd += ["-T", str(ld)]
    cmd += [str(src), "-o", str(out)]
    subprocess.run(cmd, check=True, capture_output=True)
    return out


@pytest.fixture
def toolchain() -> None:
    if not have_toolchain():
        pytest.skip("RISC-V cross toolchain not installed")


Builder = Callable[..., Path]


@pytest.fixture
def build(tmp_path: Path, toolchain: None) -> Builder:
    """``build(source, linker_script, name=..., flags=..., extra=...)`` -> ELF path."""
    return functools.partial(compile_program, tmp_path)


@pytest.fixture(scope="module")
def module_build(tmp_path_factory: pytest.TempPathFactory) -> Builder:
    """Like ``build`` but shared by a module (for hypothesis tests)."""
    if not have_toolchain():
        pytest.skip("RISC-V cross toolchain not installed")
    return functools.partial(compile_program, tmp_path_factory.mktemp("elf"))


def objcopy_binary(elf: Path, out: Path, *sections: str) -> bytes:
    """The memory image of ``sections`` as the toolchain's objcopy lays it out."""
    cmd = [OBJCOPY, "-O", "binary"]
    for s in sections:
        cmd += ["-j", s]
    subprocess.run([*cmd, str(elf), str(out)], check=True, capture_output=True)
    return out.read_bytes()


@pytest.fixture
def elf64() -> Callable[..., bytes]:
    """The hand-made ELF writer :func:`make_elf64`."""
    return make_elf64


@pytest.fixture
def objcopy(toolchain: None) -> Callable[..., bytes]:
    """The toolchain's memory image of an ELF: :func:`objcopy_binary`."""
    return objcopy_binary
