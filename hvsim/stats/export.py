"""Exporters: a finished run's records and counters as files in an output directory.

Owns the file formats written by ``hvsim run -o OUTDIR``:

``stats.json``
    ``{"hvsim_version", "seed", "outcome", "elapsed_ps", "vms": {name: state, crash, ...},
    "counters": {name: {"value", "unit"}}, "histograms": {name: {"unit", "buckets"}}}``.
    Counter names and units come from :mod:`hvsim.stats.catalog`; histograms have log2
    buckets ``{"lo", "hi", "count"}`` meaning ``lo <= value < hi``.
``exits.csv``, ``slices.csv``, ``wakeups.csv``, ``runqueue.csv``
    Tidy tables, one row per event (columns in :data:`TABLES`).  64-bit register values
    (``cause``, ``sepc``, ``stval``, ``htval``, ``htinst``) are hex strings in CSV (they do
    not fit a signed 64-bit column) and ``uint64`` in Parquet.
``exits.parquet``, ... (only when pyarrow is installed)
    The same tables with typed columns.
``scenario.json``
    The resolved scenario (every default filled in), the hvsim version, the seed and the
    SHA-256 of every kernel image.

Every file is a pure function of the simulation: no wall-clock time, no dict-order or
hash randomness, ``\\n`` line endings; the same scenario and seed give identical bytes.
Tables are built once, at the end, from the plain record lists kept during the run
(:class:`hvsim.stats.recorder.Stats`).
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hvsim import __version__
from hvsim.hv.summary import cause_name, run_elapsed_ps
from hvsim.stats import catalog

if TYPE_CHECKING:
    from hvsim.config.model import Scenario
    from hvsim.hv.host import Host
    from hvsim.stats.recorder import ExitRecord, VcpuStats, WakeupRecord

STATS_JSON = "stats.json"
SCENARIO_JSON = "scenario.json"
STATS = ("total", "min", "max", "mean")


# ---- counters -----------------------------------------------------------------------------------
def summarize(values: Sequence[int]) -> dict[str, int]:
    """Total, minimum, maximum and (floored) mean of integer values; empty -> all zero."""
    if not values:
        return dict.fromkeys(STATS, 0)
    total = sum(values)
    return {"total": total, "min": min(values), "max": max(values), "mean": total // len(values)}


def wakeup_latency(w: WakeupRecord) -> int:
    """From the wake-up request to the vCPU running again, in ps (never negative).

    vCPU processes account time locally and hand it to SimPy once per quantum, so a vCPU can
    request a wake-up at a local time slightly past the moment the woken vCPU then gets its
    pCPU; such a wake-up was served immediately and counts as 0.
    """
    return max(0, w.run_ps - w.kick_ps)


def _guest_counters(
    vstats: Sequence[VcpuStats], exits: Sequence[ExitRecord], wakeups: Sequence[WakeupRecord]
) -> dict[str, int]:
    """The counters of a VM or of one vCPU (relative names, see ``catalog.GUEST``)."""
    out: dict[str, int] = {
        "instructions": sum(s.instructions for s in vstats),
        "time.run": sum(s.run_ps for s in vstats),
        "time.steal": sum(s.steal_ps for s in vstats),
        "time.idle": sum(s.idle_ps for s in vstats),
        "switches": sum(s.switches for s in vstats),
        "exits": len(exits),
        "wakeups": 0,
    }
    merged: Counter[str] = Counter()
    for s in vstats:
        merged.update(s.counters)
    out.update(merged)
    by_kind: dict[str, list[int]] = defaultdict(list)
    by_event: dict[tuple[str, str], list[int]] = defaultdict(list)
    for rec in exits:
        by_kind[rec.kind].append(rec.handling_ps)
        if rec.detail:
            by_event[rec.kind, rec.detail].append(rec.handling_ps)
    for stat, value in summarize([r.handling_ps for r in exits]).items():
        out[f"handling.{stat}"] = value
    for kind, values in by_kind.items():
        for stat, value in summarize(values).items():
            out[f"handling.{kind}.{stat}"] = value
    for (kind, detail), values in by_event.items():
        for stat, value in summarize(values).items():
            out[f"handling.{kind}.{detail}.{stat}"] = value
    for stat, value in summarize([wakeup_latency(w) for w in wakeups]).items():
        out[f"wakeups.latency.{stat}"] = value
    return out


def _histogram(values: Iterable[int]) -> list[dict[str, int]]:
    """Log2 buckets: value 0 -> [0, 1), v > 0 -> [2**(b-1), 2**b) with b = v.bit_length()."""
    counts: Counter[int] = Counter(v.bit_length() for v in values)
    return [
        {"lo": (1 << (b - 1)) if b else 0, "hi": 1 << b, "count": counts[b]} for b in sorted(counts)
    ]


def _guest_histograms(
    exits: Sequence[ExitRecord], wakeups: Sequence[WakeupRecord]
) -> dict[str, list[dict[str, int]]]:
    by_kind: dict[str, list[int]] = defaultdict(list)
    for rec in exits:
        by_kind[rec.kind].append(rec.handling_ps)
    out = {f"handling.{kind}": _histogram(v) for kind, v in sorted(by_kind.items())}
    if wakeups:
        out["wakeups.latency"] = _histogram(wakeup_latency(w) for w in wakeups)
    return out


class _Grouped:
    """A finished host's records grouped by VM and by vCPU (one pass over each list)."""

    def __init__(self, host: Host) -> None:
        stats = host.stats
        self.exits: dict[tuple[str, int], list[ExitRecord]] = defaultdict(list)
        self.wakeups: dict[tuple[str, int], list[WakeupRecord]] = defaultdict(list)
        for rec in stats.exits:
            self.exits[rec.vm, rec.vcpu].append(rec)
        for w in stats.wakeups:
            self.wakeups[w.vm, w.vcpu].append(w)

    def vm_exits(self, vm: str, vstats: Sequence[VcpuStats]) -> list[ExitRecord]:
        return [r for s in vstats for r in self.exits.get((vm, s.index), ())]

    def vm_wakeups(self, vm: str, vstats: Sequence[VcpuStats]) -> list[WakeupRecord]:
        return [w for s in vstats for w in self.wakeups.get((vm, s.index), ())]


