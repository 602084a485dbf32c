"""ELF and raw-image loading: what lands in RAM, and every refusal."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hvsim.loader import LoaderError, load_elf, load_raw
from hvsim.mem.phys import PhysMem

RAM = 0x8000_0000

PROGRAM = r"""
    .section .text.init, "ax"
    .globl _start
_start:
    li a0, 7
    la t0, tohost
    sd a0, 0(t0)
1:  j 1b
    .section .data, "aw"
    .globl message
message: .asciz "hello loader"
    .section .tohost, "aw", @progbits
    .align 6
    .globl tohost
tohost: .dword 0
    .align 6
    .globl fromhost
fromhost: .dword 0
    .bss
    .globl buffer
buffer: .space 0x3000
"""

SCRIPT = """
OUTPUT_ARCH(riscv)
ENTRY(_start)
SECTIONS {
  . = 0x80000000;
  .text : { *(.text.init) *(.text*) }
  . = 0x80002000;
  .data : { *(.data*) }
  . = 0x80003000;
  .tohost : { *(.tohost) }
  .bss : { *(.bss*) }
}
"""

# .data linked to run at 0x90000000 but loaded at 0x80004000 (VMA != LMA).
SPLIT_SCRIPT = """
OUTPUT_ARCH(riscv)
ENTRY(_start)
MEMORY { rom (rx) : ORIGIN = 0x80000000, LENGTH = 64K
         ram (rw) : ORIGIN = 0x90000000, LENGTH = 64K }
