"""Address translation, from the privileged spec (Sv39/Sv48, "Virtual Address Translation
Process") and the H extension ("Two-Stage Address Translation", "Guest-Page Faults",
"Transformed Instruction or Pseudoinstruction for mtinst or htinst", HLV/HLVX/HSV, fences).

Page tables are built in memory by the conftest's :class:`PageTables` (from the PTE format, not
from the hart).  Code pages are mapped identity; data lives at distinct virtual, guest-physical
and host-physical addresses so that a wrong stage shows up as a wrong value.  Nothing is
delegated unless a test says so: faults land in M-mode (no translation there).

The hart updates A/D bits in hardware (Svadu-like, its documented choice), so the A/D tests
check that the bits get set at both stages rather than that a fault is raised.
"""

from __future__ import annotations

import pytest

PRV_U, PRV_S, PRV_M = 0, 1, 3
MODES = {"M": (PRV_M, False), "HS": (PRV_S, False), "U": (PRV_U, False)}
MODES |= {"VS": (PRV_S, True), "VU": (PRV_U, True)}
M64 = (1 << 64) - 1
V, R, W, X, U, G, A, D = (1 << i for i in range(8))
SV39, SV48 = 8, 9
MODE_OF = {3: SV39, 4: SV48}

FETCH_PF, LOAD_PF, STORE_PF = 12, 13, 15
FETCH_GPF, LOAD_GPF, STORE_GPF = 20, 21, 23
LOAD_ACCESS = 5

SUM, MXR, MPRV = 1 << 18, 1 << 19, 1 << 17
MPP_SHIFT = 11
GVA_M, MPV = 1 << 38, 1 << 39
GVA_H, SPV, SPVP, HU = 1 << 6, 1 << 7, 1 << 8, 1 << 9

MAGIC = 0x1122_3344_5566_7788
MAGIC2 = 0x99AA_BBCC_DDEE_F00D


def enter(m, code: str, mode: str, regs=None, budget: int = 50):
    priv, virt = MODES[mode]
    return m.run(code, priv=priv, virt=virt, regs=regs, budget=budget)


# ---- single-stage environment -------------------------------------------------------------------
def host_paging(m, levels: int = 3, user: bool = False, asid: int = 0):
    """satp tables with the code page mapped identity (executable, U if ``user``)."""
    pt = m.page_tables(levels)
    pt.map(m.CODE, m.CODE, V | R | X | A | (U if user else 0))
    m.set_csr("satp", pt.atp(MODE_OF[levels], asid))
    return pt


def load(m, va: int, mode: str = "HS", insn: str = "ld a0, 0(a1)"):
    """Run one load from ``va``; return (where, a0)."""
    s = enter(m, insn, mode, regs={11: va, 10: 0})
    return s.where, m.hart.x[10]


def fault(m, cause_csr: str = "mcause", tval_csr: str = "mtval") -> tuple[int, int]:
    return m.csr(cause_csr), m.csr(tval_csr)


DATA_PA = 0x8010_0000  # = RAM_BASE + 1 MiB (the machine's DATA area)


# ---- Sv39 / Sv48 leaves at every level ----------------------------------------------------------
LEAF_CASES = [
    # (levels, leaf level, virtual base, physical base): superpages need aligned PAs, so the
    # big ones map a region whose physical base is 0 or the 1 GiB-aligned RAM base.
    (3, 0, 0x4000_1000, DATA_PA),
    (3, 1, 0x4020_0000, 0x8000_0000),
    (3, 2, 0x20_0000_0000, 0x8000_0000),
    (4, 0, 0x7F_0000_5000, DATA_PA),
    (4, 1, 0x10_0060_0000, 0x8000_0000),
    (4, 2, 0x20_4000_0000, 0x8000_0000),
    (4, 3, 0x7F80_0000_0000, 0),
]


@pytest.mark.parametrize(("levels", "leaf", "va_base", "pa_base"), LEAF_CASES)
def test_leaf_at_each_level(m, levels: int, leaf: int, va_base: int, pa_base: int) -> None:
    pt = host_paging(m, levels)
    pt.map(va_base, pa_base, V | R | W | A | D, level=leaf)
    target_pa = DATA_PA + 0x238
    offset = target_pa - pa_base  # inside the superpage (or the page itself)
    assert offset < 1 << (12 + 9 * leaf)
    m.mem.write(target_pa, 8, MAGIC)
    assert load(m, va_base + offset) == ("end", MAGIC)
    # a store through the same mapping lands at the same physical address
    s = enter(m, "sd a2, 0(a1)", "HS", regs={11: va_base + offset, 12: MAGIC2})
    assert s.where == "end" and m.mem.read(target_pa, 8) == MAGIC2


@pytest.mark.parametrize("leaf", [1, 2])
def test_misaligned_superpage_is_a_page_fault(m, leaf: int) -> None:
    pt = host_paging(m)
    va = 0x20_0000_0000
    pt.map(va, 0x8000_0000 + 0x1000, V | R | W | A | D, level=leaf)  # PPN[0] != 0
    assert load(m, va + 0x10)[0] == "M"
    assert fault(m) == (LOAD_PF, va + 0x10)


