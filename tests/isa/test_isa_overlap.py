"""No two encodings claim the same instruction word, except the documented RVC pairs."""

from __future__ import annotations

import itertools
import random

import pytest

from hvsim.isa.decode import DEFAULT_EXTENSIONS
from hvsim.isa.encoding import INSTRUCTIONS, Encoding

# RVC encodings that share code points and are told apart by field constraints
# (ISA manual, "C" chapter; riscv-opcodes SOURCE.md):
#   c.nop      = c.addi with rd = x0
#   c.addi16sp = c.lui with rd = x2
#   c.jr       = c.mv with rs2 = x0        (c.mv requires rs2 != x0)
#   c.jalr     = c.add with rs2 = x0       (c.add requires rs2 != x0)
#   c.ebreak   = c.add/c.jalr with rd/rs1 = x0 and rs2 = x0
# The data documents no other overlap.
ALLOWED_OVERLAPS = {
    frozenset({"c_nop", "c_addi"}),
    frozenset({"c_addi16sp", "c_lui"}),
    frozenset({"c_jr", "c_mv"}),
    frozenset({"c_jalr", "c_add"}),
    frozenset({"c_ebreak", "c_add"}),
    frozenset({"c_ebreak", "c_jalr"}),
}


def _length(enc: Encoding) -> int:
    return 2 if enc.match & 3 != 3 else 4


def _overlap(a: Encoding, b: Encoding) -> bool:
    # A word matching both exists iff the two agree on every bit both masks fix.
    return (a.match ^ b.match) & a.mask & b.mask == 0


def _overlapping_pairs(encodings: list[Encoding]) -> set[frozenset[str]]:
    return {
        frozenset({a.name, b.name})
        for a, b in itertools.combinations(encodings, 2)
        if _length(a) == _length(b) and _overlap(a, b)
    }


def _enabled(extensions: frozenset[str]) -> list[Encoding]:
    return [e for e in INSTRUCTIONS.values() if extensions.intersection(e.extensions)]


def test_overlap_predicate_agrees_with_brute_force_on_small_masks() -> None:
    # Check the closed form against enumeration on 6-bit toy encodings.
    rng = random.Random(7)
    for _ in range(300):
        ma, mb = rng.randrange(64), rng.randrange(64)
        a = Encoding("a", rng.randrange(64) & ma, ma, (), ("x",))
        b = Encoding("b", rng.randrange(64) & mb, mb, (), ("x",))
        brute = any(w & a.mask == a.match and w & b.mask == b.match for w in range(64))
        assert _overlap(a, b) == brute


def test_default_extensions_have_no_32bit_overlap() -> None:
    wide = [e for e in _enabled(DEFAULT_EXTENSIONS) if _length(e) == 4]
    assert _overlapping_pairs(wide) == set()


def test_default_extensions_rvc_overlaps_are_the_documented_ones() -> None:
    narrow = [e for e in _enabled(DEFAULT_EXTENSIONS) if _length(e) == 2]
    assert _overlapping_pairs(narrow) == ALLOWED_OVERLAPS


@pytest.mark.parametrize("length", [2, 4])
def test_whole_data_set_overlaps_only_in_documented_pairs(length: int) -> None:
    every = [e for e in INSTRUCTIONS.values() if _length(e) == length]
    pairs = _overlapping_pairs(every)
    assert pairs == (ALLOWED_OVERLAPS if length == 2 else set())
