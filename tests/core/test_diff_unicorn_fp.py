"""Differential test of the F and D extensions against unicorn (QEMU's RISC-V softfloat).

Hypothesis picks a seed and a length; a seeded generator writes a straight-line program of
random F/D instructions (every arithmetic operation, square root, the four fused forms, sign
injection, min/max, comparisons, FCLASS, the moves, every conversion, FLW/FLD/FSW/FSD and
the compressed C.FLD/C.FSD/C.FLDSP/C.FSDSP) with random static rounding modes (and dynamic
ones through frm, which the program sets and changes), from registers holding special
values: signed zeros, infinities, quiet and signalling NaNs, subnormals, the extremes of
each format, values near the integer conversion limits and near overflow and underflow
thresholds, ties, and random values.  After every FP instruction the program stores its
result and reads-and-clears fflags into a log, so every result and every instruction's flags
are compared, not just the final state.  Both simulators run it with mstatus.FS = Dirty; all
x and f registers, fcsr and the data area must agree.

Conventions: f0-f7 and f16-f23 hold singles (always NaN-boxed), f8-f15 and f24-f31 doubles,
so that every single operand is properly boxed.  ``sp``/``s0`` point into the
data area, ``s1`` at the log, ``t0`` is the scratch register for fflags; no other instruction
writes them.

Unicorn quirks worked around (unicorn 2 is QEMU 5.0, from before QEMU implemented
NaN-boxing and the 2.2 FMIN/FMAX):

* it neither checks the NaN-boxing of single operands nor NaN-boxes single results, so single
  results are compared on their low 32 bits (and the hart's single registers must all be
  boxed); test_fp_spec.py checks boxing by hand;
* its FMIN/FMAX follow IEEE 754-2008 minNum/maxNum (a signalling NaN operand gives the
  canonical NaN) instead of the 2.2 spec's minimumNumber (the other operand).  The generator
  tracks which registers may hold a signalling NaN (initial values, loads, moves from x
  registers and sign injections of such registers) and gives FMIN/FMAX only operands that
  cannot; test_fp_spec.py checks the sNaN cases from the spec.
"""

from __future__ import annotations

import random
import struct
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

unicorn = pytest.importorskip("unicorn")
uc_const = pytest.importorskip("unicorn.riscv_const")

M64 = (1 << 64) - 1
BOX = 0xFFFF_FFFF_0000_0000
DATA_SIZE = 0x1000
LOG_SIZE = 0x1000
BASES = {2: 0x400, 8: 0x800}  # base register -> offset of its value in the data area
LOG_BASE = 9  # s1
SCRATCH = 5  # t0
ABI = (
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4",
    "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4",
    "t5", "t6",
)  # fmt: skip
FABI = (
    "ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7", "fs0", "fs1", "fa0", "fa1", "fa2",
    "fa3", "fa4", "fa5", "fa6", "fa7", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7", "fs8", "fs9",
    "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
)  # fmt: skip
SINGLE_REGS = [*range(0, 8), *range(16, 24)]
DOUBLE_REGS = [*range(8, 16), *range(24, 32)]
X_DEST = [r for r in range(1, 32) if r not in (2, 8, LOG_BASE, SCRATCH)]
RMS = ("rne", "rtz", "rdn", "rup", "rmm", "dyn")

# (destination kind, source kinds, takes a rounding mode); S/D: single/double f register,
# X: x register.  binutils 2.40 takes no rounding mode for the exact conversions.
OPS: dict[str, tuple[str, str, bool]] = {}
for _t in "sd":
    _k = _t.upper()
    for _op in ("fadd", "fsub", "fmul", "fdiv"):
        OPS[f"{_op}.{_t}"] = (_k, _k * 2, True)
    OPS[f"fsqrt.{_t}"] = (_k, _k, True)
    for _op in ("fmadd", "fmsub", "fnmsub", "fnmadd"):
        OPS[f"{_op}.{_t}"] = (_k, _k * 3, True)
    for _op in ("fsgnj", "fsgnjn", "fsgnjx", "fmin", "fmax"):
        OPS[f"{_op}.{_t}"] = (_k, _k * 2, False)
    for _op in ("feq", "flt", "fle"):
        OPS[f"{_op}.{_t}"] = ("X", _k * 2, False)
    OPS[f"fclass.{_t}"] = ("X", _k, False)
    for _i in ("w", "wu", "l", "lu"):
        OPS[f"fcvt.{_i}.{_t}"] = ("X", _k, True)
        OPS[f"fcvt.{_t}.{_i}"] = (_k, "X", not (_t == "d" and _i in ("w", "wu")))