@pytest.mark.parametrize(
    ("levels", "va", "canonical"),
    [
        (3, 0x0000_0040_0000_0000, False),  # bit 38 set, 63:39 clear
        (3, 0x0000_0080_0000_1000, False),  # bit 39 set, bit 38 clear
        (3, 0xFFFF_FFC0_0000_1000, True),
        (3, 0x8000_0000_0000_1000, False),
        (4, 0x0000_8000_0000_1000, False),  # bit 47 set, 63:48 clear
        (4, 0xFFFF_8000_0000_1000, True),
        (4, 0x0001_0000_0000_1000, False),
    ],
)
def test_canonical_addresses(m, levels: int, va: int, canonical: bool) -> None:
    """Bits 63:VALEN of the address must equal bit VALEN-1, else a page fault, even when the
    low bits select a valid PTE."""
    pt = host_paging(m, levels)
    low = va & ((1 << (12 + 9 * levels)) - 1)
    pt.map(low, DATA_PA, V | R | A)  # the tables only see the low bits
    m.mem.write(DATA_PA, 8, MAGIC)
    where, value = load(m, va)
    if canonical:
        assert (where, value) == ("end", MAGIC)
    else:
        assert where == "M" and fault(m) == (LOAD_PF, va)


# ---- permission checks --------------------------------------------------------------------------
VA = 0x4000_0000


@pytest.mark.parametrize(
    ("mode", "flags", "mstatus", "insn", "expect"),
    [
        ("HS", R, 0, "ld a0, 0(a1)", "ok"),
        ("HS", R | U, 0, "ld a0, 0(a1)", LOAD_PF),  # S touching U memory needs SUM
        ("HS", R | U, SUM, "ld a0, 0(a1)", "ok"),
        ("HS", R | W | U, SUM, "sd a0, 0(a1)", "ok"),
        ("U", R, 0, "ld a0, 0(a1)", LOAD_PF),  # U needs U=1
        ("U", R | U, 0, "ld a0, 0(a1)", "ok"),
        ("U", R | U, 0, "sd a0, 0(a1)", STORE_PF),  # no W
        ("HS", X, 0, "ld a0, 0(a1)", LOAD_PF),  # execute-only
        ("HS", X, MXR, "ld a0, 0(a1)", "ok"),  # MXR: executable is readable
        ("U", X | U, MXR, "ld a0, 0(a1)", "ok"),
        ("HS", R | X, MXR, "sd a0, 0(a1)", STORE_PF),  # MXR does not grant W
        ("HS", W, 0, "ld a0, 0(a1)", LOAD_PF),  # W without R is reserved
        ("HS", W, 0, "sd a0, 0(a1)", STORE_PF),
        ("HS", 0, 0, "ld a0, 0(a1)", LOAD_PF),  # a non-leaf at level 0 is a fault
        ("HS", R | (1 << 54), 0, "ld a0, 0(a1)", LOAD_PF),  # reserved bits 63:54
        ("HS", R | (1 << 63), 0, "ld a0, 0(a1)", LOAD_PF),  # N without Svnapot
        ("HS", R | (1 << 61), 0, "ld a0, 0(a1)", LOAD_PF),  # PBMT without Svpbmt
    ],
)
def test_page_permissions(m, mode, flags, mstatus, insn, expect) -> None:
    pt = host_paging(m, user=mode == "U")
    pt.map(VA, DATA_PA, V | A | D | flags)
    m.set_csr("mstatus", mstatus)
    m.mem.write(DATA_PA, 8, MAGIC)
    s = enter(m, insn, mode, regs={11: VA + 8, 10: 5})
    if expect == "ok":
        assert s.where == "end"
    else:
        assert s.where == "M" and fault(m) == (expect, VA + 8)


def test_invalid_pte_is_a_page_fault(m) -> None:
    pt = host_paging(m)
    pt.map(VA, DATA_PA, R | A)  # V = 0
    assert load(m, VA)[0] == "M" and fault(m) == (LOAD_PF, VA)


@pytest.mark.parametrize("sum_bit", [0, SUM])
def test_supervisor_never_executes_user_pages(m, sum_bit: int) -> None:
    pt = host_paging(m)
    page = m.CODE + 0x1000
    pt.map(page, page, V | R | X | U | A)
    m.place(page, "nop\nj .")
    m.set_csr("mstatus", sum_bit)
    s = enter(m, f"li t0, {page:#x}\njr t0", "HS")
    assert s.where == "M" and fault(m) == (FETCH_PF, page)


def test_fetch_needs_x(m) -> None:
    pt = host_paging(m)
    page = m.CODE + 0x1000
    pt.map(page, page, V | R | W | A | D)
    m.place(page, "nop\nj .")
    s = enter(m, f"li t0, {page:#x}\njr t0", "HS")
    assert s.where == "M" and fault(m) == (FETCH_PF, page)


def test_sum_and_mxr_changes_take_effect_without_a_fence(m) -> None:
    """SUM/MXR are CSR bits, not page-table state: the next access obeys the new value."""
    pt = host_paging(m)
    pt.map(VA, DATA_PA, V | R | U | A)
    pt.map(VA + 0x1000, DATA_PA, V | X | A)
    m.set_csr("mstatus", SUM)
    code = "ld a0, 0(a1)\ncsrc sstatus, a2\nld a3, 0(a1)"
    s = enter(m, code, "HS", regs={11: VA, 12: SUM})
    assert s.where == "M" and fault(m) == (LOAD_PF, VA) and m.csr("mepc") == m.CODE + 8
    code = "csrs sstatus, a2\nld a0, 0(a1)\ncsrc sstatus, a2\nld a3, 0(a1)"
    s = enter(m, code, "HS", regs={11: VA + 0x1000, 12: MXR})
    assert s.where == "M" and fault(m) == (LOAD_PF, VA + 0x1000)
    assert m.csr("mepc") == m.CODE + 12


