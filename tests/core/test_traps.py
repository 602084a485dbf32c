"""Trap entry, delegation, interrupts and trap return, from the privileged spec and the H
extension ("Trap Entry", "Trap Return", "Hypervisor Interrupt Registers", "Trap Cause Codes").

Each test enters a privilege mode directly, runs a few instructions and checks where the hart
went (the M/HS/VS landing pads of the test machine, see conftest) and the trap CSRs.
"""

from __future__ import annotations

import itertools

import pytest

from hvsim.core.trap import StopReason

PRV_U, PRV_S, PRV_M = 0, 1, 3
MODES = {"M": (PRV_M, False), "HS": (PRV_S, False), "U": (PRV_U, False)}
MODES |= {"VS": (PRV_S, True), "VU": (PRV_U, True)}
INT = 1 << 63
M64 = (1 << 64) - 1

# exception causes
MISALIGNED_FETCH, ILLEGAL, BREAKPOINT = 0, 2, 3
ECALL_U, ECALL_HS, ECALL_VS, ECALL_M = 8, 9, 10, 11
LOAD_PAGE_FAULT, VIRTUAL = 13, 22
# interrupt numbers
SSI, VSSI, MSI, STI, VSTI, MTI, SEI, VSEI, MEI = 1, 2, 3, 5, 6, 7, 9, 10, 11
#: decreasing priority (privileged spec "mip/mie", H spec "hip/hie")
PRIORITY = (MEI, MSI, MTI, SEI, SSI, STI, VSEI, VSSI, VSTI)
M_LEVEL, S_LEVEL, VS_LEVEL = (MEI, MSI, MTI), (SEI, SSI, STI), (VSEI, VSSI, VSTI)

# status fields
SIE, MIE, SPIE, MPIE, SPP = 1 << 1, 1 << 3, 1 << 5, 1 << 7, 1 << 8
MPP_SHIFT = 11
MPRV, TVM, TW, TSR = 1 << 17, 1 << 20, 1 << 21, 1 << 22
GVA_M, MPV = 1 << 38, 1 << 39
GVA_H, SPV, SPVP, HU = 1 << 6, 1 << 7, 1 << 8, 1 << 9
VTVM, VTW, VTSR = 1 << 20, 1 << 21, 1 << 22


def enter(m, code: str, mode: str, budget: int = 200, regs=None):
    priv, virt = MODES[mode]
    return m.run(code, priv=priv, virt=virt, budget=budget, regs=regs)


def mpp(m) -> int:
    return (m.csr("mstatus") >> MPP_SHIFT) & 3


# ---- ECALL / EBREAK -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("mode", "cause"),
    [("U", ECALL_U), ("HS", ECALL_HS), ("VS", ECALL_VS), ("M", ECALL_M), ("VU", ECALL_U)],
)
def test_ecall_cause_per_mode(m, mode: str, cause: int) -> None:
    s = enter(m, "nop\necall", mode)
    assert s.where == "M"
    assert m.csr("mcause") == cause
    assert m.csr("mepc") == m.CODE + 4
    assert m.csr("mtval") == 0


@pytest.mark.parametrize("insn", ["ebreak", ".option rvc\nc.ebreak\n.option norvc"])
def test_ebreak_cause_and_tval(m, insn: str) -> None:
    """Breakpoint: cause 3, mepc = the EBREAK; mtval is 0 or the pc (the hart gives the pc)."""
    s = enter(m, f"nop\n{insn}", "M")
    assert s.where == "M"
    assert m.csr("mcause") == BREAKPOINT
    assert m.csr("mepc") == m.CODE + 4
    assert m.csr("mtval") == m.CODE + 4


@pytest.mark.parametrize(
    ("insn", "cause"),
    [("amoswap.d a0, a2, (a1)", 6), ("sc.w a0, a2, (a1)", 6), ("lr.d a0, (a1)", 4)],
)
def test_misaligned_atomics_trap(m, insn: str, cause: int) -> None:
    """Misaligned loads/stores are done in hardware, misaligned LR/SC/AMOs trap (the spec
    allows an address-misaligned or an access-fault exception; the hart raises the former)."""
    s = enter(m, insn, "M", regs={11: m.DATA + 4 if ".d" in insn else m.DATA + 2})
    assert s.where == "M"
    assert m.csr("mcause") == cause
    assert m.csr("mtval") == m.hart.x[11]


