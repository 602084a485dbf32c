"""SBI: the hypervisor's implementation of the RISC-V Supervisor Binary Interface for guests.

One module per extension registers an :class:`SbiExtension` with :func:`register` (EID or EID
range, name, handler, probe), the way KVM's vcpu_sbi_*.c files fill ``sbi_ext[]``; most use
:func:`register_functions`, a table from FID to function.  :func:`handle_ecall` is the exit
handler for ECALL from VS-mode: it looks the extension up by a7 (EID), calls it with a6 (FID)
and a0-a5, writes the SBI return (a0 = error, a1 = value; legacy extensions return in a0
only), advances sepc and reports the exit.  An unknown extension or function returns
SBI_ERR_NOT_SUPPORTED and never raises in the host.

The exit path is short by design (a guest may make hundreds of thousands of calls per
second): handle_ecall indexes an extension's FID table itself, and the :class:`ExitResult` of a
call that resumes the guest is built once per extension and function name, so no exit formats
a string.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from hvsim.core import bits as B
from hvsim.hv.vcpu import Action, ExitResult

if TYPE_CHECKING:
    from hvsim.core.hart import Hart
    from hvsim.hv.vcpu import Vcpu
    from hvsim.hv.vm import VM

M64 = B.M64
RESUME = Action.RESUME  # a global reads faster than an Enum attribute (CPython 3.11)

SBI_SUCCESS = 0
SBI_ERR_FAILED = -1
SBI_ERR_NOT_SUPPORTED = -2
SBI_ERR_INVALID_PARAM = -3
SBI_ERR_DENIED = -4
SBI_ERR_INVALID_ADDRESS = -5
SBI_ERR_ALREADY_AVAILABLE = -6
SBI_ERR_ALREADY_STARTED = -7
SBI_ERR_ALREADY_STOPPED = -8
SBI_ERR_NO_SHMEM = -9

SPEC_VERSION = (2 << 24) | 0  # SBI v2.0
IMPL_ID = 0x6876  # "hv": hvsim (not an officially assigned id)
IMPL_VERSION = 1


class SbiResult(NamedTuple):
    """What an SBI function returns to the guest, and what the vCPU does next."""

    error: int = SBI_SUCCESS
    value: int = 0
    action: Action = Action.RESUME
    function: str = ""  # name for statistics, e.g. "set_timer"
    #: False when the call does not return to the instruction after the ECALL (HSM
    #: non-retentive suspend): the handler set the guest's pc and registers itself.
    returns: bool = True


SbiHandler = Callable[["Vcpu", "Hart", int, list[int]], SbiResult]
SbiFunction = Callable[["Vcpu", "Hart", list[int]], SbiResult]


#: Most distinct functions per extension whose resume ExitResult is kept (bounds what a guest
#: calling made-up FIDs can make the cache hold).
MAX_CACHED_RESULTS = 256


@dataclass(frozen=True)
class SbiExtension:
    name: str  # statistics name: "base", "time", "legacy", ...
    eids: range
    handler: SbiHandler
    legacy: bool = False  # legacy extensions return their value in a0 only
    probe: Callable[[VM], int] = lambda vm: 1
    #: FID -> function, for extensions registered with register_functions: handle_ecall calls
    #: these directly (``handler`` dispatches through the same table for other callers)
    functions: Mapping[int, SbiFunction] | None = None
    #: function name -> the ExitResult of a call that resumes the guest (built once: the exit
    #: path does no string formatting for calls it has seen)
    _resume_results: dict[str, ExitResult] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def exit_result(self, function: str, action: Action) -> ExitResult:
        """The exit a call of ``function`` makes: kind ``sbi``, detail ``<name>.<function>``."""
        if action is not Action.RESUME:
            return ExitResult(action, "sbi", f"{self.name}.{function}")
        cached = self._resume_results.get(function)
        if cached is None:
            cached = ExitResult(Action.RESUME, "sbi", f"{self.name}.{function}")
            if len(self._resume_results) < MAX_CACHED_RESULTS:
                self._resume_results[function] = cached
        return cached


EXTENSIONS: list[SbiExtension] = []
_BY_EID: dict[int, SbiExtension] = {}

EXTENSION_MODULES = ("base", "legacy", "time", "ipi", "rfence", "hsm", "srst", "dbcn")


def register(ext: SbiExtension) -> SbiExtension:
    for eid in ext.eids:
        if eid in _BY_EID:
            raise ValueError(f"SBI EID {eid:#x} registered twice")
    EXTENSIONS.append(ext)
    for eid in ext.eids if len(ext.eids) <= 256 else ():
        _BY_EID[eid] = ext
    return ext


def register_functions(name: str, eid: int, functions: dict[int, SbiFunction]) -> SbiExtension:
    """Register extension ``eid`` whose FIDs index ``functions`` (unknown FIDs: -2)."""

    def dispatch(vcpu: Vcpu, hart: Hart, fid: int, args: list[int]) -> SbiResult:
        fn = functions.get(fid)
        if fn is None:
            return not_supported(fid)
        return fn(vcpu, hart, args)

    return register(SbiExtension(name, range(eid, eid + 1), dispatch, functions=functions))


def not_supported(fid: int) -> SbiResult:
    """The answer to a function the extension does not have."""
    return SbiResult(SBI_ERR_NOT_SUPPORTED, function=str(fid))


def find(eid: int) -> SbiExtension | None:
    ext = _BY_EID.get(eid)
    if ext is not None:
        return ext
    for candidate in EXTENSIONS:
        if eid in candidate.eids:
            return candidate
    return None


_loaded = False


def load_extensions() -> None:
    """Import every extension module (once), so that each registers itself."""
    global _loaded
    if _loaded:
        return
    for name in EXTENSION_MODULES:
        try:
            importlib.import_module(f"hvsim.hv.sbi.{name}")
        except ModuleNotFoundError as exc:  # an extension not written yet
            if exc.name != f"hvsim.hv.sbi.{name}":
                raise
    _loaded = True


def handle_ecall(vcpu: Vcpu, hart: Hart) -> ExitResult:
    if not _loaded:  # not "if not EXTENSIONS": importing one extension must not hide the rest
        load_extensions()
    x = hart.x
    eid = x[17]
    ext = _BY_EID.get(eid)
    if ext is None:
        ext = find(eid)
    hart.sepc = (hart.sepc + 4) & M64
    if ext is None:
        x[10] = SBI_ERR_NOT_SUPPORTED & M64
        return ExitResult(Action.RESUME, "sbi", f"unknown.{eid:#x}")
    fid = x[16]
    functions = ext.functions
    if functions is None:
        result = ext.handler(vcpu, hart, fid, x[10:16])
    else:  # the extension's own dispatch, inlined
        fn = functions.get(fid)
        result = not_supported(fid) if fn is None else fn(vcpu, hart, x[10:16])
    error, value, action, function, returns = result
    if not returns:
        pass
    elif ext.legacy:
        x[10] = (value if error == SBI_SUCCESS else error) & M64
    else:
        x[10] = error & M64
        if error == SBI_SUCCESS:
            x[11] = value & M64
    if not function:
        function = str(fid)
    if action is RESUME:  # exit_result's cache, looked up here: the common case
        cached = ext._resume_results.get(function)
        if cached is not None:
            return cached
    return ext.exit_result(function, action)
