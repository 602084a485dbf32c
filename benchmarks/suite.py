"""The benchmarks: which guest programs exist, how to build them and set their size.

Each benchmark is built from ``guests/bench/`` in up to three *variants* of the same kernel
source (:data:`VARIANTS`): ``bare`` (M-mode, HTIF exit; ``make -C guests bench``), ``vs`` (a
VS-mode guest for ``hvsim run``, scenario ``configs/bench-<name>.toml``) and ``linux`` (a
Linux-user static program for qemu-riscv64; ``make -C guests/bench/linux``).  Its size is the
64-bit ``bench_iters`` word in the ELF's ``.data``: the value linked in is the full size, and
:func:`patched_elf` writes a copy of the ELF with another value, so every engine runs
byte-identical programs.  This module only describes and prepares programs; running them is
:mod:`benchmarks.engines`' job.
"""

from __future__ import annotations

import fcntl
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from elftools.elf.elffile import ELFFile

ROOT = Path(__file__).resolve().parents[1]
GUESTS = ROOT / "guests"
BUILD = GUESTS / "build" / "bench"
CONFIGS = ROOT / "configs"
CROSS_GCC = "riscv64-unknown-elf-gcc"
LINUX_GCC = "riscv64-linux-gnu-gcc"  # only for the linux variant (qemu-user)
ITERS_SYMBOL = "bench_iters"

# Size presets: a fraction of the full (linked-in) iteration count.
SIZES: dict[str, float] = {"full": 1.0, "quick": 0.1}


@dataclass(frozen=True)
class Benchmark:
    """One guest program of ``guests/bench/`` and what it exercises."""

    name: str
    summary: str

    @property
    def elf(self) -> Path:
        """The bare-metal (M-mode) build, the reference variant."""
        return BUILD / f"{self.name}.elf"

    def program(self, variant: str) -> Path:
        """The ELF of one build variant (see :data:`VARIANTS`)."""
        return VARIANTS[variant](self.name)

    @property
    def scenario(self) -> Path:
        """The scenario that runs the ``vs`` variant under ``hvsim run``."""
        return CONFIGS / f"bench-{self.name}.toml"


#: Build variant -> where the ELF of benchmark ``name`` is.
VARIANTS: dict[str, Callable[[str], Path]] = {
    "bare": lambda name: BUILD / f"{name}.elf",
    "vs": lambda name: BUILD / f"vs_{name}.elf",
    "linux": lambda name: BUILD / "linux" / f"{name}.elf",
}

BENCHMARKS: tuple[Benchmark, ...] = (
    Benchmark("mixed", "add/shift/xor/mul, loads, stores and branches on a 64-word array"),
    Benchmark("crc32", "bitwise CRC-32 of a 1 KiB buffer, checked against zlib's value"),
    Benchmark("sort", "quicksort of 512 random keys, then order and checksum checks"),
    Benchmark("ptrchase", "walk a shuffled 8192-node cycle spread over 32 pages"),
    Benchmark("rvc", "a loop of compressed (RVC) instructions only, loads and stores"),
    Benchmark("intloop", "the peers' common loop: RV32I/RV64I lw/sw/add/xor/slli/and/bne"),
)

#: The issue's five compute benchmarks (the MIPS geometric mean is taken over these).
COMPUTE = ("mixed", "crc32", "sort", "ptrchase", "rvc")


class BuildError(RuntimeError):
    """The guests could not be built and no usable ELFs exist."""


def toolchain_available() -> bool:
    return shutil.which(CROSS_GCC) is not None and shutil.which("make") is not None


def build_guests(benchmarks: tuple[Benchmark, ...] = BENCHMARKS) -> None:
    """Bring ``guests/build/bench/`` up to date (``make -C guests bench``, incremental).

    Without the cross toolchain, ELFs that already exist are used as they are.  The make
    lock is the one the other guest tests take, so parallel test workers never build at
    the same time.
    """
    if not toolchain_available():
        missing = [b.name for b in benchmarks if not b.elf.exists()]
        if missing:
            raise BuildError(
                f"{CROSS_GCC} not installed and no prebuilt ELF for {', '.join(missing)}"
            )
        return
    lock_path = GUESTS / "build" / ".make.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    commands = [["make", "-s", "-C", str(GUESTS), "bench"]]
    if shutil.which(LINUX_GCC):  # the linux variant is optional (qemu-user only)
        commands.append(["make", "-s", "-C", str(GUESTS / "bench" / "linux")])
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for cmd in commands:
            done = subprocess.run(cmd, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                where = " ".join(cmd[2:])
                raise BuildError(f"make {where} failed:\n{done.stdout}{done.stderr}")


def _iters_location(elf: Path) -> int:
    """File offset of the ``bench_iters`` word in ``elf``."""
    with elf.open("rb") as f:
        ef = ELFFile(f)
        if ef.elfclass != 64 or not ef.little_endian:
            raise ValueError(f"{elf}: not a little-endian ELF64 file")
        symtab = ef.get_section_by_name(".symtab")
        syms = symtab.get_symbol_by_name(ITERS_SYMBOL) if symtab is not None else None
        if not syms:
            raise ValueError(f"{elf}: no {ITERS_SYMBOL} symbol")
        addr = syms[0]["st_value"]
        for sec in ef.iter_sections():
            start, size = sec["sh_addr"], sec["sh_size"]
            if sec["sh_type"] == "SHT_PROGBITS" and start <= addr and addr + 8 <= start + size:
                return sec["sh_offset"] + addr - start
    raise ValueError(f"{elf}: {ITERS_SYMBOL} is not in a section with file contents")


def read_iters(elf: Path) -> int:
    """The iteration count stored in ``elf``."""
    offset = _iters_location(elf)
    with elf.open("rb") as f:
        f.seek(offset)
        return int.from_bytes(f.read(8), "little")


def patched_elf(elf: Path, iters: int, out_dir: Path) -> Path:
    """A copy of ``elf`` in ``out_dir`` that runs ``iters`` iterations."""
    if not 0 <= iters < 1 << 64:
        raise ValueError(f"iteration count {iters} out of range")
    offset = _iters_location(elf)
    data = bytearray(elf.read_bytes())
    data[offset : offset + 8] = iters.to_bytes(8, "little")
    out = out_dir / f"{elf.parent.name}-{elf.stem}-{iters}.elf"  # variants share stems
    out.write_bytes(data)
    out.chmod(elf.stat().st_mode)  # qemu-user only runs executable files
    return out


def iterations_for(elf: Path, size: str) -> int:
    """Iterations of the ``size`` preset for the program in ``elf`` (at least 1)."""
    return max(1, round(read_iters(elf) * SIZES[size]))
