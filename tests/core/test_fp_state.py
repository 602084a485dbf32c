"""The FS field: FP instructions and fflags/frm/fcsr with FS = Off, Dirty tracking, SD.

From the privileged spec (mstatus "Extension Context Status" and the H extension's vsstatus):
with mstatus.FS = Off every FP instruction and every access to the FP CSRs raises an
illegal-instruction exception (xtval = the instruction bits), and with V=1 the same happens
when vsstatus.FS = Off, whatever mstatus.FS says (and vice versa) - an illegal-instruction,
not a virtual-instruction, exception.  FS is a WARL field with all four values legal; SD is
read-only and set exactly when FS is Dirty.  Writing FP state (an f register, fflags/frm/fcsr,
an accrued flag) makes FS Dirty in mstatus and, with V=1, in vsstatus too; hvsim tracks
Dirty exactly as Spike does, so a store, a move to an integer register or a compare that
raises no flag leaves a Clean state Clean.  The cases run in both tiers: interpreted, and
compiled (where FLD/FSD take a software-TLB fast path that must still honour FS).
"""

from __future__ import annotations

import pytest

FS_MASK = 3 << 13
OFF, INITIAL, CLEAN, DIRTY = 0, 1 << 13, 2 << 13, 3 << 13
SD = 1 << 63
ILLEGAL = 2
PRV_S = 1
D_ONE = 0x3FF0_0000_0000_0000
SNAN_D = 0x7FF0_0000_0000_0001

FP_INSNS = [
    "fadd.d fa0, fa1, fa2",
    "fmadd.s fa0, fa1, fa2, fa3",
    "fsqrt.d fa0, fa1",
    "fsgnj.d fa0, fa1, fa2",  # fmv.d
    "fmin.s fa0, fa1, fa2",
    "feq.d a0, fa1, fa2",
    "fclass.s a0, fa1",
    "fmv.x.d a0, fa1",
    "fmv.d.x fa0, a1",
    "fcvt.w.d a0, fa1, rtz",
    "fcvt.d.l fa0, a1",
    "fcvt.s.d fa0, fa1",
    "flw fa0, 0(a2)",
    "fld fa0, 0(a2)",
    "fsw fa0, 0(a2)",
    "fsd fa0, 0(a2)",
    ".option rvc\nc.fld fa0, 8(a2)\n.option norvc",
    ".option rvc\nc.fsd fa0, 8(a2)\n.option norvc",
    ".option rvc\nc.fldsp fa0, 8(sp)\n.option norvc",
    ".option rvc\nc.fsdsp fa0, 8(sp)\n.option norvc",
    "csrr a0, fflags",
    "csrr a0, frm",
    "csrr a0, fcsr",
    "csrw fcsr, a1",
    "csrwi frm, 1",
]


@pytest.fixture(params=["cold", "compiled"])
def tier(request, m):
    if request.param == "compiled":
        m.hart.code_cache.hot_threshold = 0
    return m


def prepare(m, mstatus_fs: int, vsstatus_fs: int = OFF) -> None:
    h = m.hart
    h.mstatus = (h.mstatus & ~FS_MASK) | mstatus_fs
    h.vsstatus = (h.vsstatus & ~FS_MASK) | vsstatus_fs
    for r in range(32):
        h.f[r] = D_ONE + r
    h.fflags, h.frm = 0, 0
    h.x[2] = h.x[12] = m.DATA
    h.x[11] = 5


def expect_illegal(m, code: str) -> None:
    h = m.hart
    f_before = list(h.f)
    data_before = m.mem.read_bytes(m.DATA, 64)
    assert m.where() == "M", f"{code!r} did not trap"
    epc = m.csr("mepc")
    first = m.mem.read(epc, 2)
    raw = first if first & 3 != 3 else m.mem.read(epc, 4)
    assert (m.csr("mcause"), m.csr("mtval")) == (ILLEGAL, raw), code
    assert epc == m.CODE
    assert list(h.f) == f_before
    assert m.mem.read_bytes(m.DATA, 64) == data_before
    assert h.x[10] == 0 and h.fflags == 0 and h.frm == 0


@pytest.mark.parametrize("code", FP_INSNS)
def test_fs_off_makes_every_fp_instruction_illegal(tier, code: str) -> None:
    m = tier
    prepare(m, OFF)
    m.run(code, regs={2: m.DATA, 12: m.DATA, 11: 5})
    expect_illegal(m, code)


@pytest.mark.parametrize("code", ["fadd.d fa0, fa1, fa2", "fld fa0, 0(a2)", "csrr a0, fcsr"])
@pytest.mark.parametrize(("mfs", "vsfs"), [(DIRTY, OFF), (OFF, DIRTY), (OFF, OFF)])
def test_with_v1_both_fs_fields_must_be_on(tier, code: str, mfs: int, vsfs: int) -> None:
    m = tier
    prepare(m, mfs, vsfs)
    m.run(code, priv=PRV_S, virt=True, regs={2: m.DATA, 12: m.DATA, 11: 5})
    expect_illegal(m, code)  # illegal (2), never virtual instruction (22), taken in M


def test_with_v1_and_both_fields_on_fp_runs_and_dirties_both(tier) -> None:
    m = tier
    prepare(m, CLEAN, INITIAL)
    s = m.run("fadd.d fa0, fa1, fa2\ncsrr a0, sstatus", priv=PRV_S, virt=True)
    assert s.where == "end"
    h = m.hart
    assert h.mstatus & FS_MASK == DIRTY and h.vsstatus & FS_MASK == DIRTY
    assert h.x[10] & (FS_MASK | SD) == DIRTY | SD  # the guest's sstatus is vsstatus


