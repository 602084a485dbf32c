"""The peer engines that run in this process: unicorn, riscemu and riscv-emulator (PyPI).

Installed with ``pip install -e .[bench]``.  What each one can run differs, so each says
exactly what it executes:

* ``unicorn`` (QEMU's TCG as a library, RV64GC): the bare M-mode ELF of every benchmark,
  unchanged.  The ELF's loadable segments go into unicorn's memory and it runs from the entry
  point until the pc reaches ``bench_exit`` (exit code in a0); a code hook on the first
  instruction of ``bench_putchar`` takes the character and returns (no HTIF device).  The
  wall time covers ``emu_start`` only.  It cannot count instructions (an instruction hook
  would slow it down a hundredfold), so the count is hvsim's per-iteration estimate.
* ``riscemu`` (Python, RV32IMA... user mode): only ``intloop``.  Its machine-code (ELF) mode
  cannot be imported in 2.2.7 (``riscemu.priv`` fails with ``No module named 'core'``), and
  it is RV32-only, so it runs the loop's *assembly source*: the lines between the
  ``peer-loop-begin`` and ``peer-loop-end`` markers of ``guests/bench/intloop_kernel.S``,
  behind a three-instruction set-up and an exit system call.  Its own cycle counter gives
  the instruction count.
* ``riscv-emulator`` (Python, RV32I base only, flat memory from address 0): only
  ``intloop``, as the exact machine code of the ``intloop`` function taken from the bare ELF,
  with a0/a1/a2/ra set from Python and an ECALL at the return address (its way to stop).  It
  has no instruction counter (estimated like unicorn).

For both Python emulators, the engine runs one kernel call of ``bench_iters * INTLOOP_INNER``
loop iterations (hvsim and the other engines run ``bench_iters`` calls of ``INTLOOP_INNER``;
the difference is one call per thousand iterations) and checks the result against
:func:`benchmarks.reference.intloop_model`: a wrong emulation fails the row.
"""

from __future__ import annotations

import contextlib
import io
import re
import tempfile
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from elftools.elf.elffile import ELFFile

from benchmarks import reference
from benchmarks.engines import EngineRun, register_engine
from benchmarks.suite import GUESTS, Benchmark, read_iters

PEER_LOOP_SOURCE = GUESTS / "bench" / "intloop_kernel.S"
M32 = reference.M32


def package_version(dist: str) -> str:
    try:
        return f"{dist} {version(dist)}"
    except PackageNotFoundError:
        return f"{dist} (not installed)"


def importable(module: str, dist: str) -> str | None:
    try:
        __import__(module)
    except ImportError as exc:
        return f"{dist} cannot be imported ({exc}); pip install -e .[bench]"
    return None


def elf_symbols(elf: Path) -> dict[str, tuple[int, int]]:
    with elf.open("rb") as f:
        symtab = ELFFile(f).get_section_by_name(".symtab")
        if symtab is None:
            return {}
        return {s.name: (s["st_value"], s["st_size"]) for s in symtab.iter_symbols() if s.name}


def loop_total(elf: Path) -> int:
    """Loop iterations a Python peer runs for this ``intloop`` ELF (one kernel call)."""
    return read_iters(elf) * reference.INTLOOP_INNER


def check_intloop(iterations: int, acc: int) -> tuple[int, str]:
    """Exit code and a report line for the accumulator a peer computed."""
    want = reference.intloop_model(iterations, *reference.intloop_words())[0]
    got = acc & M32
    if got == want:
        return 0, f"intloop: one call of {iterations} loop iterations ok"
    return 1, f"intloop: FAIL got {got:#x} expected {want:#x}"