OPS["fcvt.s.d"] = ("S", "D", True)
OPS["fcvt.d.s"] = ("D", "S", False)
OPS["fmv.x.w"] = ("X", "S", False)
OPS["fmv.w.x"] = ("S", "X", False)
OPS["fmv.x.d"] = ("X", "D", False)
OPS["fmv.d.x"] = ("D", "X", False)
#: results that may be a signalling NaN (moves of bits)
PASS_THROUGH = {n for n in OPS if n.startswith(("fsgnj", "fmv.w.x", "fmv.d.x"))}
MEMORY = ["flw", "fld", "fsw", "fsd", "c.fld", "c.fsd", "c.fldsp", "c.fsdsp"]


# ---- values ---------------------------------------------------------------------------------
def f64(x: float) -> int:
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def f32(x: float) -> int:
    return struct.unpack("<I", struct.pack("<f", x))[0]


#: (bits, sign bit, exponent bias, mantissa bits, format) per kind
SPEC = {"S": (32, 127, 23), "D": (64, 1023, 52)}

EDGES = {
    "S": [
        0, 0x8000_0000, 0x7F80_0000, 0xFF80_0000, 0x7FC0_0000, 0xFFC0_0000, 0x7FC0_1234,
        0x7F80_0001, 0x7FA0_0000, 0xFF80_0001, 1, 0x8000_0001, 0x007F_FFFF, 0x0080_0000,
        0x8080_0000, 0x7F7F_FFFF, 0xFF7F_FFFF, f32(1.0), f32(-1.0), f32(0.5), f32(1.5),
        f32(2.5), f32(-2.5), f32(0.1), f32(2.0**31), f32(-(2.0**31)), f32(2.0**32),
        f32(2.0**63), f32(-(2.0**63)), f32(2.0**64), f32(4294967040.0), f32(-0.5),
        f32(2.0**64 - 2.0**40), f32(2.0**-126 * 1.5), f32(2.0**-63), f32(2.0**64) - 1,
    ],
    "D": [
        0, 1 << 63, 0x7FF0 << 48, 0xFFF0 << 48, 0x7FF8 << 48, 0xFFF8 << 48,
        0x7FF8_0000_0000_0123, 0x7FF0_0000_0000_0001, 0x7FF4 << 48, 0xFFF0_0000_0000_0001,
        1, (1 << 63) | 1, (1 << 52) - 1, 1 << 52, (1 << 63) | (1 << 52),
        0x7FEF_FFFF_FFFF_FFFF, 0xFFEF_FFFF_FFFF_FFFF, f64(1.0), f64(-1.0), f64(0.5),
        f64(1.5), f64(2.5), f64(-2.5), f64(0.1), f64(2.0**31 - 0.5), f64(2.0**31),
        f64(2.0**31 - 1), f64(-(2.0**31)), f64(-(2.0**31) - 1), f64(-(2.0**31) - 0.5),
        f64(2.0**32), f64(2.0**32 - 1), f64(2.0**32 - 0.5), f64(2.0**63), f64(-(2.0**63)),
        f64(2.0**64), f64(2.0**64 - 2048), f64(-0.5), f64(-0.75), f64(2.0**53 + 2),
        f64(1e308), f64(2.0**-1022 * 1.5), f64(2.0**-511), f64(2.0**511), f64(3.0),
    ],
}  # fmt: skip