def test_guest_sum_change_takes_effect_without_a_fence(m) -> None:
    guest = Guest(m)
    guest.map_data(vs_flags=V | R | U | A | D)
    m.set_csr("vsstatus", SUM)
    code = "ld a0, 0(a1)\ncsrc sstatus, a2\nld a3, 0(a1)"
    s = enter(m, code, "VS", regs={11: GVA, 12: SUM})
    assert s.where == "M" and guest_fault(m)["cause"] == LOAD_PF
    assert m.csr("mepc") == m.CODE + 8


def test_mprv_change_inside_m_mode_code(m) -> None:
    """Loads right after setting/clearing MPRV use the new translation at once."""
    pt = host_paging(m)
    alias = DATA_PA + 0x2000  # read physically with MPRV=0, via satp with MPRV=1
    pt.map(alias, DATA_PA + 0x3000, V | R | A)
    m.mem.write(alias, 8, 0x1111)
    m.mem.write(DATA_PA + 0x3000, 8, 0x3333)
    m.set_csr("mstatus", PRV_S << MPP_SHIFT)
    code = "ld a0, 0(a2)\ncsrs mstatus, a3\nld a4, 0(a2)\ncsrc mstatus, a3\nld a5, 0(a2)"
    s = enter(m, code, "M", regs={12: alias, 13: MPRV})
    assert s.where == "end"
    x = m.hart.x
    assert (x[10], x[14], x[15]) == (0x1111, 0x3333, 0x1111)


# ---- A/D updates --------------------------------------------------------------------------------
def test_accessed_and_dirty_bits_single_stage(m) -> None:
    pt = host_paging(m)
    leaf = pt.map(VA, DATA_PA, V | R | W)
    assert load(m, VA)[0] == "end"
    assert pt.read_pte(leaf) & (A | D) == A  # a load sets A only
    s = enter(m, "sd a0, 0(a1)", "HS", regs={11: VA})
    assert s.where == "end"
    assert pt.read_pte(leaf) & (A | D) == A | D


# ---- ASIDs and fences (single stage) ------------------------------------------------------------
def test_satp_switch_to_another_asid_uses_its_own_tables(m) -> None:
    pt1 = host_paging(m, asid=1)
    pt1.map(VA, DATA_PA, V | R | A)
    pt2 = m.page_tables(3)
    pt2.map(m.CODE, m.CODE, V | R | X | A)
    pt2.map(VA, DATA_PA + 0x1000, V | R | A)
    m.mem.write(DATA_PA, 8, MAGIC)
    m.mem.write(DATA_PA + 0x1000, 8, MAGIC2)
    assert load(m, VA) == ("end", MAGIC)
    m.set_csr("satp", pt2.atp(SV39, 2))
    assert load(m, VA) == ("end", MAGIC2)
    m.set_csr("satp", pt1.atp(SV39, 1))
    assert load(m, VA) == ("end", MAGIC)


def test_sfence_vma_makes_a_changed_pte_visible(m) -> None:
    """Without a fence the hart may keep using the old translation (this one does: it caches
    translations, which is what this test checks first); after SFENCE.VMA it must not."""
    pt = host_paging(m)
    leaf = pt.map(VA, DATA_PA, V | R | A)
    m.mem.write(DATA_PA, 8, MAGIC)
    m.mem.write(DATA_PA + 0x1000, 8, MAGIC2)
    assert load(m, VA) == ("end", MAGIC)
    pt.write_pte(leaf, (((DATA_PA + 0x1000) >> 12) << 10) | V | R | A)
    assert load(m, VA) == ("end", MAGIC)  # stale entry still in use
    assert load(m, VA, insn="sfence.vma a1, zero\nld a0, 0(a1)") == ("end", MAGIC2)


def test_sfence_vma_all(m) -> None:
    pt = host_paging(m)
    leaf = pt.map(VA, DATA_PA, V | R | A)
    m.mem.write(DATA_PA, 8, MAGIC)
    m.mem.write(DATA_PA + 0x1000, 8, MAGIC2)
    assert load(m, VA) == ("end", MAGIC)
    pt.write_pte(leaf, 0)  # unmapped now
    assert load(m, VA, insn="sfence.vma\nld a0, 0(a1)")[0] == "M"
    assert fault(m) == (LOAD_PF, VA)


# ---- MPRV ---------------------------------------------------------------------------------------
def test_mprv_translates_m_mode_loads_as_mpp(m) -> None:
    pt = host_paging(m)
    pt.map(VA, DATA_PA, V | R | A)
    m.mem.write(DATA_PA, 8, MAGIC)
    m.set_csr("mstatus", MPRV | (PRV_S << MPP_SHIFT))
    assert load(m, VA, mode="M") == ("end", MAGIC)
    m.set_csr("mstatus", MPRV | (PRV_U << MPP_SHIFT))  # page is not U: fault
    assert load(m, VA, mode="M")[0] == "M" and fault(m) == (LOAD_PF, VA)


# ---- two-stage environment ----------------------------------------------------------------------
GVA = 0x1_2345_6000  # guest virtual page of the data
GPA = 0x2000_3000  # its guest physical page
HPA = DATA_PA + 0x5000  # and where it really is


