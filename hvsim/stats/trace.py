"""``trace.json``: a finished run as a Chrome trace (JSON object format) for Perfetto.

Layout (open the file in https://ui.perfetto.dev or chrome://tracing):

* process ``host`` (pid 1): one thread per pCPU with a slice per run slice, named after the
  vCPU it ran (``seed.vcpu0``), and a ``run queue`` counter (vCPUs waiting for a pCPU);
* one process per VM (pid 2, 3, ... in scenario order): one thread per vCPU (``vcpu0``, ...)
  with ``run`` slices (args: pcpu, instructions) and, nested inside them, one slice per VM
  exit named ``kind.detail`` (category ``exit``; args: scause and its name, sepc, stval,
  htval, htinst as hex strings, handling time in ps), ``wakeup`` instants when a blocked
  vCPU runs again (args: latency in ps), and a process-wide instant when the VM stops.

Thread ids are unique across processes (``pid * 10000 + index``).  Timestamps are in
microseconds, as the format wants, with nanosecond resolution: every boundary is first
rounded down to an integer number of ns, so nested slices stay nested exactly once a viewer
converts them back to integer ns.  Events are written one per line, in a fixed order, so the
same run gives the same bytes.
"""

from __future__ import annotations

import bisect
import json
from collections import defaultdict
from json.encoder import encode_basestring_ascii as _string
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hvsim import __version__
from hvsim.hv.summary import cause_name, run_elapsed_ps
from hvsim.stats.export import event_name, wakeup_latency

if TYPE_CHECKING:
    from hvsim.hv.host import Host
    from hvsim.stats.recorder import SliceRecord

TRACE_JSON = "trace.json"
HOST_PID = 1
TID_STRIDE = 10000
PS_PER_NS = 1000


def _us(ns: int) -> float | int:
    """Integer nanoseconds as trace microseconds (an int when exact, else a 3-decimal float)."""
    whole, frac = divmod(ns, 1000)
    return whole if frac == 0 else ns / 1000


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), allow_nan=False)


def _complete(
    name: str, cat: str, pid: int, tid: int, start_ps: int, end_ps: int, args: dict[str, Any]
) -> tuple[tuple[int, int, int, int], str]:
    """An "X" event as a JSON line, with its sort key (pid, tid, start, -duration)."""
    start, end = start_ps // PS_PER_NS, end_ps // PS_PER_NS
    event = {
        "name": name,
        "cat": cat,
        "ph": "X",
        "pid": pid,
        "tid": tid,
        "ts": _us(start),
        "dur": _us(end - start),
        "args": args,
    }
    return (pid, tid, start, start - end), _dumps(event)


def _exit_lines(host: Host, pids: dict[str, int]) -> list[tuple[tuple[int, int, int, int], str]]:
    """The exit slices, formatted directly (there can be millions; json.dumps per event is
    the slow part of writing a trace).  Strings go through the JSON string encoder."""
    names: dict[tuple[str, str], str] = {}
    causes: dict[int, str] = {}
    out = []
    for r in host.stats.exits:
        pid = pids[r.vm]
        tid = pid * TID_STRIDE + r.vcpu
        start = r.time_ps // PS_PER_NS
        dur = (r.time_ps + r.handling_ps) // PS_PER_NS - start
        name = names.get((r.kind, r.detail))
        if name is None:
            name = names[r.kind, r.detail] = _string(event_name(r.kind, r.detail))
        cause = causes.get(r.cause)
        if cause is None:
            cause = causes[r.cause] = f'"scause":"{r.cause:#x}","cause":' + _string(
                cause_name(r.cause)
            )
        line = (
            f'{{"name":{name},"cat":"exit","ph":"X","pid":{pid},"tid":{tid},'
            f'"ts":{_us(start)!r},"dur":{_us(dur)!r},"args":{{{cause},'
            f'"sepc":"{r.sepc:#x}","stval":"{r.stval:#x}","htval":"{r.htval:#x}",'
            f'"htinst":"{r.htinst:#x}","handling_ps":{r.handling_ps}}}}}'
        )
        out.append(((pid, tid, start, -dur), line))
    return out


def _meta(kind: str, pid: int, tid: int | None, args: dict[str, Any]) -> dict[str, Any]:
    event: dict[str, Any] = {"name": kind, "ph": "M", "pid": pid}
    if tid is not None:
        event["tid"] = tid
    event["args"] = args
    return event


def vm_pid(index: int) -> int:
    return HOST_PID + 1 + index


def thread_id(pid: int, index: int) -> int:
    return pid * TID_STRIDE + index


