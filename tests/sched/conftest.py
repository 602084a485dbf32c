"""Fixtures for the scheduling-policy tests: the spin guests built once (``make -C guests spin``).

Skips when the RISC-V cross toolchain is missing.
"""

from __future__ import annotations

import pytest
from sched_helpers import INTERACTIVE, SPIN


@pytest.fixture(scope="session")
def spin_guests(guests_make) -> None:
    guests_make("spin")
    if not SPIN.exists() or not INTERACTIVE.exists():
        pytest.fail("building the spin guests left no spin.elf / interactive.elf")
