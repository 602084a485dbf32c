"""SBI extensions of the hypervisor, driven by real VS-mode guests running on the Host.

Every guest is a small assembly program (assembled and linked at 0x80200000 by the GNU cross
toolchain) that makes SBI calls and stores ``(a0, a1)`` of each call in numbered result slots
in guest RAM; the tests read the slots back with ``vm.read_guest`` after the run and check
them against the SBI specification (v2.0), together with the VM state, the console and the
per-vCPU statistics.  Multi-vCPU guests coordinate through flags in guest memory; every wait
loop is bounded so a broken hypervisor makes a test fail instead of hang.
"""

from __future__ import annotations

import hashlib
import shutil
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hvsim.config.model import HostConfig, Scenario, VmConfig
from hvsim.hv import sbi
from hvsim.hv.host import Host
from hvsim.hv.sbi.ipi import hart_mask_targets
from hvsim.hv.vm import VM

GCC = "riscv64-unknown-elf-gcc"
M64 = (1 << 64) - 1
RAM_BASE = 0x8000_0000
RAM_SIZE = 16 << 20
RES = 0x8030_0000  # result slots: slot i holds (a0, a1) at RES + 16 * i
SHARED = RES + 0x800  # flags and logs shared between vCPUs
ROOT_PT = RES + 0x1000  # an Sv39 root page table built by guests that turn paging on

# Values from the SBI specification, written out independently of hvsim.hv.sbi.
SUCCESS, NOT_SUPPORTED, INVALID_PARAM, INVALID_ADDRESS, ALREADY_AVAILABLE = 0, -2, -3, -5, -6
STARTED, STOPPED, SUSPENDED = 0, 1, 4
IRQ_S_SOFT = (1 << 63) | 1
IRQ_S_TIMER = (1 << 63) | 5

LINK_LD = """
OUTPUT_ARCH(riscv)
ENTRY(_start)
SECTIONS
{
    . = 0x80200000;
    .text : { *(.text.entry) *(.text*) }
    .rodata : { *(.rodata*) }
    .data : { *(.data*) *(.sdata*) *(.bss*) *(.sbss*) }
}
"""

PRELUDE = f"""
#define EID_BASE   0x10
#define EID_TIME   0x54494D45
#define EID_IPI    0x735049
#define EID_RFENCE 0x52464E43
#define EID_HSM    0x48534D
#define EID_SRST   0x53525354
#define EID_DBCN   0x4442434E
#define RES        {RES:#x}
#define SHARED     {SHARED:#x}
#define ROOT_PT    {ROOT_PT:#x}
#define WAIT_LIMIT 20000

    .macro sbi_call eid, fid
    li a7, \\eid
    li a6, \\fid
    ecall
    .endm

    /* store a0 (error) and a1 (value) of the last call in result slot \\slot */
    .macro put slot
    li t6, RES + (\\slot) * 16
    sd a0, 0(t6)
    sd a1, 8(t6)
    .endm

    /* store register \\reg in result slot \\slot (first word) */
    .macro keep slot, reg
    li t6, RES + (\\slot) * 16
    sd \\reg, 0(t6)
    .endm

    /* spin until the doubleword at \\addr is >= \\value (bounded) */
    .macro wait_for addr, value
    li t3, WAIT_LIMIT
    li t4, \\addr
    li t5, \\value
99: ld t6, 0(t4)
    bge t6, t5, 98f
    addi t3, t3, -1
    bnez t3, 99b
98:
    .endm

    /* poll hart_get_status(\\hart) until it returns \\state (bounded) */
    .macro wait_status hart, state
    li s11, WAIT_LIMIT
97: li a0, \\hart
    sbi_call EID_HSM, 2
    li t5, \\state
    beq a1, t5, 96f
    addi s11, s11, -1
    bnez s11, 97b
96:
    .endm

    .macro shutdown
    li a0, 0
    li a1, 0
    sbi_call EID_SRST, 0
95: j 95b
    .endm

    .section .text.entry, "ax", @progbits
    .globl _start
_start:
"""


@dataclass
class Run:
    host: Host
    vm: VM
    why: str
    lines: list[str]

    def slot(self, i: int) -> tuple[int, int]:
        """(a0 as a signed error, a1) stored in result slot ``i``."""
        err, value = struct.unpack("<qQ", self.vm.read_guest(RES + 16 * i, 16))
        return err, value

    def kept(self, i: int) -> int:
        """The word a guest stored with ``keep i, reg``."""
        return self.word(RES + 16 * i)

    def word(self, addr: int) -> int:
        return struct.unpack("<Q", self.vm.read_guest(addr, 8))[0]

    def counter(self, name: str, vcpu: int = 0) -> int:
        return self.host.stats.for_vm(self.vm.name)[vcpu].counters[name]