def test_misaligned_load_and_store_work(m) -> None:
    m.mem.write(m.DATA, 16, int.from_bytes(bytes(range(16)), "little"))
    s = enter(m, "ld a0, 3(a1)\nsw a2, 9(a1)", "M", regs={11: m.DATA, 12: 0xAABBCCDD})
    assert s.where == "end"
    assert m.hart.x[10] == int.from_bytes(bytes(range(3, 11)), "little")
    assert m.mem.read(m.DATA + 9, 4) == 0xAABBCCDD


# ---- exception delegation -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("mode", "medeleg", "hedeleg", "target"),
    [
        ("U", False, False, "M"),
        ("U", True, False, "HS"),
        ("U", True, True, "HS"),  # hedeleg only matters when V=1
        ("HS", True, False, "HS"),  # delegated traps from HS stay in HS
        ("M", True, True, "M"),  # traps from M are never delegated
        ("VU", False, True, "M"),  # hedeleg alone does nothing
        ("VU", True, False, "HS"),
        ("VU", True, True, "VS"),
        ("VS", True, True, "VS"),
    ],
)
def test_illegal_instruction_delegation(m, mode, medeleg, hedeleg, target) -> None:
    m.set_csr("medeleg", (1 << ILLEGAL) if medeleg else 0)
    m.set_csr("hedeleg", (1 << ILLEGAL) if hedeleg else 0)
    s = enter(m, "nop\n.word 0", mode)  # an all-zero word is illegal
    assert s.where == target
    cause_csr = {"M": "mcause", "HS": "scause", "VS": "vscause"}[target]
    epc_csr = {"M": "mepc", "HS": "sepc", "VS": "vsepc"}[target]
    tval_csr = {"M": "mtval", "HS": "stval", "VS": "vstval"}[target]
    assert m.csr(cause_csr) == ILLEGAL
    assert m.csr(epc_csr) == m.CODE + 4
    assert m.csr(tval_csr) == 0  # the instruction bits, which are 0 here


def test_ecall_from_vs_cannot_reach_vs(m) -> None:
    """hedeleg[10] is read-only zero: a VS ecall delegated by medeleg always goes to HS."""
    m.set_csr("medeleg", M64)
    m.set_csr("hedeleg", M64)
    assert enter(m, "ecall", "VS").where == "HS"
    assert m.csr("scause") == ECALL_VS


def test_trap_from_vs_to_hs_state(m) -> None:
    """H "Trap Entry": V=0, hstatus.SPV=1, SPVP=SPP=1 (from VS), SPIE=SIE, SIE=0, GVA=0
    for an illegal instruction; htval/htinst are written (0 here)."""
    m.set_csr("medeleg", 1 << ILLEGAL)
    m.set_csr("mstatus", SIE)
    m.set_csr("htval", 0x1234)
    m.set_csr("htinst", 0x5678)
    m.set_csr("hstatus", GVA_H)
    s = enter(m, ".word 0", "VS")
    assert s.where == "HS" and m.hart.priv == PRV_S and not m.hart.virt
    hs = m.csr("hstatus")
    assert hs & SPV and hs & SPVP and not hs & GVA_H
    st = m.csr("mstatus")
    assert st & SPP and st & SPIE and not st & SIE
    assert m.csr("htval") == 0 and m.csr("htinst") == 0


def test_trap_from_vu_to_hs_sets_spvp_to_user(m) -> None:
    m.set_csr("medeleg", 1 << ILLEGAL)
    m.set_csr("hstatus", SPVP)
    assert enter(m, ".word 0", "VU").where == "HS"
    hs = m.csr("hstatus")
    assert hs & SPV and not hs & SPVP
    assert not m.csr("mstatus") & SPP


def test_trap_from_v0_leaves_spvp_alone(m) -> None:
    m.set_csr("medeleg", 1 << ILLEGAL)
    for spvp in (0, SPVP):
        m.set_csr("hstatus", spvp | SPV)
        assert enter(m, ".word 0", "U").where == "HS"
        hs = m.csr("hstatus")
        assert hs & SPVP == spvp
        assert not hs & SPV  # SPV records V=0