class Guest:
    """hgatp (Sv39x4/Sv48x4) and optionally vsatp (Sv39/Sv48) tables for a guest whose code
    page is identity-mapped at both stages.  VS tables are allocated in host memory and
    mapped identity at the G-stage page by page (``table_leaves`` records those G leaves)."""

    def __init__(self, m, vs_levels: int | None = 3, g_levels: int = 3, user=False, vmid=0):
        self.m = m
        self.g = m.page_tables(g_levels, gstage=True)
        self.g.map(m.CODE, m.CODE, V | R | X | U | A)
        self.table_leaves: dict[int, int] = {}
        self.vs = None
        if vs_levels:
            self.vs = m.page_tables(vs_levels, alloc=self._alloc_table)
            self.vs.map(m.CODE, m.CODE, V | R | X | A | (U if user else 0))
            m.set_csr("vsatp", self.vs.atp(MODE_OF[vs_levels]))
        else:
            m.set_csr("vsatp", 0)
        self.hgatp = self.g.atp(MODE_OF[g_levels], vmid)
        m.set_csr("hgatp", self.hgatp)

    def _alloc_table(self, pages: int, align: int) -> int:
        addr = self.m.alloc_host(pages, align)
        for i in range(pages):
            page = addr + (i << 12)
            self.table_leaves[page] = self.g.map(page, page, V | R | W | U | A | D)
        return addr

    def map_data(self, vs_flags=V | R | W | A | D, g_flags=V | R | W | U | A | D):
        """GVA -> GPA (VS stage, if any) -> HPA (G stage); returns (vs leaf, g leaf)."""
        vs_leaf = self.vs.map(GVA, GPA, vs_flags) if self.vs else None
        g_leaf = self.g.map(GPA, HPA, g_flags)
        return vs_leaf, g_leaf


def guest_fault(m, level: str = "M") -> dict[str, int]:
    if level == "M":
        names = ("mcause", "mtval", "mtval2", "mtinst")
        gva = bool(m.csr("mstatus") & GVA_M)
    else:
        names = ("scause", "stval", "htval", "htinst")
        gva = bool(m.csr("hstatus") & GVA_H)
    cause, tval, tval2, tinst = (m.csr(n) for n in names)
    return {"cause": cause, "tval": tval, "tval2": tval2, "tinst": tinst, "gva": gva}


@pytest.mark.parametrize("vs_levels", [3, 4])
@pytest.mark.parametrize("g_levels", [3, 4])
def test_two_stage_load_and_store(m, vs_levels: int, g_levels: int) -> None:
    guest = Guest(m, vs_levels, g_levels)
    guest.map_data()
    m.mem.write(HPA + 0x40, 8, MAGIC)
    assert load(m, GVA + 0x40, "VS") == ("end", MAGIC)
    s = enter(m, "sd a2, 0x48(a1)", "VS", regs={11: GVA, 12: MAGIC2})
    assert s.where == "end" and m.mem.read(HPA + 0x48, 8) == MAGIC2


@pytest.mark.parametrize(
    ("g_levels", "leaf", "gpa_base", "hpa_base"),
    [
        (3, 1, 0x1_0020_0000, 0x8000_0000),
        (3, 2, 0x1C0_0000_0000, 0x8000_0000),  # uses the two extra bits of Sv39x4's root index
        (4, 3, 0x0000_0000_0000, 0),
        (4, 2, 0x3_0000_4000_0000 & ~((1 << 30) - 1), 0x8000_0000),  # bits 49:48 set
    ],
)
def test_g_stage_superpages_and_wide_gpas(m, g_levels, leaf, gpa_base, hpa_base) -> None:
    guest = Guest(m, vs_levels=None, g_levels=g_levels)  # vsatp bare: GVA = GPA
    # X too: the Sv48x4 512 GiB leaf at GPA 0 also covers the code
    guest.g.map(gpa_base, hpa_base, V | R | W | X | U | A | D, level=leaf)
    target = DATA_PA + 0x310
    m.mem.write(target, 8, MAGIC)
    assert load(m, gpa_base + (target - hpa_base), "VS") == ("end", MAGIC)


@pytest.mark.parametrize(
    ("g_levels", "gpa"),
    [(3, 1 << 41), (3, (1 << 63) | 0x1000), (4, 1 << 50), (4, 1 << 55)],
)
def test_gpa_wider_than_the_g_stage_is_a_guest_page_fault(m, g_levels: int, gpa: int) -> None:
    """Sv39x4: GPA bits 63:41 must be zero (Sv48x4: 63:50), else a guest-page fault."""
    Guest(m, vs_levels=None, g_levels=g_levels)
    assert load(m, gpa, "VS")[0] == "M"
    f = guest_fault(m)
    assert f["cause"] == LOAD_GPF and f["tval"] == gpa and f["gva"]
    assert f["tval2"] in (0, gpa >> 2)


def test_g_stage_leaf_must_have_u(m) -> None:
    """All G-stage accesses are user-level: a leaf without U faults even for VS-mode."""
    guest = Guest(m)
    guest.map_data(g_flags=V | R | W | A | D)
    assert load(m, GVA, "VS")[0] == "M"
    assert guest_fault(m)["cause"] == LOAD_GPF


def test_guest_page_fault_reports_gva_gpa_and_transformed_load_to_hs(m) -> None:
    guest = Guest(m)
    guest.map_data(g_flags=0)  # invalid G-stage leaf
    m.set_csr("medeleg", 1 << LOAD_GPF)
    s = enter(m, "ld a0, 0x18(a1)", "VS", regs={11: GVA})
    assert s.where == "HS"
    f = guest_fault(m, "HS")
    assert f == {
        "cause": LOAD_GPF,
        "tval": GVA + 0x18,
        "tval2": (GPA + 0x18) >> 2,
        # ld a0, 0(x0): funct3, rd and opcode kept, immediate and rs1 zeroed
        "tinst": (10 << 7) | (3 << 12) | 0x03,
        "gva": True,
    }
    hs = m.csr("hstatus")
    assert hs & SPV and hs & SPVP


