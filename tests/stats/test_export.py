"""Exported files: stats.json, the tidy CSV (and Parquet) tables, scenario.json.

Expected exit counts come from the guest's source (guests/exitloop.S), not from the code
under test; the other checks compare files with each other and with the run's records.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
from stats_helpers import EXITLOOP_ITERATIONS, Finished, exitloop_counts

from hvsim import __version__
from hvsim.stats import export


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def strict_json(path: Path) -> Any:
    def reject(token: str) -> None:
        raise AssertionError(f"{path.name}: non-standard JSON constant {token}")

    return json.loads(path.read_text(), parse_constant=reject)


# ---- exits.csv --------------------------------------------------------------------------------
def test_exits_csv_has_one_row_per_exit(exitloop_run: Finished) -> None:
    header, rows = read_csv(exitloop_run.outdir / "exits.csv")
    assert header == [name for name, _ in export.EXIT_COLUMNS]
    assert len(rows) == len(exitloop_run.host.stats.exits)
    events = Counter(r["event"] for r in rows)
    assert events == exitloop_counts(EXITLOOP_ITERATIONS)
    for r in rows:
        assert r["event"] == (f"{r['kind']}.{r['detail']}" if r["detail"] else r["kind"])
        assert r["vm"] == "loop" and r["vcpu"] == "0"
        for col in ("cause", "sepc", "stval", "htval", "htinst"):
            assert r[col].startswith("0x"), col
            int(r[col], 16)
        assert int(r["handling_ps"]) > 0
    times = [int(r["time_ps"]) for r in rows]
    assert times == sorted(times)


def test_exit_rows_carry_the_trap_csrs(exitloop_run: Finished) -> None:
    _, rows = read_csv(exitloop_run.outdir / "exits.csv")
    by_event = defaultdict(list)
    for r in rows:
        by_event[r["event"]].append(r)
    # the MMIO load reads guest-physical 64: htval holds GPA >> 2, the cause is a load fault
    for r in by_event["mmio.regs0.read"]:
        assert int(r["htval"], 16) << 2 | int(r["stval"], 16) & 3 == 64
        assert r["cause_name"] == "load_guest_page_fault"
    for r in by_event["mmio.regs0.write"]:
        assert int(r["htval"], 16) << 2 | int(r["stval"], 16) & 3 == 72
        assert r["cause_name"] == "store_guest_page_fault"
    for r in by_event["csr.mhartid"]:
        assert r["cause_name"] in ("illegal_instruction", "virtual_instruction")
        assert int(r["stval"], 16) & 0xFFF0007F == 0xF1400073  # csrrs rd, mhartid, x0
    sepcs = {r["sepc"] for r in by_event["sbi.base.get_spec_version"]}
    assert len(sepcs) == 1  # the same ecall every iteration


def test_counters_agree_with_exit_records(multi_vm: Finished) -> None:
    doc = strict_json(multi_vm.outdir / "stats.json")
    counters = {n: e["value"] for n, e in doc["counters"].items()}
    _, rows = read_csv(multi_vm.outdir / "exits.csv")
    per_vcpu: Counter[tuple[str, str, str]] = Counter()
    per_kind: Counter[tuple[str, str, str]] = Counter()
    handling: dict[tuple[str, str], list[int]] = defaultdict(list)
    for r in rows:
        per_vcpu[r["vm"], r["vcpu"], r["event"]] += 1
        per_kind[r["vm"], r["vcpu"], r["kind"]] += 1
        handling[r["vm"], r["kind"]].append(int(r["handling_ps"]))
    for (vm, vcpu, event), n in per_vcpu.items():
        assert counters[f"{vm}.vcpu{vcpu}.exits.{event}"] == n
    for (vm, vcpu, kind), n in per_kind.items():
        assert counters[f"{vm}.vcpu{vcpu}.exits.{kind}"] == n
    for (vm, kind), values in handling.items():
        assert counters[f"{vm}.handling.{kind}.total"] == sum(values)
        assert counters[f"{vm}.handling.{kind}.min"] == min(values)
        assert counters[f"{vm}.handling.{kind}.max"] == max(values)
        assert counters[f"{vm}.handling.{kind}.mean"] == sum(values) // len(values)
    assert counters["host.exits"] == len(rows)
    for vm in doc["vms"]:
        assert counters[f"{vm}.exits"] == sum(1 for r in rows if r["vm"] == vm)


def test_vm_counters_sum_their_vcpus(multi_vm: Finished) -> None:
    doc = strict_json(multi_vm.outdir / "stats.json")
    counters = {n: e["value"] for n, e in doc["counters"].items()}
    for vm, info in doc["vms"].items():
        for rel in ("instructions", "time.run", "time.steal", "time.idle", "switches", "exits"):
            parts = [counters[f"{vm}.vcpu{i}.{rel}"] for i in range(info["vcpus"])]
            assert counters[f"{vm}.{rel}"] == sum(parts), (vm, rel)


# ---- slices.csv and the time counters ----------------------------------------------------------
def test_slices_match_run_time_and_pcpu_busy_time(multi_vm: Finished) -> None:
    header, rows = read_csv(multi_vm.outdir / "slices.csv")
    assert header == [name for name, _ in export.SLICE_COLUMNS]
    assert len(rows) == len(multi_vm.host.stats.slices)
    counters = {
        n: e["value"] for n, e in strict_json(multi_vm.outdir / "stats.json")["counters"].items()
    }
    run: Counter[str] = Counter()
    busy: Counter[str] = Counter()
    insns: Counter[str] = Counter()
    for r in rows:
        start, end, duration = int(r["start_ps"]), int(r["end_ps"]), int(r["duration_ps"])
        assert end - start == duration >= 0
        run[f"{r['vm']}.vcpu{r['vcpu']}"] += duration
        busy[f"pcpu{r['pcpu']}"] += duration
        insns[f"pcpu{r['pcpu']}"] += int(r["instructions"])
    for vcpu, total in run.items():
        assert counters[f"{vcpu}.time.run"] == total
    elapsed = counters["host.time"]
    for pcpu, total in busy.items():
        assert counters[f"{pcpu}.busy"] == total
        assert counters[f"{pcpu}.busy"] + counters[f"{pcpu}.idle"] == elapsed
        assert counters[f"{pcpu}.instructions"] == insns[pcpu]
    # each pCPU runs one vCPU at a time
    for pcpu in busy:
        spans = sorted(
            (int(r["start_ps"]), int(r["end_ps"])) for r in rows if f"pcpu{r['pcpu']}" == pcpu
        )
        assert all(a_end <= b_start for (_, a_end), (b_start, _) in itertools.pairwise(spans))


def test_wakeup_and_runqueue_tables(multi_vm: Finished) -> None:
    header, rows = read_csv(multi_vm.outdir / "wakeups.csv")
    assert header == [name for name, _ in export.WAKEUP_COLUMNS]
    assert len(rows) == len(multi_vm.host.stats.wakeups) > 0
    assert all(int(r["latency_ps"]) >= 0 for r in rows)
    header, rows = read_csv(multi_vm.outdir / "runqueue.csv")
    assert header == ["time_ps", "length"]
    lengths = [int(r["length"]) for r in rows]
    assert max(lengths) > 0  # five vCPUs on two pCPUs do queue
    doc = strict_json(multi_vm.outdir / "stats.json")
    assert doc["counters"]["host.runqueue.max"]["value"] == max(lengths)


# ---- stats.json --------------------------------------------------------------------------------
def test_stats_json_layout(multi_vm: Finished) -> None:
    doc = strict_json(multi_vm.outdir / "stats.json")
    assert doc["hvsim_version"] == __version__
    assert doc["seed"] == multi_vm.host.config.seed
    assert doc["outcome"] == multi_vm.outcome == "done"
    assert set(doc["vms"]) == {"hello", "timer", "paging", "smp"}
    assert all(v["state"] == "shutdown" and v["crash"] is None for v in doc["vms"].values())
    assert doc["counters"]["host.time"]["value"] == doc["elapsed_ps"] > 0


def test_histograms_bucket_every_exit(multi_vm: Finished) -> None:
    doc = strict_json(multi_vm.outdir / "stats.json")
    _, rows = read_csv(multi_vm.outdir / "exits.csv")
    values: dict[str, list[int]] = defaultdict(list)
    for r in rows:
        values[f"{r['vm']}.handling.{r['kind']}"].append(int(r["handling_ps"]))
        values[f"{r['vm']}.vcpu{r['vcpu']}.handling.{r['kind']}"].append(int(r["handling_ps"]))
    for name, vs in values.items():
        hist = doc["histograms"][name]
        assert hist["unit"] == "ps"
        buckets = hist["buckets"]
        assert sum(b["count"] for b in buckets) == len(vs)
        for b in buckets:
            assert b["hi"] == max(1, 2 * b["lo"])  # log2 buckets
            inside = [v for v in vs if b["lo"] <= v < b["hi"]]
            assert len(inside) == b["count"], (name, b)


def test_summarize() -> None:
    assert export.summarize([]) == {"total": 0, "min": 0, "max": 0, "mean": 0}
    assert export.summarize([5, 1, 7]) == {"total": 13, "min": 1, "max": 7, "mean": 4}


# ---- Parquet ----------------------------------------------------------------------------------
def test_parquet_matches_csv(exitloop_run: Finished) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    for stem, columns in (("exits", export.EXIT_COLUMNS), ("slices", export.SLICE_COLUMNS)):
        table = pq.read_table(exitloop_run.outdir / f"{stem}.parquet")
        assert table.column_names == [name for name, _ in columns]
        _, rows = read_csv(exitloop_run.outdir / f"{stem}.csv")
        assert table.num_rows == len(rows)
        for col, kind in columns:
            got = table.column(col).to_pylist()
            if kind == export.U64:
                assert str(table.schema.field(col).type) == "uint64"
                want = [int(r[col], 16) for r in rows]
            elif kind == export.INT:
                want = [int(r[col]) for r in rows]
            else:
                want = [r[col] for r in rows]
            assert got == want, (stem, col)


def test_no_parquet_when_asked(exitloop_run: Finished, tmp_path: Path) -> None:
    written = export.write_outputs(exitloop_run.host, exitloop_run.outcome, tmp_path, parquet=False)
    names = sorted(p.name for p in written)
    assert not [n for n in names if n.endswith(".parquet")]
    assert {"stats.json", "exits.csv", "slices.csv", "trace.json", "scenario.json"} <= set(names)
    assert sorted(p.name for p in tmp_path.iterdir()) == names


# ---- scenario.json -------------------------------------------------------------------------------
def test_scenario_json_is_the_resolved_scenario(exitloop_run: Finished) -> None:
    doc = strict_json(exitloop_run.outdir / "scenario.json")
    scenario = exitloop_run.host.config
    assert doc["hvsim_version"] == __version__
    assert doc["seed"] == scenario.seed
    resolved = doc["scenario"]
    assert resolved["host"]["freq_mhz"] == scenario.host.freq_mhz  # defaults filled in
    assert resolved["cost"]["wfi_wakeup"] == scenario.cost.wfi_wakeup
    assert resolved["cost"]["exit_handling"] == scenario.cost.exit_handling
    assert "_cache" not in resolved["cost"]
    (vm,) = resolved["vms"]
    assert vm["csr"] == {"0xf14": 0x1234}
    assert vm["devices"][0]["type"] == "regs"
    kernel = Path(vm["kernel"])
    assert doc["kernel_sha256"]["loop"] == hashlib.sha256(kernel.read_bytes()).hexdigest()
