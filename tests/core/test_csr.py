"""CSR behaviour from the privileged specification, driven by real CSR instructions.

Each check places a tiny program, enters the privilege mode under test directly (``priv``,
``virt``), runs it and looks at what happened: the program ran to its end, or it trapped to
M-mode (nothing is delegated here) with ``mcause`` 2 (illegal instruction) or 22 (virtual
instruction).  Expected outcomes are computed from the spec's rules written out below, not
taken from the hart:

* privileged spec, "CSR Address Mapping Conventions": bits [11:10] = 3 mark a read-only CSR,
  bits [9:8] the lowest privilege level that may access it;
* H extension, "Hypervisor and Virtual Supervisor CSRs" and "Trap Cause Codes": with V=1,
  hypervisor/VS CSRs (and S CSRs from VU) raise virtual-instruction when HS-mode could have
  done the same access; M CSRs raise illegal-instruction; S CSR numbers reach the VS CSRs;
* counters: mcounteren, then hcounteren (V=1, virtual-instruction), then scounteren;
* WARL fields: mstatus.MPP, xtvec.MODE, satp/hgatp MODE, hgatp VMID and PPN[1:0], the
  delegation registers' read-only bits, misa;
* Sstc: stimecmp/vstimecmp access under menvcfg/henvcfg.STCE and the TM counter-enable bits.
"""

from __future__ import annotations

import itertools

import pytest

PRV_U, PRV_S, PRV_M = 0, 1, 3
MODES = {"M": (PRV_M, False), "HS": (PRV_S, False), "U": (PRV_U, False)}
MODES |= {"VS": (PRV_S, True), "VU": (PRV_U, True)}
ILLEGAL, VIRTUAL = 2, 22
OUTCOME = {ILLEGAL: "illegal", VIRTUAL: "virtual"}
M64 = (1 << 64) - 1

# mstatus fields
SIE, MIE, SPIE, MPIE, SPP = 1 << 1, 1 << 3, 1 << 5, 1 << 7, 1 << 8
MPP_SHIFT = 11
MPP = 3 << MPP_SHIFT
SUM, MXR, TVM, TW, TSR = 1 << 18, 1 << 19, 1 << 20, 1 << 21, 1 << 22
# hstatus fields
VTVM = 1 << 20
# interrupts
SSIP, VSSIP, STIP, VSTIP, MTIP, SEIP, VSEIP, SGEIP = (1 << i for i in (1, 2, 5, 6, 7, 9, 10, 12))
STCE = 1 << 63
TM = 1 << 1


def attempt(m, code: str, mode: str, regs: dict[int, int] | None = None, budget: int = 200) -> str:
    """Run ``code`` in ``mode``: "ok", "illegal", "virtual" (or a stray cause number)."""
    priv, virt = MODES[mode]
    s = m.run(code, priv=priv, virt=virt, regs=regs, budget=budget)
    if s.where == "end":
        return "ok"
    assert s.where == "M", f"{code!r} in {mode}: ended at {s.where}"
    cause = m.csr("mcause")
    return OUTCOME.get(cause, str(cause))


def csr_read(num: int) -> str:
    return f"csrrs a0, {num:#x}, zero"


def csr_write(num: int) -> str:
    # csrrc with a non-x0 source register is a write (of the unchanged value when t0 = 0)
    return f"li t0, 0\ncsrrc a0, {num:#x}, t0"


# ---- the CSR-number permission rule -------------------------------------------------------------
def expected_access(num: int, write: bool, mode: str) -> str:
    """The privileged spec's rule for an *implemented* CSR without extra conditions."""
    priv, virt = MODES[mode]
    if write and num >> 10 == 3:
        return "illegal"  # read-only: not even HS-mode may write it
    level = (num >> 8) & 3
    if not virt:
        needed = PRV_S if level == 2 else level  # hypervisor CSRs belong to HS-mode
        return "ok" if priv >= needed else "illegal"
    if level == 3:
        return "illegal"
    if level == 2 or (level == 1 and priv == PRV_U):
        return "virtual"
    return "ok"