def test_trap_from_vs_to_vs_state(m) -> None:
    """A trap into VS-mode writes vsstatus/vsepc/vscause/vstval; hstatus and the HS-level
    sstatus are not modified and V stays 1."""
    m.set_csr("medeleg", 1 << ILLEGAL)
    m.set_csr("hedeleg", 1 << ILLEGAL)
    m.set_csr("vsstatus", SIE)
    m.set_csr("hstatus", 0)
    m.set_csr("mstatus", SIE)
    s = enter(m, "nop\n.word 0", "VU")
    assert s.where == "VS" and m.hart.priv == PRV_S and m.hart.virt
    vs = m.csr("vsstatus")
    assert vs & SPIE and not vs & SIE and not vs & SPP  # came from VU
    assert m.csr("hstatus") & (SPV | SPVP | GVA_H) == 0
    assert m.csr("mstatus") & (SIE | SPP | SPIE) == SIE
    assert m.csr("vsepc") == m.CODE + 4


def test_trap_to_m_writes_zero_mtval2_and_mtinst_when_not_a_guest_page_fault(m) -> None:
    m.set_csr("mtval2", 0x1234)
    m.set_csr("mtinst", 0x5678)
    assert enter(m, ".word 0", "VS").where == "M"
    assert m.csr("mtval2") == 0 and m.csr("mtinst") == 0


def test_trap_from_vs_to_m_records_mpv_and_gva(m) -> None:
    """H: MPV = V, MPP = nominal privilege; GVA=1 when mtval holds a guest virtual address."""
    m.set_csr("mstatus", MIE)
    s = enter(m, "ebreak", "VS")  # breakpoint: mtval = guest virtual pc
    assert s.where == "M"
    st = m.csr("mstatus")
    assert st & MPV and (st >> MPP_SHIFT) & 3 == PRV_S and st & GVA_M
    assert st & MPIE and not st & MIE
    enter(m, ".word 0", "VU")  # illegal instruction: no address, GVA=0
    st = m.csr("mstatus")
    assert st & MPV and (st >> MPP_SHIFT) & 3 == PRV_U and not st & GVA_M
    enter(m, ".word 0", "HS")
    st = m.csr("mstatus")
    assert not st & MPV and (st >> MPP_SHIFT) & 3 == PRV_S


# ---- interrupts ---------------------------------------------------------------------------------
def pend(m, irqs) -> None:
    """Make interrupts pending: device lines for M/SEIP, mip for SSIP/STIP, hvip for VS."""
    h = m.hart
    lines = sum(1 << i for i in irqs if i in (MEI, MSI, MTI, SEI))
    h.set_pending(lines, True)
    mip = sum(1 << i for i in irqs if i in (SSI, STI))
    if mip:
        m.set_csr("mip", m.csr("mip") | mip)
    hvip = sum(1 << i for i in irqs if i in VS_LEVEL)
    if hvip:
        m.set_csr("hvip", hvip)


def delegate_all(m) -> None:
    m.set_csr("mideleg", (1 << SSI) | (1 << STI) | (1 << SEI))
    m.set_csr("hideleg", (1 << VSSI) | (1 << VSTI) | (1 << VSEI))


def taken(m) -> tuple[str, int]:
    """(level, cause) of the interrupt just taken."""
    where = m.where()
    cause = {"M": "mcause", "HS": "scause", "VS": "vscause"}[where]
    value = m.csr(cause)
    assert value & INT, f"{where} took an exception {value}, not an interrupt"
    return where, value & ~INT


@pytest.mark.parametrize(
    ("first", "second"),
    [(a, b) for a, b in itertools.combinations(PRIORITY, 2)],
)
def test_interrupt_priority(m, first: int, second: int) -> None:
    """Both pending and enabled: the higher-priority one is taken first.  Levels are chosen by
    delegation; an M interrupt beats any delegated one (destined privilege decides first), and
    within a level the spec's order MEI MSI MTI / SEI SSI STI / VSEI VSSI VSTI applies."""
    delegate_all(m)
    m.set_csr("mie", M64)
    m.set_csr("vsstatus", SIE)
    pend(m, (second, first))
    enter(m, "nop\nnop", "VU", budget=5)
    level = {MEI: "M", MSI: "M", MTI: "M", SEI: "HS", SSI: "HS", STI: "HS"}.get(first, "VS")
    translated = first - 1 if first in VS_LEVEL else first  # VS sees S-level codes
    assert taken(m) == (level, translated)