# ---- unicorn ------------------------------------------------------------------------------------
@register_engine
class Unicorn:
    """unicorn's RISC-V (QEMU TCG) running the bare M-mode ELF, in-process."""

    name = "unicorn"
    description = "unicorn Uc(RISCV64) on the bare ELF; putchar/exit hooked at their symbols"
    includes_startup = False
    scale = 10  # ~100-200 MIPS: a tenfold run takes about as long as hvsim's
    variant = "bare"
    benchmarks = None
    ram_size = 4 << 20
    timeout_us = 600_000_000

    def available(self) -> str | None:
        return importable("unicorn", "unicorn")

    def version(self) -> str:
        return package_version("unicorn")

    def run(self, elf: Path, bench: Benchmark) -> EngineRun:
        from unicorn import UC_ARCH_RISCV, UC_HOOK_CODE, UC_MODE_RISCV64, Uc
        from unicorn import riscv_const as R

        syms = elf_symbols(elf)
        putchar, exit_at = syms["bench_putchar"][0], syms["bench_exit"][0]
        uc = Uc(UC_ARCH_RISCV, UC_MODE_RISCV64)
        with elf.open("rb") as f:
            ef = ELFFile(f)
            entry = ef.header["e_entry"]
            segments = [s for s in ef.iter_segments() if s["p_type"] == "PT_LOAD"]
            base = min(s["p_paddr"] for s in segments) & ~0xFFF
            uc.mem_map(base, self.ram_size)
            for seg in segments:
                uc.mem_write(seg["p_paddr"], seg.data())
        out = bytearray()

        def on_putchar(uc: Uc, address: int, size: int, data: object) -> None:
            out.append(uc.reg_read(R.UC_RISCV_REG_A0) & 0xFF)
            uc.reg_write(R.UC_RISCV_REG_PC, uc.reg_read(R.UC_RISCV_REG_RA))

        uc.hook_add(UC_HOOK_CODE, on_putchar, begin=putchar, end=putchar)
        cpu = time.process_time()
        start = time.perf_counter()
        uc.emu_start(entry, exit_at, timeout=self.timeout_us)
        wall = time.perf_counter() - start
        cpu = time.process_time() - cpu
        pc = uc.reg_read(R.UC_RISCV_REG_PC)
        code = uc.reg_read(R.UC_RISCV_REG_A0) & 0xFF if pc == exit_at else 254
        return EngineRun(wall, code, None, out.decode("utf-8", "replace"), cpu)


# ---- riscemu ------------------------------------------------------------------------------------
def peer_loop_lines(source: Path = PEER_LOOP_SOURCE) -> list[str]:
    """The loop's instructions and labels between the markers, comments stripped."""
    lines: list[str] = []
    inside = False
    for raw in source.read_text().splitlines():
        marker = raw.strip()
        if marker == "# peer-loop-begin":
            inside = True
            continue
        if marker == "# peer-loop-end":
            break
        text = re.sub(r"(#|//).*", "", raw).strip()
        if inside and text:
            lines.append(text)
    if not lines:
        raise ValueError(f"{source}: no peer-loop markers")
    return lines


def riscemu_program(iterations: int) -> str:
    """riscemu assembly: set-up (a0, a1, a2), one call of the loop, exit(a0)."""
    w0, w1 = reference.intloop_words()
    lines = peer_loop_lines()
    body = "\n".join(line if line.endswith(":") else f"    {line}" for line in lines)
    return f"""
.data
intloop_buf:
.word {w0:#x}, {w1:#x}
.text
main:
    li      a0, {iterations}
    la      a1, intloop_buf
    li      a2, 0
    jal     ra, intloop_top
    li      a7, 93
    ecall
{body}
"""


