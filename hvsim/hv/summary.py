"""The end-of-run summary and crash reports as text (pure functions; nothing is printed here).

Owns how a finished run reads on the terminal: one block per VM with its state, instructions,
simulated time, run/steal/idle time, a per-vCPU table, and an exit table in the spirit of
``perf kvm stat report`` (kind, detail, count, count %, handling-time %, average handling
time); for a crashed VM the crash report (reason, vCPU, cause, trap CSRs, the 32 registers
with ABI names in four columns, the last exits).  Times are simulated picoseconds, shown with
:func:`format_time` (``1234567000`` -> ``"1.235 ms"``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hvsim.core import trap as T
from hvsim.isa.disasm import ABI_NAMES
from hvsim.isa.encoding import CAUSE_NAMES

if TYPE_CHECKING:
    from hvsim.hv.host import Host
    from hvsim.hv.vm import CrashReport
    from hvsim.stats.recorder import ExitRecord, VcpuStats

#: Interrupt names by number (xcause with the interrupt bit set), in CAUSE_NAMES' style.
INTERRUPT_NAMES: dict[int, str] = {
    T.IRQ_S_SOFT: "supervisor_software",
    T.IRQ_VS_SOFT: "virtual_supervisor_software",
    T.IRQ_M_SOFT: "machine_software",
    T.IRQ_S_TIMER: "supervisor_timer",
    T.IRQ_VS_TIMER: "virtual_supervisor_timer",
    T.IRQ_M_TIMER: "machine_timer",
    T.IRQ_S_EXT: "supervisor_external",
    T.IRQ_VS_EXT: "virtual_supervisor_external",
    T.IRQ_M_EXT: "machine_external",
    T.IRQ_S_GEXT: "supervisor_guest_external",
    T.IRQ_LCOF: "counter_overflow",
}

#: Why a run ended (the value of ``Host.run`` or "deadlock") -> how the summary says it.
OUTCOMES: dict[str, str] = {
    "done": "every VM stopped",
    "time-limit": "stopped at the simulated-time limit",
    "instruction-limit": "stopped at the instruction limit",
    "deadlock": "deadlock: every vCPU waits and nothing can wake it",
}

#: Time units for :func:`format_time`, largest first: (picoseconds per unit, suffix).
TIME_UNITS = ((10**12, "s"), (10**9, "ms"), (10**6, "us"), (10**3, "ns"))
REG_COLUMNS = 4


def format_time(ps: int) -> str:
    """Simulated picoseconds in the largest unit that keeps the value >= 1: ``"1.234 ms"``."""
    for scale, unit in TIME_UNITS:
        if abs(ps) >= scale:
            return f"{ps / scale:.3f} {unit}"
    return f"{ps} ps"


def cause_name(cause: int) -> str:
    """``scause`` as a name: ``load_guest_page_fault``, ``interrupt virtual_supervisor_timer``."""
    if cause & T.INTERRUPT_BIT:
        number = cause & ~T.INTERRUPT_BIT
        return "interrupt " + INTERRUPT_NAMES.get(number, str(number))
    return CAUSE_NAMES.get(cause, f"cause {cause}")


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.2f}%" if whole else "-"


def _table(header: Sequence[str], rows: Iterable[Sequence[str]], left: int, indent: str) -> str:
    """Columns sized to their contents: the first ``left`` left-aligned, the rest right-aligned."""
    rows = [list(header), *(list(r) for r in rows)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = []
    for r in rows:
        cells = [
            c.ljust(w) if i < left else c.rjust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        ]
        lines.append((indent + "  ".join(cells)).rstrip())
    return "\n".join(lines)


# ---- exits ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ExitRow:
    """Exits of one kind and detail: how many, and how long their handling took in total."""

    kind: str
    detail: str
    count: int
    handling_ps: int


def exit_rows(exits: Iterable[ExitRecord]) -> list[ExitRow]:
    """Exits grouped by (kind, detail), most frequent first (ties by name)."""
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for rec in exits:
        entry = counts[rec.kind, rec.detail]
        entry[0] += 1
        entry[1] += rec.handling_ps
    rows = [ExitRow(k, d, n, t) for (k, d), (n, t) in counts.items()]
    rows.sort(key=lambda r: (-r.count, r.kind, r.detail))
    return rows


def format_exit_table(exits: Iterable[ExitRecord], indent: str = "  ") -> str:
    """The ``perf kvm stat``-like table of one VM's exits (or a line saying there were none)."""
    rows = exit_rows(exits)
    if not rows:
        return indent + "no VM exits"
    total = sum(r.count for r in rows)
    total_ps = sum(r.handling_ps for r in rows)
    body = [
        (
            r.kind,
            r.detail or "-",
            str(r.count),
            _percent(r.count, total),
            _percent(r.handling_ps, total_ps),
            format_time(r.handling_ps // r.count),
        )
        for r in rows
    ]
    body.append(("total", "", str(total), _percent(total, total), _percent(total_ps, total_ps),
                 format_time(total_ps // total)))  # fmt: skip
    header = ("kind", "detail", "count", "count%", "time%", "avg time")
    return _table(header, body, left=2, indent=indent)


# ---- crash reports ----------------------------------------------------------------------------
def format_registers(regs: Sequence[int], indent: str = "  ") -> str:
    """The 32 integer registers with ABI names, four per line (x0..x3 on the first)."""
    cells = [f"{ABI_NAMES[i]:>4} {regs[i] & ((1 << 64) - 1):016x}" for i in range(32)]
    return "\n".join(
        indent + "  ".join(cells[i : i + REG_COLUMNS]) for i in range(0, 32, REG_COLUMNS)
    )


def format_last_exits(exits: Sequence[ExitRecord], indent: str = "  ") -> str:
    if not exits:
        return indent + "(none)"
    rows = [
        (
            format_time(e.time_ps),
            f"vcpu{e.vcpu}",
            e.kind + (f".{e.detail}" if e.detail else ""),
            cause_name(e.cause),
            f"{e.sepc:#x}",
            f"{e.stval:#x}",
            f"{e.htval:#x}",
        )
        for e in exits
    ]
    header = ("time", "vcpu", "exit", "cause", "sepc", "stval", "htval")
    return _table(header, rows, left=7, indent=indent)


def format_crash(crash: CrashReport, indent: str = "  ") -> str:
    """A crashed VM's report: why, where, the trap CSRs, all registers and the last exits."""
    lines = [
        f"{indent}crash report for VM {crash.vm}",
        f"{indent}  reason   {crash.reason}",
        f"{indent}  vcpu     {crash.vcpu}",
        f"{indent}  time     {format_time(crash.time_ps)}",
        f"{indent}  scause   {crash.cause:#x} ({cause_name(crash.cause)})",
        f"{indent}  sepc     {crash.sepc:#018x}",
        f"{indent}  stval    {crash.stval:#018x}",
        f"{indent}  htval    {crash.htval:#018x} (guest-physical {crash.htval << 2:#x})",
        f"{indent}  htinst   {crash.htinst:#010x}",
        f"{indent}  registers",
        format_registers(crash.regs, indent + "    "),
        f"{indent}  last exits (oldest first)",
        format_last_exits(crash.last_exits, indent + "    "),
    ]
    return "\n".join(lines)


# ---- per VM -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class VmSummary:
    """What the summary shows about one VM, gathered from a finished :class:`Host`."""

    name: str
    state: str
    elapsed_ps: int  # simulated time from the start until the VM stopped (or the run ended)
    vcpus: Sequence[VcpuStats]
    exits: Sequence[ExitRecord]
    crash: CrashReport | None = None


def format_vm(vm: VmSummary) -> str:
    instructions = sum(v.instructions for v in vm.vcpus)
    totals = [sum(getattr(v, f) for v in vm.vcpus) for f in ("run_ps", "steal_ps", "idle_ps")]
    lines = [
        f"VM {vm.name}: {vm.state}",
        f"  instructions {instructions}, simulated time {format_time(vm.elapsed_ps)}, "
        f"vcpus {len(vm.vcpus)}, exits {len(vm.exits)}",
        "  run {}, steal {}, idle {}".format(*(format_time(t) for t in totals)),
    ]
    exits_by_vcpu: dict[int, int] = defaultdict(int)
    for rec in vm.exits:
        exits_by_vcpu[rec.vcpu] += 1
    rows = [
        (
            str(v.index),
            str(v.instructions),
            format_time(v.run_ps),
            format_time(v.steal_ps),
            format_time(v.idle_ps),
            str(v.switches),
            str(exits_by_vcpu[v.index]),
        )
        for v in vm.vcpus
    ]
    header = ("vcpu", "instructions", "run", "steal", "idle", "switches", "exits")
    lines += ["", _table(header, rows, left=0, indent="  "), "", format_exit_table(vm.exits)]
    if vm.crash is not None:
        lines += ["", format_crash(vm.crash)]
    return "\n".join(lines)


def run_elapsed_ps(host: Host) -> int:
    """Simulated time the run covered (the latest time any vCPU reached)."""
    return max(host.env.now, host.end_ps)


def vm_summaries(host: Host) -> list[VmSummary]:
    """One :class:`VmSummary` per VM of a host whose run has ended."""
    end_of_run = run_elapsed_ps(host)
    out = []
    for vm in host.vms:
        exits = [e for e in host.stats.exits if e.vm == vm.name]
        end = vm.stopped_ps if vm.stopped_ps is not None else end_of_run
        out.append(VmSummary(vm.name, vm.state, end, host.stats.for_vm(vm.name), exits, vm.crash))
    return out


def format_summary(host: Host, outcome: str, wall_seconds: float | None = None) -> str:
    """The whole end-of-run summary: the outcome line, then one block per VM."""
    total = sum(v.instructions for v in host.stats.vcpus)
    cfg = host.config.host
    head = [
        f"== hvsim: {OUTCOMES.get(outcome, outcome)} ==",
        f"simulated time {format_time(run_elapsed_ps(host))}, instructions {total}",
    ]
    if wall_seconds is not None:
        mips = total / wall_seconds / 1e6 if wall_seconds > 0 else 0.0
        head[1] += f", wall time {wall_seconds:.2f} s ({mips:.2f} MIPS)"
    head[1] += f", host {cfg.pcpus} pCPU{'s' if cfg.pcpus != 1 else ''} at {cfg.freq_mhz} MHz"
    blocks = ["\n".join(head), *(format_vm(vm) for vm in vm_summaries(host))]
    return "\n\n".join(blocks)