def test_guest_page_fault_to_m_uses_mtval2_and_mtinst(m) -> None:
    guest = Guest(m)
    guest.map_data(g_flags=V | R | U | A | D)  # read-only at the G stage
    s = enter(m, "sd a2, 0x20(a1)", "VS", regs={11: GVA, 12: 1})
    assert s.where == "M"
    f = guest_fault(m)
    assert f == {
        "cause": STORE_GPF,
        "tval": GVA + 0x20,
        "tval2": (GPA + 0x20) >> 2,
        "tinst": (12 << 20) | (3 << 12) | 0x23,  # sd a2, 0(x0)
        "gva": True,
    }
    st = m.csr("mstatus")
    assert st & MPV and (st >> MPP_SHIFT) & 3 == PRV_S


def test_transformed_compressed_load_clears_bit_1(m) -> None:
    guest = Guest(m)
    guest.map_data(g_flags=V | W | U | A | D)  # no read permission
    s = enter(m, ".option rvc\nc.ld a0, 8(a1)\n.option norvc", "VS", regs={11: GVA})
    assert s.where == "M"
    f = guest_fault(m)
    assert f["cause"] == LOAD_GPF and f["tval"] == GVA + 8
    assert f["tinst"] == ((10 << 7) | (3 << 12) | 0x03) & ~0x2  # ld a0, 0(x0), bit 1 = 0


def test_misaligned_access_faulting_on_second_page_reports_that_page(m) -> None:
    """A misaligned load straddling into an unmapped guest page: stval is the faulting portion
    (the page boundary), htval its GPA, htinst's Addr. Offset = stval - original address."""
    guest = Guest(m)
    guest.map_data()  # GVA page mapped; GVA + 0x1000 is not (VS stage maps it to GPA + 0x1000)
    guest.vs.map(GVA + 0x1000, GPA + 0x1000, V | R | W | A | D)
    start = GVA + 0xFFC
    s = enter(m, "ld a0, 0(a1)", "VS", regs={11: start})
    assert s.where == "M"
    f = guest_fault(m)
    assert f["cause"] == LOAD_GPF
    assert f["tval"] == GVA + 0x1000
    assert f["tval2"] in (0, (GPA + 0x1000) >> 2)
    assert f["tinst"] in (0, (10 << 7) | (3 << 12) | 0x03 | (4 << 15))


@pytest.mark.parametrize(
    ("insn", "cause"),
    [("amoadd.d a0, a2, (a1)", STORE_GPF), ("lr.w a0, (a1)", LOAD_GPF)],
)
def test_atomic_guest_page_fault_reports_the_transformed_atomic(m, insn: str, cause) -> None:
    """Transformed atomic instruction: all fields kept except rs1 (the Addr. Offset, 0)."""
    guest = Guest(m)
    guest.map_data(g_flags=0)
    s = enter(m, insn, "VS", regs={11: GVA + 0x40, 12: 1})
    assert s.where == "M"
    f = guest_fault(m)
    assert f["cause"] == cause and f["tval"] == GVA + 0x40
    assert f["tval2"] == (GPA + 0x40) >> 2
    assert f["tinst"] == m.mem.read(m.CODE, 4) & ~(0x1F << 15)


def test_guest_access_fault_sets_gva(m) -> None:
    """A guest-physical address mapped to nothing: access fault with the guest VA in mtval."""
    guest = Guest(m)
    guest.vs.map(GVA, GPA, V | R | W | A | D)
    guest.g.map(GPA, 0x1000_0000, V | R | W | U | A | D)  # no RAM or device there
    assert load(m, GVA + 8, "VS")[0] == "M"
    f = guest_fault(m)
    assert f["cause"] == LOAD_ACCESS and f["tval"] == GVA + 8 and f["gva"]
    assert f["tval2"] == 0


def test_fetch_guest_page_fault(m) -> None:
    guest = Guest(m)
    page = m.CODE + 0x1000
    guest.vs.map(page, page, V | R | X | A)  # mapped at the VS stage only
    m.place(page, "nop\nj .")
    s = enter(m, f"li t0, {page:#x}\njr t0", "VS")
    assert s.where == "M"
    f = guest_fault(m)
    assert f["cause"] == FETCH_GPF and f["tval"] == page and f["gva"]
    assert f["tval2"] == page >> 2
    assert f["tinst"] == 0  # only zero (or a pseudoinstruction) for fetch faults


def test_fetch_guest_page_fault_on_the_second_half_of_an_instruction(m) -> None:
    """stval/mtval = the faulting portion (the page boundary), mtval2 = its GPA >> 2, mepc =
    the start of the instruction."""
    guest = Guest(m)
    page = m.CODE + 0x1000  # code continues onto this page, mapped at the VS stage only
    guest.vs.map(page, page, V | R | X | A)
    start = page - 2
    code = m.asm("li a1, 7\nj .", start)
    m.mem.write_bytes(start, code)
    s = enter(m, f"li t0, {start:#x}\njr t0", "VS")
    assert s.where == "M"
    f = guest_fault(m)
    assert f["cause"] == FETCH_GPF and f["tval"] == page and f["gva"]
    assert f["tval2"] in (0, page >> 2)
    assert m.csr("mepc") == start