def fp_value(rng: random.Random, kind: str) -> int:
    """A value of format ``kind``: an edge, a random finite value with an exponent anywhere
    (often near the overflow/underflow thresholds of products), a small number with a short
    fraction (ties for the conversions), or random bits."""
    width, bias, mbits = SPEC[kind]
    roll = rng.random()
    sign = rng.getrandbits(1) << (width - 1)
    if roll < 0.06:
        return sign  # a zero: division by zero, exact zero sums, sign rules
    if roll < 0.35:
        return rng.choice(EDGES[kind])
    if roll < 0.65:
        emax = 2 * bias  # the largest biased exponent of a finite value
        e = rng.choice(
            [
                rng.randint(1, emax),
                rng.randint(3 * bias // 2 - 4, 3 * bias // 2 + 4),  # products near overflow
                rng.randint(bias // 2 - 4, bias // 2 + 4),  # products near underflow
                rng.randint(0, 3),  # subnormal and just-normal
                rng.randint(bias - 2, bias + 2),  # near 1
                rng.randint(emax - 2, emax),  # sums near overflow
            ]
        )
        m = rng.getrandbits(mbits)
        if rng.random() < 0.3:
            m &= ~((1 << rng.randint(0, mbits)) - 1)  # short significands: exact results
        return sign | (e << mbits) | m
    if roll < 0.85:
        v = rng.randint(-70000, 70000) / rng.choice([1, 2, 4, 8, 3])
        return f32(v) if kind == "S" else f64(v)
    return rng.getrandbits(width)


INT_EDGES = (
    0, 1, 2, M64, M64 - 1, 1 << 63, (1 << 63) - 1, 1 << 31, (1 << 31) - 1, 1 << 32,
    0xFFFF_FFFF, 0xFFFF_FFFF_8000_0000, 0x7FF, 0xFFFF_FFFF_FFFF_F800, (1 << 53) + 1,
    (1 << 24) + 1, 0x7FFF_FFBF, 0xFFFF_FF7F,
)  # fmt: skip


def int_value(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.4:
        return rng.choice(INT_EDGES)
    if roll < 0.6:
        return rng.randint(-100, 100) & M64
    if roll < 0.8:
        return rng.getrandbits(64)
    return rng.getrandbits(rng.randint(1, 63))


# ---- program generation ---------------------------------------------------------------------
@dataclass
class Case:
    source: str
    xregs: dict[int, int]
    fregs: dict[int, int]
    data: bytes
    frm: int
    logged: list[str]  # the instruction whose result and flags each log slot holds


class Writer:
    """Writes one program; tracks which f registers may hold a signalling NaN."""

    def __init__(self, rng: random.Random, tainted: set[int]) -> None:
        self.rng = rng
        self.tainted = tainted
        self.lines: list[str] = []
        self.logged: list[str] = []

    def freg(self, kind: str, clean: bool = False) -> int | None:
        regs = SINGLE_REGS if kind == "S" else DOUBLE_REGS
        if clean:
            regs = [r for r in regs if r not in self.tainted]
            if not regs:
                return None
        return self.rng.choice(regs)

    def log(self, result: str, kind: str) -> None:
        """Store the result (an x or f register of ``kind`` X/S/D) and fflags, then clear
        them.  A single is stored as 32 bits (see the unicorn quirks)."""
        off = 16 * len(self.logged)
        self.logged.append(self.lines[-1])
        store = {"X": "sd", "S": "fsw", "D": "fsd"}[kind]
        self.lines.append(f"{store} {result}, {off}({ABI[LOG_BASE]})")
        self.lines.append(f"csrrw t0, fflags, zero\nsd t0, {off + 8}({ABI[LOG_BASE]})")

    def op(self, name: str) -> None:
        rng = self.rng
        dest, sources, has_rm = OPS[name]
        minmax = name.startswith(("fmin", "fmax"))
        srcs: list[str] = []
        src_regs: list[int] = []
        for kind in sources:
            if kind == "X":
                srcs.append(ABI[rng.randrange(32)])
                continue
            r = self.freg(kind, clean=minmax)
            if r is None:
                return
            srcs.append(FABI[r])
            src_regs.append(r)
        if dest == "X":
            rd_text = ABI[rng.choice(X_DEST)]
        else:
            rd = self.freg(dest)
            assert rd is not None
            rd_text = FABI[rd]
            passes = name in PASS_THROUGH and (
                name.startswith("fmv") or any(r in self.tainted for r in src_regs[:1])
            )
            if passes:
                self.tainted.add(rd)
            else:
                self.tainted.discard(rd)
        text = f"{name} {rd_text}, {', '.join(srcs)}"
        if has_rm:
            rm = rng.choice(RMS)
            if rm != "dyn" or rng.random() < 0.5:
                text += f", {rm}"
        self.lines.append(text)
        self.log(rd_text, dest)

    def memory(self, name: str) -> None:
        rng = self.rng
        size = 4 if name in ("flw", "fsw") else 8
        load = name.removeprefix("c.").startswith("fl")
        kind = "S" if size == 4 else "D"
        if name.startswith("c."):
            if name.endswith("sp"):
                base, reg = 2, self.freg("D")
                off = 8 * rng.randint(0, 63)
            else:
                base, reg = 8, rng.choice([8, 9, 10, 11, 12, 13, 14, 15])
                off = 8 * rng.randint(0, 31)
        else:
            base, reg = rng.choice(sorted(BASES)), self.freg(kind)
            lo = -BASES[base]
            hi = DATA_SIZE - BASES[base] - size
            off = rng.randint(max(lo, -2048), min(hi, 2047))
            if rng.random() < 0.8:
                off -= (BASES[base] + off) % size
                off = off if off >= lo else off + size
        assert reg is not None
        if load:
            self.tainted.add(reg)
        text = f"{name} {FABI[reg]}, {off}({ABI[base]})"
        self.lines.append(f".option rvc\n{text}\n.option norvc" if name.startswith("c.") else text)
        if load:
            self.log(FABI[reg], kind)

    def frm_change(self) -> None:
        self.lines.append(f"fsrmi zero, {self.rng.randint(0, 4)}")


def make_case(seed: int, count: int) -> Case:
    state = random.Random(f"fp-state-{seed}")
    xregs = {n: int_value(state) for n in X_DEST}
    fregs = {}
    tainted = set()
    for r in range(32):
        kind = "S" if r in SINGLE_REGS else "D"
        v = fp_value(state, kind)
        fregs[r] = v | BOX if kind == "S" else v
        if _maybe_snan(fregs[r], r):
            tainted.add(r)
    data = state.randbytes(DATA_SIZE)
    frm = state.randint(0, 4)
    rng = random.Random(seed)
    w = Writer(rng, tainted)
    names = sorted(OPS)
    for _ in range(count):
        roll = rng.random()
        if roll < 0.12:
            w.memory(rng.choice(MEMORY))
        elif roll < 0.15:
            w.frm_change()
        else:
            w.op(rng.choice(names))
    w.lines.append("end: j end")
    return Case("\n".join(w.lines), xregs, fregs, data, frm, w.logged)


def _maybe_snan(value: int, reg: int) -> bool:
    if reg in SINGLE_REGS:
        v = value & 0xFFFF_FFFF
        return (v & 0x7FC0_0000) == 0x7F80_0000 and bool(v & 0x003F_FFFF)
    return (value & 0x7FF8 << 48) == 0x7FF0 << 48 and bool(value & ((1 << 51) - 1))


# ---- the two simulators -----------------------------------------------------------------------
FS_DIRTY = 3 << 13


def unicorn_state(code: bytes, code_addr: int, case: Case, data_addr: int, steps: int):
    uc = unicorn.Uc(unicorn.UC_ARCH_RISCV, unicorn.UC_MODE_RISCV64)
    window = code_addr & ~0xF_FFFF
    uc.mem_map(window, 0x20_0000)
    uc.mem_write(code_addr, code)
    uc.mem_write(data_addr, case.data)
    uc.mem_write(data_addr + DATA_SIZE, bytes(LOG_SIZE))
    uc.reg_write(uc_const.UC_RISCV_REG_MSTATUS, FS_DIRTY)
    for n, v in initial_x(case, data_addr).items():
        uc.reg_write(uc_const.UC_RISCV_REG_X0 + n, v)
    for n, v in case.fregs.items():
        uc.reg_write(uc_const.UC_RISCV_REG_F0 + n, v)
    uc.reg_write(uc_const.UC_RISCV_REG_FRM, case.frm)
    uc.emu_start(code_addr, 0, count=steps)
    x = [0] + [uc.reg_read(uc_const.UC_RISCV_REG_X0 + n) & M64 for n in range(1, 32)]
    f = [uc.reg_read(uc_const.UC_RISCV_REG_F0 + n) & M64 for n in range(32)]
    fcsr = uc.reg_read(uc_const.UC_RISCV_REG_FCSR)
    mem = bytes(uc.mem_read(data_addr, DATA_SIZE + LOG_SIZE))
    return x, f, fcsr, uc.reg_read(uc_const.UC_RISCV_REG_PC), mem


def hart_state(m, code: bytes, case: Case, steps: int):
    m.mem.write_bytes(m.CODE, code)
    m.mem.write_bytes(m.DATA, case.data)
    m.mem.write_bytes(m.DATA + DATA_SIZE, bytes(LOG_SIZE))
    h = m.hart
    h.mstatus |= FS_DIRTY
    for n, v in initial_x(case, m.DATA).items():
        h.x[n] = v
    for n, v in case.fregs.items():
        h.f[n] = v
    h.frm = case.frm
    h.pc = m.CODE
    retired, _ = h.run(steps)
    mem = m.mem.read_bytes(m.DATA, DATA_SIZE + LOG_SIZE)
    return list(h.x), list(h.f), h.csr_read(0x003), h.pc, mem, retired


def initial_x(case: Case, data_addr: int) -> dict[int, int]:
    regs = dict(case.xregs)
    for base, offset in BASES.items():
        regs[base] = data_addr + offset
    regs[LOG_BASE] = data_addr + DATA_SIZE
    return regs


def mnemonics(source: str) -> set[str]:
    out = set()
    for line in source.splitlines():
        words = [w for w in line.split() if not w.endswith(":")]
        if words and not words[0].startswith("."):
            out.add(words[0])
    return out


def log_entries(mem: bytes) -> list[tuple[int, int]]:
    log = mem[DATA_SIZE:]
    return [struct.unpack_from("<QQ", log, 16 * i) for i in range(LOG_SIZE // 16)]


@pytest.mark.parametrize("tier", ["cold", "compiled"])
def test_random_fd_programs_match_unicorn(make_machine, tier: str) -> None:
    seen: set[str] = set()
    flags_seen = 0

    @settings(
        max_examples=300,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(seed=st.integers(0, 2**64 - 1), count=st.integers(1, 40))
    def check(seed: int, count: int) -> None:
        nonlocal flags_seen
        case = make_case(seed, count)
        note(case.source)
        seen.update(mnemonics(case.source))
        seen.update(line.rsplit(", ", 1)[-1] for line in case.source.splitlines())
        m = make_machine()
        if tier == "compiled":
            m.hart.code_cache.hot_threshold = 0
            m.hart.code_cache.follow_unreached = True
        code = m.asm(case.source, m.CODE)
        steps = len(code)  # more than enough to reach the final `j end` (and spin there)
        x_uc, f_uc, fcsr_uc, pc_uc, mem_uc = unicorn_state(code, m.CODE, case, m.DATA, steps)
        x_hv, f_hv, fcsr_hv, pc_hv, mem_hv, retired = hart_state(m, code, case, steps)
        assert retired == steps
        for slot, (a, b) in enumerate(zip(log_entries(mem_hv), log_entries(mem_uc), strict=True)):
            flags_seen |= a[1]
            assert a == b, (
                f"log slot {slot} ({case.logged[slot]}): hart value {a[0]:#x} flags "
                f"{a[1]:#x}, unicorn value {b[0]:#x} flags {b[1]:#x}"
            )
        for n in range(1, 32):
            assert x_hv[n] == x_uc[n], f"x{n} ({ABI[n]}): hart {x_hv[n]:#x}, unicorn {x_uc[n]:#x}"
        for n in range(32):
            hv, uc = f_hv[n], f_uc[n]
            if n in SINGLE_REGS:
                assert hv >> 32 == 0xFFFF_FFFF, f"f{n} ({FABI[n]}) not NaN-boxed: {hv:#x}"
                hv, uc = hv & 0xFFFF_FFFF, uc & 0xFFFF_FFFF
            assert hv == uc, f"f{n} ({FABI[n]}): hart {hv:#x}, unicorn {uc:#x}"
        assert fcsr_hv == fcsr_uc
        assert pc_hv == pc_uc
        assert mem_hv == mem_uc

    check()
    missing = {n for n in OPS} | set(MEMORY) | {rm for rm in RMS if rm != "dyn"}
    assert not (missing - seen), f"generator never produced {sorted(missing - seen)}"
    assert flags_seen == 0x1F, f"some exception flag never raised: {flags_seen:#x}"