@pytest.fixture(scope="session")
def build(tmp_path_factory):
    """Assemble and link a guest source (PRELUDE prepended); cached by content."""
    if shutil.which(GCC) is None:
        pytest.skip(f"{GCC} is not installed")
    out = tmp_path_factory.mktemp("sbi_guests")
    (out / "link.ld").write_text(LINK_LD)

    def _build(body: str) -> Path:
        source = PRELUDE + body
        name = hashlib.sha256(source.encode()).hexdigest()[:16]
        elf = out / f"{name}.elf"
        if not elf.exists():
            src = out / f"{name}.S"
            src.write_text(source)
            cmd = [GCC, "-march=rv64imac_zicsr_zifencei", "-mabi=lp64", "-nostdlib"]
            cmd += ["-nostartfiles", "-static", "-T", str(out / "link.ld"), "-o", str(elf)]
            done = subprocess.run([*cmd, str(src)], capture_output=True, text=True)
            if done.returncode:
                pytest.fail(f"guest build failed:\n{done.stderr}")
        return elf

    return _build


@pytest.fixture
def run(build):
    def _run(
        body: str,
        *,
        vcpus: int = 1,
        pcpus: int = 1,
        console_input: bytes = b"",
        sstc: bool = True,
        until_us: int = 50_000,
    ) -> Run:
        vm_cfg = VmConfig(
            "g",
            build(body),
            memory=RAM_SIZE,
            vcpus=vcpus,
            console_prefix="",
            console_input=console_input,
            sstc=sstc,
        )
        scenario = Scenario(None, (vm_cfg,), host=HostConfig(pcpus=pcpus, batch_insns=1000))
        lines: list[str] = []
        host = Host(scenario, console_sink=lines.append)
        why = host.run(until_ps=until_us * 1_000_000)
        return Run(host, host.vms[0], why, lines)

    return _run


def assert_clean_shutdown(r: Run) -> None:
    assert r.vm.crash is None, r.vm.crash
    assert r.vm.state == "shutdown", (r.why, r.vm.state)
    assert "Shutdown vm normally!" in r.lines


# ---- BASE probing and unknown extensions / functions -----------------------------------------
EXTENSIONS = {
    "time": 0x54494D45,
    "ipi": 0x735049,
    "rfence": 0x52464E43,
    "hsm": 0x48534D,
    "srst": 0x53525354,
    "dbcn": 0x4442434E,
}


def test_probe_and_unknown_functions(run):
    body = []
    for i, eid in enumerate(EXTENSIONS.values()):
        body.append(f"li a0, {eid:#x}\n sbi_call EID_BASE, 3\n put {i}")
        # an unknown FID of each extension
        body.append(f"li a1, 0x77\n sbi_call {eid:#x}, 0x7fff\n put {i + 10}")
    body.append("li a0, 0x0A0B0C0D\n sbi_call EID_BASE, 3\n put 20")
    body.append("li a1, 0x77\n sbi_call 0x0A0B0C0D, 0\n put 21")
    body.append("li a1, 0x77\n li a7, -1\n li a6, 0\n ecall\n put 22")
    r = run("\n".join(body) + "\n shutdown\n")
    assert_clean_shutdown(r)
    for i, name in enumerate(EXTENSIONS):
        assert r.slot(i) == (SUCCESS, 1), name
        assert r.slot(i + 10)[0] == NOT_SUPPORTED, name
        assert r.counter(f"exits.sbi.{name}.{0x7FFF}") == 1
    assert r.slot(20) == (SUCCESS, 0)  # probing an absent extension
    assert r.slot(21) == (NOT_SUPPORTED, 0x77)  # a1 is left alone on error
    assert r.slot(22) == (NOT_SUPPORTED, 0x77)
    assert r.counter("exits.sbi.unknown.0xa0b0c0d") == 1


# ---- TIME --------------------------------------------------------------------------------------
TIMER_GUEST = """
    la t0, handler
    csrw stvec, t0
    li t0, 1 << 5
    csrs sie, t0            /* STIE */
    csrsi sstatus, 2        /* SIE */
    rdtime s0
    addi s1, s0, 1000       /* 100 us at the 10 MHz timebase */
    mv a0, s1
    sbi_call EID_TIME, 0
    put 0
    li s5, WAIT_LIMIT
1:  wfi
    bnez s2, 2f
    addi s5, s5, -1
    bnez s5, 1b
2:  keep 1, s1
    keep 2, s3
    keep 3, s4
    csrr t0, sip
    keep 4, t0
    keep 5, s2
    shutdown

    .balign 4
handler:
    csrr s4, scause
    rdtime s3
    li a0, -1
    sbi_call EID_TIME, 0    /* re-arming at "never" clears the pending timer */
    addi s2, s2, 1
    sret
"""


@pytest.mark.parametrize("sstc", [True, False], ids=["sstc", "no-sstc"])
def test_set_timer_interrupts_at_deadline(run, sstc):
    r = run(TIMER_GUEST, sstc=sstc)
    assert_clean_shutdown(r)
    assert r.slot(0) == (SUCCESS, 0)
    deadline, seen, cause = r.kept(1), r.kept(2), r.kept(3)
    assert cause == IRQ_S_TIMER
    assert deadline <= seen < deadline + 50  # on time, within a few microseconds
    assert r.kept(4) & (1 << 5) == 0  # STIP no longer pending
    assert r.kept(5) == 1  # exactly one interrupt
    assert r.counter("exits.sbi.time.set_timer") == 2
    assert r.counter("interrupts.timer") == 1
    assert r.counter("exits.wfi.block") >= 1  # it really waited


