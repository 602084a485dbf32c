"""SBI legacy extensions (EIDs 0x00-0x08, v0.1): one EID per function, value returned in a0.

set_timer, console_putchar, console_getchar, clear_ipi, send_ipi, remote_fence_i,
remote_sfence_vma, remote_sfence_vma_asid, shutdown.  Hart masks are *pointers* to a mask in
guest memory (v0.1 convention); a bad pointer returns SBI_ERR_INVALID_ADDRESS.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from hvsim.core.trap import MIP_VSSIP, Trap
from hvsim.hv import sbi
from hvsim.hv.sbi import SbiExtension, SbiResult, register
from hvsim.hv.vcpu import Action
from hvsim.hv.vm import GuestMemoryError

if TYPE_CHECKING:
    from hvsim.core.hart import Hart
    from hvsim.hv.vcpu import Vcpu


def _set_timer(vcpu: Vcpu, hart: Hart, args: list[int]) -> SbiResult:
    vcpu.set_sbi_timer(args[0])
    return SbiResult(function="set_timer")


def _putchar(vcpu: Vcpu, hart: Hart, args: list[int]) -> SbiResult:
    vcpu.vm.console.write(bytes([args[0] & 0xFF]))
    return SbiResult(function="console_putchar")


def _getchar(vcpu: Vcpu, hart: Hart, args: list[int]) -> SbiResult:
    byte = vcpu.vm.console.read_byte()
    return SbiResult(value=-1 if byte is None else byte, function="console_getchar")


def _clear_ipi(vcpu: Vcpu, hart: Hart, args: list[int]) -> SbiResult:
    vcpu.set_hvip(MIP_VSSIP, False)
    return SbiResult(function="clear_ipi")


def _targets(vcpu: Vcpu, hart: Hart, mask_addr: int) -> list[Vcpu]:
    """The vCPUs named by a legacy hart-mask pointer (0 means all harts).

    SBI v0.1 passes a pointer to the mask in the guest's *virtual* address space: it is read
    like an HLV.D at the guest's privilege, through both translation stages.
    """
    vcpus = vcpu.vm.vcpus
    if mask_addr == 0:
        return list(vcpus)
    mask = hart.hlv(mask_addr, 8, False, False, 0, 0, 0)
    return [v for v in vcpus if v.index < 64 and mask >> v.index & 1]


def _with_targets(name: str, action: Callable[[Vcpu, Vcpu, list[int]], None]):
    def handler(vcpu: Vcpu, hart: Hart, args: list[int]) -> SbiResult:
        try:
            targets = _targets(vcpu, hart, args[0])
        except (GuestMemoryError, Trap):
            return SbiResult(sbi.SBI_ERR_INVALID_ADDRESS, function=name)
        for target in targets:
            action(vcpu, target, args)
        return SbiResult(function=name)

    return handler


def _fence(kind: str):
    def post(source: Vcpu, target: Vcpu, args: list[int]) -> None:
        start, size = (args[1], args[2]) if kind != "fence_i" else (0, 0)
        asid = args[3] if kind == "sfence_vma_asid" else 0
        target.post(("fence", "fence_i" if kind == "fence_i" else "vvma", start, size, asid))

    return post


def _shutdown(vcpu: Vcpu, hart: Hart, args: list[int]) -> SbiResult:
    vcpu.vm.shutdown(hart.x)
    return SbiResult(action=Action.STOP_VM, function="shutdown")


LEGACY = {
    0x00: _set_timer,
    0x01: _putchar,
    0x02: _getchar,
    0x03: _clear_ipi,
    0x04: _with_targets("send_ipi", lambda src, dst, args: dst.send_ipi()),
    0x05: _with_targets("remote_fence_i", _fence("fence_i")),
    0x06: _with_targets("remote_sfence_vma", _fence("sfence_vma")),
    0x07: _with_targets("remote_sfence_vma_asid", _fence("sfence_vma_asid")),
    0x08: _shutdown,
}


def handle_legacy(vcpu: Vcpu, hart: Hart, fid: int, args: list[int]) -> SbiResult:
    return LEGACY[hart.x[17]](vcpu, hart, args)


register(SbiExtension("legacy", range(0x00, 0x09), handle_legacy, legacy=True))
