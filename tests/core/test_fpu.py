"""hvsim.core.fpu: the binary64 fast paths agree with the exact path bit for bit.

The fast paths (host float arithmetic for round-to-nearest-even, inline unpacking for FMA)
must be provably identical to the exact integer path; this checks the claim on random bit
patterns, on values built to hit their boundaries (exponents near overflow, near the smallest
normal number, subnormals, short significands that make results exact) and in every rounding
mode.  The exact path itself is checked against unicorn and the spec's tables elsewhere
(test_diff_unicorn_fp.py, test_fp_spec.py).
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from hvsim.core import fpu

F64 = fpu.F64


def _double(sign: int, exp: int, frac: int, zeros: int) -> int:
    return sign << 63 | exp << 52 | (frac & ~((1 << zeros) - 1))


doubles = st.one_of(
    st.integers(0, 2**64 - 1),
    st.builds(
        _double,
        st.integers(0, 1),
        st.one_of(
            st.integers(0, 0x7FF),
            st.integers(0, 3),  # subnormal and just normal
            st.integers(0x7FC, 0x7FF),  # near overflow
            st.integers(1023 - 520, 1023 - 500),  # products near the smallest normal
            st.integers(1023 + 500, 1023 + 520),  # products near overflow
            st.integers(1020, 1026),  # near 1
        ),
        st.integers(0, 2**52 - 1),
        st.integers(0, 52),  # trailing zero bits: exact results
    ),
)
rms = st.integers(0, 4)


@settings(max_examples=1500, deadline=None)
@given(doubles, doubles, rms)
def test_binary_fast_paths_equal_the_exact_path(a: int, b: int, rm: int) -> None:
    assert fpu.add_d(a, b, rm) == fpu.add(F64, a, b, rm)
    assert fpu.sub_d(a, b, rm) == fpu.sub(F64, a, b, rm)
    assert fpu.mul_d(a, b, rm) == fpu.mul(F64, a, b, rm)
    assert fpu.div_d(a, b, rm) == fpu.div(F64, a, b, rm)
    assert fpu.sqrt_d(a, rm) == fpu.sqrt(F64, a, rm)


@settings(max_examples=1500, deadline=None)
@given(doubles, doubles, doubles, rms, st.integers(0, 1), st.integers(0, 1))
def test_fma_fast_path_equals_the_exact_path(a, b, c, rm, neg_product, neg_addend) -> None:
    want = fpu.fma(F64, a, b, c, rm, neg_product, neg_addend)
    assert fpu.fma_d(a, b, c, rm, neg_product, neg_addend) == want