#: A guest that arms a timer 100 us ahead and then never waits: it loops on null SBI calls (one
#: VM exit each, so the vCPU loop resumes the guest straight after every exit) until the
#: interrupt arrives.  @ARM@ / @DISARM@ become the SBI or Sstc ways of setting the timer.
EXIT_LOOP_TIMER_GUEST = """
    la t0, handler
    csrw stvec, t0
    li t0, 1 << 5
    csrs sie, t0            /* STIE */
    csrsi sstatus, 2        /* SIE */
    rdtime s0
    addi s1, s0, 1000       /* 100 us at the 10 MHz timebase */
    @ARM@
    li s5, WAIT_LIMIT
1:  sbi_call EID_BASE, 0    /* get_spec_version: a null call */
    bnez s2, 2f
    addi s5, s5, -1
    bnez s5, 1b
2:  keep 1, s1
    keep 2, s3
    keep 3, s4
    keep 5, s2
    li a0, WAIT_LIMIT
    sub s5, a0, s5
    keep 6, s5              /* null calls that returned before the interrupt was seen */
    shutdown

    .balign 4
handler:
    csrr s4, scause
    rdtime s3
    @DISARM@
    addi s2, s2, 1
    sret
"""
TIMER_WAYS = {
    "sbi": ("mv a0, s1\n sbi_call EID_TIME, 0", "li a0, -1\n sbi_call EID_TIME, 0"),
    "sstc": ("csrw 0x14d, s1", "li t0, -1\n csrw 0x14d, t0"),  # stimecmp
}


@pytest.mark.parametrize("way", sorted(TIMER_WAYS))
def test_timer_interrupts_a_guest_that_keeps_exiting(run, way):
    """The resume path after each exit still notices a timer that became due, on time."""
    arm, disarm = TIMER_WAYS[way]
    r = run(EXIT_LOOP_TIMER_GUEST.replace("@ARM@", arm).replace("@DISARM@", disarm))
    assert_clean_shutdown(r)
    deadline, seen, cause = r.kept(1), r.kept(2), r.kept(3)
    assert cause == IRQ_S_TIMER
    assert deadline <= seen < deadline + 20  # within two microseconds (about two exits)
    assert r.kept(5) == 1  # exactly one interrupt
    calls = r.kept(6) + 1  # and the one after which it was seen
    assert 50 < calls < 20000  # it kept exiting for the 100 us (and not to WAIT_LIMIT)
    assert r.counter("exits.sbi.base.get_spec_version") == calls
    if way == "sbi":
        assert r.counter("interrupts.timer") == 1


# ---- HSM: start / stop / status --------------------------------------------------------------
HSM_GUEST = """
    li a0, 1
    sbi_call EID_HSM, 2
    put 0                   /* status of the never-started vCPU 1 */
    li a0, 7
    sbi_call EID_HSM, 2
    put 1                   /* no such hart */
    li a0, -1
    sbi_call EID_HSM, 2
    put 2
    li a0, 7
    la a1, secondary
    sbi_call EID_HSM, 0
    put 3                   /* start: no such hart */
    li a0, 1
    li a1, 0x1000
    sbi_call EID_HSM, 0
    put 4                   /* start address not RAM */
    li a0, 1
    la a1, secondary
    addi a1, a1, 1
    sbi_call EID_HSM, 0
    put 5                   /* odd start address */
    li a0, 1
    li a1, -2
    sbi_call EID_HSM, 0
    put 6                   /* start address near 2^64 */
    li a0, 1
    la a1, secondary
    li a2, 0xabcd
    sbi_call EID_HSM, 0
    put 7                   /* valid start */
    li a0, 1
    la a1, secondary
    sbi_call EID_HSM, 0
    put 8                   /* already started */
    li a0, 0
    la a1, secondary
    sbi_call EID_HSM, 0
    put 9                   /* the caller itself is started */
    li a0, 1
    sbi_call EID_HSM, 2
    put 14                  /* vCPU 1 runs (it waits for GO before it stops) */
    li t0, 1
    li t1, SHARED + 0x100
    sd t0, 0(t1)            /* GO */
    wait_status 1, 1
    put 10                  /* vCPU 1 stopped itself */
    li a0, 1
    la a1, secondary
    li a2, 0x5678
    sbi_call EID_HSM, 0
    put 11                  /* restart */
    wait_status 1, 1
    put 12
    li a0, 0
    sbi_call EID_HSM, 2
    put 13                  /* own status */
    shutdown

secondary:
    /* log (a0, a1, satp) of each start at SHARED + 8 + 24 * n */
    li t0, SHARED
    ld t1, 0(t0)
    li t2, 24
    mul t2, t1, t2
    add t2, t2, t0
    sd a0, 8(t2)
    sd a1, 16(t2)
    csrr t3, satp
    sd t3, 24(t2)
    addi t1, t1, 1
    sd t1, 0(t0)
    /* turn on Sv39 paging (identity gigapage) so the next start must find satp reset */
    li t0, ROOT_PT
    li t1, (0x80000000 >> 12 << 10) | 0xcf      /* V R W X A D */
    sd t1, 16(t0)
    li t1, (8 << 60) | (ROOT_PT >> 12)
    csrw satp, t1
    sfence.vma
    wait_for SHARED + 0x100, 1
    sbi_call EID_HSM, 1     /* hart_stop: does not return */
    li t0, 0xdead
    keep 30, t0
1:  j 1b
"""


