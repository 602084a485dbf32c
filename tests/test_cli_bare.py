"""``hvsim bare``: the machine driver (with a scripted fake hart), the CLI's error paths and
exit codes, and real programs once :mod:`hvsim.core.hart` exists."""

from __future__ import annotations

import argparse
import io
import shutil
import struct
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import hvsim.bare
from hvsim import cli
from hvsim.bare import BareMachine, ConsoleSink, run_program
from hvsim.core.clock import InstructionClock
from hvsim.core.trap import MIP_MTIP, MIP_STIP, StopReason
from hvsim.loader.elf import ElfImage, LoaderError, Segment
from hvsim.mem.phys import PhysMem

RAM = 0x8000_0000
TOHOST = RAM + 0x1000
FROMHOST = RAM + 0x1040
CLINT_MTIMECMP = 0x200_4000
UART = 0x1000_0000
FINISHER = 0x10_0000

CC = "riscv64-unknown-elf-gcc"
needs_toolchain = pytest.mark.skipif(shutil.which(CC) is None, reason="no RISC-V toolchain")


def _have_hart() -> bool:
    try:
        from hvsim.core.hart import Hart  # noqa: F401
    except ImportError:
        return False
    return True


needs_hart = pytest.mark.skipif(not _have_hart(), reason="hvsim.core.hart not available yet")


# ---- a scripted fake hart ------------------------------------------------------------------------
class FakeHart:
    """Executes a script of steps, one instruction each, honouring the bare-hart protocol.

    Steps: ``("spin", n)`` n instructions (None: forever), ``("store", pa, size, value)``,
    ``("wfi", mask)`` WFI (one instruction), then asleep (``run`` returns ``(0, WFI)``, like the
    real hart) until ``mip & mask``; the wake-up retires nothing.
    """

    def __init__(self, mem: PhysMem, hartid: int, clock: InstructionClock) -> None:
        self.mem, self.hartid, self.clock = mem, hartid, clock
        self.pc = 0
        self.x = [0] * 32
        self.priv = 0
        self.trace = None
        self.trap_count = 0
        self.mip = 0
        self.retired = 0
        self.stimecmp: int | None = None
        self.script: list[tuple] = []
        self.budgets: list[int] = []
        self.rises: dict[int, int] = {}  # mip bit -> retired count when it rose
        self._stop = self._yield = self.asleep = False

    # protocol
    def retired_now(self) -> int:
        return self.retired

    def set_pending(self, mask: int, level: bool) -> None:
        for bit in (MIP_MTIP, MIP_STIP):
            if mask & bit and level and not self.mip & bit:
                self.rises.setdefault(bit, self.retired)
        self.mip = self.mip | mask if level else self.mip & ~mask

    def request_stop(self) -> None:
        self._stop = True

    def request_yield(self) -> None:
        self._yield = True

    def next_timer_deadline(self) -> int | None:
        if self.stimecmp is not None and self.clock.mtime() < self.stimecmp:
            return self.stimecmp
        return None

    def update_timers(self) -> None:
        if self.stimecmp is not None:
            self.set_pending(MIP_STIP, self.clock.mtime() >= self.stimecmp)

    def run(self, budget: int) -> tuple[int, StopReason]:
        self.budgets.append(budget)
        n = 0
        while n < budget:
            step = self.script[0] if self.script else ("spin", None)
            kind = step[0]
            if kind == "wfi":
                if self.mip & step[1]:  # woken: the interrupt is taken, nothing retires
                    self.asleep = False
                    self.script.pop(0)
                    continue
                if not self.asleep:  # WFI retires and the hart sleeps
                    self.asleep = True
                    self.retired += 1
                    n += 1
                return n, StopReason.WFI
            if kind == "spin":
                if step[1] is not None:
                    if step[1] <= 1:
                        self.script.pop(0)
                    else:
                        self.script[0] = ("spin", step[1] - 1)
            else:
                self.script.pop(0)
            self.retired += 1
            n += 1
            if kind == "store":
                self.mem.write(step[1], step[2], step[3])
            if self._stop:
                self._stop = False
                return n, StopReason.HALT
            if self._yield:
                self._yield = False
                return n, StopReason.YIELD
        return n, StopReason.BUDGET


def image(tohost: bool = True) -> ElfImage:
    symbols = {"tohost": TOHOST, "fromhost": FROMHOST} if tohost else {}
    return ElfImage("fake.elf", RAM + 0x40, [Segment(RAM, RAM, b"\x13" * 0x80, 0x2000)], symbols)


