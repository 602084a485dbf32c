"""Resident memory of many large VMs: 32 VMs x 256 MiB configured, each touching 1 MiB.

``configs/bench-memory.toml`` is run in a child process (``python -m benchmarks.memory
SCENARIO [VMS]``, which runs it in-process like ``hvsim run``, prints its own peak resident set
size, ``VmHWM`` of ``/proc/self/status``, and exits 0 when every VM passed).  The child reads
VmHWM itself because the kernel's ``ru_maxrss`` for a child also counts the parent's memory
(the address space the child had between fork and exec), which would hide the figure behind
the runner's own size.  The same scenario cut down to one VM gives the baseline (interpreter,
hvsim and one VM), so the per-VM cost shows too.  The target: under 2 GiB for the 32 VMs.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.suite import CONFIGS, ROOT

SCENARIO = CONFIGS / "bench-memory.toml"
TARGET_MIB = 2048
TOUCHED_MIB = 1


@dataclass(frozen=True)
class ChildRun:
    peak_rss_mib: float
    wall_seconds: float
    exit_code: int


@dataclass(frozen=True)
class MemoryResult:
    vms: int
    configured_mib: int  # guest RAM configured over all VMs
    full: ChildRun
    baseline: ChildRun  # the same scenario with one VM
    target_mib: int = TARGET_MIB

    @property
    def ok(self) -> bool:
        return self.full.exit_code == 0 and self.baseline.exit_code == 0

    @property
    def per_vm_mib(self) -> float:
        return (self.full.peak_rss_mib - self.baseline.peak_rss_mib) / max(1, self.vms - 1)

    @property
    def met(self) -> bool:
        return self.ok and self.full.peak_rss_mib < self.target_mib


def peak_rss_kib() -> int:
    """This process's peak resident set size (VmHWM) in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise OSError("no VmHWM in /proc/self/status")


def run_child(scenario: Path, vms: int | None) -> ChildRun:
    """Run the scenario in a fresh interpreter and return its peak RSS."""
    cmd = [sys.executable, "-m", "benchmarks.memory", str(scenario)]
    if vms is not None:
        cmd.append(str(vms))
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    m = re.search(r"^VmHWM (\d+) kB$", done.stdout, re.MULTILINE)
    peak = int(m.group(1)) / 1024 if m else float("nan")
    return ChildRun(peak, wall, done.returncode if m else done.returncode or 1)


def measure(scenario: Path = SCENARIO) -> MemoryResult:
    from benchmarks.scenarios import prepare

    resolved = prepare(scenario)
    full = run_child(scenario, None)
    baseline = run_child(scenario, 1)
    configured = sum(vm.memory for vm in resolved.vms) >> 20
    return MemoryResult(len(resolved.vms), configured, full, baseline)


def _child(argv: list[str]) -> int:
    from benchmarks.scenarios import run_scenario

    vms = int(argv[1]) if len(argv) > 1 else None
    code = run_scenario(Path(argv[0]), vms=vms).exit_code
    print(f"VmHWM {peak_rss_kib()} kB")  # the child's one line of output, read by run_child
    return code


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]))
