"""The ``hvsim`` command line: a registry of subcommands, argument parsing and exit codes.

Each subcommand is a :class:`Subcommand` (name, help, an argument builder and a runner
returning the process exit status) registered in :data:`SUBCOMMANDS`; ``main`` builds the
parser from the registry.  This is the only module that prints or configures logging.

Errors the user can fix (bad file, bad option) are one line ``hvsim: error: ...`` on stderr
with exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import gc
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from hvsim import __version__
from hvsim.bare import (
    BOARDS,
    DEFAULT_MEMORY,
    REASON_DEADLOCK,
    REASON_MAX_INSNS,
    REASON_RESET,
    BareResult,
    run_program,
)
from hvsim.config.loader import ConfigError, load_scenario
from hvsim.loader.elf import LoaderError
from hvsim.logging import configure_logging
from hvsim.stats.progress import RunProgress, is_terminal

if TYPE_CHECKING:
    from hvsim.hv.host import Host

EXIT_USAGE = 2  # bad input: unreadable or unfit program, bad option
EXIT_MAX_INSNS = 124  # the --max-insns limit was reached (like timeout(1))
EXIT_DEADLOCK = 125  # the hart waits in WFI and nothing can ever wake it
EXIT_INTERRUPTED = 130  # Ctrl-C

SIZE_SUFFIXES = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
_SIZE_RE = re.compile(r"(\d+)\s*([KMGT]?)(?:I?B)?", re.IGNORECASE)
#: Simulated-time units for --until, in picoseconds.
TIME_UNITS = {"s": 10**12, "ms": 10**9, "us": 10**6, "\u00b5s": 10**6, "ns": 10**3, "ps": 1}
_TIME_RE = re.compile(r"(\d+(?:\.\d*)?|\.\d+)\s*([a-z\u00b5]+)", re.IGNORECASE)


def parse_size(text: str) -> int:
    """``"256M"`` -> 268435456: a byte count with an optional K/M/G/T (binary) suffix."""
    m = _SIZE_RE.fullmatch(text.strip())
    if m is None:
        raise argparse.ArgumentTypeError(f"invalid size {text!r} (expected e.g. 256M, 1G, 65536)")
    value = int(m.group(1)) * SIZE_SUFFIXES[m.group(2).upper()]
    if value <= 0:
        raise argparse.ArgumentTypeError(f"size {text!r} must be positive")
    return value


def parse_count(text: str) -> int:
    """A positive instruction count (``1000000``, ``1_000_000`` or ``0x100``)."""
    try:
        value = int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid count {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"count {text!r} must be positive")
    return value


def parse_time(text: str) -> int:
    """``"10ms"`` -> 10_000_000_000: a simulated duration with a unit, in picoseconds."""
    m = _TIME_RE.fullmatch(text.strip())
    unit = TIME_UNITS.get(m.group(2).lower()) if m is not None else None
    if m is None or unit is None:
        raise argparse.ArgumentTypeError(
            f"invalid time {text!r} (expected a number with a unit: s, ms, us, ns, ps; e.g. 10ms)"
        )
    value = Fraction(m.group(1)) * unit
    if value <= 0 or value.denominator != 1:
        raise argparse.ArgumentTypeError(f"time {text!r} must be a positive whole number of ps")
    return int(value)


def exit_status(code: int) -> int:
    """A program exit code as a process status: the low byte, but never 0 for a failure."""
    if 0 <= code <= 255:
        return code
    return code & 0xFF or 1


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: ``hvsim: error: ...`` and status 2."""

    def error(self, message: str) -> NoReturn:
        fail(message)


def fail(message: str) -> NoReturn:
    print(f"hvsim: error: {message}", file=sys.stderr)
    raise SystemExit(EXIT_USAGE)


@dataclass(frozen=True)
class Subcommand:
    """One ``hvsim NAME`` command."""

    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]
    epilog: str = ""


SUBCOMMANDS: dict[str, Subcommand] = {}


def register_subcommand(sub: Subcommand) -> Subcommand:
    SUBCOMMANDS[sub.name] = sub
    return sub


# ---- hvsim bare ------------------------------------------------------------------------------
BARE_EPILOG = f"""\
exit status:
  N    the program's exit code (HTIF tohost or test finisher); codes above 255 are
       reduced to their low byte, or 1 if that byte is 0
  0    also when the program requests a reset
  {EXIT_USAGE}    bad input: missing, unreadable or unfit ELF (not RISC-V, 32-bit,
       big-endian, segment outside RAM), bad option
  {EXIT_MAX_INSNS}  --max-insns reached before the program exited
  {EXIT_DEADLOCK}  deadlock: the hart waits in WFI with no timer armed
  {EXIT_INTERRUPTED}  interrupted (Ctrl-C)
"""


