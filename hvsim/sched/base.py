"""The scheduler interface and the registry of policies by scenario name.

A scheduler owns the pool of pCPUs.  A vCPU process calls ``yield from acquire(vcpu)`` to get a
pCPU (the time it waits is steal time), runs for at most ``slice_ps(vcpu)`` (asking
``should_preempt`` when the slice ends: a policy with nobody waiting lets it run on), then calls
``release``.  Blocked (WFI) and powered-off vCPUs hold no pCPU.  A policy calls
``host.note_runqueue()`` whenever its queue of waiting vCPUs changes (the statistics keep the
run-queue length over time).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    import simpy

    from hvsim.config.model import SchedulerConfig
    from hvsim.hv.host import Host, Pcpu
    from hvsim.hv.vcpu import Vcpu


class Scheduler:
    name: ClassVar[str] = ""

    def __init__(self, host: Host, config: SchedulerConfig) -> None:
        self.host = host
        self.config = config
        self.env: simpy.Environment = host.env
        self.slice = config.slice_us * 1_000_000  # ps

    def acquire(self, vcpu: Vcpu) -> Generator[Any, Any, Pcpu]:
        raise NotImplementedError

    def release(self, vcpu: Vcpu, pcpu: Pcpu) -> None:
        raise NotImplementedError

    def slice_ps(self, vcpu: Vcpu) -> int:
        return self.slice

    def should_preempt(self, vcpu: Vcpu, pcpu: Pcpu) -> bool:
        return True

    def run_queue_length(self) -> int:
        return 0


SCHEDULERS: dict[str, type[Scheduler]] = {}


def register_scheduler(cls: type[Scheduler]) -> type[Scheduler]:
    SCHEDULERS[cls.name] = cls
    return cls


def create_scheduler(host: Host, config: SchedulerConfig) -> Scheduler:
    from hvsim.sched import (  # noqa: F401 - registers the built-in policies
        credit,
        fair,
        gang,
        pinned,
        priority,
        round_robin,
    )

    try:
        cls = SCHEDULERS[config.policy]
    except KeyError:
        raise ValueError(
            f"unknown scheduler policy {config.policy!r} (known: {', '.join(sorted(SCHEDULERS))})"
        ) from None
    return cls(host, config)