def test_hsm_start_stop_status(run):
    r = run(HSM_GUEST, vcpus=2, pcpus=2)
    assert_clean_shutdown(r)
    assert r.slot(0) == (SUCCESS, STOPPED)
    assert r.slot(1)[0] == INVALID_PARAM
    assert r.slot(2)[0] == INVALID_PARAM
    assert r.slot(3)[0] == INVALID_PARAM
    assert r.slot(4)[0] == INVALID_ADDRESS
    assert r.slot(5)[0] == INVALID_ADDRESS
    assert r.slot(6)[0] == INVALID_ADDRESS
    assert r.slot(7)[0] == SUCCESS
    assert r.slot(8)[0] == ALREADY_AVAILABLE
    assert r.slot(9)[0] == ALREADY_AVAILABLE
    assert r.slot(10) == (SUCCESS, STOPPED)
    assert r.slot(11)[0] == SUCCESS
    assert r.slot(12) == (SUCCESS, STOPPED)
    assert r.slot(13) == (SUCCESS, STARTED)
    assert r.slot(14) == (SUCCESS, STARTED)
    # vCPU 1 ran twice, each time with a0 = its hart id, a1 = opaque and satp = 0
    assert r.word(SHARED) == 2
    starts = [struct.unpack("<3Q", r.vm.read_guest(SHARED + 8 + 24 * n, 24)) for n in range(2)]
    assert starts == [(1, 0xABCD, 0), (1, 0x5678, 0)]
    assert r.kept(30) == 0  # hart_stop never returned
    assert r.counter("exits.sbi.hsm.hart_start") == 8
    assert r.counter("exits.sbi.hsm.hart_stop", vcpu=1) == 2
    assert r.vm.vcpus[1].power.value == STOPPED


def test_hsm_stop_of_the_last_started_hart(run):
    """Stopping the only running vCPU is allowed: the VM is left with every hart stopped."""
    r = run("sbi_call EID_HSM, 1\n li t0, 0xdead\n keep 0, t0\n shutdown\n", until_us=100)
    assert r.vm.crash is None
    assert r.vm.state == "running"
    assert r.vm.vcpus[0].power.value == STOPPED
    assert r.kept(0) == 0
    assert r.counter("exits.sbi.hsm.hart_stop") == 1


# ---- HSM: suspend ------------------------------------------------------------------------------
SUSPEND_ALONE_GUEST = """
    li t0, 1 << 5
    csrs sie, t0            /* STIE enabled, sstatus.SIE stays 0: wake without a trap */
    rdtime s0
    addi s1, s0, 500
    mv a0, s1
    sbi_call EID_TIME, 0
    li a0, 0
    li a1, 0x1234
    li a2, 0x5678
    sbi_call EID_HSM, 3
    put 0                   /* retentive suspend returned */
    rdtime s2
    keep 1, s1
    keep 2, s2
    li a0, 1
    sbi_call EID_HSM, 3
    put 3                   /* reserved type */
    li a0, 0x10000000
    sbi_call EID_HSM, 3
    put 4                   /* platform-specific retentive: not implemented */
    li a0, 0x80000001
    sbi_call EID_HSM, 3
    put 5                   /* reserved */
    li a0, 0x90000000
    sbi_call EID_HSM, 3
    put 6                   /* platform-specific non-retentive: not implemented */
    li a0, 0x80000000
    li a1, 0x1000
    sbi_call EID_HSM, 3
    put 7                   /* non-retentive, resume address not RAM */
    li a0, 0x80000000
    li a1, -1
    sbi_call EID_HSM, 3
    put 8                   /* non-retentive, resume address near 2^64 */
    shutdown
"""


def test_hsm_retentive_suspend_waits_for_timer(run):
    r = run(SUSPEND_ALONE_GUEST)
    assert_clean_shutdown(r)
    assert r.slot(0) == (SUCCESS, 0)
    deadline, woke = r.kept(1), r.kept(2)
    assert woke >= deadline
    assert [r.slot(i)[0] for i in range(3, 7)] == [INVALID_PARAM] * 4
    assert [r.slot(i)[0] for i in (7, 8)] == [INVALID_ADDRESS] * 2
    assert r.counter("exits.sbi.hsm.hart_suspend") == 7
    assert r.counter("wakeups") >= 1
    assert r.host.stats.for_vm("g")[0].idle_ps > 0


