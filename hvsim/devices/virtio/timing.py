"""How long a disk request takes in simulated time: a fixed latency plus transfer time.

A request is served when the disk is free (one request at a time, in submission order), for

    latency_us + bytes / bandwidth_mbps        (+ flush_us for a flush)

where the bandwidth is in MB/s (10**6 bytes per second).  Defaults are those of a fast local
SSD seen through a paravirtual disk: 50 us per request, 500 MB/s, 200 us extra for a flush
(writing back the drive's cache).  Scenario keys of the same names override them per device.
Times are integer picoseconds, as everywhere in the simulation.
"""

from __future__ import annotations

from dataclasses import dataclass

PS_PER_US = 10**6


@dataclass(frozen=True)
class DiskTiming:
    latency_us: int = 50
    bandwidth_mbps: int = 500
    flush_us: int = 200

    def __post_init__(self) -> None:
        if self.latency_us < 0 or self.flush_us < 0:
            raise ValueError("disk latencies must be >= 0")
        if self.bandwidth_mbps <= 0:
            raise ValueError("disk bandwidth_mbps must be > 0")

    def transfer_ps(self, nbytes: int) -> int:
        # one byte at 1 MB/s takes 1 us = 10**6 ps (rounded up: a transfer never takes no time)
        return -(-nbytes * PS_PER_US // self.bandwidth_mbps)

    def service_ps(self, nbytes: int, flush: bool = False) -> int:
        ps = self.latency_us * PS_PER_US + self.transfer_ps(nbytes)
        if flush:
            ps += self.flush_us * PS_PER_US
        return ps
