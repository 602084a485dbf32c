"""VM-exit dispatch: one table from scause to handler (like arch/riscv/kvm/vcpu_exit.c).

A handler runs with the vCPU's hart in HS-mode right after the hardware trap entry (scause,
sepc, stval, htval, htinst, hstatus.SPV/SPVP/GVA are set) and returns an :class:`ExitResult`:
what to do next (:class:`~hvsim.hv.vcpu.Action`), the exit *kind* (its statistics and cost
bucket: ``sbi``, ``csr``, ``mmio``, ``wfi``, ``demand_paging``, ``redirect``, ...) and a detail
string (``time.set_timer``, ``regs0.read``, ``mhartid``, ...).

Handlers:

* ECALL from VS -> :mod:`hvsim.hv.sbi`.
* Illegal instruction -> CSR emulation with the VM's configured values; anything else is
  redirected to the guest's own trap handler (VS trap entry done by the hypervisor).
* Virtual instruction -> WFI (block until an interrupt), WRS, configured CSR emulation, else
  redirected to the guest as an illegal instruction (KVM does the same).
* Guest-page faults -> MMIO emulation when the GPA is a device, demand paging when it is RAM
  not yet mapped, and otherwise the VM is stopped with a crash report.
* Anything else -> crash report.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from hvsim.core import bits as B
from hvsim.core.trap import INTERRUPT_BIT, Trap
from hvsim.hv import mmio
from hvsim.hv.sbi import handle_ecall
from hvsim.hv.vcpu import Action, ExitResult
from hvsim.isa import encoding as E
from hvsim.isa.decode import decode

if TYPE_CHECKING:
    from hvsim.core.hart import Hart
    from hvsim.hv.vcpu import Vcpu
    from hvsim.hv.vm import VM


Handler = Callable[["Vcpu", "Hart"], ExitResult]
HANDLERS: dict[int, Handler] = {}

M64 = B.M64
WFI_BITS = 0x10500073
CSR_OPS = {"csrrw", "csrrs", "csrrc", "csrrwi", "csrrsi", "csrrci"}
WRS_BITS = {0x00D00073: "wrs.nto", 0x01D00073: "wrs.sto"}


def handles(*causes: int) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        for cause in causes:
            HANDLERS[cause] = fn
        return fn

    return register


def dispatch(vcpu: Vcpu, hart: Hart) -> ExitResult:
    """Handle the VM exit the hart just took; never raises for guest behaviour.

    (The vCPU loop in :mod:`hvsim.hv.host` does the same inline: ``HANDLERS.get(cause,
    unhandled)``, and :func:`handler_failed` for an exception.)
    """
    try:
        return HANDLERS.get(hart.scause, unhandled)(vcpu, hart)
    except Exception as exc:
        return handler_failed(exc)


def handler_failed(exc: Exception) -> ExitResult:
    """The crash an exception escaping an exit handler turns into."""
    if isinstance(exc, Trap):  # e.g. the HLVX fetch of an MMIO instruction faulted
        return ExitResult(Action.CRASH, "error", "fault", f"hypervisor access faulted: {exc!r}")
    return ExitResult(Action.CRASH, "error", type(exc).__name__, f"exit handler failed: {exc!r}")


def unhandled(vcpu: Vcpu, hart: Hart) -> ExitResult:
    """Exits no handler is registered for: interrupts resume, anything else crashes the VM."""
    cause = hart.scause
    if cause & INTERRUPT_BIT:
        return ExitResult(Action.RESUME, "interrupt", str(cause & ~INTERRUPT_BIT))
    name = E.CAUSE_NAMES.get(cause, str(cause))
    return ExitResult(Action.CRASH, "unhandled", name, f"unhandled exception: {name}")


# ---- SBI ------------------------------------------------------------------------------------
HANDLERS[E.CAUSE_VIRTUAL_SUPERVISOR_ECALL] = handle_ecall


# ---- redirecting a trap into the guest --------------------------------------------------------
def redirect(vcpu: Vcpu, hart: Hart, cause: int, tval: int) -> None:
    """Deliver an exception to the guest's VS-mode handler (KVM's trap_redirect)."""
    guest_priv = B.PRV_S if hart.hstatus & B.HSTATUS_SPVP else B.PRV_U
    vs = hart.vsstatus & ~(B.MSTATUS_SPP | B.MSTATUS_SPIE | B.MSTATUS_SIE)
    if hart.vsstatus & B.MSTATUS_SIE:
        vs |= B.MSTATUS_SPIE
    if guest_priv == B.PRV_S:
        vs |= B.MSTATUS_SPP
    hart.vsstatus = vs
    hart.vscause, hart.vstval, hart.vsepc = cause, tval, hart.sepc
    hart.sepc = hart.vstvec & ~3
    hart.hstatus |= B.HSTATUS_SPVP  # the guest handler runs in VS-mode
    hart.mstatus |= B.MSTATUS_SPP


# ---- CSR emulation ----------------------------------------------------------------------------
def _emulate_csr(vcpu: Vcpu, hart: Hart, raw: int) -> ExitResult | None:
    insn = decode(raw)
    if insn is None or insn.name not in CSR_OPS:
        return None
    values = vcpu.vm.csr_values
    if insn.csr not in values:
        return None
    old = values[insn.csr]
    operand = insn.rs1 if insn.name.endswith("i") else hart.x[insn.rs1]
    op = insn.name[4]  # w, s or c
    if op == "w":
        values[insn.csr] = operand & M64
    elif insn.rs1:
        values[insn.csr] = (old | operand) & M64 if op == "s" else old & ~operand & M64
    if insn.rd:
        hart.x[insn.rd] = old
    hart.sepc = (hart.sepc + 4) & M64
    return ExitResult(Action.RESUME, "csr", E.CSR_NAMES.get(insn.csr, f"{insn.csr:#x}"))


@handles(E.CAUSE_ILLEGAL_INSTRUCTION)
def _illegal(vcpu: Vcpu, hart: Hart) -> ExitResult:
    raw = hart.stval
    emulated = _emulate_csr(vcpu, hart, raw)
    if emulated is not None:
        return emulated
    redirect(vcpu, hart, E.CAUSE_ILLEGAL_INSTRUCTION, raw)
    return ExitResult(Action.RESUME, "redirect", "illegal_instruction")


@handles(E.CAUSE_VIRTUAL_INSTRUCTION)
def _virtual(vcpu: Vcpu, hart: Hart) -> ExitResult:
    raw = hart.stval
    if raw == WFI_BITS:
        hart.sepc = (hart.sepc + 4) & M64
        if vcpu.interrupt_pending():
            return ExitResult(Action.RESUME, "wfi", "pending")
        return ExitResult(Action.BLOCK, "wfi", "block")
    if raw in WRS_BITS:
        hart.sepc = (hart.sepc + 4) & M64
        return ExitResult(Action.RESUME, "wrs", WRS_BITS[raw])
    emulated = _emulate_csr(vcpu, hart, raw)
    if emulated is not None:
        return emulated
    redirect(vcpu, hart, E.CAUSE_ILLEGAL_INSTRUCTION, raw)
    return ExitResult(Action.RESUME, "redirect", "virtual_instruction")


# ---- guest-page faults --------------------------------------------------------------------------
FAULT_NAMES = {
    E.CAUSE_FETCH_GUEST_PAGE_FAULT: "fetch",
    E.CAUSE_LOAD_GUEST_PAGE_FAULT: "load",
    E.CAUSE_STORE_GUEST_PAGE_FAULT: "store",
}


#: Device name -> the ExitResult of an emulated read / write of it (built once per device)
_MMIO_READS: dict[str, ExitResult] = {}
_MMIO_WRITES: dict[str, ExitResult] = {}
#: access size -> (value mask, sign bit)
_SIZE_BITS = {size: ((1 << 8 * size) - 1, 1 << (8 * size - 1)) for size in (1, 2, 4, 8)}


@handles(
    E.CAUSE_FETCH_GUEST_PAGE_FAULT,
    E.CAUSE_LOAD_GUEST_PAGE_FAULT,
    E.CAUSE_STORE_GUEST_PAGE_FAULT,
)
def _guest_page_fault(vcpu: Vcpu, hart: Hart) -> ExitResult:
    """A load or store to a device is emulated (MMIO); RAM not mapped yet is mapped."""
    vm = vcpu.vm
    cause = hart.scause
    gpa = (hart.htval << 2) | (hart.stval & 3)
    found = vm.device_at(gpa)
    if found is None or cause == E.CAUSE_FETCH_GUEST_PAGE_FAULT:
        return _not_mmio(vm, hart, cause, gpa, found is not None)
    # MMIO emulation: the access from htinst (or the instruction), then the device
    base, dev = found
    access = mmio.decode_access(hart, hart.htinst, hart.sepc)
    if access is None:
        return ExitResult(
            Action.CRASH,
            "mmio",
            "undecodable",
            f"cannot decode the MMIO access at sepc {hart.sepc:#x}",
        )
    store, size, signed, reg, length = access
    mask, sign = _SIZE_BITS[size]
    if store:
        dev.write(gpa - base, size, hart.x[reg] & mask)
    else:
        value = dev.read(gpa - base, size) & mask
        if signed:
            value = ((value ^ sign) - sign) & M64
        if reg:
            hart.x[reg] = value
    hart.sepc = (hart.sepc + length) & M64
    result = (_MMIO_WRITES if store else _MMIO_READS).get(dev.name)
    return result if result is not None else _mmio_result(dev.name, store)


def _mmio_result(name: str, store: bool) -> ExitResult:
    results = _MMIO_WRITES if store else _MMIO_READS
    result = results.get(name)
    if result is None:
        direction = "write" if store else "read"
        result = results[name] = ExitResult(Action.RESUME, "mmio", f"{name}.{direction}")
    return result


def _not_mmio(vm: VM, hart: Hart, cause: int, gpa: int, device: bool) -> ExitResult:
    """Guest-page faults that are not device accesses: demand paging, or a bad access."""
    kind = FAULT_NAMES[cause]
    if vm.map_on_demand(gpa):
        return ExitResult(Action.RESUME, "demand_paging", kind)
    where = "a device" if device else "nothing"
    return ExitResult(
        Action.CRASH,
        "bad_access",
        kind,
        f"guest {kind} at guest-physical {gpa:#x} (guest virtual {hart.stval:#x}) reaches {where}",
    )
