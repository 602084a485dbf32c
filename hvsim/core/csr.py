"""The CSR table: one entry per implemented CSR, one permission rule for all of them.

Each :class:`CsrDef` has a side-effect-free ``read(hart)`` and a legalising
``write(hart, value)`` (``None`` for read-only registers) and, where the privileged spec adds a
condition beyond the CSR-number rule (TVM, counter enables, Sstc's STCE), a ``check``.

:func:`resolve` is the single place that decides whether an access is legal:

* the number's bits [11:10] == 3 mark it read-only; bits [9:8] give its privilege level;
* with V=0, hypervisor and VS CSRs (level 2) are HS-level CSRs;
* with V=1, M-level CSRs raise illegal-instruction, hypervisor/VS CSRs (and S CSRs from VU)
  raise virtual-instruction when HS-mode could have done the same access, and supervisor CSR
  numbers are redirected to their ``vs*`` counterparts (``sstatus`` -> ``vsstatus`` ...).

The state lives in plain attributes of :class:`hvsim.core.hart.Hart` so that trap entry and the
MMU read it without going through this table.

FS is a WARL two-bit field of mstatus/sstatus and of vsstatus (all four values legal); SD is
read-only and reads one exactly when FS is Dirty (there is no XS or VS state).  fflags, frm
and fcsr are unprivileged CSRs whose ``check`` is the FS rule (:mod:`hvsim.core.fpstate`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hvsim.core import bits as B
from hvsim.core import fpstate
from hvsim.core.trap import (
    MIP_MEIP,
    MIP_MSIP,
    MIP_MTIP,
    MIP_SEIP,
    MIP_SGEIP,
    MIP_SSIP,
    MIP_STIP,
    MIP_VSEIP,
    MIP_VSSIP,
    MIP_VSTIP,
    Trap,
)
from hvsim.isa import encoding as E

if TYPE_CHECKING:
    from hvsim.core.hart import Hart

Reader = Callable[["Hart"], int]
Writer = Callable[["Hart", int], None]
Check = Callable[["Hart", bool, int], None]


@dataclass(frozen=True, slots=True)
class CsrDef:
    num: int
    name: str
    read: Reader
    write: Writer | None = None
    check: Check | None = None


def illegal(insn: int) -> Trap:
    return Trap(E.CAUSE_ILLEGAL_INSTRUCTION, insn)


def virtual(insn: int) -> Trap:
    return Trap(E.CAUSE_VIRTUAL_INSTRUCTION, insn)


# ---- interrupt bit groups ----------------------------------------------------------------
VS_INTS = MIP_VSSIP | MIP_VSTIP | MIP_VSEIP
S_INTS = MIP_SSIP | MIP_STIP | MIP_SEIP
M_INTS = MIP_MSIP | MIP_MTIP | MIP_MEIP
# No Sscofpmf: LCOFIP/LCOFIE are read-only zero.
ALL_INTS = M_INTS | S_INTS | VS_INTS | MIP_SGEIP
MIDELEG_FORCED = VS_INTS | MIP_SGEIP  # read-only one with the H extension
MIDELEG_WRITABLE = S_INTS
HIDELEG_WRITABLE = VS_INTS
HIP_VIEW = VS_INTS | MIP_SGEIP

# Exceptions that may be delegated.  medeleg: everything but M-mode ecall; hedeleg: not the
# ecalls from HS/VS/M, nor guest-page faults and virtual instruction (HS must see those).
MEDELEG_WRITABLE = sum(
    1 << c for c in (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 15, 20, 21, 22, 23)
)
HEDELEG_WRITABLE = sum(1 << c for c in (0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 13, 15))

MISA_EXTENSIONS = "ACDFHIMSU"


def misa_value() -> int:
    ext = 0
    for letter in MISA_EXTENSIONS:
        ext |= 1 << (ord(letter) - ord("A"))
    return (B.XLEN64 << 62) | ext


MISA = misa_value()


# ---- helpers to build table entries ------------------------------------------------------
def attr(name: str, mask: int = B.M64, after: Callable[[Hart], None] | None = None):
    """Reader/writer pair for a plain hart attribute with a writable-bit mask."""

    def read(h: Hart) -> int:
        return getattr(h, name)

    def write(h: Hart, value: int) -> None:
        setattr(h, name, (getattr(h, name) & ~mask) | (value & mask))
        if after is not None:
            after(h)

    return read, write


def const(value: int) -> Reader:
    return lambda h: value


def ignore_write(h: Hart, value: int) -> None:
    """WARL register hard-wired to its reset value: writes are accepted and ignored."""


def _sync(h: Hart) -> None:
    h.state_changed()


# ---- status registers ---------------------------------------------------------------------
def _sd(status: int) -> int:
    """SD: some extension state (here only FS) is Dirty."""
    return B.MSTATUS_SD if status & B.MSTATUS_FS == B.MSTATUS_FS else 0


def read_mstatus(h: Hart) -> int:
    st = h.mstatus
    return st | B.MSTATUS_XL_FIXED | _sd(st)


def write_mstatus(h: Hart, value: int) -> None:
    new = (h.mstatus & ~B.MSTATUS_WRITABLE) | (value & B.MSTATUS_WRITABLE)
    if (new & B.MSTATUS_MPP) >> B.MSTATUS_MPP_SHIFT == 2:  # reserved encoding: keep old MPP
        new = (new & ~B.MSTATUS_MPP) | (h.mstatus & B.MSTATUS_MPP)
    h.mstatus = new
    h.state_changed()


def read_sstatus(h: Hart) -> int:
    return read_mstatus(h) & B.SSTATUS_VIEW


def write_sstatus(h: Hart, value: int) -> None:
    h.mstatus = (h.mstatus & ~B.SSTATUS_WRITABLE) | (value & B.SSTATUS_WRITABLE)
    h.state_changed()


def read_vsstatus(h: Hart) -> int:
    vs = h.vsstatus
    return ((vs | (B.XLEN64 << 32)) & B.SSTATUS_VIEW) | _sd(vs)


def write_vsstatus(h: Hart, value: int) -> None:
    h.vsstatus = (h.vsstatus & ~B.SSTATUS_WRITABLE) | (value & B.SSTATUS_WRITABLE)
    h.state_changed()


def read_hstatus(h: Hart) -> int:
    return h.hstatus | (B.XLEN64 << 32)


# ---- floating point --------------------------------------------------------------------------
def check_fp(h: Hart, write: bool, insn: int) -> None:
    """fflags/frm/fcsr: illegal instruction while FS is Off (with V=1, in either status)."""
    fpstate.check(h, insn)


# ---- trap vectors and return addresses ------------------------------------------------------
def write_tvec(name: str) -> Writer:
    def write(h: Hart, value: int) -> None:
        mode = value & 3
        if mode >= 2:  # reserved mode: keep the previous mode (WARL)
            mode = getattr(h, name) & 3
        setattr(h, name, (value & ~3 & B.M64) | mode)

    return write


def write_epc(name: str) -> Writer:
    def write(h: Hart, value: int) -> None:
        setattr(h, name, value & ~1 & B.M64)  # IALIGN = 16 with the C extension

    return write


# ---- interrupts -----------------------------------------------------------------------------
def write_mie(h: Hart, value: int) -> None:
    h.mie = value & ALL_INTS
    h.state_changed()


def read_mip(h: Hart) -> int:
    return h.pending_bits()


MIP_WRITABLE = MIP_SSIP | MIP_SEIP


def write_mip(h: Hart, value: int) -> None:
    writable = MIP_WRITABLE
    if not h.menvcfg & B.ENVCFG_STCE:
        writable |= MIP_STIP
    h.mip = (h.mip & ~writable) | (value & writable)
    h.hvip = (h.hvip & ~MIP_VSSIP) | (value & MIP_VSSIP)
    h.state_changed()


def write_mideleg(h: Hart, value: int) -> None:
    h.mideleg = (value & MIDELEG_WRITABLE) | MIDELEG_FORCED
    h.state_changed()


def read_sie(h: Hart) -> int:
    return h.mie & h.mideleg & S_INTS


def write_sie(h: Hart, value: int) -> None:
    mask = h.mideleg & S_INTS
    h.mie = (h.mie & ~mask) | (value & mask)
    h.state_changed()


def read_sip(h: Hart) -> int:
    return h.pending_bits() & h.mideleg & S_INTS


def write_sip(h: Hart, value: int) -> None:
    mask = h.mideleg & MIP_SSIP
    h.mip = (h.mip & ~mask) | (value & mask)
    h.state_changed()


def read_hie(h: Hart) -> int:
    return h.mie & HIP_VIEW


def write_hie(h: Hart, value: int) -> None:
    h.mie = (h.mie & ~HIP_VIEW) | (value & HIP_VIEW)
    h.state_changed()


def read_hip(h: Hart) -> int:
    return h.pending_bits() & HIP_VIEW


def write_hip(h: Hart, value: int) -> None:
    h.hvip = (h.hvip & ~MIP_VSSIP) | (value & MIP_VSSIP)
    h.state_changed()


def write_hvip(h: Hart, value: int) -> None:
    h.hvip = value & VS_INTS
    h.state_changed()


def write_hideleg(h: Hart, value: int) -> None:
    h.hideleg = value & HIDELEG_WRITABLE
    h.state_changed()


def _vs_to_s(bits: int) -> int:
    """VS-level interrupt bits (2, 6, 10) as the guest sees them (1, 5, 9)."""
    return (bits & VS_INTS) >> 1


def read_vsie(h: Hart) -> int:
    return _vs_to_s(h.mie & h.hideleg)


def write_vsie(h: Hart, value: int) -> None:
    mask = h.hideleg & VS_INTS
    h.mie = (h.mie & ~mask) | ((value << 1) & mask)
    h.state_changed()


def read_vsip(h: Hart) -> int:
    return _vs_to_s(h.pending_bits() & h.hideleg)


def write_vsip(h: Hart, value: int) -> None:
    mask = h.hideleg & MIP_VSSIP
    h.hvip = (h.hvip & ~mask) | ((value << 1) & mask)
    h.state_changed()


# ---- address translation ------------------------------------------------------------------
SUPPORTED_ATP = {B.ATP_MODE_BARE, B.ATP_MODE_SV39, B.ATP_MODE_SV48}
SATP_WRITABLE = (0xF << B.ATP_MODE_SHIFT) | B.SATP_ASID_MASK | B.ATP_PPN_MASK


def write_satp_like(name: str) -> Writer:
    def write(h: Hart, value: int) -> None:
        if value >> B.ATP_MODE_SHIFT not in SUPPORTED_ATP:
            return  # unsupported MODE: the whole write has no effect (Linux probes this way)
        setattr(h, name, value & SATP_WRITABLE)
        h.state_changed()

    return write


def write_hgatp(h: Hart, value: int) -> None:
    """Unlike satp, an unsupported MODE does not void the write: the fields are WARL (the
    MODE field keeps its old value, as in Spike), VMID has VMIDLEN bits, PPN[1:0] read 0."""
    mode = value >> B.ATP_MODE_SHIFT
    if mode not in SUPPORTED_ATP:
        mode = h.hgatp >> B.ATP_MODE_SHIFT
    vmid_mask = ((1 << h.vmidlen) - 1) << B.HGATP_VMID_SHIFT
    ppn = value & B.ATP_PPN_MASK & ~3  # 16 KiB-aligned root
    h.hgatp = (mode << B.ATP_MODE_SHIFT) | (value & vmid_mask) | ppn
    h.state_changed()


def check_satp(h: Hart, write: bool, insn: int) -> None:
    if h.virt:
        if h.hstatus & B.HSTATUS_VTVM:
            raise virtual(insn)
    elif h.priv == B.PRV_S and h.mstatus & B.MSTATUS_TVM:
        raise illegal(insn)


def check_hgatp(h: Hart, write: bool, insn: int) -> None:
    if h.priv == B.PRV_S and h.mstatus & B.MSTATUS_TVM:
        raise illegal(insn)


# ---- counters and timers --------------------------------------------------------------------
def check_counter(h: Hart, write: bool, insn: int) -> None:
    """cycle/time/instret/hpmcounterN: mcounteren, then hcounteren (V=1), then scounteren."""
    if h.priv == B.PRV_M:
        return
    bit = 1 << (h.csr_num & 31)
    if not h.mcounteren & bit:
        raise illegal(insn)
    if h.virt:
        if not h.hcounteren & bit or (h.priv == B.PRV_U and not h.scounteren & bit):
            raise virtual(insn)
    elif h.priv == B.PRV_U and not h.scounteren & bit:
        raise illegal(insn)


def check_stimecmp(h: Hart, write: bool, insn: int) -> None:
    if h.priv == B.PRV_M:
        return
    if not h.menvcfg & B.ENVCFG_STCE or not h.mcounteren & B.COUNTER_TM:
        raise illegal(insn)
    if h.virt and (not h.henvcfg & B.ENVCFG_STCE or not h.hcounteren & B.COUNTER_TM):
        raise virtual(insn)


def check_vstimecmp(h: Hart, write: bool, insn: int) -> None:
    """HS access to vstimecmp: like stimecmp, it needs menvcfg.STCE and mcounteren.TM."""
    if h.priv != B.PRV_M and (not h.menvcfg & B.ENVCFG_STCE or not h.mcounteren & B.COUNTER_TM):
        raise illegal(insn)


def read_time(h: Hart) -> int:
    t = h.clock.mtime()
    if h.virt:
        t += h.htimedelta
    return t & B.M64


def write_stimecmp(h: Hart, value: int) -> None:
    h.stimecmp = value & B.M64
    h.timers_changed()


def write_vstimecmp(h: Hart, value: int) -> None:
    h.vstimecmp = value & B.M64
    h.timers_changed()


def write_htimedelta(h: Hart, value: int) -> None:
    h.htimedelta = value & B.M64
    h.timers_changed()


def write_menvcfg(h: Hart, value: int) -> None:
    h.menvcfg = value & (B.ENVCFG_STCE | B.ENVCFG_FIOM)
    if not h.menvcfg & B.ENVCFG_STCE:
        h.henvcfg &= ~B.ENVCFG_STCE
    h.timers_changed()


def write_henvcfg(h: Hart, value: int) -> None:
    mask = B.ENVCFG_FIOM | (h.menvcfg & B.ENVCFG_STCE)
    h.henvcfg = value & mask
    h.timers_changed()


def read_mcycle(h: Hart) -> int:
    return h.counter_value(0)


def read_minstret(h: Hart) -> int:
    return h.counter_value(2)


def write_mcycle(h: Hart, value: int) -> None:
    h.counter_write(0, value)


def write_minstret(h: Hart, value: int) -> None:
    h.counter_write(2, value)


def write_mcountinhibit(h: Hart, value: int) -> None:
    h.set_countinhibit(value & (B.COUNTER_CY | B.COUNTER_IR))


# ---- PMP (WARL storage; no enforcement, documented in the hart docstring) ----------------
def read_pmpcfg(index: int) -> Reader:
    return lambda h: h.pmpcfg[index]


def write_pmpcfg(index: int) -> Writer:
    def write(h: Hart, value: int) -> None:
        old = h.pmpcfg[index]
        new = 0
        for byte in range(8):
            shift = 8 * byte
            cur = (old >> shift) & 0xFF
            if cur & 0x80:  # locked entry: ignore writes
                new |= cur << shift
                continue
            cfg = (value >> shift) & 0x9F  # L, A, X, W, R (bits 5-6 reserved)
            if cfg & 0x3 == 0x2:  # W without R is reserved: clear W
                cfg &= ~0x2
            new |= cfg << shift
        h.pmpcfg[index] = new

    return write


def write_pmpaddr(index: int) -> Writer:
    def write(h: Hart, value: int) -> None:
        cfg = (h.pmpcfg[index // 8] >> (8 * (index % 8))) & 0xFF
        if cfg & 0x80:
            return
        h.pmpaddr[index] = value & ((1 << 54) - 1)

    return write


# ---- the table ---------------------------------------------------------------------------------
TABLE: dict[int, CsrDef] = {}


def define(
    name: str,
    read: Reader,
    write: Writer | None = None,
    check: Check | None = None,
    num: int | None = None,
) -> None:
    number = E.CSRS[name] if num is None else num
    TABLE[number] = CsrDef(number, name, read, write, check)


def define_attr(name: str, attribute: str, mask: int = B.M64, after=None, check=None) -> None:
    r, w = attr(attribute, mask, after)
    define(name, r, w, check)


def _build() -> None:
    # Unprivileged floating point
    define("fflags", lambda h: h.fflags, fpstate.write_fflags, check_fp)
    define("frm", lambda h: h.frm, fpstate.write_frm, check_fp)
    define("fcsr", fpstate.read_fcsr, fpstate.write_fcsr, check_fp)
    # Machine information
    define("misa", const(MISA), ignore_write)
    define("mvendorid", const(0))
    define("marchid", const(0))
    define("mimpid", const(0))
    define("mhartid", lambda h: h.hartid)
    define("mconfigptr", const(0))
    # Machine trap setup and handling
    define("mstatus", read_mstatus, write_mstatus)
    define_attr("medeleg", "medeleg", MEDELEG_WRITABLE)
    define("mideleg", lambda h: h.mideleg, write_mideleg)
    define("mie", lambda h: h.mie, write_mie)
    define("mtvec", lambda h: h.mtvec, write_tvec("mtvec"))
    define_attr("mcounteren", "mcounteren", 0xFFFFFFFF)
    define("menvcfg", lambda h: h.menvcfg, write_menvcfg)
    define("mcountinhibit", lambda h: h.mcountinhibit, write_mcountinhibit)
    define_attr("mscratch", "mscratch")
    define("mepc", lambda h: h.mepc, write_epc("mepc"))
    define_attr("mcause", "mcause")
    define_attr("mtval", "mtval")
    define("mip", read_mip, write_mip)
    define_attr("mtinst", "mtinst")
    define_attr("mtval2", "mtval2")
    # Machine counters
    define("mcycle", read_mcycle, write_mcycle)
    define("minstret", read_minstret, write_minstret)
    for i in range(3, 32):
        define(f"mhpmcounter{i}", const(0), ignore_write)
        define(f"mhpmevent{i}", const(0), ignore_write)
        define(f"hpmcounter{i}", const(0), check=check_counter)
    define("cycle", read_mcycle, check=check_counter)
    define("time", read_time, check=check_counter)
    define("instret", read_minstret, check=check_counter)
    # PMP: 16 entries' worth of configuration registers (even numbers only on RV64)
    for i in range(0, 16, 2):
        define(f"pmpcfg{i}", read_pmpcfg(i // 2), write_pmpcfg(i // 2))
    for i in range(64):
        define(f"pmpaddr{i}", (lambda j: lambda h: h.pmpaddr[j])(i), write_pmpaddr(i))
    # Debug triggers: none implemented (tselect reads 0, tdata1 type 0 = no trigger)
    define("tselect", const(0), ignore_write)
    define("tdata1", const(0), ignore_write)
    define("tdata2", const(0), ignore_write)
    define("tdata3", const(0), ignore_write)
    define("tinfo", const(1), ignore_write)  # only type 0 ("none") supported
    # Supervisor
    define("sstatus", read_sstatus, write_sstatus)
    define("sie", read_sie, write_sie)
    define("stvec", lambda h: h.stvec, write_tvec("stvec"))
    define_attr("scounteren", "scounteren", 0xFFFFFFFF)
    define_attr("senvcfg", "senvcfg", B.ENVCFG_FIOM)
    define_attr("sscratch", "sscratch")
    define("sepc", lambda h: h.sepc, write_epc("sepc"))
    define_attr("scause", "scause")
    define_attr("stval", "stval")
    define("sip", read_sip, write_sip)
    define("stimecmp", lambda h: h.stimecmp, write_stimecmp, check_stimecmp)
    define("satp", lambda h: h.satp, write_satp_like("satp"), check_satp)
    # Hypervisor
    define("hstatus", read_hstatus, attr("hstatus", B.HSTATUS_WRITABLE, _sync)[1])
    define_attr("hedeleg", "hedeleg", HEDELEG_WRITABLE)
    define("hideleg", lambda h: h.hideleg, write_hideleg)
    define("hie", read_hie, write_hie)
    define("htimedelta", lambda h: h.htimedelta, write_htimedelta)
    define_attr("hcounteren", "hcounteren", 0xFFFFFFFF)
    define("hgeie", const(0), ignore_write)  # GEILEN = 0
    define("henvcfg", lambda h: h.henvcfg, write_henvcfg)
    define_attr("htval", "htval")
    define("hip", read_hip, write_hip)
    define("hvip", lambda h: h.hvip, write_hvip)
    define_attr("htinst", "htinst")
    define("hgatp", lambda h: h.hgatp, write_hgatp, check_hgatp)
    define("hgeip", const(0))
    # Virtual supervisor
    define("vsstatus", read_vsstatus, write_vsstatus)
    define("vsie", read_vsie, write_vsie)
    define("vstvec", lambda h: h.vstvec, write_tvec("vstvec"))
    define_attr("vsscratch", "vsscratch")
    define("vsepc", lambda h: h.vsepc, write_epc("vsepc"))
    define_attr("vscause", "vscause")
    define_attr("vstval", "vstval")
    define("vsip", read_vsip, write_vsip)
    define("vstimecmp", lambda h: h.vstimecmp, write_vstimecmp, check_vstimecmp)
    define("vsatp", lambda h: h.vsatp, write_satp_like("vsatp"))


_build()

#: With V=1, a supervisor CSR number is redirected to its VS counterpart.
VS_ALIAS: dict[int, CsrDef] = {
    num: TABLE[num + 0x100]
    for num in TABLE
    if (num >> 8) == 0x1 and num + 0x100 in TABLE and TABLE[num + 0x100].name.startswith("vs")
}


def resolve(h: Hart, num: int, write: bool, insn: int) -> CsrDef:
    """The CSR that this access reaches, or raise illegal/virtual instruction."""
    d = TABLE.get(num)
    if d is None:
        raise illegal(insn)
    if write and (num >> 10) == 3:
        raise illegal(insn)
    level = (num >> 8) & 3
    if h.virt:
        if level == 3:
            raise illegal(insn)
        if level == 2 or (level == 1 and h.priv == B.PRV_U):
            raise virtual(insn)
    elif h.priv < (1 if level == 2 else level):
        raise illegal(insn)
    if d.check is not None:
        h.csr_num = num
        d.check(h, write, insn)
    if h.virt and level == 1:
        return VS_ALIAS.get(num, d)
    return d