SUSPEND_PAIR_GUEST = """
    li a0, 1
    la a1, secondary
    sbi_call EID_HSM, 0
    wait_status 1, 4
    put 0                   /* vCPU 1 is SUSPENDED (non-retentive) */
    li a0, 2
    li a1, 0
    sbi_call EID_IPI, 0
    wait_for SHARED + 0x40, 1
    wait_status 1, 4
    put 1                   /* SUSPENDED again (retentive) */
    li a0, 2
    li a1, 0
    sbi_call EID_IPI, 0
    wait_for SHARED + 0x48, 1
    li a0, 1
    sbi_call EID_HSM, 2
    put 2                   /* resumed: STARTED again */
    shutdown

secondary:
    la t0, bad_trap
    csrw stvec, t0
    csrsi sie, 2            /* SSIE */
    csrsi sstatus, 2        /* SIE: must be cleared by the non-retentive resume */
    li t0, ROOT_PT
    li t1, (0x80000000 >> 12 << 10) | 0xcf
    sd t1, 16(t0)
    li t1, (8 << 60) | (ROOT_PT >> 12)
    csrw satp, t1
    sfence.vma
    li a0, 0x80000000
    la a1, resumed
    li a2, 0x5555
    li s0, 0x77             /* a register the resume need not preserve, but may */
    sbi_call EID_HSM, 3
    li t0, 0xdead           /* a non-retentive suspend never returns here */
    keep 30, t0
1:  j 1b

resumed:
    put 10                  /* a0 = hart id, a1 = opaque */
    csrr t0, sstatus
    keep 11, t0
    csrr t0, sip
    keep 12, t0
    csrr t0, satp
    keep 13, t0
    csrci sip, 2
    li t0, 1
    li t1, SHARED + 0x40
    sd t0, 0(t1)
    li a0, 0
    li a1, 0x99
    sbi_call EID_HSM, 3     /* retentive suspend, woken by the second IPI */
    put 14
    csrr t0, sip
    keep 15, t0
    csrci sip, 2
    li t0, 1
    li t1, SHARED + 0x48
    sd t0, 0(t1)
2:  wfi
    j 2b

    .balign 4
bad_trap:
    csrr t0, scause
    keep 31, t0
3:  j 3b
"""


def test_hsm_suspend_resume_by_ipi(run):
    r = run(SUSPEND_PAIR_GUEST, vcpus=2, pcpus=2)
    assert_clean_shutdown(r)
    assert r.slot(0) == (SUCCESS, SUSPENDED)
    assert r.slot(1) == (SUCCESS, SUSPENDED)
    assert r.slot(2) == (SUCCESS, STARTED)  # running, or idle in WFI: not suspended
    assert r.kept(30) == 0  # did not return from the non-retentive suspend
    assert r.kept(31) == 0  # no trap: sstatus.SIE was 0 at resume
    assert r.slot(10) == (1, 0x5555)
    assert r.kept(11) & 2 == 0  # sstatus.SIE
    assert r.kept(12) & 2 == 2  # the waking IPI is still pending
    assert r.kept(13) == 0  # satp
    assert r.slot(14) == (SUCCESS, 0)
    assert r.kept(15) & 2 == 2
    assert r.counter("exits.sbi.hsm.hart_suspend", vcpu=1) == 2
    assert r.counter("interrupts.ipi", vcpu=1) == 2


# ---- IPI ---------------------------------------------------------------------------------------
IPI_GUEST = """
    li a0, 1
    la a1, secondary
    sbi_call EID_HSM, 0
    wait_for SHARED, 1          /* vCPU 1 ready */
    li a0, 0b10
    li a1, 0
    sbi_call EID_IPI, 0
    put 0
    wait_for SHARED + 8, 1
    li a0, 0b1
    li a1, 1
    sbi_call EID_IPI, 0
    put 1                       /* base 1, bit 0: hart 1 */
    wait_for SHARED + 8, 2
    li a0, 0
    li a1, -1
    sbi_call EID_IPI, 0
    put 2                       /* base -1: every hart, the mask is ignored */
    wait_for SHARED + 8, 3
    li a0, 0b100
    li a1, 0
    sbi_call EID_IPI, 0
    put 3                       /* hart 2 does not exist */
    li a0, 1
    li a1, 2
    sbi_call EID_IPI, 0
    put 4                       /* base 2 */
    li a0, 1
    slli a0, a0, 63
    li a1, 0
    sbi_call EID_IPI, 0
    put 5                       /* high mask bit */
    li a0, 0b11
    li a1, -2
    sbi_call EID_IPI, 0
    put 6                       /* base near 2^64: ids do not wrap to 0 */
    li a0, 0
    li a1, 5
    sbi_call EID_IPI, 0
    put 7                       /* invalid base, empty mask */
    li a0, 0b11
    li a1, 0
    sbi_call EID_IPI, 0
    put 8                       /* valid (harts 0 and 1) */
    wait_for SHARED + 8, 4
    csrr t0, sip
    keep 9, t0                  /* own IPIs: pending, not taken (SIE = 0) */
    shutdown

secondary:
    la t0, handler
    csrw stvec, t0
    csrsi sie, 2
    csrsi sstatus, 2
    li t0, 1
    li t1, SHARED
    sd t0, 0(t1)
1:  wfi
    j 1b

    .balign 4
handler:
    li t0, SHARED + 8
    ld t1, 0(t0)
    addi t1, t1, 1
    sd t1, 0(t0)
    slli t2, t1, 3
    add t2, t2, t0
    csrr t3, scause
    sd t3, 8(t2)                /* scause of interrupt n at SHARED + 16 + 8 * n */
    csrci sip, 2
    sret
"""


def test_ipi_between_vcpus(run):
    r = run(IPI_GUEST, vcpus=2, pcpus=2)
    assert_clean_shutdown(r)
    assert [r.slot(i)[0] for i in range(3)] == [SUCCESS] * 3
    assert [r.slot(i)[0] for i in range(3, 8)] == [INVALID_PARAM] * 5
    assert r.slot(8)[0] == SUCCESS
    assert r.word(SHARED + 8) == 4  # four IPIs taken by vCPU 1, none lost, none extra
    assert [r.word(SHARED + 16 + 8 * n) for n in range(1, 5)] == [IRQ_S_SOFT] * 4
    assert r.kept(9) & 2 == 2
    assert r.counter("interrupts.ipi", vcpu=1) == 4
    assert r.counter("interrupts.ipi", vcpu=0) == 2
    assert r.counter("exits.sbi.ipi.send_ipi") == 9


