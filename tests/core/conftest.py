"""Test helpers for the hart core: a machine (PhysMem + Hart) with trap landing pads, code
assembled by the GNU cross toolchain (cached), and page-table builders.

Everything here is written from the RISC-V specifications, independently of the hart's own
code: instruction bytes come from ``riscv64-unknown-elf-as``, page tables are built from the
Sv39/Sv48 PTE format and the Sv39x4/Sv48x4 rules (16 KiB root, 11-bit top index), and the
CSR numbers are those of the privileged specification.

Layout of a test machine (RAM at 0x8000_0000, lazily allocated):

* ``M_TRAP``, ``S_TRAP``, ``VS_TRAP``: each holds ``j .``; mtvec/stvec/vstvec point at them, so
  after a trap the hart spins at the landing pad of the level that took it;
* ``CODE``: where snippets are placed; every snippet is followed by ``j .`` (the *end* pad);
* ``DATA``: scratch data; ``PT_POOL``: page-table pages handed out by :class:`PageTables`.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from hvsim.core.clock import Clock
from hvsim.core.hart import Hart
from hvsim.core.trap import StopReason
from hvsim.mem.phys import PhysMem

AS = "riscv64-unknown-elf-as"
LD = "riscv64-unknown-elf-ld"
OBJCOPY = "riscv64-unknown-elf-objcopy"
MARCH = "rv64imafdc_zicsr_zifencei_h"

RAM_BASE = 0x8000_0000
RAM_SIZE = 64 << 20
M_TRAP = RAM_BASE + 0x000
S_TRAP = RAM_BASE + 0x100
VS_TRAP = RAM_BASE + 0x200
CODE = RAM_BASE + 0x1_0000
DATA = RAM_BASE + 0x10_0000
PT_POOL = RAM_BASE + 0x40_0000
PT_POOL_END = RAM_BASE + 0x80_0000

J_SELF = 0x0000006F  # jal x0, 0

PRV_U, PRV_S, PRV_M = 0, 1, 3

# PTE bits (privileged spec, Sv39 PTE format)
PTE_V, PTE_R, PTE_W, PTE_X, PTE_U, PTE_G, PTE_A, PTE_D = (1 << i for i in range(8))
RWX = PTE_R | PTE_W | PTE_X

#: CSR numbers from the privileged specification (tables "Currently allocated RISC-V ... CSR
#: addresses").
CSR = {
    "sstatus": 0x100,
    "sie": 0x104,
    "stvec": 0x105,
    "scounteren": 0x106,
    "senvcfg": 0x10A,
    "sscratch": 0x140,
    "sepc": 0x141,
    "scause": 0x142,
    "stval": 0x143,
    "sip": 0x144,
    "stimecmp": 0x14D,
    "satp": 0x180,
    "vsstatus": 0x200,
    "vsie": 0x204,
    "vstvec": 0x205,
    "vsscratch": 0x240,
    "vsepc": 0x241,
    "vscause": 0x242,
    "vstval": 0x243,
    "vsip": 0x244,
    "vstimecmp": 0x24D,
    "vsatp": 0x280,
    "mstatus": 0x300,
    "misa": 0x301,
    "medeleg": 0x302,
    "mideleg": 0x303,
    "mie": 0x304,
    "mtvec": 0x305,
    "mcounteren": 0x306,
    "menvcfg": 0x30A,
    "mcountinhibit": 0x320,
    "mscratch": 0x340,
    "mepc": 0x341,
    "mcause": 0x342,
    "mtval": 0x343,
    "mip": 0x344,
    "mtinst": 0x34A,
    "mtval2": 0x34B,
    "hstatus": 0x600,
    "hedeleg": 0x602,
    "hideleg": 0x603,
    "hie": 0x604,
    "htimedelta": 0x605,
    "hcounteren": 0x606,
    "hgeie": 0x607,
    "henvcfg": 0x60A,
    "htval": 0x643,
    "hip": 0x644,
    "hvip": 0x645,
    "htinst": 0x64A,
    "hgatp": 0x680,
    "hgeip": 0xE12,
    "mcycle": 0xB00,
    "minstret": 0xB02,
    "cycle": 0xC00,
    "time": 0xC01,
    "instret": 0xC02,
    "mvendorid": 0xF11,
    "marchid": 0xF12,
    "mimpid": 0xF13,
    "mhartid": 0xF14,
}


# ---- the assembler ----------------------------------------------------------------------------
class Assembler:
    """``asm(source, base)`` -> raw bytes of ``.text`` linked at ``base``.

    Results are cached in memory and in pytest's cache directory (keyed by a hash of the
    source, the base and the toolchain flags), so a warm run starts no process at all.
    """

    def __init__(self, cache_dir: Path | None) -> None:
        self.cache_dir = cache_dir
        self.memo: dict[tuple[str, int], bytes] = {}

    def __call__(self, source: str, base: int = CODE) -> bytes:
        key = (source, base)
        found = self.memo.get(key)
        if found is not None:
            return found
        digest = hashlib.sha256(f"{MARCH}\0{base:#x}\0{source}".encode()).hexdigest()
        path = self.cache_dir / f"{digest}.bin" if self.cache_dir else None
        if path is not None and path.exists():
            data = path.read_bytes()
        else:
            data = self._build(source, base)
            if path is not None:
                fd, tmp = tempfile.mkstemp(dir=self.cache_dir)
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                os.replace(tmp, path)  # atomic: safe with pytest-xdist workers
        self.memo[key] = data
        return data

    @staticmethod
    def _build(source: str, base: int) -> bytes:
        if shutil.which(AS) is None:
            pytest.skip(f"{AS} not installed (Debian: binutils-riscv64-unknown-elf)")
        text = ".option norvc\n.option norelax\n.text\n" + source + "\n"
        with tempfile.TemporaryDirectory() as tmp:
            d = Path(tmp)
            (d / "t.s").write_text(text)
            link = [LD, f"-Ttext={base:#x}", "--no-warn-rwx-segments", "-e", "0"]
            steps = (
                [AS, f"-march={MARCH}", "-mno-relax", "-o", "t.o", "t.s"],
                [*link, "-o", "t.elf", "t.o"],
                [OBJCOPY, "-O", "binary", "-j", ".text", "t.elf", "t.bin"],
            )
            for cmd in steps:
                done = subprocess.run(cmd, cwd=d, capture_output=True, text=True, check=False)
                if done.returncode != 0:
                    raise AssertionError(f"{cmd[0]} failed on:\n{text}\n{done.stderr}")
            return (d / "t.bin").read_bytes()


# ---- page tables --------------------------------------------------------------------------------
class PageTables:
    """Sv39/Sv48 (``levels`` = 3/4) page tables, or their x4 G-stage variants (``gstage``).

    Tables are allocated from the machine's pool.  ``to_host`` turns the (guest-)physical
    address of a table into the host physical address where it is written: the identity
    for satp and hgatp tables, the G-stage mapping for VS-stage tables kept in guest memory.
    """

    def __init__(
        self,
        machine: Machine,
        levels: int,
        gstage: bool = False,
        to_host: Callable[[int], int] | None = None,
        alloc: Callable[[int, int], int] | None = None,
    ) -> None:
        self.m = machine
        self.levels = levels
        self.gstage = gstage
        self.to_host = to_host or (lambda a: a)
        self.alloc = alloc or machine.alloc_host
        # the root of an x4 table is 16 KiB, aligned to 16 KiB
        self.root = self.alloc(4 if gstage else 1, 4 if gstage else 1)

    def _index(self, addr: int, level: int) -> int:
        width = 11 if self.gstage and level == self.levels - 1 else 9
        return (addr >> (12 + 9 * level)) & ((1 << width) - 1)

    def pte_addr(self, addr: int, level: int) -> int:
        """(Guest-)physical address of the PTE for ``addr`` at ``level`` (tables must exist)."""
        table = self.root
        for lvl in range(self.levels - 1, level, -1):
            pte = self.m.mem.read(self.to_host(table + 8 * self._index(addr, lvl)), 8)
            assert pte & PTE_V and not pte & RWX, f"no table at level {lvl} for {addr:#x}"
            table = (pte >> 10) << 12
        return table + 8 * self._index(addr, level)

    def map(self, addr: int, target: int, flags: int, level: int = 0) -> int:
        """Map ``addr`` to ``target`` with a leaf at ``level``; return the leaf PTE address."""
        table = self.root
        for lvl in range(self.levels - 1, level, -1):
            slot = table + 8 * self._index(addr, lvl)
            pte = self.m.mem.read(self.to_host(slot), 8)
            if not pte & PTE_V:
                page = self.alloc(1, 1)
                pte = ((page >> 12) << 10) | PTE_V
                self.m.mem.write(self.to_host(slot), 8, pte)
            assert not pte & RWX, "a leaf is in the way"
            table = (pte >> 10) << 12
        slot = table + 8 * self._index(addr, level)
        self.write_pte(slot, ((target >> 12) << 10) | flags)
        return slot

    def write_pte(self, slot: int, value: int) -> None:
        self.m.mem.write(self.to_host(slot), 8, value)

    def read_pte(self, slot: int) -> int:
        return self.m.mem.read(self.to_host(slot), 8)

    def atp(self, mode: int, tag: int = 0) -> int:
        """satp/vsatp (tag = ASID) or hgatp (tag = VMID) value for this table."""
        return (mode << 60) | (tag << 44) | (self.root >> 12)


# ---- the machine ---------------------------------------------------------------------------------
@dataclass
class Stop:
    """Where a run ended: ``"M"``, ``"HS"``, ``"VS"`` (a trap landing pad), ``"end"`` (the
    snippet ran to its end) or ``"pc=0x..."``; plus what ``Hart.run`` returned."""

    where: str
    retired: int
    reason: object


class Machine:
    """A PhysMem with one Hart (more can be added) and the layout of the module docstring."""

    RAM_BASE, CODE, DATA, M_TRAP, S_TRAP, VS_TRAP = RAM_BASE, CODE, DATA, M_TRAP, S_TRAP, VS_TRAP
    CSR = CSR

    def __init__(self, asm: Assembler, vmidlen: int = 14, clock: Clock | None = None) -> None:
        self.asm = asm
        self.mem = PhysMem(RAM_BASE, RAM_SIZE)
        self.hart = self.new_hart(vmidlen=vmidlen, clock=clock)
        self._pool = PT_POOL
        self.end = 0

    def new_hart(self, hartid: int = 0, vmidlen: int = 14, clock: Clock | None = None) -> Hart:
        h = Hart(self.mem, hartid, clock, vmidlen=vmidlen)
        for pad in (M_TRAP, S_TRAP, VS_TRAP):
            self.mem.write(pad, 4, J_SELF)
        h.csr_write(CSR["mtvec"], M_TRAP)
        h.csr_write(CSR["stvec"], S_TRAP)
        h.csr_write(CSR["vstvec"], VS_TRAP)
        return h

    # -- memory and code
    def alloc_host(self, pages: int, align_pages: int = 1) -> int:
        align = align_pages << 12
        addr = (self._pool + align - 1) & -align
        self._pool = addr + (pages << 12)
        assert self._pool <= PT_POOL_END, "page-table pool exhausted"
        return addr

    def place(self, addr: int, code: str | bytes) -> int:
        """Write ``code`` (assembly text or bytes) at ``addr``; return its length."""
        data = self.asm(code, addr) if isinstance(code, str) else code
        self.mem.write_bytes(addr, data)
        return len(data)

    def load(self, code: str, at: int = CODE) -> int:
        """Place ``code`` followed by ``j .`` at ``at``; set pc; return the end-pad address."""
        data = self.asm(code + "\n9999: j 9999b\n", at)
        self.mem.write_bytes(at, data)
        self.end = at + len(data) - 4
        self.hart.pc = at
        return self.end

    def where(self, h: Hart | None = None) -> str:
        h = h or self.hart
        if h.pc == M_TRAP:
            return "M"
        if h.pc == S_TRAP and not h.virt:
            return "HS"
        if h.pc == VS_TRAP and h.virt:
            return "VS"
        if h.pc == self.end:
            return "end"
        return f"pc={h.pc:#x}"

    def run(
        self,
        code: str | None = None,
        *,
        priv: int = PRV_M,
        virt: bool = False,
        at: int = CODE,
        budget: int = 200,
        regs: dict[int, int] | None = None,
    ) -> Stop:
        """Load ``code`` (if given), enter (priv, virt) directly and run ``budget`` instructions."""
        h = self.hart
        if code is not None:
            self.load(code, at)
        else:
            h.pc = at
        h.priv, h.virt = priv, virt
        h.state_changed()
        for r, v in (regs or {}).items():
            h.x[r] = v & ((1 << 64) - 1)
        return self.resume(budget)

    def resume(self, budget: int = 200) -> Stop:
        """Run on from the current state.  YIELD (a timer CSR was written, the driver should
        re-read deadlines) is not a stop for these tests: the run simply goes on."""
        h = self.hart
        total = 0
        while True:
            retired, reason = h.run(budget - total)
            total += retired
            if reason is not StopReason.YIELD or total >= budget:
                return Stop(self.where(), total, reason)

    # -- CSRs by name
    def csr(self, name: str) -> int:
        return self.hart.csr_read(CSR[name])

    def set_csr(self, name: str, value: int) -> None:
        self.hart.csr_write(CSR[name], value)

    # -- address translation
    def page_tables(self, levels: int = 3, gstage: bool = False, **kw) -> PageTables:
        return PageTables(self, levels, gstage, **kw)


@pytest.fixture(scope="session")
def asm(request: pytest.FixtureRequest) -> Assembler:
    cache = getattr(request.config, "cache", None)  # None with -p no:cacheprovider
    cache_dir = cache.mkdir("hvsim-core-asm") if cache is not None else None
    return Assembler(cache_dir)


@pytest.fixture
def make_machine(asm: Assembler) -> Callable[..., Machine]:
    return lambda **kw: Machine(asm, **kw)


@pytest.fixture
def m(make_machine: Callable[..., Machine]) -> Machine:
    return make_machine()
