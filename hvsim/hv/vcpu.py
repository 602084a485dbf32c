"""A virtual CPU: saved guest context, power state, posted requests, and its SimPy process.

The process loop (one per vCPU)::

    wait until runnable (powered on, not blocked in WFI)
    acquire a pCPU from the scheduler            -> the wait is steal time
    world switch in (GPRs, FP registers and fcsr, vs* CSRs, hstatus, hvip, hgatp with VMID)
    repeat: apply posted requests, run a batch bounded by the slice end and the next timer
            deadline, charge its time, dispatch a VM exit if it ended in one
    world switch out, release the pCPU

While loaded, the pCPU's hart *is* the context: exit handlers read and write ``hart.x``,
``hart.sepc`` and the CSRs, as KVM's handlers do with the trap frame.  Requests from other
vCPUs (IPIs, remote fences, HSM start) are posted to the target and take effect at its next
batch boundary; blocked targets are woken with :meth:`Vcpu.kick`.

FP state is per vCPU like the GPRs: f0-f31 (the vCPU's list becomes the hart's), fflags and
frm move with the world switch, and so does the HS-level mstatus.FS the guest runs under (KVM's
``guest_context.sstatus.FS``): Initial at reset, Clean after a switch out that found it Dirty
(the state was saved then).  KVM saves and restores lazily by FS; here the switch always moves
it, which costs a few attribute copies.  The guest's own vsstatus.FS starts Off, as under KVM.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, NamedTuple

from hvsim.core import bits as B
from hvsim.core import csr as C
from hvsim.core import fpstate
from hvsim.core.trap import MIP_VSEIP, MIP_VSSIP, MIP_VSTIP

if TYPE_CHECKING:
    import simpy

    from hvsim.core.hart import Hart
    from hvsim.hv.vm import VM

M64 = B.M64
LAST_EXITS = 16
#: Guest CSR state moved by the world switch (same attribute names on Vcpu and Hart).
GUEST_CSRS = (
    "vsstatus",
    "vstvec",
    "vsscratch",
    "vsepc",
    "vscause",
    "vstval",
    "vsatp",
    "vstimecmp",
    "hvip",
    "henvcfg",
)


class Power(enum.Enum):
    """SBI HSM hart states (values are the SBI encodings)."""

    STARTED = 0
    STOPPED = 1
    START_PENDING = 2
    STOP_PENDING = 3
    SUSPENDED = 4
    SUSPEND_PENDING = 5
    RESUME_PENDING = 6


class Action(enum.Enum):
    """What an exit handler asks the vCPU loop to do next."""

    RESUME = "resume"  # return to the guest
    BLOCK = "block"  # give up the pCPU until an interrupt (WFI, HSM suspend)
    POWER_OFF = "power_off"  # this vCPU stopped (HSM hart_stop)
    STOP_VM = "stop_vm"  # the VM shut down (or was reset) cleanly
    CRASH = "crash"  # the VM misbehaved; it is stopped with a report


class ExitResult(NamedTuple):
    """What an exit handler decided: next action, statistics kind and detail."""

    action: Action
    kind: str
    detail: str = ""
    crash_reason: str = ""


class Vcpu:
    """One vCPU of a VM."""

    def __init__(self, vm: VM, index: int) -> None:
        self.vm = vm
        self.index = index  # the hart id the guest sees
        self.name = f"{vm.name}.vcpu{index}"
        # saved guest context (valid while not loaded on a pCPU)
        self.x = [0] * 32
        self.f = [0] * 32  # FP registers (64-bit patterns) and fcsr
        self.fflags = self.frm = 0
        self.fs = fpstate.FS_INITIAL  # mstatus.FS while this vCPU runs (HS level)
        self.pc = 0
        self.priv = B.PRV_S
        self.vsstatus = 0
        self.vs_mie = 0  # the VS-level bits of mie (what the guest sees as vsie)
        self.vstvec = self.vsscratch = self.vsepc = self.vscause = self.vstval = 0
        self.vsatp = 0
        self.vstimecmp = M64
        self.hvip = 0
        self.hstatus = B.HSTATUS_VTW  # WFI in VS-mode exits, so an idle vCPU frees its pCPU
        self.henvcfg = B.ENVCFG_STCE if vm.config.sstc else 0
        self.htimedelta = 0
        # power state and timers
        self.power = Power.STOPPED
        self.sbi_timer: int | None = None  # guest-time deadline of SBI set_timer
        self.blocked = False
        self.suspended = False  # blocked by SBI HSM hart_suspend (reported as SUSPENDED)
        self.posted: list[tuple] = []
        self.hart: Hart | None = None  # the pCPU hart while loaded
        pins = vm.config.pin
        self.pin: int | None = pins[index] if pins is not None else None
        self.slice_start: int | None = None  # while on a pCPU: when the slice began
        self.slice_pcpu = None
        self.slice_retired = 0
        self.kicked_ps: int | None = None  # when a wake-up was requested while it waited
        self.flush_on_load = False  # a remote fence arrived while it was off its pCPU
        self._wake: simpy.Event | None = None
        self.stats = vm.host.stats.vcpu(self)
        self.exit_log = vm.host.stats.exits  # where the vCPU loop appends this vCPU's exit records

    # ---- entry state ------------------------------------------------------------------------
    def set_entry(self, pc: int, a0: int, a1: int) -> None:
        """Guest entry as real hypervisors do it: a0 = hart id, a1 = opaque (FDT address)."""
        self.x[:] = [0] * 32
        self.x[10], self.x[11] = a0 & M64, a1 & M64
        self.f[:] = [0] * 32
        self.fflags = self.frm = 0
        self.fs = fpstate.FS_INITIAL
        self.pc = pc
        self.priv = B.PRV_S
        self.vsstatus = 0
        self.vs_mie = 0
        self.vsatp = 0
        self.hvip &= MIP_VSEIP  # an external interrupt line held by the PLIC stays asserted

    # ---- world switch -------------------------------------------------------------------------
    def load(self, hart: Hart, vmid: int) -> None:
        """World switch in: put this vCPU's context on ``hart`` and enter the guest."""
        vm = self.vm
        self.hart = hart
        hart.x = self.x
        hart.f = self.f
        hart.fflags, hart.frm = self.fflags, self.frm
        for name in GUEST_CSRS:
            setattr(hart, name, getattr(self, name))
        hart.mie = (hart.mie & ~C.VS_INTS) | self.vs_mie
        hart.htimedelta = self.htimedelta
        hart.hcounteren = 0xFFFFFFFF
        hart.hedeleg = vm.hedeleg & C.HEDELEG_WRITABLE
        hart.hideleg = vm.hideleg & C.HIDELEG_WRITABLE
        hart.hgatp = vm.gstage.hgatp(vmid)
        hart.hstatus = (
            (self.hstatus & ~(B.HSTATUS_SPVP | B.HSTATUS_SPV))
            | B.HSTATUS_SPV
            | (B.HSTATUS_SPVP if self.priv == B.PRV_S else 0)
        )
        hart.sepc = self.pc
        hart.mstatus = (
            (hart.mstatus & ~(B.MSTATUS_SPP | B.MSTATUS_FS))
            | (B.MSTATUS_SPP if self.priv == B.PRV_S else 0)
            | self.fs
        )
        self.resume(hart)
        fpstate.refresh(hart)  # another vCPU's registers may be the hart's FP fast-path view
        hart.update_timers()

    def resume(self, hart: Hart) -> None:
        """The SRET-equivalent: return from HS to the guest at ``sepc``."""
        hart.pc = hart.sepc
        hart.enter_from_hs_return()

    def save(self, hart: Hart) -> None:
        """World switch out: the guest context back from ``hart`` (which is in HS-mode)."""
        self.pc = hart.sepc
        self.priv = B.PRV_S if hart.hstatus & B.HSTATUS_SPVP else B.PRV_U
        for name in GUEST_CSRS:
            setattr(self, name, getattr(hart, name))
        self.fflags, self.frm = hart.fflags, hart.frm  # self.f is hart.f: nothing to copy
        fs = hart.mstatus & B.MSTATUS_FS
        self.fs = fpstate.FS_CLEAN if fs == fpstate.FS_DIRTY else fs
        self.vs_mie = hart.mie & C.VS_INTS
        self.hstatus = hart.hstatus
        self.hart = None

    # ---- interrupts and timers ----------------------------------------------------------------
    def set_hvip(self, bits: int, level: bool) -> None:
        """Raise or lower VS-level interrupt lines (IPI, timer, external) for this vCPU."""
        target = self.hart
        if target is not None:
            target.hvip = (target.hvip | bits) if level else (target.hvip & ~bits)
            target.state_changed()
        else:
            self.hvip = (self.hvip | bits) if level else (self.hvip & ~bits)
        if level:
            self.kick()

    def guest_time(self) -> int:
        """The guest's ``time`` now (host mtime + htimedelta)."""
        return (self.vm.host.mtime_now() + self.htimedelta) & M64

    def timer_deadline(self) -> int | None:
        """Host mtime at which this vCPU's next timer interrupt becomes pending, if any."""
        deadlines = []
        if self.sbi_timer is not None:
            deadlines.append((self.sbi_timer - self.htimedelta) & M64)
        hart = self.hart
        vstimecmp = hart.vstimecmp if hart is not None else self.vstimecmp
        henvcfg = hart.henvcfg if hart is not None else self.henvcfg
        if henvcfg & B.ENVCFG_STCE and vstimecmp != M64:
            deadlines.append((vstimecmp - self.htimedelta) & M64)
        return min(deadlines) if deadlines else None

    def check_timers(self) -> None:
        """Make SBI-timer VSTIP pending once guest time has reached the deadline."""
        if self.sbi_timer is not None and self.guest_time() >= self.sbi_timer:
            self.sbi_timer = None
            self.set_hvip(MIP_VSTIP, True)
            self.stats.count("interrupts.timer")
        hart = self.hart
        if hart is not None and (hart.vstimer or hart.vstimecmp != M64):
            hart.update_timers()  # Sstc: only while the guest has a deadline armed or pending

    def set_sbi_timer(self, stime: int) -> None:
        """SBI set_timer: clear the pending timer and arm the next one (KVM semantics)."""
        self.set_hvip(MIP_VSTIP, False)
        self.sbi_timer = stime & M64
        self.check_timers()

    def interrupt_pending(self) -> bool:
        """Would this vCPU leave WFI now (a VS-level interrupt pending and enabled)?"""
        hart = self.hart
        hvip = hart.hvip if hart is not None else self.hvip
        vs_mie = (hart.mie if hart is not None else self.vs_mie) & C.VS_INTS
        pending = hvip & C.VS_INTS
        henvcfg = hart.henvcfg if hart is not None else self.henvcfg
        vstimecmp = hart.vstimecmp if hart is not None else self.vstimecmp
        if henvcfg & B.ENVCFG_STCE and self.guest_time() >= vstimecmp:
            pending |= MIP_VSTIP
        return bool(pending & vs_mie)

    # ---- cross-vCPU requests ------------------------------------------------------------------
    def post(self, request: tuple) -> None:
        """Queue a request from another vCPU; it is applied at this vCPU's next batch boundary."""
        self.posted.append(request)
        self.kick()

    def send_ipi(self) -> None:
        self.set_hvip(MIP_VSSIP, True)
        self.stats.count("interrupts.ipi")

    def kick(self) -> None:
        """Wake the vCPU process if it waits (WFI or powered off)."""
        wake = self._wake
        if wake is not None and not wake.triggered:
            if self.kicked_ps is None:
                self.kicked_ps = self.vm.host.now_ps()
            wake.succeed()

    def wait_event(self, env: simpy.Environment) -> simpy.Event:
        self._wake = env.event()
        return self._wake

    def runnable(self) -> bool:
        return self.power is Power.STARTED and not self.blocked and self.vm.running

    def apply_posted(self) -> None:
        """Apply requests posted by other vCPUs (called at batch boundaries)."""
        if not self.posted:
            return
        requests, self.posted = self.posted, []
        for request in requests:
            self.vm.apply_request(self, request)