# Implemented CSRs without extra access conditions (no counters, no TVM, no Sstc).
PLAIN_CSRS = {
    "mstatus": 0x300,
    "mscratch": 0x340,
    "mhartid": 0xF14,
    "mvendorid": 0xF11,
    "sscratch": 0x140,
    "sepc": 0x141,
    "sstatus": 0x100,
    "hstatus": 0x600,
    "hedeleg": 0x602,
    "htval": 0x643,
    "vsscratch": 0x240,
    "vsstatus": 0x200,
    "hgeip": 0xE12,
}


@pytest.mark.parametrize("write", [False, True], ids=["read", "write"])
@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("name", list(PLAIN_CSRS))
def test_csr_permission_rule(m, name: str, mode: str, write: bool) -> None:
    num = PLAIN_CSRS[name]
    code = csr_write(num) if write else csr_read(num)
    assert attempt(m, code, mode) == expected_access(num, write, mode)


# Numbers no RV64IMAC+H hart implements: custom, and the F extension's fflags/fcsr.
UNIMPLEMENTED = {"custom_7c0": 0x7C0, "custom_5c0": 0x5C0, "fflags": 0x001, "fcsr": 0x003}


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("name", list(UNIMPLEMENTED))
def test_unimplemented_csr_is_illegal_in_every_mode(m, name: str, mode: str) -> None:
    """An unimplemented CSR is an illegal instruction, never a virtual instruction."""
    assert attempt(m, csr_read(UNIMPLEMENTED[name]), mode) == "illegal"


def test_trap_value_of_illegal_and_virtual_csr_access(m) -> None:
    """mtval gets the instruction bits (the hart's documented choice; spec allows 0 or them),
    for virtual-instruction traps "the same as for an illegal-instruction trap"."""
    for mode, cause in (("U", ILLEGAL), ("VS", VIRTUAL)):
        assert attempt(m, "csrr a0, hstatus", mode) == OUTCOME[cause]
        insn = m.mem.read(m.csr("mepc"), 4)
        assert insn & 0x7F == 0x73 and insn >> 20 == 0x600  # it is the csrr of hstatus
        assert m.csr("mtval") == insn
        assert m.csr("mepc") == m.CODE


# ---- counters -----------------------------------------------------------------------------------
COUNTERS = {"cycle": 0xC00, "time": 0xC01, "instret": 0xC02, "hpmcounter3": 0xC03}


def expected_counter(bit_m: bool, bit_h: bool, bit_s: bool, mode: str) -> str:
    priv, virt = MODES[mode]
    if priv == PRV_M:
        return "ok"
    if not bit_m:
        return "illegal"
    if virt:
        if not bit_h or (priv == PRV_U and not bit_s):
            return "virtual"
        return "ok"
    return "ok" if priv == PRV_S or bit_s else "illegal"


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("name", list(COUNTERS))
def test_counter_enables(make_machine, name: str, mode: str) -> None:
    num = COUNTERS[name]
    bit = 1 << (num & 31)
    for bit_m, bit_h, bit_s in itertools.product((False, True), repeat=3):
        m = make_machine()
        other = 0xFFFF_FFFF & ~bit  # the other counters' bits must not matter
        m.set_csr("mcounteren", other | (bit if bit_m else 0))
        m.set_csr("hcounteren", other | (bit if bit_h else 0))
        m.set_csr("scounteren", other | (bit if bit_s else 0))
        got = attempt(m, csr_read(num), mode)
        assert got == expected_counter(bit_m, bit_h, bit_s, mode), (bit_m, bit_h, bit_s)


def test_counter_writes_are_illegal_even_from_m_mode(m) -> None:
    """cycle/time/instret are read-only numbers (0xC..): a write is illegal everywhere."""
    m.set_csr("mcounteren", M64 & 0xFFFF_FFFF)
    for mode in ("M", "HS"):
        assert attempt(m, csr_write(0xC00), mode) == "illegal"


