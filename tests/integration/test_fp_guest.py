"""The F/D guest (guests/fp/): self-checking FP code as a bare-metal program and as a VS-mode
guest, and per-vCPU FP state when two vCPUs share one pCPU (configs/fp.toml, fp-smp.toml).

The guest is compiled by Debian's riscv64-unknown-elf-gcc for rv64imafdc/lp64d, so its
arithmetic is what the compiler makes of C (fld/fsd of spilled values, fmadd contractions,
conversions, moves) plus inline assembly for the rounding modes, flags, NaN-boxing and
FCLASS; its expectations come from IEEE 754 and the RISC-V spec (guests/fp/fpcheck.c), and
the same program passes on QEMU.
"""

from __future__ import annotations

import io
import itertools

from hvsim.bare import run_program


def test_fp_bare_program_passes(guest_build) -> None:
    console = io.StringIO()
    result = run_program(guest_build / "fp" / "fp.elf", max_insns=2_000_000, console=console)
    assert console.getvalue().splitlines()[-1:] == ["PASS fp"], console.getvalue()
    assert result.exit_code == 0


def test_fp_vs_guest_passes(run_scenario) -> None:
    run = run_scenario("fp")
    assert run.outcome == "done"
    run.assert_passed("fp", "fp")
    assert "fp: arithmetic checks passed" in run.console("fp").splitlines()


def test_fp_state_does_not_leak_between_vcpus_on_one_pcpu(run_scenario) -> None:
    run = run_scenario("fp-smp")
    assert run.outcome == "done"
    run.assert_passed("fp", "fp")
    assert "fp: 2 harts held their FP state" in run.console("fp").splitlines()
    # the two vCPUs really took turns on the one pCPU while hart 1 held its state: hart 1
    # ran in several slices with hart 0's slices in between
    slices = [s for s in run.host.stats.slices if s.instructions]
    assert {s.pcpu for s in slices} == {0}
    order = [s.vcpu for s in slices]
    first, last = order.index(1), len(order) - 1 - order[::-1].index(1)
    assert order.count(1) >= 3 and 0 in order[first:last], order
    assert len([k for k, _ in itertools.groupby(order)]) >= 6, order
