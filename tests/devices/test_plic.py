"""The PLIC register interface, as the RISC-V PLIC specification describes it.

Register offsets are written here from the specification (priority at 4*source, pending bits
at 0x1000, enables at 0x2000 + 0x80*context, threshold and claim/complete at
0x200000 + 0x1000*context), not taken from the model.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hvsim.devices import DEVICE_TYPES
from hvsim.devices.plic import Plic


def prio(source: int) -> int:
    return 4 * source


def pending(word: int) -> int:
    return 0x1000 + 4 * word


def enable(context: int, word: int = 0) -> int:
    return 0x2000 + 0x80 * context + 4 * word


def threshold(context: int) -> int:
    return 0x200000 + 0x1000 * context


def claim(context: int) -> int:
    return 0x200004 + 0x1000 * context


class Rig:
    """A PLIC whose context outputs are recorded."""

    def __init__(self, contexts: int = 2, ndev: int = 95) -> None:
        self.levels = [False] * contexts
        self.edges: list[tuple[int, bool]] = []
        self.plic = Plic(contexts, ndev=ndev, on_context=self._output)

    def _output(self, context: int, level: bool) -> None:
        self.levels[context] = level
        self.edges.append((context, level))

    def w(self, offset: int, value: int) -> None:
        self.plic.write(offset, 4, value)

    def r(self, offset: int) -> int:
        return self.plic.read(offset, 4)

    def route(self, source: int, priority: int, context: int = 0) -> None:
        self.w(prio(source), priority)
        word = enable(context, source // 32)
        self.w(word, self.r(word) | 1 << (source % 32))


def test_registered() -> None:
    assert DEVICE_TYPES["plic"] is Plic


def test_priorities_read_back_and_are_warl() -> None:
    rig = Rig()
    rig.w(prio(5), 3)
    rig.w(prio(95), 7)
    assert rig.r(prio(5)) == 3
    assert rig.r(prio(95)) == 7
    rig.w(prio(6), 0xFFFF_FFFF)  # only 3 priority bits (QEMU virt): the value is truncated
    assert rig.r(prio(6)) == 7
    rig.w(prio(0), 5)  # source 0 does not exist
    assert rig.r(prio(0)) == 0


def test_pending_bits_follow_lines_and_are_read_only() -> None:
    rig = Rig()
    rig.plic.set_level(3, True)
    rig.plic.set_level(33, True)
    assert rig.r(pending(0)) == 1 << 3
    assert rig.r(pending(1)) == 1 << 1
    rig.w(pending(0), 0)
    assert rig.r(pending(0)) == 1 << 3
    rig.plic.set_level(3, False)  # level-triggered: a dropped line is no longer pending
    assert rig.r(pending(0)) == 0


def test_enable_words_per_context() -> None:
    rig = Rig(contexts=3)
    rig.w(enable(1, 0), 0xFFFF_FFFF)
    rig.w(enable(2, 2), 0xFFFF_FFFF)
    assert rig.r(enable(0, 0)) == 0
    assert rig.r(enable(1, 0)) == 0xFFFF_FFFE  # source 0 cannot be enabled
    assert rig.r(enable(2, 2)) == 0xFFFF_FFFF  # sources 64..95
    rig.w(enable(2, 3), 0xFFFF_FFFF)  # beyond ndev: nothing to enable
    assert rig.r(enable(2, 3)) == 0


def test_interrupt_needs_pending_enabled_and_above_threshold() -> None:
    rig = Rig()
    rig.w(prio(10), 2)
    rig.plic.set_level(10, True)
    assert rig.levels == [False, False]  # not enabled
    rig.route(10, 2)
    assert rig.levels == [True, False]
    rig.w(threshold(0), 2)  # priority must exceed the threshold
    assert rig.levels == [False, False]
    assert rig.r(claim(0)) == 0
    rig.w(threshold(0), 1)
    assert rig.levels == [True, False]
    rig.w(prio(10), 0)  # priority 0 never interrupts
    assert rig.levels == [False, False]


def test_claim_returns_highest_priority_then_lowest_id() -> None:
    rig = Rig()
    for source, priority in ((4, 1), (7, 5), (9, 5), (12, 3)):
        rig.route(source, priority)
        rig.plic.set_level(source, True)
    order = [rig.r(claim(0)) for _ in range(5)]
    assert order == [7, 9, 12, 4, 0]
    assert rig.r(pending(0)) == 0  # claiming cleared the pending bits
    assert rig.levels[0] is False


def test_claimed_source_waits_for_completion() -> None:
    rig = Rig()
    rig.route(10, 1)
    rig.plic.set_level(10, True)
    assert rig.r(claim(0)) == 10
    assert rig.levels[0] is False  # in flight: not pending although the line is still high
    assert rig.r(claim(0)) == 0
    rig.w(claim(0), 10)  # complete: the line is still high, so it is pending again
    assert rig.levels[0] is True
    assert rig.r(claim(0)) == 10
    rig.plic.set_level(10, False)
    rig.w(claim(0), 10)
    assert rig.levels[0] is False
    assert rig.r(pending(0)) == 0


def test_line_raised_while_in_flight_pends_after_completion() -> None:
    rig = Rig()
    rig.route(3, 1)
    rig.plic.set_level(3, True)
    assert rig.r(claim(0)) == 3
    rig.plic.set_level(3, False)
    rig.plic.set_level(3, True)
    assert rig.levels[0] is False
    rig.w(claim(0), 3)
    assert rig.levels[0] is True


def test_completion_of_source_not_enabled_or_not_claimed_is_ignored() -> None:
    rig = Rig()
    rig.route(5, 1, context=0)
    rig.plic.set_level(5, True)
    assert rig.r(claim(0)) == 5
    rig.w(claim(1), 5)  # context 1 has source 5 disabled: ignored, still in flight
    rig.w(claim(0), 6)  # never claimed: ignored
    assert rig.levels[0] is False
    rig.w(claim(0), 5)
    assert rig.levels[0] is True


def test_contexts_are_independent() -> None:
    rig = Rig(contexts=2)
    rig.route(1, 1, context=0)
    rig.route(2, 1, context=1)
    rig.plic.set_level(2, True)
    assert rig.levels == [False, True]
    assert rig.r(claim(0)) == 0
    rig.plic.set_level(1, True)
    assert rig.levels == [True, True]
    assert rig.r(claim(1)) == 2
    assert rig.levels == [True, False]
    assert rig.edges == [(1, True), (0, True), (1, False)]


def test_shared_source_is_claimed_once() -> None:
    rig = Rig(contexts=2)
    rig.route(8, 1, context=0)
    rig.route(8, 1, context=1)
    rig.plic.set_level(8, True)
    assert rig.levels == [True, True]
    assert rig.r(claim(1)) == 8
    assert rig.levels == [False, False]  # one gateway: the other context lost it too
    assert rig.r(claim(0)) == 0


def test_wide_and_narrow_accesses() -> None:
    rig = Rig()
    rig.plic.write(prio(2), 8, 5 | 6 << 32)  # a 64-bit store covers two priorities
    assert rig.r(prio(2)) == 5
    assert rig.r(prio(3)) == 6
    assert rig.plic.read(prio(2), 8) == 5 | 6 << 32
    rig.plic.write(prio(4), 1, 3)  # sub-word accesses are not supported
    assert rig.r(prio(4)) == 0
    assert rig.plic.read(prio(2), 2) == 0


def test_window_must_hold_every_context() -> None:
    with pytest.raises(ValueError, match="too small"):
        Plic(contexts=4, size=0x201000)
    with pytest.raises(ValueError, match="ndev"):
        Plic(ndev=1024)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["line", "prio", "enable", "threshold", "claim", "complete"]),
            st.integers(1, 40),
            st.integers(0, 7),
            st.integers(0, 1),
        ),
        max_size=40,
    )
)
def test_output_is_high_exactly_when_a_claim_would_succeed(ops) -> None:
    """Invariants under any sequence of operations: a context's output is high iff a claim
    would return a source, and a claimed source is always pending-worthy for that context
    (enabled, priority above the threshold)."""
    rig = Rig(contexts=2, ndev=40)
    plic = rig.plic
    for op, source, value, context in ops:
        if op == "line":
            plic.set_level(source, bool(value & 1))
        elif op == "prio":
            rig.w(prio(source), value)
        elif op == "enable":
            word = enable(context, source // 32)
            rig.w(word, rig.r(word) ^ 1 << (source % 32))
        elif op == "threshold":
            rig.w(threshold(context), value)
        elif op == "claim":
            got = rig.r(claim(context))
            if got:
                assert rig.r(enable(context, got // 32)) >> (got % 32) & 1
                assert rig.r(prio(got)) > rig.r(threshold(context))
        else:
            rig.w(claim(context), source)
        for c in range(2):
            assert rig.levels[c] == (plic.best(c) != 0)