def counters(host: Host) -> dict[str, int]:
    """Every counter of a finished run by full dotted name: host, pCPUs, then VM by VM."""
    stats = host.stats
    elapsed = run_elapsed_ps(host)
    out: dict[str, int] = {
        "host.time": elapsed,
        "host.instructions": sum(s.instructions for s in stats.vcpus),
        "host.exits": len(stats.exits),
        "host.runqueue.max": max((r.length for r in stats.runqueue), default=0),
    }
    pcpu_insns: Counter[int] = Counter()
    for sl in stats.slices:
        pcpu_insns[sl.pcpu] += sl.instructions
    for pcpu in host.pcpus:
        prefix = f"pcpu{pcpu.index}"
        out[f"{prefix}.busy"] = pcpu.busy_ps
        out[f"{prefix}.idle"] = max(0, elapsed - pcpu.busy_ps)
        out[f"{prefix}.switches"] = pcpu.switches
        out[f"{prefix}.instructions"] = pcpu_insns[pcpu.index]
    grouped = _Grouped(host)
    for vm in host.vms:
        vstats = sorted(stats.for_vm(vm.name), key=lambda s: s.index)
        vm_out = _guest_counters(
            vstats, grouped.vm_exits(vm.name, vstats), grouped.vm_wakeups(vm.name, vstats)
        )
        vm_out["vcpus"] = len(vstats)
        vm_out["time.elapsed"] = vm.stopped_ps if vm.stopped_ps is not None else elapsed
        out.update((f"{vm.name}.{k}", v) for k, v in sorted(vm_out.items()))
        for _, _, dev in vm.devices:
            dev_counters = getattr(dev, "counters", None) or {}
            prefix = f"{vm.name}.device.{dev.name}"
            out.update((f"{prefix}.{k}", int(v)) for k, v in sorted(dev_counters.items()))
        for s in vstats:
            key = (vm.name, s.index)
            rel = _guest_counters([s], grouped.exits.get(key, []), grouped.wakeups.get(key, []))
            out.update((f"{vm.name}.vcpu{s.index}.{k}", v) for k, v in sorted(rel.items()))
    return out