def test_ipi_to_single_vcpu_vm_rejects_other_harts(run):
    body = """
    li a0, 0b10
    li a1, 0
    sbi_call EID_IPI, 0
    put 0
    li a0, 1
    li a1, 0
    sbi_call EID_IPI, 0
    put 1
    csrr t0, sip
    keep 2, t0
    shutdown
    """
    r = run(body)
    assert_clean_shutdown(r)
    assert r.slot(0)[0] == INVALID_PARAM
    assert r.slot(1)[0] == SUCCESS
    assert r.kept(2) & 2 == 2
    assert r.counter("interrupts.ipi") == 1  # the rejected call sent nothing


# ---- RFENCE ------------------------------------------------------------------------------------
RFENCE_GUEST = """
    li a0, 1
    la a1, secondary
    sbi_call EID_HSM, 0
    wait_for SHARED, 1
    li a0, 0b11
    li a1, 0
    sbi_call EID_RFENCE, 0
    put 0                       /* remote_fence_i on both */
    li a0, 0b10
    li a1, 0
    li a2, 0
    li a3, 0
    sbi_call EID_RFENCE, 1
    put 1                       /* remote_sfence_vma, whole space */
    li a0, 0
    li a1, -1
    li a2, 0x80200000
    li a3, 0x2000
    sbi_call EID_RFENCE, 1
    put 2                       /* all harts, a range */
    li a0, 1
    li a1, 1
    li a2, 0
    li a3, -1
    li a4, 5
    sbi_call EID_RFENCE, 2
    put 3                       /* remote_sfence_vma_asid, size 2^64-1: whole space */
    li a0, 0b10
    li a1, 0
    li a2, -0x1000
    li a3, 0x2000
    sbi_call EID_RFENCE, 1
    put 4                       /* range wraps past 2^64 */
    li a0, 0b100
    li a1, 0
    li a2, 0
    li a3, 0
    sbi_call EID_RFENCE, 1
    put 5                       /* hart 2 does not exist */
    li a0, 1
    li a1, 9
    sbi_call EID_RFENCE, 0
    put 6                       /* base 9 */
    li a0, 0b11
    li a1, 0
    li a2, 0
    li a3, 0
    li a4, 0
    sbi_call EID_RFENCE, 3
    put 7
    sbi_call EID_RFENCE, 4
    put 8
    sbi_call EID_RFENCE, 5
    put 9
    sbi_call EID_RFENCE, 6
    put 10
    /* give vCPU 1 a few batch boundaries to apply its requests */
    li t0, 20000
1:  addi t0, t0, -1
    bnez t0, 1b
    shutdown

secondary:
    li t0, 1
    li t1, SHARED
    sd t0, 0(t1)
1:  j 1b
"""


def test_remote_fences(run):
    r = run(RFENCE_GUEST, vcpus=2, pcpus=2)
    assert_clean_shutdown(r)
    assert [r.slot(i)[0] for i in range(4)] == [SUCCESS] * 4
    assert r.slot(4)[0] == INVALID_ADDRESS
    assert r.slot(5)[0] == INVALID_PARAM
    assert r.slot(6)[0] == INVALID_PARAM
    assert [r.slot(i)[0] for i in range(7, 11)] == [NOT_SUPPORTED] * 4
    assert r.counter("fences.fence_i", vcpu=0) == 1
    assert r.counter("fences.fence_i", vcpu=1) == 1
    assert r.counter("fences.vvma", vcpu=0) == 1
    assert r.counter("fences.vvma", vcpu=1) == 3
    for name in ("remote_hfence_gvma_vmid", "remote_hfence_gvma", "remote_hfence_vvma_asid"):
        assert r.counter(f"exits.sbi.rfence.{name}") == 1
    assert r.counter("exits.sbi.rfence.remote_sfence_vma") == 4


# ---- SRST --------------------------------------------------------------------------------------
SRST_GUEST = """
    li a0, 3
    li a1, 0
    sbi_call EID_SRST, 0
    put 0                       /* reserved type */
    li a0, 0xF0000000
    li a1, 0
    sbi_call EID_SRST, 0
    put 1                       /* vendor type: none implemented */
    li a0, 0
    li a1, 2
    sbi_call EID_SRST, 0
    put 2                       /* reserved reason */
    li a0, 0
    li a1, 0xE0000000
    sbi_call EID_SRST, 0
    put 3                       /* implementation-specific reason: none defined */
    li a0, 0
    li a1, 0
    sbi_call EID_SRST, 1
    put 4                       /* unknown FID */
    li a0, {type}
    li a1, {reason}
    sbi_call EID_SRST, 0
    li t0, 0xdead
    keep 30, t0
1:  j 1b
"""


