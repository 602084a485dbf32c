"""Every policy is selectable by name in a scenario and builds its scheduler class."""

from __future__ import annotations

import pytest

from hvsim.config.loader import ConfigError, scenario_from_dict
from hvsim.hv.host import Host
from hvsim.sched.credit import CreditScheduler
from hvsim.sched.fair import FairScheduler
from hvsim.sched.gang import GangScheduler
from hvsim.sched.pinned import PinnedScheduler
from hvsim.sched.priority import PriorityScheduler
from hvsim.sched.round_robin import RoundRobin

POLICIES = {
    "round-robin": RoundRobin,
    "credit": CreditScheduler,
    "fair": FairScheduler,
    "priority": PriorityScheduler,
    "pinned": PinnedScheduler,
    "gang": GangScheduler,
}


@pytest.fixture
def kernel(tmp_path):
    path = tmp_path / "k.bin"
    path.write_bytes(b"\x13\x00\x00\x00")
    return path


@pytest.mark.parametrize("policy", sorted(POLICIES))
def test_policy_by_name(policy, kernel):
    scenario = scenario_from_dict(
        {
            "host": {"pcpus": 2},
            "scheduler": {"policy": policy, "slice_us": 250},
            "vm": [{"name": "v", "kernel": str(kernel), "vcpus": 2, "pin": [0, 1]}],
        }
    )
    host = Host(scenario)
    assert type(host.scheduler) is POLICIES[policy]
    assert host.scheduler.slice == 250_000_000


def test_unknown_policy_lists_them_all(kernel):
    with pytest.raises(ConfigError) as info:
        scenario_from_dict(
            {"scheduler": {"policy": "lottery"}, "vm": [{"name": "v", "kernel": str(kernel)}]}
        )
    for name in POLICIES:
        assert f'"{name}"' in str(info.value)


def test_fair_options(kernel):
    base = {"vm": [{"name": "v", "kernel": str(kernel)}]}
    scenario = scenario_from_dict(
        {**base, "scheduler": {"policy": "fair", "min_granularity_us": 50}}
    )
    assert Host(scenario).scheduler.min_granularity == 50_000_000
    with pytest.raises(ConfigError, match="latency_us"):
        scenario_from_dict({**base, "scheduler": {"policy": "fair", "latency_us": 50}})
    too_big = scenario_from_dict(
        {**base, "scheduler": {"policy": "fair", "slice_us": 100, "min_granularity_us": 200}}
    )
    with pytest.raises(ValueError, match="min_granularity_us"):
        Host(too_big)