def test_time_in_a_guest_adds_htimedelta(m) -> None:
    m.set_csr("mcounteren", 0x7)
    m.set_csr("hcounteren", 0x7)
    m.set_csr("htimedelta", (-5) & M64)
    code = "csrr a0, time"
    # time ticks once per 100 instructions here (10 MHz timebase, 1 GHz, CPI 1): with budgets
    # of 2 instructions both reads see the same platform time
    assert attempt(m, code, "HS", budget=2) == "ok"
    host = m.hart.x[10]
    assert attempt(m, code, "VS", budget=2) == "ok"
    assert m.hart.x[10] == (host - 5) & M64


# ---- TVM / VTVM on satp and hgatp ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "mode", "tvm", "vtvm", "expected"),
    [
        ("satp", "HS", False, False, "ok"),
        ("satp", "HS", True, False, "illegal"),
        ("satp", "VS", True, False, "ok"),  # TVM affects HS-mode only
        ("satp", "VS", False, True, "virtual"),
        ("satp", "HS", False, True, "ok"),  # VTVM affects VS-mode only
        ("satp", "VU", False, False, "virtual"),
        ("hgatp", "HS", False, False, "ok"),
        ("hgatp", "HS", True, False, "illegal"),
        ("hgatp", "M", True, False, "ok"),
        ("hgatp", "VS", False, False, "virtual"),
        ("vsatp", "HS", True, False, "ok"),  # TVM has no effect on vsatp
        ("vsatp", "VS", False, False, "virtual"),
    ],
)
def test_tvm_and_vtvm(m, name: str, mode: str, tvm: bool, vtvm: bool, expected: str) -> None:
    num = {"satp": 0x180, "hgatp": 0x680, "vsatp": 0x280}[name]
    m.set_csr("mstatus", TVM if tvm else 0)
    m.set_csr("hstatus", VTVM if vtvm else 0)
    for write in (False, True):
        code = csr_write(num) if write else csr_read(num)
        assert attempt(m, code, mode) == expected, "write" if write else "read"


# ---- WARL fields --------------------------------------------------------------------------------
def write_then_read(m, name: str, value: int, mode: str = "M") -> int:
    """Write ``value`` with csrw in ``mode`` and read the CSR back with csrr."""
    assert attempt(m, f"csrw {name}, a1\ncsrr a0, {name}", mode, {11: value}) == "ok"
    return m.hart.x[10]


@pytest.mark.parametrize("mpp", [0, 1, 2, 3])
def test_mstatus_mpp_holds_only_supported_modes(m, mpp: int) -> None:
    got = (write_then_read(m, "mstatus", mpp << MPP_SHIFT) & MPP) >> MPP_SHIFT
    if mpp == 2:
        assert got in (0, 1, 3)  # 2 is reserved: WARL keeps a legal value
    else:
        assert got == mpp


def test_mstatus_reports_64_bit_uxl_and_sxl(m) -> None:
    value = m.csr("mstatus")
    assert (value >> 32) & 3 == 2 and (value >> 34) & 3 == 2


@pytest.mark.parametrize("name", ["mtvec", "stvec", "vstvec"])
def test_tvec_mode_is_warl(m, name: str) -> None:
    base = m.DATA
    assert write_then_read(m, name, base | 1) == base | 1  # vectored
    assert write_then_read(m, name, base) == base  # direct
    for mode in (2, 3):  # reserved modes never read back
        got = write_then_read(m, name, base | mode)
        assert got & 3 in (0, 1), f"{name} mode {mode} read back as {got & 3}"


@pytest.mark.parametrize("mode_field", [1, 7, 10, 11, 15])
def test_satp_write_with_unsupported_mode_has_no_effect(m, mode_field: int) -> None:
    """ "If satp is written with an unsupported MODE, the entire write has no effect"
    (Sv57 = 10 is not implemented by this Sv39/Sv48 hart)."""
    good = (8 << 60) | (5 << 44) | 0x80123
    assert write_then_read(m, "satp", good) == good
    assert write_then_read(m, "satp", (mode_field << 60) | (7 << 44) | 0x80456) == good


def test_satp_accepts_sv39_sv48_and_bare(m) -> None:
    for value in ((8 << 60) | 0x80001, (9 << 60) | (0xABC << 44) | 0x80002, 0):
        assert write_then_read(m, "satp", value) == value