@pytest.mark.parametrize(
    ("reset_type", "reason", "state", "message"),
    [
        (0, 0, "shutdown", "Shutdown vm normally!"),
        (0, 1, "shutdown", "Shutdown vm normally!"),
        (1, 0, "reset", "Reset vm requested!"),
        (2, 1, "reset", "Reset vm requested!"),
        ((1 << 32) | 2, 0, "reset", "Reset vm requested!"),  # a 32-bit parameter
    ],
)
def test_system_reset(run, reset_type, reason, state, message):
    r = run(SRST_GUEST.format(type=reset_type, reason=reason))
    assert r.vm.crash is None
    assert r.vm.state == state
    assert message in r.lines
    assert f"a0 = {reset_type:#x}, a1 = {reason:#x}" in r.lines
    assert [r.slot(i)[0] for i in range(4)] == [INVALID_PARAM] * 4
    assert r.slot(4)[0] == NOT_SUPPORTED
    assert r.kept(30) == 0  # a successful reset does not return
    assert r.counter("exits.sbi.srst.system_reset") == 5
    assert r.why == "done"


def test_system_reset_stops_every_vcpu(run):
    body = """
    li a0, 1
    la a1, secondary
    sbi_call EID_HSM, 0
    wait_for SHARED, 1
    li a0, 0
    li a1, 0
    sbi_call EID_SRST, 0
1:  j 1b
secondary:
    li t0, 1
    li t1, SHARED
    sd t0, 0(t1)
2:  j 2b
    """
    r = run(body, vcpus=2, pcpus=2)
    assert r.why == "done"
    assert r.vm.state == "shutdown"
    assert r.host.env.now < 50_000 * 1_000_000


# ---- DBCN --------------------------------------------------------------------------------------
DBCN_GUEST = """
    la a0, msg_end
    la a1, msg
    sub a0, a0, a1
    li a2, 0
    sbi_call EID_DBCN, 0
    put 0                       /* console_write */
    li a0, 4
    la a1, msg
    li a2, 1
    sbi_call EID_DBCN, 0
    put 1                       /* base_addr_hi != 0 */
    li a0, 4
    li a1, 0x1000
    li a2, 0
    sbi_call EID_DBCN, 0
    put 2                       /* not RAM */
    li a0, 0x100
    li a1, 0x80000000 + 0x1000000 - 0x10
    li a2, 0
    sbi_call EID_DBCN, 0
    put 3                       /* runs past the end of RAM */
    li a0, -1
    la a1, msg
    li a2, 0
    sbi_call EID_DBCN, 0
    put 4                       /* length 2^64-1 */
    li a0, 2
    li a1, -1
    li a2, 0
    sbi_call EID_DBCN, 0
    put 5                       /* address near 2^64: the range wraps */
    li a0, 0
    li a1, 0x1000
    li a2, 0
    sbi_call EID_DBCN, 0
    put 6                       /* nothing to write */
    li a0, 0x158                /* only the low byte counts: 'X' */
    sbi_call EID_DBCN, 2
    put 7
    li a0, 10
    sbi_call EID_DBCN, 2
    li a0, 3
    li a1, SHARED
    li a2, 0
    sbi_call EID_DBCN, 1
    put 8                       /* console_read: 3 of the 5 input bytes */
    li a0, 3
    li a1, 0x1000
    li a2, 0
    sbi_call EID_DBCN, 1
    put 9                       /* bad buffer: nothing consumed */
    li a0, 10
    li a1, SHARED + 3
    li a2, 0
    sbi_call EID_DBCN, 1
    put 10                      /* the remaining 2 */
    li a0, 10
    li a1, SHARED + 16
    li a2, 0
    sbi_call EID_DBCN, 1
    put 11                      /* no input left */
    li a0, -1
    li a1, SHARED
    li a2, 0
    sbi_call EID_DBCN, 1
    put 12
    shutdown

    .section .rodata
msg:
    .ascii "hello, console\\n"
msg_end:
"""


def test_debug_console(run):
    r = run(DBCN_GUEST, console_input=b"hello")
    assert_clean_shutdown(r)
    assert r.slot(0) == (SUCCESS, len("hello, console\n"))
    assert [r.slot(i)[0] for i in range(1, 6)] == [INVALID_PARAM] * 5
    assert r.slot(6) == (SUCCESS, 0)
    assert r.slot(7) == (SUCCESS, 0)
    assert r.slot(8) == (SUCCESS, 3)
    assert r.slot(9)[0] == INVALID_PARAM
    assert r.slot(10) == (SUCCESS, 2)
    assert r.slot(11) == (SUCCESS, 0)
    assert r.slot(12)[0] == INVALID_PARAM
    assert r.vm.read_guest(SHARED, 6) == b"hello\x00"
    assert r.vm.console.text.startswith("hello, console\nX\n")
    assert r.lines[:2] == ["hello, console", "X"]
    assert r.counter("exits.sbi.dbcn.console_write") == 7
    assert r.counter("exits.sbi.dbcn.console_read") == 5
    assert r.counter("exits.sbi.dbcn.console_write_byte") == 2


# ---- hart masks and hostile arguments ---------------------------------------------------------
def _fake_vcpu(n: int) -> SimpleNamespace:
    vm = SimpleNamespace()
    vm.vcpus = [SimpleNamespace(vm=vm, index=i) for i in range(n)]
    return vm.vcpus[0]