@pytest.mark.parametrize("irq", M_LEVEL + S_LEVEL + VS_LEVEL)
@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("enabled", [False, True], ids=["xIE=0", "xIE=1"])
def test_interrupt_targeting(m, irq: int, mode: str, enabled: bool) -> None:
    """Which mode takes an interrupt, per the privileged spec and the H extension:
    M-level: in M only when MIE, always below M.  HS-level (mideleg, not hideleg): in HS only
    when SIE, always from U, VS and VU, never in M.  VS-level (hideleg): only when V=1, in VS
    when vsstatus.SIE, always in VU."""
    delegate_all(m)
    m.set_csr("mie", 1 << irq)
    global_enable = {"M": MIE, "HS": SIE}.get(mode, 0) if enabled else 0
    m.set_csr("mstatus", global_enable)
    m.set_csr("vsstatus", SIE if enabled else 0)
    pend(m, (irq,))
    priv, virt = MODES[mode]
    s = enter(m, "nop\nnop", mode, budget=5)
    if irq in M_LEVEL:
        expect = "M" if priv < PRV_M or enabled else None
    elif irq in S_LEVEL:
        expect = None if priv == PRV_M else ("HS" if virt or priv < PRV_S or enabled else None)
    else:
        expect = "VS" if virt and (priv == PRV_U or enabled) else None
    if expect is None:
        assert s.where == "end"
    else:
        assert taken(m) == (expect, irq - 1 if expect == "VS" else irq)


def test_vs_interrupt_not_in_hideleg_goes_to_hs_untranslated(m) -> None:
    m.set_csr("mie", 1 << VSTI)
    m.set_csr("hideleg", 0)
    pend(m, (VSTI,))
    enter(m, "nop", "VS", budget=5)
    assert taken(m) == ("HS", VSTI)


def test_vs_interrupts_are_globally_disabled_in_u_mode(m) -> None:
    delegate_all(m)
    m.set_csr("mie", 1 << VSEI)
    pend(m, (VSEI,))
    assert enter(m, "nop\nnop", "U", budget=5).where == "end"
    assert enter(m, "nop\nnop", "HS", budget=5).where == "end"


def vector_table(m, base: int) -> None:
    for slot in range(16):
        m.mem.write(base + 4 * slot, 4, 0x0000006F)  # j . at every entry


def test_vectored_mode_interrupts_and_exceptions(m) -> None:
    base = m.DATA
    vector_table(m, base)
    m.set_csr("mtvec", base | 1)
    m.set_csr("mie", 1 << MTI)
    pend(m, (MTI,))
    enter(m, "nop", "U", budget=5)
    assert m.hart.pc == base + 4 * MTI and m.hart.priv == PRV_M
    m.hart.set_pending(1 << MTI, False)
    enter(m, "ecall", "U", budget=5)  # exceptions always go to the base
    assert m.hart.pc == base


def test_vectored_vstvec_uses_the_translated_cause(m) -> None:
    base = m.DATA + 0x100
    vector_table(m, base)
    delegate_all(m)
    m.set_csr("vstvec", base | 1)
    m.set_csr("mie", 1 << VSTI)
    pend(m, (VSTI,))
    enter(m, "nop", "VU", budget=5)
    assert m.hart.virt and m.hart.priv == PRV_S
    assert m.hart.pc == base + 4 * STI
    assert m.csr("vscause") == INT | STI


def test_interrupt_epc_is_the_next_instruction_to_execute(m) -> None:
    """An interrupt taken between instructions: mepc points at the first one not executed."""
    m.set_csr("mie", 1 << MEI)
    m.set_csr("mstatus", MIE)
    enter(m, "li a0, 1\nli a1, 2", "M", budget=1)  # runs `li a0` only
    pend(m, (MEI,))
    s = m.resume(5)
    assert s.where == "M" and m.csr("mepc") == m.CODE + 4
    assert m.hart.x[10] == 1 and m.hart.x[11] == 0


def test_enabling_interrupts_takes_a_pending_one_before_the_next_instruction(m) -> None:
    m.set_csr("mie", 1 << MTI)
    pend(m, (MTI,))
    s = enter(m, "csrsi mstatus, 8\nli a0, 1\nli a1, 2", "M")
    assert s.where == "M" and m.csr("mcause") == INT | MTI
    assert m.csr("mepc") == m.CODE + 4 and m.hart.x[10] == 0


