"""Wake-up records, which the latency analysis relies on: every timer wake-up of a vCPU
blocked in WFI is recorded, whether the timer is the SBI one or Sstc's vstimecmp, and the
recorded latency is the time from the deadline to the vCPU running again."""

from __future__ import annotations

import pytest
from sched_helpers import US, hog, run_policy, sleeper

pytestmark = pytest.mark.usefixtures("spin_guests")


@pytest.mark.parametrize("sstc", [0, 1])
def test_timer_wakeups_are_recorded(sstc):
    slice_us = 100
    run = run_policy(
        "round-robin",
        [sleeper("w", f"period_us=500 work_us=20 count=10 sstc={sstc}"), hog("h")],
        until_ms=10,
        slice_us=slice_us,
    )
    assert next(v for v in run.host.vms if v.name == "w").state == "shutdown"
    counted = run.host.stats.for_vm("w")[0].counters["wakeups"]
    assert counted == 10
    assert len(run.latencies("w")) == counted
    # each waits for the hog's slice at most (one other vCPU, round-robin)
    assert max(run.latencies("w")) <= (slice_us + 20) * US