def machine(kind: str = "spike", console=None, **kw) -> BareMachine:
    return BareMachine(kind, 1 << 20, console=console or io.StringIO(), hart_factory=FakeHart, **kw)


# ---- the machine driver --------------------------------------------------------------------------
def test_load_enters_program_in_m_mode() -> None:
    m = machine()
    m.hart.x[10] = m.hart.x[11] = 99
    m.load(image())
    assert (m.hart.pc, m.hart.priv, m.hart.x[10], m.hart.x[11]) == (RAM + 0x40, 3, 0, 0)
    assert m.mem.read_bytes(RAM, 4) == b"\x13" * 4
    assert m.htif is not None


def test_htif_exit_code() -> None:
    m = machine()
    m.load(image())
    m.hart.script = [("spin", 10), ("store", TOHOST, 8, 3 << 1 | 1), ("spin", None)]
    result = m.run()
    assert (result.reason, result.exit_code, result.retired) == ("exit", 3, 11)


def test_no_htif_without_tohost_symbol() -> None:
    m = machine()
    m.load(image(tohost=False))
    assert m.htif is None
    m.hart.script = [("store", TOHOST, 8, 1), ("spin", None)]
    result = m.run(max_insns=1000)
    assert result.reason == "max-insns"
    assert m.mem.read(TOHOST, 8) == 1  # plain RAM


def test_max_insns_is_exact() -> None:
    m = machine()
    m.load(image())
    result = m.run(max_insns=2_345_678, chunk=1_000_000)
    assert result.reason == "max-insns"
    assert result.retired == 2_345_678
    assert result.exit_code is None


def test_deadlock_when_nothing_can_wake_the_hart() -> None:
    m = machine()
    m.load(image())
    m.hart.script = [("spin", 5), ("wfi", MIP_MTIP)]
    result = m.run(max_insns=10**9)
    assert result.reason == "deadlock"
    assert result.retired == 6


def test_wfi_exactly_at_the_deadline_is_not_a_deadlock() -> None:
    """The batch ends on the deadline with the WFI as its last instruction: the timer fires
    at that very boundary, so no deadline lies ahead, yet the hart will wake."""
    m = machine()
    m.load(image())
    m.hart.script = [
        ("store", CLINT_MTIMECMP, 8, 1000),  # due at cycle 100_000
        ("spin", 100_000 - 2),
        ("wfi", MIP_MTIP),  # instruction number 100_000
        ("store", TOHOST, 8, 1),
    ]
    result = m.run(max_insns=10**6)
    assert (result.reason, result.exit_code) == ("exit", 0)
    assert m.clock.idle_cycles == 0
    assert m.hart.rises[MIP_MTIP] == 100_000


def test_clint_timer_wakes_wfi_and_time_skips_idle() -> None:
    m = machine("virt")
    m.load(image())
    m.hart.script = [
        ("store", CLINT_MTIMECMP, 8, 1000),  # 1000 ticks of 10 MHz = 100_000 cycles at 1 GHz
        ("wfi", MIP_MTIP),
        ("store", FINISHER, 4, 0x5555),
    ]
    result = m.run()
    assert (result.reason, result.exit_code) == ("exit", 0)
    assert result.retired == 3
    assert m.clock.mtime() == 1000
    assert m.clock.idle_cycles == 100_000 - 2
    assert m.hart.rises[MIP_MTIP] == 2


def test_batches_stop_exactly_at_the_timer_deadline() -> None:
    m = machine()
    m.load(image())
    m.hart.script = [("spin", 99), ("store", CLINT_MTIMECMP, 8, 1000), ("spin", None)]
    m.run(max_insns=300_000)
    assert m.hart.rises[MIP_MTIP] == 100_000  # the cycle at which mtime reaches 1000
    assert m.hart.budgets[1] == 100_000 - 100  # recomputed after the mtimecmp write yielded


def test_sstc_deadline_from_the_hart() -> None:
    m = machine()
    m.load(image())
    m.hart.stimecmp = 50
    m.hart.script = [("wfi", MIP_STIP), ("store", TOHOST, 8, 1)]
    result = m.run()
    assert (result.reason, result.exit_code) == ("exit", 0)
    assert m.clock.mtime() == 50


@pytest.mark.parametrize(
    ("value", "reason", "code"),
    [(0x5555, "exit", 0), (7 << 16 | 0x3333, "exit", 7), (0x7777, "reset", None)],
)
def test_test_finisher_on_virt(value: int, reason: str, code: int | None) -> None:
    m = machine("virt")
    m.load(image(tohost=False))
    m.hart.script = [("store", FINISHER, 4, value)]
    result = m.run()
    assert (result.reason, result.exit_code) == (reason, code)