def test_mret_to_u_with_an_m_interrupt_pending_traps_at_the_target(m) -> None:
    m.set_csr("mie", 1 << MTI)
    pend(m, (MTI,))
    target = m.DATA + 0x800
    m.place(target, "li a0, 5\nj .")
    m.set_csr("mepc", target)
    m.set_csr("mstatus", 0)  # MPP = U, MIE = 0: masked in M, but always enabled below M
    s = enter(m, "mret", "M")
    assert s.where == "M" and m.csr("mcause") == INT | MTI
    assert m.csr("mepc") == target and m.hart.x[10] == 0
    assert (m.csr("mstatus") >> MPP_SHIFT) & 3 == PRV_U


def test_sret_into_vs_with_a_vs_interrupt_pending_traps_at_the_target(m) -> None:
    delegate_all(m)
    m.set_csr("mie", 1 << VSSI)
    pend(m, (VSSI,))
    m.set_csr("vsstatus", SIE)
    target = m.DATA + 0x800
    m.place(target, "li a0, 5\nj .")
    m.set_csr("sepc", target)
    m.set_csr("hstatus", SPV)
    m.set_csr("mstatus", SPP)
    s = enter(m, "sret", "HS")
    assert s.where == "VS" and m.csr("vscause") == INT | SSI
    assert m.csr("vsepc") == target and m.hart.x[10] == 0


def test_sstc_timer_interrupt_at_the_deadline(m) -> None:
    """The driver contract: run up to next_timer_deadline(), update_timers(), and the S-level
    timer interrupt (Sstc: STIP = time >= stimecmp) is taken, not before."""
    h = m.hart
    m.set_csr("menvcfg", 1 << 63)
    m.set_csr("mideleg", 1 << STI)
    m.set_csr("mie", 1 << STI)
    m.set_csr("stimecmp", 7)
    assert h.next_timer_deadline() == 7
    m.load("1: addi a0, a0, 1\nj 1b")
    h.priv = PRV_U
    h.state_changed()
    m.resume(h.clock.insns_until(7) - 1)
    h.update_timers()
    assert m.where().startswith("pc=")  # time is still below stimecmp
    m.resume(1)
    h.update_timers()
    m.resume(5)
    assert taken(m) == ("HS", STI)
    assert m.csr("time") >= 7


def test_vstimecmp_deadline_is_in_host_time(m) -> None:
    m.set_csr("menvcfg", 1 << 63)
    m.set_csr("henvcfg", 1 << 63)
    m.set_csr("htimedelta", 1000)
    m.set_csr("vstimecmp", 1005)
    assert m.hart.next_timer_deadline() == 5  # guest time 1005 = host time 5
    m.set_csr("henvcfg", 0)  # vstimecmp disarmed: only stimecmp (never, here) is left
    assert m.hart.next_timer_deadline() == m.csr("stimecmp") == M64
    m.set_csr("menvcfg", 0)
    assert m.hart.next_timer_deadline() is None


# ---- xRET ---------------------------------------------------------------------------------------
def ret_target(m) -> int:
    """Address of a `j .` that xRET tests return to."""
    target = m.DATA + 0x800
    m.mem.write(target, 4, 0x0000006F)
    return target


@pytest.mark.parametrize(
    ("to_priv", "mpv", "mprv", "want_priv", "want_virt", "want_mprv"),
    [
        (PRV_S, True, True, PRV_S, True, False),
        (PRV_U, True, False, PRV_U, True, False),
        (PRV_S, False, True, PRV_S, False, False),
        (PRV_M, True, True, PRV_M, False, True),  # MPV is ignored when MPP=M; MPRV stays
    ],
)
def test_mret(m, to_priv, mpv, mprv, want_priv, want_virt, want_mprv) -> None:
    target = ret_target(m)
    m.set_csr("mepc", target)
    st = (to_priv << MPP_SHIFT) | MPIE | (MPV if mpv else 0) | (MPRV if mprv else 0)
    m.set_csr("mstatus", st)
    enter(m, "mret", "M", budget=3)
    h = m.hart
    assert (h.pc, h.priv, h.virt) == (target, want_priv, want_virt)
    st = m.csr("mstatus")
    assert st & MIE and st & MPIE  # MIE = old MPIE, MPIE = 1
    assert (st >> MPP_SHIFT) & 3 == PRV_U  # MPP = least-privileged mode
    assert not st & MPV
    assert bool(st & MPRV) == want_mprv


