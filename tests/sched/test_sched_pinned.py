"""The pinned policy: vCPUs run only on their pCPU (even when another pCPU idles), each pCPU
round-robins its own vCPUs, and an unpinned VM is a configuration error."""

from __future__ import annotations

import pytest
from sched_helpers import hog, ratio, run_policy

from hvsim.config.loader import scenario_from_dict
from hvsim.hv.host import Host

pytestmark = pytest.mark.usefixtures("spin_guests")


def test_vcpus_never_leave_their_pcpu():
    run = run_policy(
        "pinned",
        [hog("p", vcpus=2, pin=[2, 0]), hog("q", pin=[2]), hog("r", vcpus=2, pin=[1, 1])],
        until_ms=8,
        pcpus=3,
    )
    pins = {("p", 0): 2, ("p", 1): 0, ("q", 0): 2, ("r", 0): 1, ("r", 1): 1}
    seen = {(s.vm, s.vcpu) for s in run.slices}
    assert seen == set(pins)  # every vCPU ran (hart 1 of p and r once started)
    for s in run.slices:
        assert s.pcpu == pins[(s.vm, s.vcpu)], s
    # pCPU 1 round-robins r's two vCPUs; pCPU 2 shares p.vcpu0 and q
    r0, r1 = (sum(x.end_ps - x.start_ps for x in run.vm_slices("r", i)) for i in (0, 1))
    assert r0 > 0 and r1 > 0


def test_a_pinned_vcpu_waits_while_another_pcpu_idles():
    run = run_policy("pinned", [hog("crowd", vcpus=2, pin=[1, 1])], until_ms=8, pcpus=2)
    assert {s.pcpu for s in run.slices} == {1}
    a, b = (sum(x.end_ps - x.start_ps for x in run.vm_slices("crowd", i)) for i in (0, 1))
    later = min(s.start_ps for s in run.vm_slices("crowd", 1))
    assert ratio(a - later, b) == pytest.approx(1.0, rel=0.1)  # turns since hart 1 started


def test_unpinned_vm_is_rejected(tmp_path):
    kernel = tmp_path / "k.bin"
    kernel.write_bytes(b"\x13\x00\x00\x00")
    scenario = scenario_from_dict(
        {
            "host": {"pcpus": 2},
            "scheduler": {"policy": "pinned"},
            "vm": [
                {"name": "ok", "kernel": str(kernel), "pin": [0]},
                {"name": "loose", "kernel": str(kernel)},
            ],
        }
    )
    with pytest.raises(ValueError, match=r'vm\[1\] "loose": pin: missing'):
        Host(scenario)