def identity_vsatp(m, asid: int = 3) -> int:
    """A vsatp value (Sv39) whose table maps the 1 GiB around RAM to itself for VS-mode."""
    pt = m.page_tables(3)
    pt.map(m.RAM_BASE, m.RAM_BASE, 0xCF, level=2)  # V R W X A D, not U
    return pt.atp(8, asid)


def test_satp_write_from_vs_with_unsupported_mode_leaves_vsatp_alone(m) -> None:
    """H: "when V=1, a write to satp with an unsupported MODE value is ignored"."""
    for good in (0, identity_vsatp(m)):
        m.set_csr("vsatp", good)
        assert attempt(m, "csrw satp, a1", "VS", {11: (10 << 60) | 0x80999}) == "ok"
        assert m.csr("vsatp") == good


def test_hgatp_vmid_width_and_root_alignment(make_machine) -> None:
    """VMIDLEN: write ones to every VMID bit and read back (LSBs implemented first, at most
    14 bits for Sv39x4); PPN[1:0] of a paged hgatp read as zero (16 KiB root)."""
    for vmidlen in (14, 7, 0):
        m = make_machine(vmidlen=vmidlen)
        got = write_then_read(m, "hgatp", (8 << 60) | (0x3FFF << 44) | 0x80003)
        vmid = (got >> 44) & 0x3FFF
        assert vmid == (1 << vmidlen) - 1
        assert got & 3 == 0
        assert got >> 60 == 8
        assert got & ((1 << 44) - 1) == 0x80000


def test_hgatp_unsupported_mode_still_writes_the_other_fields(m) -> None:
    """H spec: "A write to hgatp with an unsupported MODE value is not ignored as it is for
    satp. Instead, the fields of hgatp are WARL in the normal way": VMID and PPN take the
    written (legal) values and MODE keeps some supported value."""
    m.set_csr("hgatp", (8 << 60) | (1 << 44) | 0x80000)
    got = write_then_read(m, "hgatp", (10 << 60) | (2 << 44) | 0x80010)
    assert got >> 60 in (0, 8, 9)
    assert (got >> 44) & 0x3FFF == 2
    assert got & ((1 << 44) - 1) == 0x80010


def test_medeleg_cannot_delegate_ecall_from_m(m) -> None:
    got = write_then_read(m, "medeleg", M64)
    assert not got & (1 << 11)
    # the common exceptions can be delegated (what every OS relies on)
    for cause in (0, 2, 3, 8, 12, 13, 15):
        assert got & (1 << cause), cause


HEDELEG_WRITABLE = (1, 2, 3, 4, 5, 6, 7, 8, 12, 13, 15)
HEDELEG_ZERO = (9, 10, 11, 16, 20, 21, 22, 23)


def test_hedeleg_writable_and_read_only_zero_bits(m) -> None:
    """H spec table "Bits of hedeleg that must be writable or must be read-only zero"."""
    got = write_then_read(m, "hedeleg", M64, "HS")
    for bit in HEDELEG_WRITABLE:
        assert got & (1 << bit), f"hedeleg bit {bit} must be writable"
    for bit in HEDELEG_ZERO:
        assert not got & (1 << bit), f"hedeleg bit {bit} must be read-only zero"
    assert write_then_read(m, "hedeleg", 0, "HS") & 0xFFFF == 0


def test_mideleg_vs_interrupts_are_read_only_one(m) -> None:
    got = write_then_read(m, "mideleg", 0)
    assert got & (VSSIP | VSTIP | VSEIP) == VSSIP | VSTIP | VSEIP
    assert not got & (SSIP | STIP | SEIP)
    got = write_then_read(m, "mideleg", M64)
    assert got & (SSIP | STIP | SEIP) == SSIP | STIP | SEIP


def test_hideleg_only_vs_bits_are_writable(m) -> None:
    got = write_then_read(m, "hideleg", M64, "HS")
    assert got & 0xFFFF == VSSIP | VSTIP | VSEIP
    assert write_then_read(m, "hideleg", 0, "HS") & 0xFFFF == 0