def test_memory_maps() -> None:
    spike, virt = machine("spike"), machine("virt")
    for m in (spike, virt):
        assert m.mem.device_at(0x200_0000) == (0x200_0000, m.clint)
        assert m.mem.device_at(0x200_BFF8) == (0x200_0000, m.clint)
        assert m.mem.device_at(UART + 5) == (UART, m.uart)
    assert virt.mem.device_at(FINISHER) == (FINISHER, virt.finisher)
    assert spike.mem.device_at(FINISHER) is None


@pytest.mark.parametrize("kind", ["spike", "virt"])
def test_uart_output_reaches_the_console(kind: str) -> None:
    out = io.StringIO()
    m = machine(kind, console=out)
    m.load(image())
    m.hart.script = [("store", UART, 1, ch) for ch in "héllo\n".encode()]
    m.hart.script.append(("store", TOHOST, 8, 1))
    m.run()
    assert out.getvalue() == "héllo\n"


def test_console_sink_binary_and_split_utf8() -> None:
    raw = io.BytesIO()
    sink = ConsoleSink(raw)
    for b in "ü!".encode():
        sink.put_byte(b)
    assert raw.getvalue() == "ü!".encode()
    text = io.StringIO()
    sink = ConsoleSink(text)
    data = "€".encode()
    sink.put_byte(data[0])
    assert text.getvalue() == ""
    sink(data[1:])
    sink(b"\xff")
    sink.flush()
    assert text.getvalue() == "€\ufffd"


def test_run_program_refuses_before_building_a_hart(tmp_path: Path) -> None:
    built: list[int] = []

    def factory(mem, hartid, clock):
        built.append(hartid)
        return FakeHart(mem, hartid, clock)

    bad = tmp_path / "bad.elf"
    bad.write_text("nope")
    with pytest.raises(LoaderError):
        run_program(bad, hart_factory=factory)
    good = _write_fake_elf(tmp_path)
    with pytest.raises(ValueError, match="unknown machine"):
        run_program(good, "qemu", hart_factory=factory)
    with pytest.raises(ValueError, match="4 KiB"):
        run_program(good, memory=1000, hart_factory=factory)
    with pytest.raises(LoaderError, match="outside RAM"):
        run_program(_write_fake_elf(tmp_path, paddr=0x1000), hart_factory=factory)
    assert built == []


def test_bad_memory_sizes() -> None:
    for size in (0, 1000, -4096):
        with pytest.raises(ValueError, match="4 KiB"):
            BareMachine("spike", size, hart_factory=FakeHart)
    with pytest.raises(ValueError, match="unknown machine"):
        BareMachine("nope", 1 << 20, hart_factory=FakeHart)


# ---- CLI: parsing and exit codes in-process (fake hart) ------------------------------------------
@pytest.mark.parametrize(
    ("text", "value"),
    [("256M", 256 << 20), ("1g", 1 << 30), ("64K", 65536), ("4096", 4096), ("2GiB", 2 << 30)],
)
def test_parse_size(text: str, value: int) -> None:
    assert cli.parse_size(text) == value


