"""The block-boundary service skips the translation-context refresh only when it would change
nothing, and always finds a pending-and-enabled interrupt.

``Hart._service`` runs between blocks (after every return from a VM exit among others).  It
recomputes the translation context only when one of its inputs changed or a context table lost
the dicts in use, and it tests a superset of the pending bits before the full interrupt check.
These tests compare it with the long way: a full ``_refresh_context`` and ``pending_interrupt``.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hvsim.core import bits as B
from hvsim.core.hart import MAX_CONTEXTS, Hart
from hvsim.core.trap import StopReason
from hvsim.mem.phys import PhysMem

PRV_U, PRV_S, PRV_M = 0, 1, 3
SV39 = 8 << 60
MSTATUS_MPRV, MSTATUS_SUM, MSTATUS_MXR = 1 << 17, 1 << 18, 1 << 19
MSTATUS_MPV = 1 << 39
MPP_SHIFT = 11


def new_hart() -> Hart:
    return Hart(PhysMem(0x8000_0000, 1 << 20))


def chosen(hart: Hart) -> tuple:
    return (hart.jc, hart.tx, hart.tr, hart.tw, hart.data_priv, hart.data_virt)


def assert_context_is_current(hart: Hart) -> None:
    """What the service left in place is what a full refresh picks, and it is in the tables."""
    kept = chosen(hart)
    hart._refresh_context()
    assert all(a is b for a, b in zip(kept, chosen(hart), strict=True))
    assert any(hart.jc is fc[0] and hart.tx is fc[1] for fc in hart.fctx.values())
    assert any(hart.tr is dc[0] and hart.tw is dc[1] for dc in hart.dctx.values())


CHANGE_LIST = [
    ("priv", PRV_U),
    ("priv", PRV_S),
    ("priv", PRV_M),
    ("virt", True),
    ("virt", False),
    ("satp", 0),
    ("satp", SV39 | 0x80010),
    ("satp", SV39 | 0x80020),
    ("vsatp", 0),
    ("vsatp", SV39 | 0x80030),
    ("hgatp", 0),
    ("hgatp", SV39 | 1 << 44 | 0x80040),
    ("mstatus", 0),
    ("mstatus", MSTATUS_MPRV | PRV_S << MPP_SHIFT),
    ("mstatus", MSTATUS_MPRV | PRV_U << MPP_SHIFT | MSTATUS_MPV),
    ("mstatus", MSTATUS_SUM | MSTATUS_MXR),
    ("vsstatus", 0),
    ("vsstatus", MSTATUS_SUM),
    ("vsstatus", MSTATUS_MXR),
]
CHANGES = st.sampled_from(CHANGE_LIST)
STARTS = {
    "HS, paging": {"priv": PRV_S, "satp": SV39 | 0x80010},
    "VS, both stages": {"priv": PRV_S, "virt": True, "vsatp": SV39 | 0x80030, "hgatp": SV39},
    "M, MPRV to VS": {"priv": PRV_M, "mstatus": MSTATUS_MPRV | PRV_S << MPP_SHIFT | MSTATUS_MPV},
}


@pytest.mark.parametrize("start", sorted(STARTS))
@pytest.mark.parametrize(("name", "value"), CHANGE_LIST)
def test_each_input_change_is_noticed(start: str, name: str, value: object) -> None:
    hart = new_hart()
    for field, initial in STARTS[start].items():
        setattr(hart, field, initial)
    hart._service()
    setattr(hart, name, value)
    if hart.priv == PRV_M:
        hart.virt = False
    hart._service()
    assert_context_is_current(hart)


@settings(max_examples=60, deadline=None)
@given(steps=st.lists(st.lists(CHANGES, max_size=3), min_size=1, max_size=12))
def test_service_context_matches_a_full_refresh(steps: list[list[tuple[str, object]]]) -> None:
    hart = new_hart()
    for changes in steps:
        for name, value in changes:
            setattr(hart, name, value)
        if hart.priv == PRV_M:
            hart.virt = False  # no V=1 in M-mode
        assert hart._service() is None
        assert_context_is_current(hart)


def test_service_notices_a_data_table_emptied_at_the_limit() -> None:
    """HLV/HSV contexts can fill the data table; emptying it drops the dicts in use too."""
    hart = new_hart()
    hart.priv, hart.virt, hart.hgatp = PRV_S, True, SV39 | 0x80040
    hart._service()
    in_use = hart.tr
    hart.priv, hart.virt = PRV_S, False  # the hypervisor, using HLV on many guest contexts
    for i in range(MAX_CONTEXTS + 1):
        hart.vsatp = SV39 | (0x80100 + i)
        hart._guest_data_context()
    hart.priv, hart.virt, hart.vsatp = PRV_S, True, 0  # back to the first guest context
    hart._service()
    assert hart.tr is not in_use  # the dropped dicts are not used again ...
    assert_context_is_current(hart)  # ... the table's are


def test_service_after_reset_uses_the_new_tables() -> None:
    hart = new_hart()
    hart.priv, hart.virt = PRV_S, True
    hart._service()
    hart.reset()
    hart._service()
    assert_context_is_current(hart)


# ---- the interrupt pre-test --------------------------------------------------------------------
#: interrupt bits the hart implements (privileged spec mip; H: VS*, SGEI; Sscofpmf LCOFI)
IRQ_BITS = [1, 2, 3, 5, 6, 7, 9, 10, 11, 12, 13]
MASKS = st.lists(st.sampled_from(IRQ_BITS)).map(lambda irqs: sum({1 << i for i in irqs}))
SOURCES = st.fixed_dictionaries(
    {
        "mip": MASKS,
        "ext_lines": st.sampled_from([0, 1 << 7, 1 << 3, 1 << 11, 1 << 9]),
        "hvip": st.sampled_from([0, 1 << 2, 1 << 6, 1 << 10]),
        "stimer": st.booleans(),
        "vstimer": st.booleans(),
        "mie": MASKS,
        "menvcfg": st.sampled_from([0, B.ENVCFG_STCE]),
        "henvcfg": st.sampled_from([0, B.ENVCFG_STCE]),
        "mideleg": st.sampled_from([0x444, 0x666, 0x1666]),
        "hideleg": st.sampled_from([0, 0x444]),
        "mstatus": st.sampled_from([0, 1 << 1, 1 << 3, (1 << 1) | (1 << 3)]),
        "vsstatus": st.sampled_from([0, 1 << 1]),
    }
)


@settings(max_examples=300, deadline=None)
@given(
    state=SOURCES,
    mode=st.sampled_from([(PRV_M, False), (PRV_S, False), (PRV_U, False), (PRV_S, True)]),
)
def test_service_takes_exactly_the_interrupts_pending_interrupt_finds(state, mode) -> None:
    hart = new_hart()
    for name, value in state.items():
        setattr(hart, name, value)
    hart.priv, hart.virt = mode
    hart.mtvec, hart.stvec, hart.vstvec = 0x8000_0000, 0x8000_0100, 0x8000_0200
    expected = hart.pending_interrupt()
    hart.pc = 0x8000_1000
    assert hart._service() is None
    if expected is None:
        assert hart.pc == 0x8000_1000  # no trap taken
    else:
        pads = {3: 0x8000_0000, 1: 0x8000_0100, 2: 0x8000_0200}  # TARGET_M, TARGET_HS, TARGET_VS
        assert hart.pc == pads[expected[1]]


def test_wfi_waits_only_while_nothing_is_pending_and_enabled() -> None:
    hart = new_hart()
    hart.priv = PRV_S
    hart.wfi = True
    assert hart._service() is StopReason.WFI
    hart.mie = 1 << 5
    hart.menvcfg = B.ENVCFG_STCE
    hart.stimer = True  # an Sstc timer, pending but globally disabled (SIE clear): wakes WFI
    assert hart._service() is None
    assert not hart.wfi