def test_hs_mode_fp_dirties_only_mstatus(tier) -> None:
    m = tier
    prepare(m, CLEAN, CLEAN)
    assert m.run("fadd.d fa0, fa1, fa2", priv=PRV_S).where == "end"
    assert m.hart.mstatus & FS_MASK == DIRTY and m.hart.vsstatus & FS_MASK == CLEAN


#: (code, whether it writes FP state): Spike's exact tracking
DIRTIES = [
    ("fadd.d fa0, fa1, fa2", True),
    ("fld fa0, 0(a2)", True),
    ("flw fa0, 0(a2)", True),
    ("fmv.d.x fa0, a1", True),
    ("fcvt.d.l fa0, a1", True),
    ("fsgnj.d fa0, fa1, fa1", True),
    ("csrw fflags, zero", True),
    ("csrwi frm, 2", True),
    ("csrw fcsr, a1", True),
    ("fsd fa1, 0(a2)", False),
    ("fsw fa1, 0(a2)", False),
    ("fmv.x.d a0, fa1", False),
    ("fclass.d a0, fa1", False),
    ("feq.d a0, fa1, fa2", False),  # no flag raised
    ("feq.d a0, fa1, fa3", True),  # fa3 = sNaN: NV accrues into fflags
    ("flt.d a0, fa1, fa2", False),
    ("fcvt.l.d a0, fa5", False),  # fa5 = 1.0: exact
    ("fcvt.l.d a0, fa4", True),  # inexact: NX
    ("csrr a0, fcsr", False),
]


@pytest.mark.parametrize(("code", "dirties"), DIRTIES)
@pytest.mark.parametrize("start", [INITIAL, CLEAN])
def test_writing_fp_state_makes_fs_dirty(tier, code: str, dirties: bool, start: int) -> None:
    m = tier
    prepare(m, start)
    m.hart.f[13] = SNAN_D
    m.hart.f[14] = 0x3FF8_0000_0000_0000  # 1.5
    m.hart.f[15] = D_ONE
    s = m.run(f"{code}\ncsrr a5, mstatus", regs={2: m.DATA, 12: m.DATA, 11: 5})
    assert s.where == "end"
    want = DIRTY if dirties else start
    assert m.hart.mstatus & FS_MASK == want
    assert m.hart.x[15] & (FS_MASK | SD) == want | (SD if dirties else 0)


@pytest.mark.parametrize("name", ["mstatus", "sstatus", "vsstatus"])
def test_fs_is_warl_with_all_values_and_sd_follows_dirty(m, name: str) -> None:
    for fs in (INITIAL, CLEAN, DIRTY, OFF):
        m.set_csr(name, (m.csr(name) & ~FS_MASK) | fs | SD)  # SD is read-only
        got = m.csr(name)
        assert got & FS_MASK == fs
        assert bool(got & SD) == (fs == DIRTY)


def test_sstatus_fs_is_mstatus_fs(m) -> None:
    m.set_csr("sstatus", CLEAN)
    assert m.csr("mstatus") & FS_MASK == CLEAN
    m.set_csr("vsstatus", DIRTY)
    assert m.csr("mstatus") & (FS_MASK | SD) == CLEAN  # vsstatus is separate


def test_compiled_fp_loads_and_stores_honour_fs_changes(m) -> None:
    """FLD/FSD compiled with a warm software TLB: after FS is turned off their fast path must
    not run; after FS is made Clean the next FLD must make it Dirty again."""
    m.hart.code_cache.hot_threshold = 0
    code = """
        li s2, 4
    1:  fld fa0, 0(a2)
        fsd fa0, 8(a2)
        addi s2, s2, -1
        bnez s2, 1b
        beqz s3, 2f
        addi s3, s3, -1
        csrc mstatus, t0
        csrs mstatus, t1
        li s2, 1
        j 1b
    2:  csrr a5, mstatus
    """
    loop = m.CODE + 4
    # FS goes Off (t1 = 0) after four iterations and the loop runs again: the fld traps
    prepare(m, DIRTY)
    m.run(code, regs={12: m.DATA, 5: FS_MASK, 6: OFF, 19: 1})
    assert m.where() == "M" and (m.csr("mcause"), m.csr("mepc")) == (ILLEGAL, loop)
    assert m.csr("mtval") == m.mem.read(loop, 4) and m.hart.x[18] == 1
    # FS goes Clean instead: one more iteration, whose fld makes it Dirty (fsd alone would not)
    prepare(m, DIRTY)
    s = m.run(code, regs={12: m.DATA, 5: FS_MASK, 6: CLEAN, 19: 1})
    assert s.where == "end"
    assert m.hart.x[15] & FS_MASK == DIRTY
    # and without the fld's write, a Clean state stays Clean across compiled fsd
    prepare(m, CLEAN)
    s = m.run("li s2, 4\n1: fsd fa1, 8(a2)\naddi s2, s2, -1\nbnez s2, 1b", regs={12: m.DATA})
    assert s.where == "end" and m.hart.mstatus & FS_MASK == CLEAN
    assert m.mem.read(m.DATA + 8, 8) == D_ONE + 11