SECTIONS {
  .text : { *(.text.init) *(.text*) } > rom
  .data : { *(.data*) *(.tohost) } > ram AT> rom
  .bss : { *(.bss*) } > ram
}
"""


def one_line(exc: pytest.ExceptionInfo[LoaderError]) -> str:
    msg = str(exc.value)
    assert "\n" not in msg
    return msg


# ---- well-formed programs ---------------------------------------------------------------------
def test_program_built_by_toolchain(build, objcopy, tmp_path: Path) -> None:
    elf = build(PROGRAM, SCRIPT)
    image = load_elf(elf)
    assert image.entry == 0x8000_0000
    assert image.tohost == 0x8000_3000
    assert image.fromhost == 0x8000_3040
    by_addr = {seg.paddr: seg for seg in image.segments}
    assert by_addr[0x8000_0000].data == objcopy(elf, tmp_path / "t.bin", ".text")
    assert b"hello loader\0" in by_addr[0x8000_2000].data
    # tohost+fromhost are file-backed, .bss (0x3000 bytes) follows without file contents
    tohost_seg = next(s for s in image.segments if s.paddr <= 0x8000_3000 < s.end)
    assert tohost_seg.end >= 0x8000_3048 + 0x3000
    assert len(tohost_seg.data) < tohost_seg.memsz


def test_place_writes_segments_and_zero_fills_bss(build, objcopy, tmp_path: Path) -> None:
    elf = build(PROGRAM, SCRIPT)
    image = load_elf(elf)
    mem = PhysMem(RAM, 1 << 20)
    mem.write_bytes(0x8000_3000, b"\xaa" * 0x4000)  # garbage where .tohost/.bss go
    image.place(mem)
    text = objcopy(elf, tmp_path / "t.bin", ".text")
    assert mem.read_bytes(RAM, len(text)) == text
    assert mem.read_bytes(0x8000_2000, 13) == b"hello loader\0"
    bss_end = max(s.end for s in image.segments)
    assert mem.read_bytes(0x8000_3000, bss_end - 0x8000_3000) == bytes(bss_end - 0x8000_3000)
    assert mem.read_bytes(bss_end, 4) == b"\xaa" * 4  # nothing written past memsz


def test_symbols_are_translated_to_physical_addresses(build) -> None:
    elf = build(PROGRAM, SPLIT_SCRIPT)
    image = load_elf(elf)
    data = next(s for s in image.segments if s.vaddr == 0x9000_0000)
    assert data.paddr != data.vaddr
    assert data.paddr < 0x8001_0000  # loaded in the rom region
    assert image.tohost is not None
    assert data.paddr <= image.tohost < data.paddr + data.memsz
    mem = PhysMem(RAM, 1 << 20)
    image.place(mem)
    assert mem.read_bytes(data.paddr, 13) == b"hello loader\0"


def test_hand_made_elf_without_symbols(tmp_path: Path, elf64) -> None:
    path = tmp_path / "hand.elf"
    code = bytes(range(1, 33))
    path.write_bytes(elf64([(RAM + 0x100, RAM + 0x100, code, 0x80)], entry=RAM + 0x104))
    image = load_elf(path)
    assert image.entry == RAM + 0x104
    assert image.tohost is None and image.fromhost is None
    mem = PhysMem(RAM, 0x1000)
    mem.write_bytes(RAM + 0x100, b"\xff" * 0x100)
    image.place(mem)
    assert mem.read_bytes(RAM + 0x100, 0x80) == code + bytes(0x60)
    assert mem.read_bytes(RAM + 0x180, 1) == b"\xff"


def test_zero_sized_load_segments_are_ignored(tmp_path: Path, elf64) -> None:
    path = tmp_path / "z.elf"
    path.write_bytes(elf64([(0x10, 0x10, b"", 0), (RAM, RAM, b"\x13\x00\x00\x00", 4)], RAM))
    image = load_elf(path)
    assert [s.paddr for s in image.segments] == [RAM]


def test_load_raw(tmp_path: Path) -> None:
    blob = os.urandom(5000)
    path = tmp_path / "img.bin"
    path.write_bytes(blob)
    image = load_raw(path, RAM + 0x2000)
    assert image.entry == RAM + 0x2000
    mem = PhysMem(RAM, 0x10000)
    image.place(mem)
    assert mem.read_bytes(RAM + 0x2000, len(blob)) == blob


# ---- refusals ---------------------------------------------------------------------------------
def test_not_an_elf(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("just some text\n")
    with pytest.raises(LoaderError) as exc:
        load_elf(path)
    assert "not an ELF" in one_line(exc)
    assert str(path) in str(exc.value)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty"
    path.write_bytes(b"")
    with pytest.raises(LoaderError, match="not an ELF"):
        load_elf(path)
    with pytest.raises(LoaderError, match="empty"):
        load_raw(path, RAM)


@pytest.mark.skipif(not Path("/bin/ls").exists(), reason="no /bin/ls")
def test_host_binary_is_not_riscv() -> None:
    with pytest.raises(LoaderError) as exc:
        load_elf("/bin/ls")
    assert "not a RISC-V ELF" in one_line(exc)


def test_wrong_machine_hand_made(tmp_path: Path, elf64) -> None:
    path = tmp_path / "arm.elf"
    path.write_bytes(elf64([(RAM, RAM, b"\0" * 4, 4)], RAM, machine=183))  # EM_AARCH64
    with pytest.raises(LoaderError, match="e_machine=183"):
        load_elf(path)


def test_rv32_elf_is_refused(build) -> None:
    elf = build(
        PROGRAM.replace("sd a0", "sw a0"),
        SCRIPT,
        name="rv32.elf",
        flags=("-march=rv32i_zicsr", "-mabi=ilp32"),
    )
    with pytest.raises(LoaderError) as exc:
        load_elf(elf)
    assert "32-bit" in one_line(exc)


def test_big_endian_is_refused(tmp_path: Path, elf64) -> None:
    path = tmp_path / "be.elf"
    path.write_bytes(elf64([(RAM, RAM, b"\0" * 4, 4)], RAM, ei_data=2))
    with pytest.raises(LoaderError) as exc:
        load_elf(path)
    assert "big-endian" in one_line(exc)


def test_no_load_segments_hand_made(tmp_path: Path, elf64) -> None:
    path = tmp_path / "noload.elf"
    path.write_bytes(elf64([(RAM, RAM, b"note", 4)], RAM, p_type=4))  # PT_NOTE only
    with pytest.raises(LoaderError) as exc:
        load_elf(path)
    assert "no PT_LOAD" in one_line(exc)


def test_relocatable_object_has_no_load_segments(build) -> None:
    obj = build(PROGRAM, None, name="prog.o", extra=("-c",))
    with pytest.raises(LoaderError, match="no PT_LOAD"):
        load_elf(obj)


def test_segment_outside_ram_names_both_ranges(build) -> None:
    image = load_elf(build(PROGRAM, SCRIPT))
    mem = PhysMem(RAM, 0x2000)  # .data at 0x80002000 does not fit
    mem.write_bytes(RAM, b"\x55" * 0x2000)
    with pytest.raises(LoaderError) as exc:
        image.place(mem)
    msg = one_line(exc)
    assert "0x80002000" in msg
    assert "[0x80000000, 0x80002000)" in msg  # the RAM range
    assert mem.read_bytes(RAM, 0x2000) == b"\x55" * 0x2000  # refused before writing anything


def test_segment_below_ram_hand_made(tmp_path: Path, elf64) -> None:
    path = tmp_path / "low.elf"
    path.write_bytes(elf64([(0x1000, 0x1000, b"\0" * 16, 16)], 0x1000))
    image = load_elf(path)
    with pytest.raises(LoaderError, match=r"\[0x1000, 0x1010\) lies outside RAM"):
        image.place(PhysMem(RAM, 0x1000))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(LoaderError) as exc:
        load_elf(tmp_path / "nope.elf")
    assert "cannot read" in one_line(exc)
    with pytest.raises(LoaderError, match="cannot read"):
        load_raw(tmp_path / "nope.bin", RAM)


def test_directory_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(LoaderError, match="cannot read"):
        load_elf(tmp_path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files regardless of mode")
def test_permission_denied(tmp_path: Path, elf64) -> None:
    path = tmp_path / "secret.elf"
    path.write_bytes(elf64([(RAM, RAM, b"\0" * 4, 4)], RAM))
    path.chmod(0)
    with pytest.raises(LoaderError, match="cannot read"):
        load_elf(path)


def test_every_truncation_is_refused_cleanly(build, tmp_path: Path) -> None:
    whole = build(PROGRAM, SCRIPT).read_bytes()
    path = tmp_path / "cut.elf"
    lengths = sorted({*range(0, 80), *random.Random(1).sample(range(80, len(whole)), 150)})
    for n in lengths:
        path.write_bytes(whole[:n])
        with pytest.raises(LoaderError) as exc:
            load_elf(path)
        assert "\n" not in str(exc.value)


def test_truncated_segment_data(tmp_path: Path, elf64) -> None:
    whole = elf64([(RAM, RAM, b"\x13" * 64, 64)], RAM)
    path = tmp_path / "cut.elf"
    path.write_bytes(whole[:-10])
    with pytest.raises(LoaderError, match="truncated"):
        load_elf(path)


@pytest.fixture(scope="module")
def base_elf(module_build) -> bytes:
    return module_build(PROGRAM, SCRIPT, name="base.elf").read_bytes()


@settings(max_examples=150, deadline=None)
@given(flips=st.lists(st.tuples(st.integers(0, 10_000), st.integers(1, 255)), max_size=6))
def test_corrupted_files_load_or_raise_loader_error(
    base_elf: bytes, tmp_path_factory, flips
) -> None:
    """Random byte corruption never escapes as anything but LoaderError."""
    data = bytearray(base_elf)
    for pos, xor in flips:
        data[pos % len(data)] ^= xor
    path = tmp_path_factory.getbasetemp() / "corrupt.elf"
    path.write_bytes(bytes(data))
    try:
        image = load_elf(path)
    except LoaderError as exc:
        assert "\n" not in str(exc)
    else:
        assert image.segments


def test_linux_vmlinux_is_refused_with_a_hint_to_boot_the_image(tmp_path: Path, elf64) -> None:
    """vmlinux links at physical 0 with a high virtual entry; the VM loader names the Image."""
    from hvsim.config.model import Scenario, VmConfig
    from hvsim.hv.host import Host

    path = tmp_path / "vmlinux"
    path.write_bytes(elf64([(0, 0xFFFF_FFFF_8000_0000, b"\0" * 16, 16)], 0xFFFF_FFFF_8000_0000))
    with pytest.raises(LoaderError) as exc:
        Host(Scenario(None, (VmConfig("vm", path),)), console_sink=lambda line: None)
    message = one_line(exc)
    assert "[0x0, 0x10) lies outside vm's RAM" in message
    assert "arch/riscv/boot/Image" in message