def _bare_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("program", metavar="PROGRAM.elf", help="RV64 ELF to run in M-mode")
    p.add_argument(
        "--machine",
        choices=sorted(BOARDS),
        default="spike",
        help="memory map: spike (CLINT, UART) or virt (also the SiFive test finisher); "
        "default %(default)s",
    )
    p.add_argument(
        "--memory",
        type=parse_size,
        default=DEFAULT_MEMORY,
        metavar="SIZE",
        help="RAM size at 0x80000000 with K/M/G suffix (default 256M)",
    )
    p.add_argument(
        "--max-insns",
        type=parse_count,
        default=None,
        metavar="N",
        help=f"stop after N instructions (exit status {EXIT_MAX_INSNS})",
    )
    p.add_argument(
        "--trace", action="store_true", help="print every instruction (pc, word, disassembly)"
    )


def _summary(result: BareResult) -> str:
    return (
        f"hvsim: {result.retired} instructions in {result.wall_seconds:.2f} s "
        f"({result.mips:.2f} MIPS)"
    )


def _run_bare(args: argparse.Namespace) -> int:
    try:
        result = run_program(
            args.program,
            machine=args.machine,
            memory=args.memory,
            max_insns=args.max_insns,
            trace=sys.stderr if args.trace else None,
            console=sys.stdout,
        )
    except (LoaderError, ValueError) as exc:
        fail(str(exc))
    gc.freeze()  # the process ends soon: no collection need walk the run's objects again
    summary = _summary(result)
    if result.reason == REASON_MAX_INSNS:
        print(
            f"{summary}, stopped: instruction limit --max-insns {args.max_insns} reached "
            f"(exit status {EXIT_MAX_INSNS})",
            file=sys.stderr,
        )
        return EXIT_MAX_INSNS
    if result.reason == REASON_DEADLOCK:
        print(
            f"{summary}, stopped: deadlock, the hart waits in WFI with no timer armed "
            f"(exit status {EXIT_DEADLOCK})",
            file=sys.stderr,
        )
        return EXIT_DEADLOCK
    if result.reason == REASON_RESET:
        print(f"{summary}, the program requested a reset", file=sys.stderr)
        return 0
    code = result.exit_code if result.exit_code is not None else 0
    print(f"{summary}, exit code {code}", file=sys.stderr)
    return exit_status(code)


register_subcommand(
    Subcommand(
        "bare",
        "run a bare-metal RV64 ELF on one hart (HTIF, CLINT, 16550 UART), like Spike",
        _bare_arguments,
        _run_bare,
        BARE_EPILOG,
    )
)


# ---- hvsim run -------------------------------------------------------------------------------
EXIT_RUN_FAILED = 1  # a VM crashed or did not shut down cleanly, or the run hit a limit

RUN_EPILOG = f"""\
Guest console lines go to stdout as they are produced (each VM's console_prefix, by default
"[name] ", starts its lines); the exit summary follows on stdout unless --quiet.

exit status:
  0    every VM shut down cleanly (state "shutdown")
  {EXIT_RUN_FAILED}    a VM crashed or was stopped, or the run ended at --until,
       --max-insns or in a deadlock
  {EXIT_USAGE}    bad input: invalid scenario file, unloadable kernel image, bad option
  {EXIT_INTERRUPTED}  interrupted (Ctrl-C)
"""


def _run_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", metavar="SCENARIO.toml", help="scenario file (see configs/)")
    p.add_argument(
        "-o",
        "--outdir",
        type=Path,
        default=None,
        metavar="OUTDIR",
        help="directory for results (console logs, stats.json, exits.csv, slices.csv, "
        "trace.json, scenario.json; see `hvsim report`); created if missing",
    )
    p.add_argument(
        "--until",
        type=parse_time,
        default=None,
        metavar="TIME",
        help="stop after TIME of simulated time (e.g. 10ms, 2s, 500us)",
    )
    p.add_argument(
        "--max-insns",
        type=parse_count,
        default=None,
        metavar="N",
        help="stop after N guest instructions in total",
    )
    p.add_argument("--quiet", action="store_true", help="no exit summary (consoles only)")
    p.add_argument(
        "--no-progress",
        action="store_true",
        help="no progress bar (shown on stderr for runs over 2 s when stderr is a terminal)",
    )