def test_misa_describes_an_rv64_hart_with_h(m) -> None:
    misa = write_then_read(m, "misa", m.csr("misa"))
    assert misa >> 62 == 2
    for letter in "IMAFDCSUH":
        assert misa & (1 << (ord(letter) - ord("A"))), letter
    for letter in "EQV":
        assert not misa & (1 << (ord(letter) - ord("A"))), letter


def test_epc_registers_clear_bit_0(m) -> None:
    """IALIGN = 16 (C extension): xepc[0] is always zero."""
    for name in ("mepc", "sepc", "vsepc"):
        assert write_then_read(m, name, m.CODE + 3) == m.CODE + 2


def test_xlen_fields_say_64_bits(m) -> None:
    assert attempt(m, "csrr a0, sstatus\ncsrr a1, hstatus", "HS") == "ok"
    assert (m.hart.x[10] >> 32) & 3 == 2  # sstatus.UXL
    assert (m.hart.x[11] >> 32) & 3 == 2  # hstatus.VSXL
    assert attempt(m, "csrr a0, sstatus", "VS") == "ok"
    assert (m.hart.x[10] >> 32) & 3 == 2  # vsstatus.UXL


# ---- views and aliases --------------------------------------------------------------------------
def test_sstatus_is_a_restricted_view_of_mstatus(m) -> None:
    m.set_csr("mstatus", MIE | MPIE | (1 << MPP_SHIFT) | TVM | TW | SIE | SUM)
    assert attempt(m, "csrr a0, sstatus", "HS") == "ok"
    sstatus = m.hart.x[10]
    assert sstatus & (SIE | SUM) == SIE | SUM
    assert not sstatus & (MIE | MPIE | MPP | TVM | TW | TSR)
    # writes through sstatus reach mstatus, but only the S fields
    m.set_csr("mstatus", 0)
    all_ones = M64
    assert attempt(m, "csrw sstatus, a1", "HS", {11: all_ones}) == "ok"
    mstatus = m.csr("mstatus")
    assert mstatus & (SIE | SPIE | SPP | SUM | MXR) == SIE | SPIE | SPP | SUM | MXR
    assert not mstatus & (MIE | MPIE | MPP | TVM | TW | TSR)


def test_sie_and_sip_show_only_delegated_interrupts(m) -> None:
    m.set_csr("mie", SSIP | STIP | SEIP | MTIP)
    m.set_csr("mideleg", SSIP)
    assert attempt(m, "csrr a0, sie", "HS") == "ok"
    assert m.hart.x[10] & 0xFFF == SSIP
    m.set_csr("mideleg", SSIP | STIP | SEIP)
    assert attempt(m, "csrr a0, sie", "HS") == "ok"
    assert m.hart.x[10] & 0xFFF == SSIP | STIP | SEIP
    # sip.SSIP is writable from HS when delegated, and is mip.SSIP
    assert attempt(m, "csrs sip, a1\ncsrr a0, sip", "HS", {11: SSIP | STIP | SEIP}) == "ok"
    assert m.hart.x[10] & (SSIP | STIP | SEIP) == SSIP  # STIP/SEIP are read-only in sip
    assert m.csr("mip") & SSIP


def test_mip_vssip_is_writable_but_vstip_and_vseip_are_not(m) -> None:
    """mip.VSSIP aliases hvip.VSSIP; VSTIP/VSEIP are read-only in mip (and hip)."""
    code = "csrs mip, a1\ncsrr a0, hvip\ncsrs mip, a2\ncsrr a3, mip"
    assert attempt(m, code, "M", {11: VSSIP, 12: VSTIP | VSEIP}) == "ok"
    assert m.hart.x[10] & VSSIP
    assert not m.hart.x[13] & (VSTIP | VSEIP)