def test_implicit_pte_read_fault_reports_pseudoinstruction(m) -> None:
    """VS root table not mapped at the G stage: a guest-page fault for the *load*, htval =
    GPA of the PTE >> 2, htinst = 0x3000 (64-bit implicit read)."""
    guest = Guest(m)
    guest.map_data()
    root = guest.vs.root
    guest.g.write_pte(guest.table_leaves[root], 0)
    m.set_csr("medeleg", 1 << FETCH_GPF)
    s = enter(m, "ld a0, 0(a1)", "VS", regs={11: GVA})
    # the code fetch itself walks the VS tables first: that is an instruction guest-page fault
    assert s.where == "HS"
    f = guest_fault(m, "HS")
    assert f["cause"] == FETCH_GPF
    vpn2 = (m.CODE >> 30) & 0x1FF
    assert f["tval2"] == (root + 8 * vpn2) >> 2
    assert f["tinst"] == 0x3000 and f["gva"]


def test_implicit_pte_read_fault_during_a_load(m) -> None:
    guest = Guest(m)
    guest.map_data()
    leaf_table = guest.vs.pte_addr(GVA, 0) & ~0xFFF  # the level-0 table of GVA
    assert leaf_table != guest.vs.pte_addr(m.CODE, 0) & ~0xFFF
    guest.g.write_pte(guest.table_leaves[leaf_table], 0)
    s = enter(m, "ld a0, 0(a1)", "VS", regs={11: GVA})
    assert s.where == "M"
    f = guest_fault(m)
    assert f["cause"] == LOAD_GPF and f["tval"] == GVA and f["gva"]
    assert f["tval2"] == guest.vs.pte_addr(GVA, 0) >> 2
    assert f["tinst"] == 0x3000


def test_implicit_pte_write_fault_reports_write_pseudoinstruction(m) -> None:
    """Setting A in a VS PTE is an implicit write checked at the G stage: with the table page
    read-only there, the fault (reported for the original load) carries htinst 0x3020."""
    guest = Guest(m)
    guest.map_data(vs_flags=V | R | W)  # A clear: the walk must write the PTE
    leaf = guest.vs.pte_addr(GVA, 0)
    table = leaf & ~0xFFF
    guest.g.write_pte(guest.table_leaves[table], ((table >> 12) << 10) | V | R | U | A | D)
    s = enter(m, "ld a0, 0(a1)", "VS", regs={11: GVA})
    assert s.where == "M"
    f = guest_fault(m)
    assert f["cause"] == LOAD_GPF and f["tval"] == GVA
    assert f["tval2"] == leaf >> 2
    assert f["tinst"] == 0x3020


def test_accessed_and_dirty_bits_at_both_stages(m) -> None:
    guest = Guest(m)
    vs_leaf, g_leaf = guest.map_data(vs_flags=V | R | W, g_flags=V | R | W | U)
    table = vs_leaf & ~0xFFF
    table_leaf = guest.table_leaves[table]
    guest.g.write_pte(table_leaf, ((table >> 12) << 10) | V | R | W | U | A)  # D clear
    assert load(m, GVA, "VS")[0] == "end"
    assert guest.vs.read_pte(vs_leaf) & (A | D) == A
    assert guest.g.read_pte(g_leaf) & (A | D) == A
    # writing A into the VS PTE was a store through the G stage: its page became dirty
    assert guest.g.read_pte(table_leaf) & D
    s = enter(m, "sd a0, 0(a1)", "VS", regs={11: GVA})
    assert s.where == "end"
    assert guest.vs.read_pte(vs_leaf) & (A | D) == A | D
    assert guest.g.read_pte(g_leaf) & (A | D) == A | D


def test_vs_stage_permissions_raise_ordinary_page_faults_with_gva(m) -> None:
    guest = Guest(m)
    guest.map_data(vs_flags=V | R | A | D)  # read-only at the VS stage
    m.set_csr("medeleg", 1 << STORE_PF)
    s = enter(m, "sd a0, 0(a1)", "VS", regs={11: GVA + 8})
    assert s.where == "HS"
    f = guest_fault(m, "HS")
    assert f["cause"] == STORE_PF and f["tval"] == GVA + 8 and f["gva"]
    assert f["tval2"] == 0


def test_vsstatus_sum_and_mxr_rules(m) -> None:
    """With V=1, vsstatus.SUM applies (not the HS-level SUM); vsstatus.MXR only overrides the
    VS stage, HS-level MXR overrides both stages."""
    guest = Guest(m)
    guest.map_data(vs_flags=V | R | U | A | D)
    m.set_csr("mstatus", SUM)
    assert load(m, GVA, "VS")[0] == "M"
    assert guest_fault(m)["cause"] == LOAD_PF
    m.set_csr("vsstatus", SUM)
    m.set_csr("mstatus", 0)
    assert load(m, GVA, "VS")[0] == "end"
    # execute-only at both stages
    guest.map_data(vs_flags=V | X | A | D, g_flags=V | X | U | A | D)
    assert enter(m, "hfence.gvma\nhfence.vvma", "HS").where == "end"
    m.set_csr("vsstatus", MXR)
    assert load(m, GVA, "VS")[0] == "M"
    assert guest_fault(m)["cause"] == LOAD_GPF  # VS-stage passed, G-stage did not
    m.set_csr("vsstatus", 0)
    m.set_csr("mstatus", MXR)  # takes effect at once: no fence is needed for a CSR bit
    assert load(m, GVA, "VS")[0] == "end"