def histograms(host: Host) -> dict[str, dict[str, Any]]:
    """Handling-time and wake-up-latency histograms per VM and per vCPU (log2 ps buckets)."""
    stats = host.stats
    grouped = _Grouped(host)
    out: dict[str, dict[str, Any]] = {}
    for vm in host.vms:
        vstats = sorted(stats.for_vm(vm.name), key=lambda s: s.index)
        scopes = [(vm.name, grouped.vm_exits(vm.name, vstats), grouped.vm_wakeups(vm.name, vstats))]
        scopes += [
            (
                f"{vm.name}.vcpu{s.index}",
                grouped.exits.get((vm.name, s.index), []),
                grouped.wakeups.get((vm.name, s.index), []),
            )
            for s in vstats
        ]
        for prefix, exits, wakeups in scopes:
            for rel, buckets in _guest_histograms(exits, wakeups).items():
                out[f"{prefix}.{rel}"] = {"unit": catalog.PS, "buckets": buckets}
    return out


def _crash_dict(vm: Any) -> dict[str, Any] | None:
    crash = vm.crash
    if crash is None:
        return None
    return {
        "reason": crash.reason,
        "vcpu": crash.vcpu,
        "time_ps": crash.time_ps,
        "cause": hex(crash.cause),
        "cause_name": cause_name(crash.cause),
        "sepc": hex(crash.sepc),
        "stval": hex(crash.stval),
        "htval": hex(crash.htval),
        "htinst": hex(crash.htinst),
        "regs": [hex(r) for r in crash.regs],
    }


def stats_document(host: Host, outcome: str) -> dict[str, Any]:
    """Everything ``stats.json`` holds, as plain JSON-ready data."""
    return {
        "hvsim_version": __version__,
        "seed": host.config.seed,
        "outcome": outcome,
        "elapsed_ps": run_elapsed_ps(host),
        "vms": {
            vm.name: {
                "state": vm.state,
                "vcpus": len(vm.vcpus),
                "stopped_ps": vm.stopped_ps,
                "crash": _crash_dict(vm),
            }
            for vm in host.vms
        },
        "counters": {
            name: {"value": value, "unit": catalog.unit(name)}
            for name, value in counters(host).items()
        },
        "histograms": histograms(host),
    }


# ---- tables -------------------------------------------------------------------------------------
#: Column kinds: int (signed, fits int64), u64 (hex string in CSV, uint64 in Parquet), str.
INT, U64, STR = "int", "u64", "str"


@dataclasses.dataclass(frozen=True)
class Table:
    """One tidy table: column names with their kinds, and the rows (tuples, in column order)."""

    name: str
    columns: tuple[tuple[str, str], ...]
    rows: list[tuple[Any, ...]]

    @property
    def names(self) -> list[str]:
        return [c for c, _ in self.columns]


EXIT_COLUMNS = (
    ("time_ps", INT),
    ("vm", STR),
    ("vcpu", INT),
    ("event", STR),
    ("kind", STR),
    ("detail", STR),
    ("cause", U64),
    ("cause_name", STR),
    ("sepc", U64),
    ("stval", U64),
    ("htval", U64),
    ("htinst", U64),
    ("handling_ps", INT),
)
SLICE_COLUMNS = (
    ("start_ps", INT),
    ("end_ps", INT),
    ("duration_ps", INT),
    ("vm", STR),
    ("vcpu", INT),
    ("pcpu", INT),
    ("instructions", INT),
)
WAKEUP_COLUMNS = (
    ("kick_ps", INT),
    ("run_ps", INT),
    ("latency_ps", INT),
    ("vm", STR),
    ("vcpu", INT),
)
RUNQUEUE_COLUMNS = (("time_ps", INT), ("length", INT))


def event_name(kind: str, detail: str) -> str:
    """An exit's event name as the report shows it: ``kind.detail`` (or ``kind``)."""
    return f"{kind}.{detail}" if detail else kind


def exits_table(host: Host) -> Table:
    rows = [
        (
            r.time_ps,
            r.vm,
            r.vcpu,
            event_name(r.kind, r.detail),
            r.kind,
            r.detail,
            r.cause,
            cause_name(r.cause),
            r.sepc,
            r.stval,
            r.htval,
            r.htinst,
            r.handling_ps,
        )
        for r in host.stats.exits
    ]
    rows.sort(key=lambda row: row[0])  # stable: exits at one instant keep their order
    return Table("exits", EXIT_COLUMNS, rows)


