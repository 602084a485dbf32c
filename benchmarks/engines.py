"""Engines: the simulators/emulators a benchmark can be run on, in one registry.

An engine runs one ELF to its end and reports the wall time of the measured part, the exit
code and, if it can count them, the retired instructions (and, for hvsim's hypervisor, the VM
exits).  Class attributes tell the runner what to give it and how to measure it fairly:

* ``variant``: which build of the benchmark it runs (:data:`benchmarks.suite.VARIANTS`:
  ``bare`` M-mode ELF, ``vs`` VS-mode guest, ``linux`` Linux-user program).
* ``benchmarks``: the benchmark names it can run (None: all of them).  The RV32I-only Python
  emulators only run ``intloop``, the loop written for that comparison.
* ``includes_startup``: the engine can only time a whole process (start-up included); the
  runner also times a zero-iteration copy of the program and subtracts that median.
* ``scale``: the engine runs ``scale`` times the iterations hvsim runs (above 1 for fast
  engines, so their kernel time stands well above start-up time and timer noise; below 1 for
  engines much slower than hvsim).

An engine that cannot count instructions gets an estimate from the reference engine
(hvsim-bare): its per-iteration count times the iterations run.

This module holds the registry, hvsim's two engines (bare machine, hypervisor with a VS-mode
guest) and QEMU's two (system emulation of the spike board, Linux user-mode emulation); the
in-process peers (unicorn, riscemu, riscv-emulator) live in :mod:`benchmarks.peers`, imported
at the end so that they register too.  Adding an engine is one class with these attributes
and ``available()``, ``version()`` and ``run()``, decorated with :func:`register_engine`; the
runner and ``--engine NAME`` pick it up by name.
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

from benchmarks.suite import Benchmark


@dataclass(frozen=True)
class EngineRun:
    """The outcome of one run of one ELF on one engine."""

    wall_seconds: float
    exit_code: int | None
    instructions: int | None  # None: the engine cannot count retired instructions
    output: str = ""
    cpu_seconds: float | None = None  # CPU time used (less disturbed by other load)
    exits: int | None = None  # VM exits (hvsim's hypervisor only)


class Engine(Protocol):
    name: ClassVar[str]
    description: ClassVar[str]
    includes_startup: ClassVar[bool]
    scale: ClassVar[float]
    variant: ClassVar[str]
    benchmarks: ClassVar[frozenset[str] | None]

    def available(self) -> str | None:
        """None when the engine can run here, else why not."""
        ...

    def version(self) -> str: ...

    def run(self, elf: Path, bench: Benchmark) -> EngineRun: ...


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
    variant = "bare"
    benchmarks = None

    def available(self) -> str | None:
        return None

    def version(self) -> str:
        return hvsim_version()

    def run(self, elf: Path, bench: Benchmark) -> EngineRun:
        from hvsim.bare import run_program

        console = io.StringIO()
        cpu = time.process_time()  # includes loading the ELF and building the machine (~ms)
        result = run_program(elf, machine="spike", console=console)
        cpu = time.process_time() - cpu
        return EngineRun(
            result.wall_seconds, result.exit_code, result.retired, console.getvalue(), cpu
        )


@register_engine
class HvsimVs:
    """hvsim's hypervisor: the VS-guest build under ``configs/bench-<name>.toml``, in-process.

    Exactly what ``hvsim run`` does (G-stage translation, exit handling, scheduling and every
    statistic recorded); the wall time covers ``Host.run`` only.
    """

    name = "hvsim-vs"
    description = "hvsim run configs/bench-<name>.toml (VS-mode guest, G-stage, stats), in-process"
    includes_startup = False
    scale = 1
    variant = "vs"
    benchmarks = None

    def available(self) -> str | None:
        return None

    def version(self) -> str:
        return hvsim_version()

    def run(self, elf: Path, bench: Benchmark) -> EngineRun:
        from benchmarks.scenarios import run_scenario

        done = run_scenario(bench.scenario, kernel=elf)
        return EngineRun(
            done.wall_seconds,
            done.exit_code,
            done.instructions,
            done.output(),
            done.cpu_seconds,
            done.exits,
        )


def hvsim_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"hvsim {version('hvsim')}"
    except PackageNotFoundError:
        return "hvsim (not installed)"


@register_engine
class QemuSpike:
    """QEMU's TCG on its ``spike`` machine (HTIF exit), timed as a whole process."""

    name = "qemu"
    description = "qemu-system-riscv64 -machine spike -bios none -nographic -kernel"
    includes_startup = True
    scale = 100  # QEMU's TCG runs these kernels at 0.5-3 G instructions per second
    variant = "bare"
    benchmarks = None
    binary = "qemu-system-riscv64"
    timeout_seconds = 600

    def available(self) -> str | None:
        return None if shutil.which(self.binary) else f"{self.binary} not found"

    def version(self) -> str:
        done = subprocess.run([self.binary, "--version"], capture_output=True, text=True)
        return done.stdout.splitlines()[0] if done.stdout else "qemu (unknown version)"

    def command(self, elf: Path) -> list[str]:
        return [
            self.binary,
            *("-machine", "spike", "-bios", "none", "-nographic", "-monitor", "none"),
            *("-kernel", str(elf)),
        ]

    def run(self, elf: Path, bench: Benchmark) -> EngineRun:
        return run_process(self.command(elf), self.timeout_seconds)


@register_engine
class QemuUser(QemuSpike):
    """QEMU's user-mode emulation (Debian qemu-user) of the Linux-user build, a whole process.

    User-mode emulation: no privileged architecture, no MMU emulation (guest addresses map
    straight onto the host process), system calls passed to the host kernel.
    """

    name = "qemu-user"
    description = "qemu-riscv64 <linux static build> (user-mode emulation)"
    variant = "linux"
    binary = "qemu-riscv64"

    def available(self) -> str | None:
        if not shutil.which(self.binary):
            return f"{self.binary} not found (Debian: apt-get install qemu-user)"
        return None

    def command(self, elf: Path) -> list[str]:
        return [self.binary, str(elf)]


def run_process(cmd: list[str], timeout: float) -> EngineRun:
    """Time one whole process; CPU time is the child's user + system time."""
    before = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run(
        cmd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    wall = time.perf_counter() - start
    cpu = _children_cpu() - before
    return EngineRun(wall, done.returncode, None, done.stdout + done.stderr, cpu)


def _children_cpu() -> float:
    """User + system CPU seconds of this process's finished children."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


from benchmarks import peers as _peers  # noqa: E402, F401  (registers the in-process peers)
