"""The ``regs`` device: little-endian words, reads and writes of every size at any offset.

A bytes model of the block (written from the device's description, not its code) is compared
with the device after random sequences of accesses, aligned ones (served by typed views of the
block) and misaligned ones (assembled byte by byte) mixed.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hvsim.devices.base import DEVICE_TYPES
from hvsim.devices.regs import Regs

SIZES = (1, 2, 4, 8)


def test_registered_and_initial_words() -> None:
    assert DEVICE_TYPES["regs"] is Regs
    dev = Regs(words={64: 0x6688, 0: 0x0102030405060708})
    assert dev.read(64, 8) == 0x6688
    assert dev.read(0, 1) == 0x08 and dev.read(1, 2) == 0x0607 and dev.read(4, 4) == 0x01020304
    assert dev.read(8, 8) == 0  # unset words read as zero


ACCESS = st.tuples(
    st.booleans(),  # store?
    st.sampled_from(SIZES),
    st.integers(0, 0x3F),  # offset inside the first 64 bytes (aligned and not)
    st.integers(0, (1 << 64) - 1),
)


@pytest.mark.parametrize("size", [0x1000, 0x44, 0x42])  # views of every width, some, one
@given(accesses=st.lists(ACCESS, max_size=30))
def test_accesses_match_a_bytes_model(size: int, accesses) -> None:
    dev = Regs(words={8: 0x1122334455667788}, size=size)
    model = bytearray(size)
    model[8:16] = (0x1122334455667788).to_bytes(8, "little")
    for store, width, offset, value in accesses:
        if offset + width > size:
            continue
        value &= (1 << 8 * width) - 1
        if store:
            dev.write(offset, width, value)
            model[offset : offset + width] = value.to_bytes(width, "little")
        else:
            assert dev.read(offset, width) == int.from_bytes(
                model[offset : offset + width], "little"
            )
    assert bytes(dev.data) == bytes(model)


def test_read_only_block_ignores_writes() -> None:
    dev = Regs(words={0: 7}, writable=False)
    dev.write(0, 8, 9)
    dev.write(1, 2, 9)
    assert dev.read(0, 8) == 7


def test_reset_restores_the_initial_words() -> None:
    dev = Regs(words={16: 5})
    dev.write(16, 8, 6)
    dev.write(20, 4, 7)
    dev.reset()
    assert dev.read(16, 8) == 5
    dev.write(16, 4, 8)  # the views follow the new block
    assert dev.read(16, 8) == 8