def test_hip_vssip_aliases_hvip_and_hie_has_only_vs_bits(m) -> None:
    assert attempt(m, "csrs hip, a1\ncsrr a0, hvip", "HS", {11: VSSIP}) == "ok"
    assert m.hart.x[10] & VSSIP
    got = write_then_read(m, "hie", M64, "HS")
    assert got & ~(VSSIP | VSTIP | VSEIP | SGEIP) & 0xFFFF == 0
    assert got & (VSSIP | VSTIP | VSEIP) == VSSIP | VSTIP | VSEIP
    assert m.csr("mie") & (VSSIP | VSTIP | VSEIP) == VSSIP | VSTIP | VSEIP  # mie aliases hie


ALIASED = [
    ("sscratch", "vsscratch"),
    ("sepc", "vsepc"),
    ("scause", "vscause"),
    ("stval", "vstval"),
    ("stvec", "vstvec"),
    ("satp", "vsatp"),
]


@pytest.mark.parametrize(("s_name", "vs_name"), ALIASED)
def test_supervisor_csrs_reach_vs_csrs_when_v_is_1(m, s_name: str, vs_name: str) -> None:
    value = identity_vsatp(m) if s_name == "satp" else m.DATA + 0x40
    m.set_csr(s_name, 0)
    m.set_csr(vs_name, 0)
    assert attempt(m, f"csrw {s_name}, a1\ncsrr a0, {s_name}", "VS", {11: value}) == "ok"
    assert m.hart.x[10] == value
    assert m.csr(vs_name) == value
    assert m.csr(s_name) == 0  # the HS-level register is untouched


def test_sstatus_reaches_vsstatus_when_v_is_1(m) -> None:
    m.set_csr("mstatus", 0)
    m.set_csr("vsstatus", 0)
    assert attempt(m, "csrs sstatus, a1\ncsrr a0, sstatus", "VS", {11: SIE | SUM}) == "ok"
    assert m.hart.x[10] & (SIE | SUM) == SIE | SUM
    assert m.csr("vsstatus") & (SIE | SUM) == SIE | SUM
    assert not m.csr("mstatus") & (SIE | SUM)


def test_sie_and_sip_reach_vsie_and_vsip_when_v_is_1(m) -> None:
    m.set_csr("hideleg", VSSIP | VSTIP | VSEIP)
    m.set_csr("mie", 0)
    # VS sets sie.STIE: that is hie.VSTIE (bit 6), seen as bit 5 by the guest
    assert attempt(m, "csrs sie, a1\ncsrr a0, sie", "VS", {11: STIP}) == "ok"
    assert m.hart.x[10] & 0xFFF == STIP
    assert m.csr("mie") & 0xFFF == VSTIP
    # a pending VS software interrupt (hvip.VSSIP) shows as sip.SSIP; the guest clears it
    m.set_csr("hvip", VSSIP)
    assert attempt(m, "csrr a0, sip\ncsrc sip, a1\ncsrr a2, sip", "VS", {11: SSIP}) == "ok"
    assert m.hart.x[10] & SSIP
    assert not m.hart.x[12] & SSIP
    assert not m.csr("hvip") & VSSIP
    # without delegation in hideleg, vsip/vsie bits read as zero
    m.set_csr("hideleg", 0)
    m.set_csr("hvip", VSSIP)
    assert attempt(m, "csrr a0, sip\ncsrr a1, sie", "VS") == "ok"
    assert m.hart.x[10] & 0xFFF == 0 and m.hart.x[11] & 0xFFF == 0


def test_scounteren_has_no_vs_twin(m) -> None:
    assert attempt(m, "csrw scounteren, a1", "VS", {11: 5}) == "ok"
    assert m.csr("scounteren") == 5


# ---- Sstc ---------------------------------------------------------------------------------------
def sstc_setup(m, menv: bool, mtm: bool, henv: bool = True, htm: bool = True) -> None:
    m.set_csr("menvcfg", STCE if menv else 0)
    m.set_csr("henvcfg", STCE if henv else 0)
    m.set_csr("mcounteren", TM if mtm else 0)
    m.set_csr("hcounteren", TM if htm else 0)