@pytest.mark.parametrize("text", ["", "M", "1.5G", "-4K", "0", "12Q", "0x1000"])
def test_parse_size_rejects(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        cli.parse_size(text)


@pytest.mark.parametrize(("code", "status"), [(0, 0), (3, 3), (255, 255), (256, 1), (257, 1)])
def test_exit_status_never_hides_a_failure(code: int, status: int) -> None:
    assert cli.exit_status(code) == status


def _write_fake_elf(tmp_path: Path, paddr: int = RAM, memsz: int = 16) -> Path:
    """A hand-made RV64 ELF (no toolchain needed): 16 bytes of code at ``paddr``."""
    data = b"\x13\x00\x00\x00" * 4
    ident = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
    header = ident + struct.pack("<HHIQQQIHHHHHH", 2, 243, 1, paddr, 64, 0, 0, 64, 56, 1, 64, 0, 0)
    phdr = struct.pack("<IIQQQQQQ", 1, 5, 120, paddr, paddr, len(data), memsz, 8)
    path = tmp_path / f"fake-{paddr:x}-{memsz:x}.elf"
    path.write_bytes(header + phdr + data)
    return path


@pytest.fixture
def scripted(monkeypatch: pytest.MonkeyPatch) -> Callable[[list[tuple]], None]:
    """Make ``hvsim bare`` build fake harts running ``script``."""

    def install(script: list[tuple]) -> None:
        def factory(mem, hartid, clock):
            hart = FakeHart(mem, hartid, clock)
            hart.script = list(script)
            return hart

        monkeypatch.setattr(hvsim.bare, "default_hart", factory)

    return install


def test_cli_max_insns_exit_status(tmp_path, scripted, capsys) -> None:
    scripted([("spin", None)])
    status = cli.main(["bare", str(_write_fake_elf(tmp_path)), "--max-insns", "5000"])
    err = capsys.readouterr().err
    assert status == cli.EXIT_MAX_INSNS
    assert err.count("\n") == 1
    assert "5000 instructions" in err and "--max-insns" in err


def test_cli_deadlock_exit_status(tmp_path, scripted, capsys) -> None:
    scripted([("spin", 3), ("wfi", MIP_MTIP)])
    status = cli.main(["bare", str(_write_fake_elf(tmp_path))])
    err = capsys.readouterr().err
    assert status == cli.EXIT_DEADLOCK
    assert "deadlock" in err and "4 instructions" in err


def test_cli_program_exit_code_and_summary(tmp_path, scripted, capsys) -> None:
    scripted([("spin", 41), ("store", FINISHER, 4, 9 << 16 | 0x3333)])
    status = cli.main(["bare", str(_write_fake_elf(tmp_path)), "--machine", "virt"])
    err = capsys.readouterr().err
    assert status == 9
    assert err.startswith("hvsim: 42 instructions in ")
    assert "MIPS" in err and err.rstrip().endswith("exit code 9")


def test_cli_help_documents_exit_codes(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["bare", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for code in (cli.EXIT_USAGE, cli.EXIT_MAX_INSNS, cli.EXIT_DEADLOCK):
        assert str(code) in out


# ---- CLI: error paths through a real process -----------------------------------------------------
def hvsim_cmd(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hvsim", *args], capture_output=True, text=True, timeout=timeout
    )


def assert_usage_error(proc: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("hvsim: error: ")
    assert "Traceback" not in proc.stderr
    for needle in needles:
        assert needle in lines[0]
    assert proc.stdout == ""


def test_cli_not_an_elf(tmp_path: Path) -> None:
    path = tmp_path / "readme.txt"
    path.write_text("hello\n")
    assert_usage_error(hvsim_cmd("bare", str(path)), "not an ELF", str(path))


@pytest.mark.skipif(not Path("/bin/ls").exists(), reason="no /bin/ls")
def test_cli_host_binary() -> None:
    assert_usage_error(hvsim_cmd("bare", "/bin/ls"), "not a RISC-V ELF")


def test_cli_missing_file(tmp_path: Path) -> None:
    assert_usage_error(hvsim_cmd("bare", str(tmp_path / "missing.elf")), "cannot read")


def test_cli_truncated_file(tmp_path: Path) -> None:
    whole = _write_fake_elf(tmp_path).read_bytes()
    path = tmp_path / "cut.elf"
    path.write_bytes(whole[:100])
    assert_usage_error(hvsim_cmd("bare", str(path)), str(path))


def test_cli_segment_outside_ram(tmp_path: Path) -> None:
    elf = _write_fake_elf(tmp_path, paddr=0x1000)
    assert_usage_error(hvsim_cmd("bare", str(elf)), "[0x1000, 0x1010)", "[0x80000000, 0x90000000)")


def test_cli_segment_beyond_small_memory(tmp_path: Path) -> None:
    elf = _write_fake_elf(tmp_path, memsz=0x3000)
    assert_usage_error(hvsim_cmd("bare", str(elf), "--memory", "8K"), "outside RAM")


@pytest.mark.parametrize("memory", ["12Q", "abc", "0", "1000"])
def test_cli_bad_memory(tmp_path: Path, memory: str) -> None:
    assert_usage_error(hvsim_cmd("bare", str(_write_fake_elf(tmp_path)), f"--memory={memory}"))


@pytest.mark.parametrize(
    "args", [("--max-insns", "0"), ("--max-insns", "many"), ("--machine", "qemu")]
)
def test_cli_bad_options(tmp_path: Path, args: tuple[str, str]) -> None:
    assert_usage_error(hvsim_cmd("bare", str(_write_fake_elf(tmp_path)), *args))


def test_cli_no_subcommand() -> None:
    assert_usage_error(hvsim_cmd())


@needs_toolchain
def test_cli_rv32_elf(tmp_path: Path) -> None:
    elf = build(tmp_path, EXIT3.replace("sd ", "sw "), "rv32.elf", rv32=True)
    assert_usage_error(hvsim_cmd("bare", str(elf)), "32-bit")


# ---- real programs (need the hart) ---------------------------------------------------------------
LINK = """
OUTPUT_ARCH(riscv)
ENTRY(_start)
SECTIONS {
  . = 0x80000000;
  .text : { *(.text.init) *(.text*) }
  .rodata : { *(.rodata*) }
  . = ALIGN(0x1000);
  .tohost : { *(.tohost) }
  .data : { *(.data*) }
  .bss : { *(.bss*) }
}
"""

HTIF_WORDS = """
    .section .tohost, "aw", @progbits
    .align 6
    .globl tohost
tohost: .dword 0
    .align 6
    .globl fromhost
fromhost: .dword 0
"""

EXIT3 = (
    """
    .section .text.init, "ax"
    .globl _start
_start:
    li a0, (3 << 1) | 1
    la t0, tohost
    sd a0, 0(t0)
1:  j 1b
"""
    + HTIF_WORDS
)

UART_HELLO = (
    """
    .section .text.init, "ax"
    .globl _start
_start:
    la a1, msg
    li a2, 0x10000000
next:
    lbu a0, 0(a1)
    beqz a0, done
wait:
    lbu t0, 5(a2)
    andi t0, t0, 0x20
    beqz t0, wait
    sb a0, 0(a2)
    addi a1, a1, 1
    j next
done:
    li a0, 1
    la t0, tohost
    sd a0, 0(t0)
1:  j 1b
    .section .rodata
msg: .asciz "Hello from the UART!\\n"
"""
    + HTIF_WORDS
)

SPIN = """
    .section .text.init, "ax"
    .globl _start
_start:
1:  j 1b
"""

DEADLOCK = """
    .section .text.init, "ax"
    .globl _start
_start:
    csrw mie, zero
1:  wfi
    j 1b
"""

# Writes "fail with code 7" to the virt test finisher; where there is no finisher (spike map)
# the store faults and the handler exits through HTIF with 100 + mcause.
FINISH7 = (
    """
    .section .text.init, "ax"
    .globl _start
_start:
    la t0, handler
    csrw mtvec, t0
    li t0, 0x100000
    li t1, (7 << 16) | 0x3333
    sw t1, 0(t0)
1:  j 1b
    .align 2
handler:
    csrr a0, mcause
    addi a0, a0, 100
    slli a0, a0, 1
    ori a0, a0, 1
    la t0, tohost
    sd a0, 0(t0)
2:  j 2b
"""
    + HTIF_WORDS
)

# Arms the CLINT timer 1000 ticks ahead, sleeps in WFI, and exits from the M-mode timer
# interrupt handler: code 0 if mcause says machine timer interrupt, 5 otherwise.
TIMER_IRQ = (
    """
    .section .text.init, "ax"
    .globl _start
_start:
    la t0, handler
    csrw mtvec, t0
    li t1, 0x200bff8
    ld t2, 0(t1)
    addi t2, t2, 1000
    li t1, 0x2004000
    sd t2, 0(t1)
    li t0, 0x80
    csrw mie, t0
    csrsi mstatus, 8
1:  wfi
    j 1b
    .align 2
handler:
    csrr t0, mcause
    li t1, 0x8000000000000007
    li a0, 1
    beq t0, t1, 2f
    li a0, (5 << 1) | 1
2:  la t0, tohost
    sd a0, 0(t0)
3:  j 3b
"""
    + HTIF_WORDS
)

HTIF_PRINT = (
    """
    .section .text.init, "ax"
    .globl _start
_start:
    la t0, magic
    li t1, 64
    sd t1, 0(t0)
    li t1, 1
    sd t1, 8(t0)
    la t1, msg
    sd t1, 16(t0)
    li t1, 13
    sd t1, 24(t0)
    la t2, tohost
    sd t0, 0(t2)
    la t3, fromhost
wait:
    ld t4, 0(t3)
    beqz t4, wait
    sd zero, 0(t3)
    ld a0, 0(t0)
    slli a0, a0, 1
    ori a0, a0, 1
    sd a0, 0(t2)
1:  j 1b
    .section .rodata
msg: .ascii "syscall hello"
    .data
    .align 6
magic: .space 64
"""
    + HTIF_WORDS
)


def build(tmp_path: Path, source: str, name: str, rv32: bool = False) -> Path:
    src, ld, out = tmp_path / f"{name}.S", tmp_path / f"{name}.ld", tmp_path / name
    src.write_text(source)
    ld.write_text(LINK)
    arch = (
        ["-march=rv32i_zicsr", "-mabi=ilp32"] if rv32 else ["-march=rv64imac_zicsr", "-mabi=lp64"]
    )
    cmd = [CC, *arch, "-nostdlib", "-nostartfiles", "-T", str(ld), str(src), "-o", str(out)]
    subprocess.run(cmd, check=True, capture_output=True)
    return out


@pytest.mark.parametrize("machine", ["spike", "virt"])
@needs_toolchain
@needs_hart
def test_real_tohost_exit_code(tmp_path: Path, machine: str) -> None:
    proc = hvsim_cmd("bare", str(build(tmp_path, EXIT3, "exit3.elf")), "--machine", machine)
    assert proc.returncode == 3, proc.stderr
    assert "exit code 3" in proc.stderr
    assert "instructions in" in proc.stderr and "MIPS" in proc.stderr


@needs_toolchain
@needs_hart
def test_real_uart_hello(tmp_path: Path) -> None:
    proc = hvsim_cmd("bare", str(build(tmp_path, UART_HELLO, "hello.elf")))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "Hello from the UART!\n"


@needs_toolchain
@needs_hart
def test_real_htif_syscall_write(tmp_path: Path) -> None:
    proc = hvsim_cmd("bare", str(build(tmp_path, HTIF_PRINT, "sys.elf")))
    assert proc.stdout == "syscall hello"
    assert proc.returncode == 13, proc.stderr  # exits with write()'s return value


@needs_toolchain
@needs_hart
def test_real_max_insns(tmp_path: Path) -> None:
    proc = hvsim_cmd("bare", str(build(tmp_path, SPIN, "spin.elf")), "--max-insns", "20000")
    assert proc.returncode == cli.EXIT_MAX_INSNS, proc.stderr
    assert "20000 instructions" in proc.stderr and "--max-insns" in proc.stderr


@needs_toolchain
@needs_hart
def test_real_deadlock(tmp_path: Path) -> None:
    proc = hvsim_cmd("bare", str(build(tmp_path, DEADLOCK, "dead.elf")), "--max-insns", "10000")
    assert proc.returncode == cli.EXIT_DEADLOCK, proc.stderr
    assert "deadlock" in proc.stderr


@needs_toolchain
@needs_hart
def test_real_test_finisher(tmp_path: Path) -> None:
    elf = build(tmp_path, FINISH7, "fin.elf")
    proc = hvsim_cmd("bare", str(elf), "--machine", "virt")
    assert proc.returncode == 7, proc.stderr
    proc = hvsim_cmd("bare", str(elf), "--machine", "spike")
    assert proc.returncode == 100 + 7, proc.stderr  # store access fault: no finisher on spike


@needs_toolchain
@needs_hart
def test_real_timer_interrupt_wakes_wfi(tmp_path: Path) -> None:
    elf = build(tmp_path, TIMER_IRQ, "timer.elf")
    out = io.StringIO()
    result = run_program(elf, max_insns=1_000_000, console=out)
    assert (result.reason, result.exit_code) == ("exit", 0)
    assert result.retired < 100  # the 100_000 cycles of waiting were skipped, not executed


@needs_toolchain
@needs_hart
def test_real_trace_goes_to_stderr(tmp_path: Path) -> None:
    proc = hvsim_cmd("bare", str(build(tmp_path, EXIT3, "exit3.elf")), "--trace")
    assert proc.returncode == 3
    assert proc.stdout == ""
    trace = proc.stderr.lower()
    assert "80000000" in trace
    assert len(proc.stderr.splitlines()) >= 4  # one line per instruction plus the summary


TRAP_STORM = """
    .section .text.init, "ax"
    .globl _start
_start:
    li t0, 0x100000
    sw t0, 0(t0)
1:  j 1b
"""


@needs_toolchain
@needs_hart
def test_real_trap_storm_still_honours_max_insns(tmp_path: Path) -> None:
    elf = build(tmp_path, TRAP_STORM, "storm.elf")
    try:
        proc = hvsim_cmd("bare", str(elf), "--max-insns", "1000", timeout=10)
    except subprocess.TimeoutExpired:
        pytest.fail("hvsim bare did not stop")
    assert proc.returncode == cli.EXIT_MAX_INSNS, proc.stderr