# ---- HLV / HLVX / HSV ---------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["M", "HS", "U"])
def test_hlv_and_hsv_access_guest_memory(m, mode: str) -> None:
    guest = Guest(m)
    guest.map_data()
    m.set_csr("hstatus", SPVP | (HU if mode == "U" else 0))
    if mode == "U":  # U-mode code needs its own (HS-level) mapping
        host_paging(m, user=True)
    m.mem.write(HPA + 0x10, 8, MAGIC)
    code = "hlv.d a0, (a1)\nhlv.w a2, (a1)\nhlv.bu a3, (a1)\nhsv.d a4, (a5)\nhlv.hu a6, (a5)"
    s = enter(m, code, mode, regs={11: GVA + 0x10, 14: MAGIC2, 15: GVA + 0x20})
    assert s.where == "end"
    x = m.hart.x
    assert x[10] == MAGIC
    assert x[12] == 0x5566_7788  # sign bit clear: same either way
    assert x[13] == 0x88
    assert m.mem.read(HPA + 0x20, 8) == MAGIC2
    assert x[16] == MAGIC2 & 0xFFFF
    assert not m.hart.virt


def test_hlv_sign_extends(m) -> None:
    guest = Guest(m)
    guest.map_data()
    m.set_csr("hstatus", SPVP)
    m.mem.write(HPA, 8, 0x8000_0000_8080_8080)
    s = enter(m, "hlv.b a0, (a1)\nhlv.h a2, (a1)\nhlv.w a3, (a1)\nhlv.wu a4, (a1)", "HS",
              regs={11: GVA})  # fmt: skip
    assert s.where == "end"
    x = m.hart.x
    assert (x[10], x[12], x[13], x[14]) == (
        M64 - 0x7F,
        M64 - 0x7F7F,
        0xFFFF_FFFF_8080_8080,
        0x8080_8080,
    )


@pytest.mark.parametrize(
    ("spvp", "vs_flags", "vsstatus", "ok"),
    [
        (SPVP, V | R | A | D, 0, True),  # as VS: supervisor page
        (0, V | R | A | D, 0, False),  # as VU: needs U
        (0, V | R | U | A | D, 0, True),
        (SPVP, V | R | U | A | D, 0, False),  # as VS: U page needs vsstatus.SUM
        (SPVP, V | R | U | A | D, SUM, True),
    ],
)
def test_hlv_effective_privilege_is_spvp(m, spvp, vs_flags, vsstatus, ok) -> None:
    guest = Guest(m)
    guest.map_data(vs_flags=vs_flags)
    m.set_csr("hstatus", spvp)
    m.set_csr("vsstatus", vsstatus)
    m.set_csr("mstatus", SUM)  # the HS-level SUM is ignored by HLV
    s = enter(m, "hlv.d a0, (a1)", "HS", regs={11: GVA})
    if ok:
        assert s.where == "end"
    else:
        assert s.where == "M"
        f = guest_fault(m)
        assert f["cause"] == LOAD_PF and f["tval"] == GVA and f["gva"]


def test_hlvx_needs_execute_not_read(m) -> None:
    guest = Guest(m)
    guest.map_data(vs_flags=V | X | A | D, g_flags=V | X | U | A | D)  # execute-only
    m.set_csr("hstatus", SPVP)
    m.mem.write(HPA, 8, MAGIC)
    s = enter(m, "hlvx.wu a0, (a1)\nhlvx.hu a2, (a1)", "HS", regs={11: GVA})
    assert s.where == "end"
    assert m.hart.x[10] == MAGIC & 0xFFFF_FFFF and m.hart.x[12] == MAGIC & 0xFFFF
    s = enter(m, "hlv.wu a0, (a1)", "HS", regs={11: GVA})  # plain HLV needs R
    assert s.where == "M" and guest_fault(m)["cause"] == LOAD_PF


def test_hlvx_on_readable_non_executable_page_raises_a_load_fault(m) -> None:
    """HLVX faults are load faults (not fetch faults), at either stage."""
    guest = Guest(m)
    guest.map_data(vs_flags=V | R | W | A | D)
    m.set_csr("hstatus", SPVP)
    s = enter(m, "hlvx.hu a0, (a1)", "HS", regs={11: GVA})
    assert s.where == "M" and guest_fault(m)["cause"] == LOAD_PF
    guest.map_data(vs_flags=V | R | X | A | D, g_flags=V | R | U | A | D)
    assert enter(m, "hfence.gvma\nhfence.vvma", "HS").where == "end"
    s = enter(m, "hlvx.hu a0, (a1)", "HS", regs={11: GVA})
    assert s.where == "M" and guest_fault(m)["cause"] == LOAD_GPF


def test_hs_level_mxr_lets_hlv_read_execute_only_pages_at_both_stages(m) -> None:
    guest = Guest(m)
    guest.map_data(vs_flags=V | X | A | D, g_flags=V | X | U | A | D)
    m.set_csr("hstatus", SPVP)
    m.set_csr("vsstatus", MXR)  # VS stage only: the G stage still refuses
    s = enter(m, "hlv.d a0, (a1)", "HS", regs={11: GVA})
    assert s.where == "M" and guest_fault(m)["cause"] == LOAD_GPF
    m.set_csr("vsstatus", 0)
    m.set_csr("mstatus", MXR)
    s = enter(m, "hlv.d a0, (a1)", "HS", regs={11: GVA})
    assert s.where == "end"