u64 = st.one_of(
    st.integers(0, M64),
    st.sampled_from([0, 1, 2, 3, 63, 64, M64, M64 - 1, 1 << 63]),
)


@given(n=st.integers(1, 8), mask=u64, base=u64)
def test_hart_mask_decoding(n, mask, base):
    """A hart mask names hart ids base + i for each set bit i; base = -1 names every hart."""
    vcpu = _fake_vcpu(n)
    got = hart_mask_targets(vcpu, mask, base)
    if base == M64:
        assert got == vcpu.vm.vcpus
        return
    named = {base + i for i in range(64) if mask >> i & 1}
    if base >= n or any(h >= n for h in named):
        assert got is None
    else:
        assert got is not None
        assert sorted(v.index for v in got) == sorted(named)


@pytest.fixture(scope="module")
def idle_elf(build):
    return build("1: j 1b\n")


SBI_EIDS = [*range(9), 0x10, *EXTENSIONS.values()]  # legacy, BASE and the rest


@settings(max_examples=150, deadline=None)
@given(
    eid=st.sampled_from(SBI_EIDS),
    fid=st.one_of(st.integers(0, 8), u64),
    args=st.lists(u64, min_size=6, max_size=6),
)
def test_hostile_arguments_never_raise(idle_elf, eid, fid, args):
    """Any SBI call with any arguments returns a standard SBI error code to the guest."""
    vm_cfg = VmConfig("h", idle_elf, memory=RAM_SIZE, vcpus=2, console_prefix="")
    host = Host(Scenario(None, (vm_cfg,)), console_sink=lambda line: None)
    vm = host.vms[0]
    vcpu = vm.vcpus[0]
    hart = host.pcpus[0].hart
    vcpu.load(hart, host.vmids.ensure(vm))
    hart.leave_guest()  # as after a VM exit: the hart is in HS-mode
    hart.x[10:16] = args
    hart.x[16], hart.x[17] = fid, eid
    sepc = hart.sepc
    result = sbi.handle_ecall(vcpu, hart)
    assert result.kind == "sbi"
    if hart.sepc != (sepc + 4) & M64:  # only a non-retentive suspend goes elsewhere
        assert (eid, fid, args[0] & 0xFFFFFFFF) == (0x48534D, 3, 0x80000000)
        assert (hart.sepc, hart.x[10], hart.x[11]) == (args[1], vcpu.index, args[2])
    else:
        error = hart.x[10] - (1 << 64) if hart.x[10] >> 63 else hart.x[10]
        assert -9 <= error <= 0


# ---- a remote SFENCE.VMA really invalidates the target's translations --------------------------
L1_PT = ROOT_PT + 0x1000
PAGE_A, PAGE_B = 0x8040_0000, 0x8060_0000  # two 2 MiB pages that guest VA 0x40000000 maps to

REMOTE_SFENCE_GUEST = f"""
    /* page tables (vCPU 0 runs with satp = 0 and writes them physically):
       root[2] = identity gigapage 0x80000000, root[1] -> L1, L1[0] = 2 MiB page A */
    li t0, ROOT_PT
    li t1, (0x80000000 >> 12 << 10) | 0xcf
    sd t1, 16(t0)
    li t1, ({L1_PT:#x} >> 12 << 10) | 0x01
    sd t1, 8(t0)
    li t0, {L1_PT:#x}
    li t1, ({PAGE_A:#x} >> 12 << 10) | 0xcf
    sd t1, 0(t0)
    li t0, {PAGE_A:#x}
    li t1, 0xaaaa
    sd t1, 0(t0)
    li t0, {PAGE_B:#x}
    li t1, 0xbbbb
    sd t1, 0(t0)
    li a0, 1
    la a1, secondary
    sbi_call EID_HSM, 0
    wait_status 1, 4            /* vCPU 1 read through the old mapping and suspended */
    li t0, {L1_PT:#x}
    li t1, ({PAGE_B:#x} >> 12 << 10) | 0xcf
    sd t1, 0(t0)                /* remap VA 0x40000000 to page B */
    li a0, 0b10
    li a1, 0
    li a2, 0x40000000
    li a3, 0x1000
    sbi_call EID_RFENCE, 1
    put 0
    li a0, 0b10
    li a1, 0
    sbi_call EID_IPI, 0
    wait_for SHARED, 1
    shutdown

secondary:
    li t1, (8 << 60) | (ROOT_PT >> 12)
    csrw satp, t1
    sfence.vma
    li s0, 0x40000000
    ld t0, 0(s0)
    keep 1, t0                  /* through the old mapping: page A */
    csrsi sie, 2
    li a0, 0
    sbi_call EID_HSM, 3         /* retentive suspend until the IPI */
    csrci sip, 2
    ld t0, 0(s0)
    keep 2, t0                  /* after the remote fence: page B */
    li t0, 1
    li t1, SHARED
    sd t0, 0(t1)
1:  j 1b
"""


def test_remote_sfence_vma_reaches_a_suspended_vcpu(run):
    r = run(REMOTE_SFENCE_GUEST, vcpus=2, pcpus=2)
    assert_clean_shutdown(r)
    assert r.slot(0)[0] == SUCCESS
    assert r.kept(1) == 0xAAAA
    assert r.kept(2) == 0xBBBB
