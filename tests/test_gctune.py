"""hvsim.gctune: the run's collector settings are applied inside and undone after."""

from __future__ import annotations

import gc

import pytest

from hvsim.gctune import RUN_THRESHOLDS, collecting_rarely


def test_thresholds_apply_inside_and_are_undone_after() -> None:
    before = gc.get_threshold()
    with collecting_rarely():
        assert gc.get_threshold() == RUN_THRESHOLDS
    assert gc.get_threshold() == before


def test_settings_are_undone_when_the_run_raises() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), collecting_rarely():
        raise RuntimeError("guest crashed the simulator")
    assert gc.get_threshold() == before


def test_cycles_made_during_a_run_are_still_collected() -> None:
    class Node:
        pass

    with collecting_rarely():
        a, b = Node(), Node()
        a.other, b.other = b, a
        del a, b
        assert gc.collect() >= 2