def test_hlv_fault_from_hs_sets_gva_but_not_spv(m) -> None:
    """ "when the explicit memory access of an HLV ... causes a fault ... SPV=0 but GVA=1"."""
    guest = Guest(m)
    guest.map_data(g_flags=V | W | U | A | D)  # W without R: reserved -> guest-page fault
    m.set_csr("hstatus", SPVP)
    m.set_csr("medeleg", 1 << LOAD_GPF)
    s = enter(m, "hlv.d a0, (a1)", "HS", regs={11: GVA + 0x30})
    assert s.where == "HS"
    f = guest_fault(m, "HS")
    assert f["cause"] == LOAD_GPF and f["tval"] == GVA + 0x30 and f["gva"]
    assert f["tval2"] == (GPA + 0x30) >> 2
    raw = m.mem.read(m.CODE, 4)
    assert f["tinst"] == raw & ~(0x1F << 15)  # transformed HLV: rs1 replaced by offset 0
    assert not m.csr("hstatus") & SPV


# ---- fences and VMIDs (two stage) ---------------------------------------------------------------
def test_hfence_vvma_makes_a_changed_vs_pte_visible(m) -> None:
    guest = Guest(m)
    vs_leaf, _ = guest.map_data()
    guest.g.map(GPA + 0x1000, HPA + 0x1000, V | R | W | U | A | D)
    m.mem.write(HPA, 8, MAGIC)
    m.mem.write(HPA + 0x1000, 8, MAGIC2)
    assert load(m, GVA, "VS") == ("end", MAGIC)
    guest.vs.write_pte(vs_leaf, (((GPA + 0x1000) >> 12) << 10) | V | R | A | D)
    assert load(m, GVA, "VS") == ("end", MAGIC)  # stale (cached) until a fence
    assert enter(m, "hfence.vvma", "HS").where == "end"
    assert load(m, GVA, "VS") == ("end", MAGIC2)


def test_sfence_vma_in_vs_mode_flushes_vs_translations(m) -> None:
    guest = Guest(m)
    vs_leaf, _ = guest.map_data()
    guest.g.map(GPA + 0x1000, HPA + 0x1000, V | R | W | U | A | D)
    m.mem.write(HPA, 8, MAGIC)
    m.mem.write(HPA + 0x1000, 8, MAGIC2)
    assert load(m, GVA, "VS") == ("end", MAGIC)
    guest.vs.write_pte(vs_leaf, (((GPA + 0x1000) >> 12) << 10) | V | R | A | D)
    assert load(m, GVA, "VS", insn="sfence.vma a1\nld a0, 0(a1)") == ("end", MAGIC2)


def test_hfence_gvma_makes_a_changed_g_pte_visible(m) -> None:
    guest = Guest(m)
    _, g_leaf = guest.map_data()
    m.mem.write(HPA, 8, MAGIC)
    m.mem.write(HPA + 0x2000, 8, MAGIC2)
    assert load(m, GVA, "VS") == ("end", MAGIC)
    guest.g.write_pte(g_leaf, (((HPA + 0x2000) >> 12) << 10) | V | R | W | U | A | D)
    assert load(m, GVA, "VS") == ("end", MAGIC)  # stale until HFENCE.GVMA
    assert enter(m, "hfence.gvma", "HS").where == "end"
    assert load(m, GVA, "VS") == ("end", MAGIC2)


def test_vmid_tagged_translations_survive_hgatp_switches(m) -> None:
    """Two VMs map the same GVA to different memory.  Switching hgatp never mixes them up; the
    entries of VMID 1 survive a switch to VMID 2 and back (a changed G PTE of VM 1 stays
    invisible until HFENCE.GVMA for VMID 1)."""
    vm1 = Guest(m, vmid=1)
    _, g1 = vm1.map_data()
    vsatp1 = m.csr("vsatp")
    vm2 = Guest(m, vmid=2)
    vm2.vs.map(GVA, GPA, V | R | W | A | D)
    vm2.g.map(GPA, HPA + 0x3000, V | R | W | U | A | D)
    vsatp2 = m.csr("vsatp")
    m.mem.write(HPA, 8, MAGIC)
    m.mem.write(HPA + 0x3000, 8, MAGIC2)
    m.mem.write(HPA + 0x4000, 8, 0x4444)

    def switch(vm, vsatp) -> None:
        m.set_csr("vsatp", 0)  # the order the H spec recommends for a world switch
        m.set_csr("hgatp", vm.hgatp)
        m.set_csr("vsatp", vsatp)

    switch(vm1, vsatp1)
    assert load(m, GVA, "VS") == ("end", MAGIC)
    switch(vm2, vsatp2)
    assert load(m, GVA, "VS") == ("end", MAGIC2)
    vm1.g.write_pte(g1, (((HPA + 0x4000) >> 12) << 10) | V | R | W | U | A | D)
    switch(vm1, vsatp1)
    assert load(m, GVA, "VS") == ("end", MAGIC)  # VMID 1's cached entry
    # HFENCE.GVMA for another VMID leaves VMID 1 alone; for VMID 1 it drops the entry
    assert enter(m, "li t0, 2\nhfence.gvma zero, t0", "HS").where == "end"
    assert load(m, GVA, "VS") == ("end", MAGIC)
    assert enter(m, "li t0, 1\nhfence.gvma zero, t0", "HS").where == "end"
    assert load(m, GVA, "VS") == ("end", 0x4444)
    switch(vm2, vsatp2)
    assert load(m, GVA, "VS") == ("end", MAGIC2)


def test_mprv_with_mpv_uses_two_stage_translation(m) -> None:
    guest = Guest(m)
    guest.map_data()
    m.mem.write(HPA, 8, MAGIC)
    m.set_csr("mstatus", MPRV | MPV | (PRV_S << MPP_SHIFT))
    assert load(m, GVA, "M") == ("end", MAGIC)