@pytest.mark.parametrize(
    ("mode", "spv", "spp", "want_priv", "want_virt"),
    [
        ("HS", True, True, PRV_S, True),
        ("HS", True, False, PRV_U, True),
        ("HS", False, False, PRV_U, False),
        ("M", True, True, PRV_S, True),  # SRET in M-mode acts as at HS
    ],
)
def test_sret_at_v0(m, mode, spv, spp, want_priv, want_virt) -> None:
    target = ret_target(m)
    m.set_csr("sepc", target)
    m.set_csr("vsepc", target + 0x100)  # must not be used
    m.set_csr("mstatus", SPIE | (SPP if spp else 0) | MPRV)
    m.set_csr("hstatus", SPV if spv else 0)
    enter(m, "sret", mode, budget=3)
    h = m.hart
    assert (h.pc, h.priv, h.virt) == (target, want_priv, want_virt)
    st = m.csr("mstatus")
    assert st & SIE and st & SPIE and not st & SPP
    assert not st & MPRV  # the new mode is below M
    assert not m.csr("hstatus") & SPV


def test_sret_in_vs_uses_vsstatus_and_vsepc(m) -> None:
    target = ret_target(m)
    m.set_csr("vsepc", target)
    m.set_csr("sepc", target + 0x100)
    m.set_csr("vsstatus", SPIE)  # SPP = 0: back to VU
    m.set_csr("mstatus", SPP)
    m.set_csr("hstatus", SPV | SPVP)
    enter(m, "sret", "VS", budget=3)
    h = m.hart
    assert (h.pc, h.priv, h.virt) == (target, PRV_U, True)
    vs = m.csr("vsstatus")
    assert vs & SIE and vs & SPIE
    assert m.csr("hstatus") & (SPV | SPVP) == SPV | SPVP  # untouched
    assert m.csr("mstatus") & SPP


# ---- WFI / SRET / fences / hypervisor instructions under the trap bits --------------------------
def outcome(m, code: str, mode: str, regs=None) -> str:
    s = enter(m, code, mode, budget=20, regs=regs)
    if s.where == "end":
        return "ok"
    assert s.where == "M", s
    return {ILLEGAL: "illegal", VIRTUAL: "virtual"}[m.csr("mcause")]


CASES = [
    # (instruction, mode, mstatus bits, hstatus bits, expected)
    ("wfi", "M", TW, 0, "ok"),
    ("wfi", "HS", 0, 0, "ok"),
    ("wfi", "HS", TW, 0, "illegal"),
    ("wfi", "U", 0, 0, "illegal"),
    ("wfi", "VS", 0, 0, "ok"),
    ("wfi", "VS", 0, VTW, "virtual"),
    ("wfi", "VS", TW, VTW, "illegal"),  # TW wins
    ("wfi", "VU", 0, 0, "virtual"),
    ("wfi", "VU", TW, 0, "illegal"),
    ("sret", "M", TSR, 0, "ok"),
    ("sret", "HS", TSR, 0, "illegal"),
    ("sret", "U", 0, 0, "illegal"),
    ("sret", "VS", TSR, 0, "ok"),  # TSR affects HS-mode only
    ("sret", "VS", 0, VTSR, "virtual"),
    ("sret", "VU", 0, 0, "virtual"),
    ("sfence.vma", "M", TVM, 0, "ok"),
    ("sfence.vma", "HS", 0, VTVM, "ok"),
    ("sfence.vma", "HS", TVM, 0, "illegal"),
    ("sfence.vma", "U", 0, 0, "illegal"),
    ("sfence.vma", "VS", TVM, 0, "ok"),
    ("sfence.vma", "VS", 0, VTVM, "virtual"),
    ("sfence.vma", "VU", 0, 0, "virtual"),
    ("hfence.vvma", "HS", TVM, 0, "ok"),  # neither TVM nor VTVM traps HFENCE.VVMA
    ("hfence.vvma", "U", 0, HU, "illegal"),
    ("hfence.vvma", "VS", 0, 0, "virtual"),
    ("hfence.vvma", "VU", 0, 0, "virtual"),
    ("hfence.gvma", "M", TVM, 0, "ok"),
    ("hfence.gvma", "HS", 0, 0, "ok"),
    ("hfence.gvma", "HS", TVM, 0, "illegal"),
    ("hfence.gvma", "U", 0, 0, "illegal"),
    ("hfence.gvma", "VS", 0, 0, "virtual"),
    ("hlv.d a0, (a1)", "M", 0, 0, "ok"),
    ("hlv.d a0, (a1)", "HS", 0, 0, "ok"),
    ("hlv.d a0, (a1)", "U", 0, 0, "illegal"),
    ("hlv.d a0, (a1)", "U", 0, HU, "ok"),
    ("hlv.d a0, (a1)", "VS", 0, 0, "virtual"),
    ("hsv.w a0, (a1)", "VU", 0, HU, "virtual"),
    ("hlvx.hu a0, (a1)", "U", 0, 0, "illegal"),
    ("mret", "HS", 0, 0, "illegal"),
    ("mret", "VS", 0, 0, "illegal"),  # MRET is not HS-qualified
    ("mret", "U", 0, 0, "illegal"),
]