@pytest.mark.parametrize(
    ("menv", "mtm", "henv", "htm", "mode", "expected"),
    [
        (False, True, True, True, "HS", "illegal"),
        (True, False, True, True, "HS", "illegal"),
        (True, True, True, True, "HS", "ok"),
        (True, True, True, True, "M", "ok"),
        (False, False, False, False, "M", "ok"),
        (False, True, True, True, "VS", "illegal"),
        (True, False, True, True, "VS", "illegal"),
        (True, True, False, True, "VS", "virtual"),
        (True, True, True, False, "VS", "virtual"),
        (True, True, True, True, "VS", "ok"),
        (True, True, True, True, "U", "illegal"),
        (True, True, True, True, "VU", "virtual"),
    ],
)
def test_stimecmp_access(m, menv, mtm, henv, htm, mode: str, expected: str) -> None:
    sstc_setup(m, menv, mtm, henv, htm)
    assert attempt(m, "csrr a0, stimecmp", mode) == expected
    assert attempt(m, "li a1, 12345\ncsrw stimecmp, a1", mode) == expected


@pytest.mark.parametrize(
    ("menv", "mtm", "expected"),
    [
        (False, True, "illegal"),
        (True, False, "illegal"),
        (True, True, "ok"),
    ],
)
def test_vstimecmp_access_from_hs(m, menv: bool, mtm: bool, expected: str) -> None:
    """Sstc: "When STCE in menvcfg is zero, an attempt to access stimecmp or vstimecmp in a
    mode other than M-mode raises an illegal-instruction exception"; likewise when the TM bit
    of mcounteren is clear."""
    sstc_setup(m, menv, mtm)
    assert attempt(m, "csrr a0, vstimecmp", "HS") == expected


def test_stimecmp_from_vs_is_vstimecmp(m) -> None:
    sstc_setup(m, True, True)
    m.set_csr("stimecmp", 111)
    assert attempt(m, "li a1, 999\ncsrw stimecmp, a1\ncsrr a0, stimecmp", "VS") == "ok"
    assert m.hart.x[10] == 999
    assert m.csr("vstimecmp") == 999 and m.csr("stimecmp") == 111


def test_henvcfg_stce_is_read_only_zero_without_menvcfg_stce(m) -> None:
    m.set_csr("menvcfg", 0)
    assert write_then_read(m, "henvcfg", STCE, "HS") & STCE == 0
    m.set_csr("menvcfg", STCE)
    assert write_then_read(m, "henvcfg", STCE, "HS") & STCE == STCE


def test_stip_follows_stimecmp_when_stce_is_set(m) -> None:
    sstc_setup(m, True, True)
    m.set_csr("stimecmp", 0)  # time >= 0: pending
    assert m.csr("mip") & STIP
    m.set_csr("stimecmp", M64)
    assert not m.csr("mip") & STIP
    # with STCE, STIP is read-only in mip: a write does not set it
    assert attempt(m, "csrs mip, a1\ncsrr a0, mip", "M", {11: STIP}) == "ok"
    assert not m.hart.x[10] & STIP
    # without STCE, mip.STIP is the software-writable bit again
    m.set_csr("menvcfg", 0)
    assert attempt(m, "csrs mip, a1\ncsrr a0, mip", "M", {11: STIP}) == "ok"
    assert m.hart.x[10] & STIP


def test_vstip_follows_vstimecmp_plus_htimedelta(m) -> None:
    sstc_setup(m, True, True)
    now = m.csr("time")
    m.set_csr("htimedelta", 0)
    m.set_csr("vstimecmp", now + 10_000)
    assert not m.csr("hip") & VSTIP
    m.set_csr("htimedelta", 20_000)  # guest time = time + htimedelta is now past vstimecmp
    assert m.csr("hip") & VSTIP
    m.set_csr("htimedelta", 0)
    assert not m.csr("hip") & VSTIP
    m.set_csr("hvip", VSTIP)  # hvip.VSTIP is ORed in
    assert m.csr("hip") & VSTIP
    m.set_csr("hvip", 0)
    m.set_csr("henvcfg", 0)  # without henvcfg.STCE vstimecmp raises nothing
    m.set_csr("vstimecmp", 0)
    assert not m.csr("hip") & VSTIP
