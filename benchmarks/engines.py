"""Engines: the simulators/emulators a benchmark ELF can be run on, in one registry.

An engine runs one ELF to its end and reports the wall time of the measured part, the exit
code and, if it can count them, the retired instructions.  Two class attributes tell the
runner how to measure it fairly:

* ``includes_startup``: the engine can only time a whole process (start-up included); the
  runner also times a zero-iteration copy of the program and subtracts that median.
* ``scale``: the engine runs ``scale`` times the iterations hvsim runs, so that a fast
  engine's kernel time stands well above its start-up time and timer noise.

An engine that cannot count instructions gets an estimate from the reference engine
(hvsim): its per-iteration count times the iterations run.

Adding an engine (hvsim as a VS-mode guest, riscemu, riscv-emulator, unicorn, ...) is one
class with these attributes and ``available()``, ``version()`` and ``run()``, decorated with
:func:`register_engine`; the runner and ``--engine NAME`` pick it up by name.
"""

from __future__ import annotations

import io
import resource
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Protocol


@dataclass(frozen=True)
class EngineRun:
    """The outcome of one run of one ELF on one engine."""

    wall_seconds: float
    exit_code: int | None
    instructions: int | None  # None: the engine cannot count retired instructions
    output: str = ""
    cpu_seconds: float | None = None  # CPU time used (less disturbed by other load)


class Engine(Protocol):
    name: ClassVar[str]
    description: ClassVar[str]
    includes_startup: ClassVar[bool]
    scale: ClassVar[int]

    def available(self) -> str | None:
        """None when the engine can run here, else why not."""
        ...

    def version(self) -> str: ...

    def run(self, elf: Path) -> EngineRun: ...


ENGINES: dict[str, Callable[[], Engine]] = {}


def register_engine(cls: type) -> type:
    """Class decorator: make the engine selectable by its ``name``."""
    ENGINES[cls.name] = cls
    return cls


# The engine whose instruction count and wall time the others are compared with.
REFERENCE_ENGINE = "hvsim-bare"


@register_engine
class HvsimBare:
    """hvsim's bare-metal machine, in this process; the wall time covers only the run."""

    name = "hvsim-bare"
    description = "hvsim.bare.run_program (spike board, HTIF), in-process"
    includes_startup = False
    scale = 1

    def available(self) -> str | None:
        return None

    def version(self) -> str:
        from importlib.metadata import PackageNotFoundError, version

        try:
            return f"hvsim {version('hvsim')}"
        except PackageNotFoundError:
            return "hvsim (not installed)"

    def run(self, elf: Path) -> EngineRun:
        from hvsim.bare import run_program

        console = io.StringIO()
        cpu = time.process_time()  # includes loading the ELF and building the machine (~ms)
        result = run_program(elf, machine="spike", console=console)
        cpu = time.process_time() - cpu
        return EngineRun(
            result.wall_seconds, result.exit_code, result.retired, console.getvalue(), cpu
        )


@register_engine
class QemuSpike:
    """QEMU's TCG on its ``spike`` machine (HTIF exit), timed as a whole process."""

    name = "qemu"
    description = "qemu-system-riscv64 -machine spike -bios none -nographic -kernel"
    includes_startup = True
    scale = 100  # QEMU's TCG runs these kernels at 0.5-3 G instructions per second
    binary = "qemu-system-riscv64"
    timeout_seconds = 600

    def available(self) -> str | None:
        return None if shutil.which(self.binary) else f"{self.binary} not found"

    def version(self) -> str:
        done = subprocess.run([self.binary, "--version"], capture_output=True, text=True)
        return done.stdout.splitlines()[0] if done.stdout else "qemu (unknown version)"

    def run(self, elf: Path) -> EngineRun:
        cmd = [self.binary, "-machine", "spike", "-bios", "none", "-nographic"]
        cmd += ["-monitor", "none", "-kernel", str(elf)]
        before = _children_cpu()
        start = time.perf_counter()
        done = subprocess.run(
            cmd,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=self.timeout_seconds,
            check=False,
        )
        wall = time.perf_counter() - start
        cpu = _children_cpu() - before
        return EngineRun(wall, done.returncode, None, done.stdout + done.stderr, cpu)


def _children_cpu() -> float:
    """User + system CPU seconds of this process's finished children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