@pytest.mark.parametrize(("insn", "mode", "mstatus", "hstatus", "expected"), CASES)
def test_trap_bits(m, insn: str, mode: str, mstatus: int, hstatus: int, expected: str) -> None:
    m.set_csr("mstatus", mstatus | (SPP if mode in ("HS", "VS") else 0))
    m.set_csr("hstatus", hstatus)
    m.set_csr("vsstatus", SPP if mode == "VS" else 0)
    end = m.CODE + 4  # every instruction here is 4 bytes: SRET returns to the end pad
    m.set_csr("sepc", end)
    m.set_csr("vsepc", end)
    got = outcome(m, insn, mode, regs={11: m.DATA})
    assert got == expected
    if got != "ok":
        assert m.csr("mtval") == m.mem.read(m.CODE, 4)  # the instruction bits


def test_wfi_stops_the_batch_until_an_interrupt(m) -> None:
    s = enter(m, "wfi\nli a0, 7", "M", budget=50)
    assert s.reason == StopReason.WFI and m.hart.x[10] == 0
    assert m.hart.pc == m.CODE + 4  # resumes after the WFI
    m.set_csr("mie", 1 << MTI)  # MIE=0: the interrupt wakes WFI but is not taken
    pend(m, (MTI,))
    s = m.resume(50)
    assert m.hart.x[10] == 7 and s.where == "end"


# ---- VM exits -----------------------------------------------------------------------------------
def test_guest_ecall_to_hs_is_a_vm_exit(m) -> None:
    m.hart.vmexit_enabled = True
    m.set_csr("medeleg", 1 << ECALL_VS)
    s = enter(m, "nop\necall\nnop", "VS", budget=100)
    assert s.reason == StopReason.VMEXIT
    assert s.retired == 1
    h = m.hart
    assert (h.pc, h.priv, h.virt) == (m.S_TRAP, PRV_S, False)
    assert m.csr("scause") == ECALL_VS and m.csr("sepc") == m.CODE + 4
    assert m.csr("hstatus") & (SPV | SPVP) == SPV | SPVP


def test_guest_interrupt_to_hs_is_a_vm_exit(m) -> None:
    m.hart.vmexit_enabled = True
    m.set_csr("mideleg", 1 << SEI)
    m.set_csr("mie", 1 << SEI)
    pend(m, (SEI,))
    s = enter(m, "nop", "VU", budget=100)
    assert s.reason == StopReason.VMEXIT
    assert m.csr("scause") == INT | SEI


@pytest.mark.parametrize(
    ("medeleg", "hedeleg", "where"),
    [(True, True, "VS"), (False, False, "M")],
)
def test_traps_not_entering_hs_are_not_vm_exits(m, medeleg, hedeleg, where) -> None:
    m.hart.vmexit_enabled = True
    m.set_csr("medeleg", (1 << ECALL_U) if medeleg else 0)
    m.set_csr("hedeleg", (1 << ECALL_U) if hedeleg else 0)
    s = enter(m, "ecall", "VU", budget=30)
    assert s.where == where
    assert s.reason == StopReason.BUDGET


def test_hs_trap_without_hypervisor_attached_runs_stvec_code(m) -> None:
    """Bare-metal: vmexit disabled, a trap from V=1 into HS just runs the code at stvec."""
    m.set_csr("medeleg", 1 << ECALL_VS)
    handler = m.DATA + 0x900
    m.place(handler, "li a0, 0x55\nj .")
    m.set_csr("stvec", handler)
    s = enter(m, "ecall", "VS", budget=30)
    assert s.reason == StopReason.BUDGET
    assert m.hart.x[10] == 0x55 and not m.hart.virt
