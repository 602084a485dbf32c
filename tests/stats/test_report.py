"""``hvsim report``: the perf-kvm-stat table agrees with the exit records.

Expected numbers are computed here, independently, from exits.csv (csv module + Counter)
and, for the exit-storm guest, from its source.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from pathlib import Path

import pytest
from stats_helpers import EXITLOOP_ITERATIONS, Finished, exitloop_counts

from hvsim import cli
from hvsim.stats import report

ROW_RE = re.compile(
    r"^\s*(?P<event>\S+)\s+(?P<samples>\d+)\s+(?P<spct>[\d.]+)%\s+(?P<tpct>[\d.]+)%\s+"
    r"(?P<min>[\d.]+)us\s+(?P<max>[\d.]+)us\s+(?P<avg>[\d.]+)us \( \+-\s+[\d.]+% \)$"
)


def expected_groups(
    outdir: Path, vm: str | None = None, vcpu: int | None = None, by: str = "event"
) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = defaultdict(list)
    with open(outdir / "exits.csv", newline="") as f:
        for r in csv.DictReader(f):
            if vm is not None and r["vm"] != vm:
                continue
            if vcpu is not None and int(r["vcpu"]) != vcpu:
                continue
            key = r["kind"] if by == "kind" else r["event"]
            groups[key].append(int(r["handling_ps"]))
    return groups


def parse_table(text: str) -> dict[str, dict[str, str]]:
    rows = {}
    for line in text.splitlines():
        m = ROW_RE.match(line)
        if m:
            rows[m["event"]] = m.groupdict()
    return rows


def check_rows(text: str, groups: dict[str, list[int]]) -> None:
    rows = parse_table(text)
    total_n = sum(len(v) for v in groups.values())
    total_t = sum(sum(v) for v in groups.values())
    assert set(rows) == set(groups) | {"Total"}
    for event, values in groups.items():
        row = rows[event]
        assert int(row["samples"]) == len(values)
        assert float(row["spct"]) == pytest.approx(100 * len(values) / total_n, abs=0.006)
        assert float(row["tpct"]) == pytest.approx(100 * sum(values) / total_t, abs=0.006)
        assert float(row["min"]) == pytest.approx(min(values) / 1e6, abs=0.006)
        assert float(row["max"]) == pytest.approx(max(values) / 1e6, abs=0.006)
        assert float(row["avg"]) == pytest.approx(sum(values) / len(values) / 1e6, abs=0.006)
    assert int(rows["Total"]["samples"]) == total_n
    assert f"Total Samples:{total_n}," in text


# ---- numbers ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("vm", "vcpu", "by"),
    [(None, None, "event"), ("smp", None, "event"), ("smp", 1, "event"), (None, 0, "kind")],
)
def test_table_matches_exit_records(
    multi_vm: Finished, vm: str | None, vcpu: int | None, by: str
) -> None:
    outdir = multi_vm.outdir
    result = report.build_report(
        report.load_exits(outdir), vm=vm, vcpu=vcpu, by=by, stats=report.load_stats(outdir)
    )
    groups = expected_groups(outdir, vm, vcpu, by)
    assert groups, "the selection matched no exits"
    check_rows(report.format_report(result), groups)
    assert {r.event: r.samples for r in result.rows} == {k: len(v) for k, v in groups.items()}
    assert result.total is not None
    assert result.total.time_ps == sum(sum(v) for v in groups.values())


def test_exitloop_counts_from_the_guest_source(exitloop_run: Finished) -> None:
    result = report.build_report(report.load_exits(exitloop_run.outdir))
    assert {r.event: r.samples for r in result.rows} == exitloop_counts(EXITLOOP_ITERATIONS)


def test_sort_orders(multi_vm: Finished) -> None:
    exits = report.load_exits(multi_vm.outdir)
    by_samples = report.build_report(exits, sort="samples").rows
    by_time = report.build_report(exits, sort="time").rows
    assert [r.samples for r in by_samples] == sorted((r.samples for r in by_samples), reverse=True)
    assert [r.time_ps for r in by_time] == sorted((r.time_ps for r in by_time), reverse=True)
    assert sorted(r.event for r in by_samples) == sorted(r.event for r in by_time)


def test_spread_of_handling_times() -> None:
    samples = [report.ExitSample("vm", 0, "k", "k.a", v) for v in (1_000_000, 3_000_000)]
    samples.append(report.ExitSample("vm", 0, "k", "k.b", 2_000_000))
    result = report.build_report(samples)
    rows = {r.event: r for r in result.rows}
    assert rows["k.b"].stderr_pct == 0.0  # one sample
    # values 1 and 3 (us): mean 2, sample std 1.414, std error 1, relative 50 %
    assert rows["k.a"].stderr_pct == pytest.approx(50.0)
    assert (rows["k.a"].min_ps, rows["k.a"].max_ps, rows["k.a"].mean_ps) == (
        1_000_000,
        3_000_000,
        2_000_000,
    )


def test_empty_selection(multi_vm: Finished) -> None:
    result = report.build_report(report.load_exits(multi_vm.outdir), vm="hello", vcpu=7)
    assert result.rows == [] and result.total is None
    assert "no VM exits" in report.format_report(result)


def test_rich_table_has_every_row(multi_vm: Finished) -> None:
    pytest.importorskip("rich")
    from rich.console import Console

    result = report.build_report(report.load_exits(multi_vm.outdir))
    out = io.StringIO()
    Console(width=200, file=out).print(report.rich_table(result))
    text = out.getvalue()
    for row in result.rows:
        assert row.event in text
    assert "Total" in text


# ---- the command --------------------------------------------------------------------------------
def test_cli_report(multi_vm: Finished, capsys: pytest.CaptureFixture[str]) -> None:
    status = cli.main(["report", str(multi_vm.outdir), "--vm", "timer", "--sort", "time"])
    out = capsys.readouterr().out
    assert status == 0
    assert out.startswith("Analyze events for VM timer, all VCPUs:")
    check_rows(out, expected_groups(multi_vm.outdir, "timer"))
    times = [r for r in parse_table(out) if r != "Total"]
    expected = expected_groups(multi_vm.outdir, "timer")
    assert [sum(expected[e]) for e in times] == sorted(
        (sum(v) for v in expected.values()), reverse=True
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--vm", "nope"], "no VM 'nope' in this run"),
        (["--sort", "name"], "invalid choice"),
    ],
)
def test_cli_report_errors(
    multi_vm: Finished, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["report", str(multi_vm.outdir), *args])
    assert exc.value.code == 2
    assert message in capsys.readouterr().err


def test_cli_report_without_results(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["report", str(tmp_path)])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "no exits.csv" in err and "hvsim run" in err


def test_report_rejects_foreign_csv(tmp_path: Path) -> None:
    (tmp_path / "exits.csv").write_text("a,b\n1,2\n")
    with pytest.raises(report.ReportError, match="not an hvsim exits table"):
        report.load_exits(tmp_path)