def _slice_ends(host: Host) -> list[tuple[SliceRecord, int]]:
    """Every run slice with its end, stretched to cover the exits taken during it.

    A slice still open when the run stops at a limit is closed at the stop time, but its vCPU
    may already have accounted exits a little later (time it charged but SimPy had not reached
    yet); stretching keeps every exit slice nested in its run slice.
    """
    exits: dict[tuple[str, int], list[tuple[int, int]]] = defaultdict(list)
    for r in host.stats.exits:
        exits[r.vm, r.vcpu].append((r.time_ps, r.time_ps + r.handling_ps))
    for spans in exits.values():
        spans.sort()
    by_vcpu: dict[tuple[str, int], list[SliceRecord]] = defaultdict(list)
    for s in host.stats.slices:
        by_vcpu[s.vm, s.vcpu].append(s)
    out = []
    for key, slices in by_vcpu.items():
        slices.sort(key=lambda s: s.start_ps)
        spans = exits.get(key, [])
        starts = [start for start, _ in spans]
        for i, s in enumerate(slices):
            end = s.end_ps
            lo = bisect.bisect_left(starts, s.start_ps)
            if i + 1 < len(slices):
                hi = bisect.bisect_left(starts, slices[i + 1].start_ps)
            else:
                hi = len(starts)
            for _, exit_end in spans[lo:hi]:
                end = max(end, exit_end)
            out.append((s, end))
    return out


def trace_lines(host: Host) -> list[str]:
    """Every trace event of a finished run as one JSON object per line, in file order."""
    stats = host.stats
    pids = {vm.name: vm_pid(vm.index) for vm in host.vms}
    meta = [
        _meta("process_name", HOST_PID, None, {"name": "host"}),
        _meta("process_sort_index", HOST_PID, None, {"sort_index": 0}),
    ]
    for pcpu in host.pcpus:
        tid = thread_id(HOST_PID, pcpu.index)
        meta.append(_meta("thread_name", HOST_PID, tid, {"name": f"pcpu{pcpu.index}"}))
        meta.append(_meta("thread_sort_index", HOST_PID, tid, {"sort_index": pcpu.index}))
    for vm in host.vms:
        pid = pids[vm.name]
        meta.append(_meta("process_name", pid, None, {"name": vm.name}))
        meta.append(_meta("process_sort_index", pid, None, {"sort_index": pid}))
        for vcpu in vm.vcpus:
            tid = thread_id(pid, vcpu.index)
            meta.append(_meta("thread_name", pid, tid, {"name": f"vcpu{vcpu.index}"}))
            meta.append(_meta("thread_sort_index", pid, tid, {"sort_index": vcpu.index}))
    lines = [_dumps(e) for e in meta]

    slices = _exit_lines(host, pids)
    for s, end_ps in _slice_ends(host):
        pid = pids[s.vm]
        args = {"pcpu": s.pcpu, "instructions": s.instructions}
        slices.append(
            _complete("run", "vcpu", pid, thread_id(pid, s.vcpu), s.start_ps, end_ps, args)
        )
        args = {"vm": s.vm, "vcpu": s.vcpu, "instructions": s.instructions}
        tid = thread_id(HOST_PID, s.pcpu)
        slices.append(
            _complete(f"{s.vm}.vcpu{s.vcpu}", "pcpu", HOST_PID, tid, s.start_ps, end_ps, args)
        )
    slices.sort(key=lambda item: item[0])  # keys are unique per thread except for 0-length
    lines += [line for _, line in slices]

    instants: list[tuple[tuple[int, int, int], dict[str, Any]]] = []
    for w in stats.wakeups:
        pid = pids[w.vm]
        ns = w.run_ps // PS_PER_NS
        event = {
            "name": "wakeup",
            "cat": "vcpu",
            "ph": "i",
            "s": "t",
            "pid": pid,
            "tid": thread_id(pid, w.vcpu),
            "ts": _us(ns),
            "args": {"latency_ps": wakeup_latency(w)},
        }
        instants.append(((ns, pid, w.vcpu), event))
    for vm in host.vms:
        if vm.stopped_ps is None:
            continue
        ns = vm.stopped_ps // PS_PER_NS
        pid = pids[vm.name]
        event = {
            "name": vm.state,
            "cat": "vm",
            "ph": "i",
            "s": "p",
            "pid": pid,
            "tid": thread_id(pid, 0),
            "ts": _us(ns),
            "args": {"reason": vm.crash.reason if vm.crash is not None else vm.state},
        }
        instants.append(((ns, pid, -1), event))
    instants.sort(key=lambda item: item[0])
    lines += [_dumps(event) for _, event in instants]

    counters: list[tuple[int, dict[str, Any]]] = []
    for r in stats.runqueue:
        ns = r.time_ps // PS_PER_NS
        event = {"name": "run queue", "ph": "C", "pid": HOST_PID, "ts": _us(ns)}
        event["args"] = {"waiting": r.length}
        if counters and counters[-1][0] == ns:
            counters[-1] = (ns, event)  # several changes within one ns: the last one holds
        else:
            counters.append((ns, event))
    lines += [_dumps(event) for _, event in counters]
    return lines


def other_data(host: Host) -> dict[str, str]:
    return {
        "hvsim_version": __version__,
        "seed": str(host.config.seed),
        "elapsed_ps": str(run_elapsed_ps(host)),
    }


def write_trace(host: Host, path: Path) -> None:
    """Write ``trace.json``: one event per line, compact separators, no NaN."""
    lines = trace_lines(host)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write('{"traceEvents":[\n')
        f.write(",\n".join(lines))
        f.write('\n],"otherData":' + _dumps(other_data(host)) + "}\n")