@register_engine
class Riscemu:
    """riscemu (user mode, assembly input) running the ``intloop`` source lines."""

    name = "riscemu"
    description = "riscemu UserModeCPU on intloop's assembly lines (RV32I subset)"
    includes_startup = False
    scale = 0.02
    variant = "bare"
    benchmarks = frozenset({"intloop"})

    def available(self) -> str | None:
        return importable("riscemu", "riscemu")

    def version(self) -> str:
        return package_version("riscemu")

    def run(self, elf: Path, bench: Benchmark) -> EngineRun:
        from riscemu.config import RunConfig
        from riscemu.instructions import InstructionSetDict
        from riscemu.parser import AssemblyFileLoader
        from riscemu.riscemu_main import RiscemuMain

        iterations = loop_total(elf)
        if iterations == 0:  # the loop counts down before testing: 0 would mean 2**32
            return EngineRun(0.0, 0, 0, "intloop: no iterations", 0.0)
        with tempfile.TemporaryDirectory(prefix="hvsim-riscemu-") as tmp:
            source = Path(tmp) / "intloop.asm"
            source.write_text(riscemu_program(iterations))
            main = RiscemuMain(RunConfig(debug_on_exception=False, verbosity=0))
            main.selected_ins_sets = [InstructionSetDict[k] for k in ("RV32I", "RV32M")]
            main.available_file_loaders = [AssemblyFileLoader]
            main.input_files = [str(source)]
            sink = io.StringIO()
            with contextlib.redirect_stdout(sink):
                main.instantiate_cpu()
                main.load_programs()
                cpu_model = main.cpu
                assert cpu_model is not None
                before = cpu_model.cycle
                cpu = time.process_time()
                start = time.perf_counter()
                cpu_model.launch(False)
                wall = time.perf_counter() - start
                cpu = time.process_time() - cpu
        acc = int(cpu_model.regs.get("a0"))
        code, line = check_intloop(iterations, acc)
        insns = cpu_model.cycle - before
        return EngineRun(wall, code, insns, line + "\n" + sink.getvalue(), cpu)


# ---- riscv-emulator -----------------------------------------------------------------------------
@register_engine
class RiscvEmulator:
    """riscv-emulator (RV32I base) running the machine code of ``intloop`` from the bare ELF."""

    name = "riscv-emulator"
    description = "riscv_emulator.emulator on intloop's machine code (RV32I), flat memory"
    includes_startup = False
    scale = 0.05
    variant = "bare"
    benchmarks = frozenset({"intloop"})
    return_at = 0x1000  # where `ret` lands: an ECALL, the emulator's way to stop
    buf_at = 0x2000
    memory = 0x3000

    def available(self) -> str | None:
        return importable("riscv_emulator", "riscv-emulator")

    def version(self) -> str:
        return package_version("riscv-emulator")

    def run(self, elf: Path, bench: Benchmark) -> EngineRun:
        from riscv_emulator import emulator

        addr, size = elf_symbols(elf)["intloop"]
        with elf.open("rb") as f:
            text = ELFFile(f).get_section_by_name(".text")
            code = text.data()[addr - text["sh_addr"] : addr - text["sh_addr"] + size]
        iterations = loop_total(elf)
        if iterations == 0:  # the loop counts down before testing: 0 would mean 2**32
            return EngineRun(0.0, 0, 0, "intloop: no iterations", 0.0)
        w0, w1 = reference.intloop_words()
        emu = emulator(memory=self.memory)
        emu.memory[0 : len(code)] = code
        emu.memory[self.return_at : self.return_at + 4] = (0x73).to_bytes(4, "little")
        emu.memory[self.buf_at : self.buf_at + 8] = w0.to_bytes(4, "little") + w1.to_bytes(
            4, "little"
        )
        emu.rg[1], emu.rg[10], emu.rg[11], emu.rg[12] = self.return_at, iterations, self.buf_at, 0
        emu.pc = 0
        sink = io.StringIO()
        with contextlib.redirect_stdout(sink):
            cpu = time.process_time()
            start = time.perf_counter()
            emu.run()
            wall = time.perf_counter() - start
            cpu = time.process_time() - cpu
        code_, line = check_intloop(iterations, emu.rg[10])
        return EngineRun(wall, code_, None, line + "\n" + sink.getvalue(), cpu)
