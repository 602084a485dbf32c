"""trace.json: valid Chrome trace JSON that Perfetto accepts, with the run's slices and exits.

Perfetto converts "ts"/"dur" (microseconds) to integer nanoseconds with llround(x * 1000);
the checks below do the same and then require proper nesting per thread.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter, defaultdict
from typing import Any

import pytest
from stats_helpers import Finished

from hvsim.stats import trace

PHASES = {"M", "X", "C", "i"}


def load(finished: Finished) -> dict[str, Any]:
    def reject(token: str) -> None:
        raise AssertionError(f"trace.json contains {token}")

    return json.loads((finished.outdir / "trace.json").read_text(), parse_constant=reject)


def ns(us: float | int) -> int:
    return round(us * 1000)


@pytest.fixture(params=["multi_vm", "exitloop_run", "cut_run"])
def run(request: pytest.FixtureRequest) -> Finished:
    return request.getfixturevalue(request.param)


def test_schema(run: Finished) -> None:
    doc = load(run)
    assert set(doc) == {"traceEvents", "otherData"}
    events = doc["traceEvents"]
    assert isinstance(events, list) and events
    for e in events:
        assert e["ph"] in PHASES, e
        assert isinstance(e["name"], str) and e["name"]
        assert isinstance(e["pid"], int)
        if e["ph"] != "M":
            assert isinstance(e["ts"], int | float) and e["ts"] >= 0, e
        if e["ph"] == "X":
            assert isinstance(e["tid"], int)
            assert isinstance(e["dur"], int | float) and e["dur"] >= 0, e
            assert isinstance(e["args"], dict)
        if e["ph"] == "C":
            assert all(isinstance(v, int) for v in e["args"].values())
        if e["ph"] == "i":
            assert e["s"] in ("t", "p", "g")


def test_every_process_and_thread_is_named(run: Finished) -> None:
    events = load(run)["traceEvents"]
    names = {
        (e["pid"], e.get("tid")): e["args"]["name"]
        for e in events
        if e["name"] in ("process_name", "thread_name")
    }
    host = run.host
    assert names[trace.HOST_PID, None] == "host"
    for vm in host.vms:
        pid = trace.vm_pid(vm.index)
        assert names[pid, None] == vm.name
        for vcpu in vm.vcpus:
            assert names[pid, trace.thread_id(pid, vcpu.index)] == f"vcpu{vcpu.index}"
    used = {(e["pid"], e["tid"]) for e in events if e["ph"] in ("X", "i")}
    assert used <= set(names)
    # thread ids are unique across processes
    tids = Counter(tid for (_, tid) in names if tid is not None)
    assert max(tids.values()) == 1


def test_one_slice_per_run_slice_and_exit(run: Finished) -> None:
    events = load(run)["traceEvents"]
    stats = run.host.stats
    cats = Counter(e.get("cat") for e in events if e["ph"] == "X")
    assert cats["vcpu"] == cats["pcpu"] == len(stats.slices)
    assert cats["exit"] == len(stats.exits)
    exits = [e for e in events if e.get("cat") == "exit"]
    names = Counter(e["name"] for e in exits)
    records = Counter(f"{r.kind}.{r.detail}" if r.detail else r.kind for r in stats.exits)
    assert names == records
    for e in exits:
        for key in ("scause", "sepc", "stval", "htval", "htinst"):
            assert e["args"][key].startswith("0x")
            int(e["args"][key], 16)
        assert ns(e["dur"]) == e["args"]["handling_ps"] // 1000


def test_slices_nest_per_thread(run: Finished) -> None:
    """Exit slices lie inside a run slice of their vCPU; run slices of a thread never overlap."""
    spans: dict[tuple[int, int], list[tuple[int, int, str]]] = defaultdict(list)
    for e in load(run)["traceEvents"]:
        if e["ph"] == "X":
            start = ns(e["ts"])
            spans[e["pid"], e["tid"]].append((start, start + ns(e["dur"]), e["cat"]))
    for thread, items in spans.items():
        runs = sorted((a, b) for a, b, cat in items if cat in ("vcpu", "pcpu"))
        for (_, end), (start, _) in itertools.pairwise(runs):
            assert end <= start, thread
        for a, b, cat in items:
            if cat == "exit":
                assert any(ra <= a and b <= rb for ra, rb in runs), (thread, a, b)


def test_run_queue_counter(multi_vm: Finished) -> None:
    events = load(multi_vm)["traceEvents"]
    counters = [e for e in events if e["ph"] == "C"]
    assert counters and all(e["name"] == "run queue" for e in counters)
    lengths = {e["args"]["waiting"] for e in counters}
    assert max(lengths) == max(r.length for r in multi_vm.host.stats.runqueue)
    times = [e["ts"] for e in counters]
    assert times == sorted(times)


def test_vm_stops_are_marked(multi_vm: Finished) -> None:
    events = load(multi_vm)["traceEvents"]
    marks = {e["pid"]: e["name"] for e in events if e["ph"] == "i" and e["s"] == "p"}
    for vm in multi_vm.host.vms:
        assert marks[trace.vm_pid(vm.index)] == vm.state == "shutdown"


def test_timestamps_keep_nanoseconds() -> None:
    assert trace._us(7_201) == 7.201
    assert trace._us(5_000) == 5
    assert isinstance(trace._us(5_000), int)
    for value in (1, 999, 123_456_789, 10**15 + 1):
        assert ns(trace._us(value)) == value


def test_fast_exit_lines_are_the_json_of_the_event() -> None:
    """Exit slices are formatted by hand for speed: they must equal what json.dumps gives."""
    from types import SimpleNamespace

    from hvsim.stats.recorder import ExitRecord

    records = [
        ExitRecord(1_234_567, "vm", 2, 0x8000000000000005, "interrupt", "5", 0, 0, 0, 0, 0),
        ExitRecord(9_000_001, "vm", 0, 2, "redirect", 'we"ird\\é', 2**64 - 2, 1, 2, 3, 777),
    ]
    host = SimpleNamespace(stats=SimpleNamespace(exits=records))
    lines = trace._exit_lines(host, {"vm": 7})
    for (key, line), r in zip(lines, records, strict=True):
        event = json.loads(line)
        start = r.time_ps // 1000
        end = (r.time_ps + r.handling_ps) // 1000
        assert key == (7, 7 * trace.TID_STRIDE + r.vcpu, start, start - end)
        assert event["name"] == (f"{r.kind}.{r.detail}")
        assert event["pid"] == 7 and event["tid"] == 7 * trace.TID_STRIDE + r.vcpu
        assert ns(event["ts"]) == start and ns(event["dur"]) == end - start
        assert int(event["args"]["sepc"], 16) == r.sepc
        assert int(event["args"]["scause"], 16) == r.cause
        assert event["args"]["handling_ps"] == r.handling_ps


def test_cut_run_is_exported(cut_run: Finished) -> None:
    """A run stopped at --until still writes consistent files (its open slice is closed)."""
    assert cut_run.outcome == "time-limit"
    doc = json.loads((cut_run.outdir / "stats.json").read_text())
    assert doc["outcome"] == "time-limit"
    assert doc["vms"]["loop"]["state"] == "running"
    assert len(cut_run.host.stats.slices) == 1
    assert 0 < doc["counters"]["loop.exits"]["value"] < 25 * 4