def _console_line(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _run_scenario(args: argparse.Namespace) -> int:
    from hvsim.hv.host import Host
    from hvsim.hv.hostmem import HostMemoryExhausted
    from hvsim.hv.summary import format_summary

    try:
        scenario = load_scenario(args.scenario)
    except ConfigError as exc:
        fail(str(exc))
    if args.outdir is not None:
        try:
            args.outdir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            fail(f"{args.outdir}: cannot create output directory: {exc.strerror}")
    try:
        host = Host(scenario, console_sink=_console_line, outdir=args.outdir)
    except (LoaderError, HostMemoryExhausted, ValueError) as exc:
        fail(f"{args.scenario}: {exc}")
    start = time.perf_counter()
    with RunProgress(
        host,
        sys.stderr,
        until_ps=args.until,
        max_insns=args.max_insns,
        enabled=False if args.no_progress else None,
        redirect_stdout=is_terminal(sys.stdout),
    ):
        outcome = host.run(until_ps=args.until, max_insns=args.max_insns)
    gc.freeze()  # the process ends soon: no collection need walk the run's objects again
    wall = time.perf_counter() - start
    if not args.quiet:
        sys.stdout.write(format_summary(host, outcome, wall) + "\n")
        sys.stdout.flush()
    if args.outdir is not None:
        _write_results(host, outcome, args.outdir)
    clean = outcome == "done" and all(vm.state in ("shutdown", "reset") for vm in host.vms)
    return 0 if clean else EXIT_RUN_FAILED


def _write_results(host: Host, outcome: str, outdir: Path) -> None:
    """Statistics, tables, trace and resolved scenario into OUTDIR (wall time: terminal only)."""
    from hvsim.stats.export import write_outputs

    start = time.perf_counter()
    try:
        written = write_outputs(host, outcome, outdir)
    except OSError as exc:
        fail(f"{outdir}: cannot write results: {exc.strerror or exc}")
    wall = time.perf_counter() - start
    names = ", ".join(p.name for p in written)
    print(f"hvsim: wrote {names} to {outdir} in {wall:.2f} s", file=sys.stderr)


register_subcommand(
    Subcommand(
        "run",
        "run a scenario: VMs on a simulated RISC-V host with a hypervisor",
        _run_arguments,
        _run_scenario,
        RUN_EPILOG,
    )
)


# ---- hvsim report ----------------------------------------------------------------------------
REPORT_EPILOG = """\
Reads OUTDIR/exits.csv (and stats.json) written by `hvsim run SCENARIO -o OUTDIR`; times are
simulated exit-handling times.  Uses rich for the table when it is installed and stdout is a
terminal, plain text otherwise (or with --plain).
"""


def _report_arguments(p: argparse.ArgumentParser) -> None:
    from hvsim.stats.report import GROUPINGS, SORT_KEYS

    p.add_argument("outdir", type=Path, metavar="OUTDIR", help="results of `hvsim run -o OUTDIR`")
    p.add_argument("--vm", default=None, metavar="NAME", help="only the exits of this VM")
    p.add_argument("--vcpu", type=int, default=None, metavar="N", help="only the exits of vCPU N")
    p.add_argument(
        "--sort",
        choices=SORT_KEYS,
        default="samples",
        help="order rows by sample count or total handling time (default %(default)s)",
    )
    p.add_argument(
        "--by",
        choices=GROUPINGS,
        default="event",
        help="one row per event (kind.detail, e.g. sbi.time.set_timer) or per exit kind "
        "(default %(default)s)",
    )
    p.add_argument("--plain", action="store_true", help="plain text even on a terminal")


def _run_report(args: argparse.Namespace) -> int:
    from hvsim.stats import report

    try:
        exits = report.load_exits(args.outdir)
        stats = report.load_stats(args.outdir)
        result = report.build_report(
            exits, vm=args.vm, vcpu=args.vcpu, sort=args.sort, by=args.by, stats=stats
        )
    except report.ReportError as exc:
        fail(str(exc))
    if not args.plain and report.rich_available() and is_terminal(sys.stdout):
        from rich.console import Console

        Console().print(report.rich_table(result))
    else:
        sys.stdout.write(report.format_report(result))
    return 0


register_subcommand(
    Subcommand(
        "report",
        "print a `perf kvm stat report`-style table of the VM exits of a finished run",
        _report_arguments,
        _run_report,
        REPORT_EPILOG,
    )
)


# ---- entry point ------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="hvsim", description="Discrete-event multi-VM RISC-V hypervisor simulator"
    )
    parser.add_argument("--version", action="version", version=f"hvsim {__version__}")
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="more log output (-vv for debug)"
    )
    subs = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for sub in SUBCOMMANDS.values():
        p = subs.add_parser(
            sub.name,
            help=sub.help,
            description=sub.help,
            epilog=sub.epilog or None,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        sub.add_arguments(p)
        p.set_defaults(handler=sub.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging(args.verbose)
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        print("hvsim: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