def slices_table(host: Host) -> Table:
    rows = [
        (s.start_ps, s.end_ps, s.end_ps - s.start_ps, s.vm, s.vcpu, s.pcpu, s.instructions)
        for s in host.stats.slices
    ]
    rows.sort(key=lambda row: (row[0], row[5]))
    return Table("slices", SLICE_COLUMNS, rows)


def wakeups_table(host: Host) -> Table:
    rows = [(w.kick_ps, w.run_ps, wakeup_latency(w), w.vm, w.vcpu) for w in host.stats.wakeups]
    rows.sort(key=lambda row: (row[1], row[0]))
    return Table("wakeups", WAKEUP_COLUMNS, rows)


def runqueue_table(host: Host) -> Table:
    return Table("runqueue", RUNQUEUE_COLUMNS, [(r.time_ps, r.length) for r in host.stats.runqueue])


#: Every table written to OUTDIR, by file stem.
TABLES: dict[str, Callable[[Host], Table]] = {
    "exits": exits_table,
    "slices": slices_table,
    "wakeups": wakeups_table,
    "runqueue": runqueue_table,
}


def write_csv(table: Table, path: Path) -> None:
    hexcols = [i for i, (_, kind) in enumerate(table.columns) if kind == U64]
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(table.names)
        for record in table.rows:
            row = list(record)
            for i in hexcols:
                row[i] = hex(row[i])
            writer.writerow(row)


def parquet_available() -> bool:
    try:
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        return False
    return True


def write_parquet(table: Table, path: Path) -> None:
    """The table as Parquet with typed columns (requires pyarrow)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {INT: pa.int64(), U64: pa.uint64(), STR: pa.string()}
    schema = pa.schema([(name, types[kind]) for name, kind in table.columns])
    columns = list(zip(*table.rows, strict=True)) if table.rows else [()] * len(table.columns)
    arrays = [
        pa.array(list(col), type=types[kind])
        for col, (_, kind) in zip(columns, table.columns, strict=True)
    ]
    pq.write_table(pa.Table.from_arrays(arrays, schema=schema), path)


# ---- the scenario -------------------------------------------------------------------------------
def _plain(value: Any) -> Any:
    """A scenario value as JSON-ready data (dataclasses, paths, bytes, tuples, int keys)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if not f.name.startswith("_")
        }
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", "backslashreplace")
    if isinstance(value, dict):
        return {(hex(k) if isinstance(k, int) else str(k)): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def scenario_document(scenario: Scenario) -> dict[str, Any]:
    """``scenario.json``: the resolved scenario with version, seed and kernel checksums."""
    return {
        "hvsim_version": __version__,
        "seed": scenario.seed,
        "source": str(scenario.path) if scenario.path is not None else None,
        "kernel_sha256": {vm.name: _sha256(vm.kernel) for vm in scenario.vms},
        "scenario": _plain(scenario),
    }


def write_json(data: Any, path: Path) -> None:
    path.write_text(json.dumps(data, indent=1, allow_nan=False) + "\n", encoding="utf-8")


# ---- everything ---------------------------------------------------------------------------------
def write_outputs(
    host: Host, outcome: str, outdir: Path, parquet: bool | None = None
) -> list[Path]:
    """Write every output file of a finished run into ``outdir``; return their paths.

    ``parquet``: write Parquet copies of the tables (default: when pyarrow is installed).
    """
    from hvsim.stats.trace import TRACE_JSON, write_trace

    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    path = outdir / STATS_JSON
    write_json(stats_document(host, outcome), path)
    written.append(path)
    if parquet is None:
        parquet = parquet_available()
    for stem, build in TABLES.items():
        table = build(host)
        path = outdir / f"{stem}.csv"
        write_csv(table, path)
        written.append(path)
        if parquet:
            path = outdir / f"{stem}.parquet"
            write_parquet(table, path)
            written.append(path)
    path = outdir / TRACE_JSON
    write_trace(host, path)
    written.append(path)
    path = outdir / SCENARIO_JSON
    write_json(scenario_document(host.config), path)
    written.append(path)
    return written
