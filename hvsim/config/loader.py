"""Scenario files: TOML text -> a validated :class:`~hvsim.config.model.Scenario`.

This module owns the scenario-file schema and its error messages.  Every section is described
by a table of ``key -> parser`` (:data:`SEED_SPEC`, :data:`HOST_SPEC`, ...); a parser turns one
TOML value into the typed value of a :mod:`hvsim.config.model` field or raises
:class:`ConfigError`.  Unknown keys are errors with a "did you mean" suggestion.  Every error is
one line naming the file, the key path and what was expected, e.g.::

    configs/x.toml: vm[0].memory: expected a size like "16M" (got "lots")

Schema (all keys optional unless marked *required*)::

    seed = 0
    [host]       pcpus, freq_mhz, timebase_hz, batch_insns, batch_slack, vmidlen (0..14),
                 memory (size)
    [scheduler]  policy (a registered scheduler), slice_us, other keys -> options
    [cost]       cpi, world_switch, trap_entry, default_handling, tlb_miss, walk_level,
                 g_walk_level, wfi_wakeup; [cost.exit_handling] kind[.detail...] = cycles
    [[vm]]       name (required), kernel (required), kernel_format, load_addr, entry, memory,
                 ram_base, vcpus, pin, weight, cap, priority, console_prefix, console_input or
                 console_input_file, console_log, bootargs, initrd, sstc, paging, page_size
      [vm.delegation]   hedeleg / hideleg: an integer or a list of cause names/numbers
      [vm.emulate.csr]  <CSR name or number> = value
      [[vm.device]]     type (required), base (required), name, size, irq, other keys -> options

Integers may be TOML integers or strings (``"0x80200000"``, ``"1_000"``); sizes also accept a
K/M/G/T suffix (binary: ``"16M"`` is 16 MiB).  Relative paths resolve against the directory of
the scenario file; ``${VAR:-default}`` and ``~`` are expanded in them.  Device options are
checked against the device type: a type with a ``create_for_vm`` factory may declare
``OPTIONS`` (name -> type), otherwise the keyword parameters of its constructor are the
options and their annotations give the value types.  Scheduler options are checked the same
way when the policy class declares ``OPTIONS``.
"""

from __future__ import annotations

import difflib
import importlib
import inspect
import json
import os
import pkgutil
import re
import tomllib
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hvsim.config.model import (
    DeviceConfig,
    HostConfig,
    Scenario,
    SchedulerConfig,
    VmConfig,
)
from hvsim.core.csr import HEDELEG_WRITABLE, HIDELEG_WRITABLE
from hvsim.devices import DEVICE_TYPES
from hvsim.hv.cost import CostModel
from hvsim.hv.summary import INTERRUPT_NAMES
from hvsim.isa.encoding import CAUSE_NAMES, CSRS

KiB = 1 << 10
MiB = 1 << 20
M64 = (1 << 64) - 1
GPA_LIMIT = 1 << 41  # Sv39x4: the largest guest-physical address space hgatp can map
MAX_VCPUS = 64
NAME_RE = re.compile(r"[A-Za-z0-9_-]+")
SIZE_SUFFIXES = {"": 1, "K": KiB, "M": MiB, "G": 1 << 30, "T": 1 << 40}
_SIZE_RE = re.compile(r"(0x[0-9a-f_]+|[0-9][0-9_]*)\s*([KMGT]?)(?:I?B)?", re.IGNORECASE)
_TOML_POS_RE = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
#: Exit kinds the hypervisor reports (see :mod:`hvsim.hv.exits`); used for typo suggestions.
KNOWN_EXIT_KINDS = frozenset(
    {*CostModel().exit_handling, "interrupt", "wrs", "unhandled", "bad_access", "error"}
)
DELEGATION = {
    # key -> (names by cause number, writable bits, what the bits are)
    "hedeleg": (CAUSE_NAMES, HEDELEG_WRITABLE, "exception"),
    "hideleg": (INTERRUPT_NAMES, HIDELEG_WRITABLE, "interrupt"),
}


class ConfigError(ValueError):
    """A scenario file that cannot be used.  ``str()`` is one line: file, key path, problem."""

    def __init__(self, source: str, key: str, problem: str) -> None:
        self.source = source
        self.key = key
        self.problem = problem
        super().__init__(f"{source}: {key}: {problem}" if key else f"{source}: {problem}")


class _Missing:
    pass


MISSING: Any = _Missing()


def _show(value: Any) -> str:
    """A TOML value as the user wrote it (roughly), for "(got ...)"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"{value:#x}" if abs(value) >= 0x10000 else str(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return str(value)


@dataclass(frozen=True)
class At:
    """Where a value sits: the source file and the key path inside it (``vm[1].device[0]``)."""

    source: str
    path: str = ""

    def key(self, key: str) -> At:
        return At(self.source, f"{self.path}.{key}" if self.path else key)

    def item(self, index: int) -> At:
        return At(self.source, f"{self.path}[{index}]")

    def error(self, problem: str) -> ConfigError:
        return ConfigError(self.source, self.path, problem)

    def expected(self, what: str, got: Any = MISSING) -> ConfigError:
        if got is MISSING:
            return self.error(f"expected {what}")
        return self.error(f"expected {what} (got {_show(got)})")


Parser = Callable[[Any, At], Any]


# ---- value parsers ------------------------------------------------------------------------------
def parse_int(value: Any, at: At, what: str = "an integer") -> int:
    """A TOML integer or a string holding one (``"0x80200000"``, ``"1_000"``)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip(), 0)
        except ValueError:
            pass
    raise at.expected(what, value)


def parse_size(value: Any, at: At) -> int:
    """A byte count: an integer or a string with an optional K/M/G/T suffix (``"16M"``)."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise at.expected('a size like "16M"', value)
        return value
    if isinstance(value, str):
        m = _SIZE_RE.fullmatch(value.strip())
        if m is not None:
            return int(m.group(1), 0) * SIZE_SUFFIXES[m.group(2).upper()]
    raise at.expected('a size like "16M"', value)


def _human_size(n: int) -> str:
    for suffix in ("T", "G", "M", "K"):
        unit = SIZE_SUFFIXES[suffix]
        if n >= unit and n % unit == 0:
            return f"{n // unit}{suffix}"
    return str(n)


def integer(lo: int | None = None, hi: int | None = None) -> Parser:
    """An integer parser with an inclusive range."""
    if lo is not None and hi is not None:
        what = f"an integer in {lo}..{hi}"
    elif lo is not None:
        what = f"an integer >= {lo}"
    else:
        what = "an integer"

    def parse(value: Any, at: At) -> int:
        n = parse_int(value, at, what)
        if (lo is not None and n < lo) or (hi is not None and n > hi):
            raise at.expected(what, value)
        return n

    return parse


def address(align: int = 1) -> Parser:
    """A 64-bit address, optionally aligned."""
    what = "a 64-bit address" + (f" aligned to {_human_size(align)}" if align > 1 else "")

    def parse(value: Any, at: At) -> int:
        n = parse_int(value, at, what)
        if not 0 <= n <= M64 or n % align:
            raise at.expected(what, value)
        return n

    return parse


def size(minimum: int = 1, multiple: int = 1) -> Parser:
    """A size of at least ``minimum`` bytes, a multiple of ``multiple``."""

    def parse(value: Any, at: At) -> int:
        n = parse_size(value, at)
        if n < minimum:
            raise at.expected(f"at least {_human_size(minimum)}", value)
        if n % multiple:
            raise at.expected(f"a multiple of {_human_size(multiple)}", value)
        return n

    return parse


def one_of(sizes: Mapping[str, int]) -> Parser:
    """A size that must be one of a few values (``"4K"`` or ``"2M"``)."""
    allowed = " or ".join(json.dumps(k) for k in sizes)

    def parse(value: Any, at: At) -> int:
        try:
            n = parse_size(value, at)
        except ConfigError:
            raise at.expected(allowed, value) from None
        if n not in sizes.values():
            raise at.expected(allowed, value)
        return n

    return parse


def boolean(value: Any, at: At) -> bool:
    if not isinstance(value, bool):
        raise at.expected("true or false", value)
    return value


def string(value: Any, at: At) -> str:
    if not isinstance(value, str):
        raise at.expected("a string", value)
    return value


def choice(*options: str) -> Parser:
    allowed = " or ".join(json.dumps(o) for o in options)

    def parse(value: Any, at: At) -> str:
        if value not in options or not isinstance(value, str):
            raise at.expected(allowed, value)
        return value

    return parse


def name(value: Any, at: At) -> str:
    if not isinstance(value, str) or NAME_RE.fullmatch(value) is None:
        raise at.expected("a name made of letters, digits, '_' and '-'", value)
    return value


def int_list(value: Any, at: At) -> tuple[int, ...]:
    if not isinstance(value, list):
        raise at.expected("a list of integers", value)
    return tuple(integer(0)(v, at.item(i)) for i, v in enumerate(value))


def table(value: Any, at: At) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise at.expected("a table", value)
    return value


def table_array(header: str) -> Parser:
    """``[[header]]``: a list of tables."""

    def parse(value: Any, at: At) -> list[dict[str, Any]]:
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise at.expected(f"an array of tables [[{header}]]", value)
        return value

    return parse


# ---- sections -----------------------------------------------------------------------------------
def unknown_key(at: At, key: str, known: Iterable[str]) -> ConfigError:
    known = sorted(known)
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    hint = f'did you mean "{close[0]}"?' if close else "expected one of: " + ", ".join(known)
    return at.key(key).error(f"unknown key ({hint})")


def parse_fields(
    data: Mapping[str, Any], at: At, spec: Mapping[str, Parser], *, rest: bool = False
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Parse every key of ``data`` with ``spec``: (parsed values, unknown keys if ``rest``)."""
    values: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, value in data.items():
        parser = spec.get(key)
        if parser is None:
            if not rest:
                raise unknown_key(at, key, spec)
            extra[key] = value
        else:
            values[key] = parser(value, at.key(key))
    return values, extra


def require(data: Mapping[str, Any], at: At, key: str, what: str) -> None:
    if key not in data:
        raise at.key(key).error(f"missing (expected {what})")


SEED_SPEC: dict[str, Parser] = {"seed": integer(0)}
TOP_SECTIONS = ("host", "scheduler", "cost", "vm")

HOST_SPEC: dict[str, Parser] = {
    "pcpus": integer(1, 4096),
    "freq_mhz": integer(1, 1_000_000),
    "timebase_hz": integer(1, 10**12),
    "batch_insns": integer(1),
    "batch_slack": integer(0),
    "vmidlen": integer(0, 14),
    "memory": size(MiB, 4 * KiB),
}

SCHEDULER_SPEC: dict[str, Parser] = {
    "policy": string,  # checked against the registry by parse_scheduler
    "slice_us": integer(1),
}

COST_SPEC: dict[str, Parser] = {
    "cpi": integer(1),
    "world_switch": integer(0),
    "trap_entry": integer(0),
    "default_handling": integer(0),
    "tlb_miss": integer(0),
    "walk_level": integer(0),
    "g_walk_level": integer(0),
    "wfi_wakeup": integer(0),
    "exit_handling": table,  # parsed by parse_cost
}

VM_SPEC: dict[str, Parser] = {
    "name": name,
    "kernel": string,  # resolved by parse_vm
    "kernel_format": choice("auto", "elf", "raw"),
    "load_addr": address(),
    "entry": address(),
    "memory": size(MiB, 4 * KiB),
    "ram_base": address(4 * KiB),
    "vcpus": integer(1, MAX_VCPUS),
    "pin": int_list,
    "weight": integer(1),
    "cap": integer(0),
    "priority": integer(),
    "console_prefix": string,
    "console_input": string,
    "console_input_file": string,
    "console_log": boolean,
    "bootargs": string,
    "initrd": string,  # resolved by parse_vm
    "sstc": boolean,
    "paging": choice("demand", "eager"),
    "page_size": one_of({"4K": 4 * KiB, "2M": 2 * MiB}),
    "delegation": table,
    "emulate": table,
    "device": table_array("vm.device"),
}
DELEGATION_SPEC: dict[str, Parser] = {"hedeleg": lambda v, at: v, "hideleg": lambda v, at: v}
EMULATE_SPEC: dict[str, Parser] = {"csr": table}

DEVICE_SPEC: dict[str, Parser] = {
    "type": string,  # checked against the registry by parse_device
    "base": address(),
    "name": name,
    "size": size(1),
    "irq": integer(0, 1023),
}


# ---- the scenario -------------------------------------------------------------------------------
def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Read and validate a scenario file; raises :class:`ConfigError` with a one-line message."""
    source = os.fspath(path)
    file = Path(path)
    try:
        text = file.read_bytes().decode("utf-8")
    except OSError as exc:
        raise ConfigError(source, "", f"cannot read scenario file: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(source, "", f"not UTF-8 text ({exc.reason})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise toml_error(source, str(exc)) from None
    return scenario_from_dict(data, source=source, base_dir=file.parent, path=file.resolve())


def toml_error(source: str, message: str) -> ConfigError:
    """A TOML syntax error as ``file: line L, column C: invalid TOML: problem``."""
    m = _TOML_POS_RE.search(message)
    if m is None:
        return ConfigError(source, "", f"invalid TOML: {message}")
    problem = message[: m.start()]
    return ConfigError(
        source, "", f"line {m.group(1)}, column {m.group(2)}: invalid TOML: {problem}"
    )


def scenario_from_dict(
    data: Mapping[str, Any],
    *,
    source: str = "<scenario>",
    base_dir: Path | None = None,
    path: Path | None = None,
) -> Scenario:
    """Validate an already parsed TOML document (relative paths resolve against ``base_dir``)."""
    at = At(source)
    base = Path.cwd() if base_dir is None else base_dir
    top = {k: v for k, v in data.items() if k not in TOP_SECTIONS}
    values, _ = parse_fields(top, at, {**SEED_SPEC, **dict.fromkeys(TOP_SECTIONS, table)})
    host = parse_host(table(data.get("host", {}), at.key("host")), at.key("host"))
    scheduler = parse_scheduler(
        table(data.get("scheduler", {}), at.key("scheduler")), at.key("scheduler")
    )
    cost = parse_cost(table(data.get("cost", {}), at.key("cost")), at.key("cost"))
    if "vm" not in data:
        raise at.key("vm").error("missing (expected at least one [[vm]] table)")
    vm_tables = table_array("vm")(data["vm"], at.key("vm"))
    if not vm_tables:
        raise at.key("vm").error("expected at least one [[vm]] table")
    vms = tuple(parse_vm(t, at.key("vm").item(i), base, host) for i, t in enumerate(vm_tables))
    check_vm_names(vms, at)
    check_host_memory(host, vms, at)
    return Scenario(
        path=path, vms=vms, host=host, scheduler=scheduler, cost=cost, seed=values.get("seed", 0)
    )


def parse_host(data: Mapping[str, Any], at: At) -> HostConfig:
    values, _ = parse_fields(data, at, HOST_SPEC)
    return HostConfig(**values)


def scheduler_registry() -> Mapping[str, type]:
    """Every registered scheduling policy (importing each :mod:`hvsim.sched` module)."""
    import hvsim.sched
    from hvsim.sched.base import SCHEDULERS

    for module in pkgutil.iter_modules(hvsim.sched.__path__):
        importlib.import_module(f"hvsim.sched.{module.name}")
    return SCHEDULERS


def parse_scheduler(data: Mapping[str, Any], at: At) -> SchedulerConfig:
    values, extra = parse_fields(data, at, SCHEDULER_SPEC, rest=True)
    policy = values.get("policy", SchedulerConfig.policy)
    registry = scheduler_registry()
    cls = registry.get(policy)
    if cls is None:
        raise at.key("policy").expected(
            "a scheduling policy: " + ", ".join(json.dumps(n) for n in sorted(registry)), policy
        )
    declared = getattr(cls, "OPTIONS", None)
    if declared is not None:
        extra = parse_options(extra, at, dict(declared), known=SCHEDULER_SPEC)
    return SchedulerConfig(**values, options=extra)


def parse_cost(data: Mapping[str, Any], at: At) -> CostModel:
    values, _ = parse_fields(data, at, COST_SPEC)
    if "exit_handling" in values:
        table_at = at.key("exit_handling")
        handling = dict(CostModel().exit_handling)  # overrides merge with the defaults
        for kind, cycles in values["exit_handling"].items():
            base = kind.split(".", 1)[0]  # "sbi.time", "mmio.uart0": a kind refined by detail
            if base not in KNOWN_EXIT_KINDS:
                close = difflib.get_close_matches(base, sorted(KNOWN_EXIT_KINDS), n=1)
                if close:
                    raise table_at.key(kind).error(
                        f'unknown exit kind (did you mean "{close[0]}"?)'
                    )
            handling[kind] = integer(0)(cycles, table_at.key(kind))
        values["exit_handling"] = handling
    return CostModel(**values)


# ---- [[vm]] -------------------------------------------------------------------------------------
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def expand_path(value: str) -> str:
    """``${VAR}`` and ``${VAR:-default}`` from the environment, then ``~``.

    Scenarios name kernels in build caches this way, e.g.
    ``"${HVSIM_LINUX_CACHE:-~/.cache/hvsim/linux}/sbi/Image"``.
    """
    expanded = _ENV_REF.sub(lambda m: os.environ.get(m.group(1)) or (m.group(2) or ""), value)
    return os.path.expanduser(expanded)


def resolve_file(value: str, at: At, base: Path, what: str) -> Path:
    """A path relative to the scenario's directory that must name an existing file."""
    file = (base / Path(expand_path(value))).resolve()
    if not file.is_file():
        hint = " (build the guests with `make -C guests`)" if "guests/build" in str(file) else ""
        if "hvsim/linux" in str(file) or "HVSIM_LINUX_CACHE" in value:
            hint = " (build the Linux guests with `guests/linux/build.sh`)"
        state = "a directory" if file.is_dir() else "no such file"
        raise at.error(f"expected {what} (got {_show(value)}: {file}: {state}){hint}")
    return file


def parse_vm(data: Mapping[str, Any], at: At, base: Path, host: HostConfig) -> VmConfig:
    require(data, at, "name", "the VM's name")
    require(data, at, "kernel", "the path of the guest kernel image")
    values, _ = parse_fields(data, at, VM_SPEC)
    values["kernel"] = resolve_file(values["kernel"], at.key("kernel"), base, "an existing file")
    if "initrd" in values:
        values["initrd"] = resolve_file(values["initrd"], at.key("initrd"), base, "a file")
    if "console_input" in values and "console_input_file" in values:
        raise at.key("console_input_file").error("conflicts with console_input (give only one)")
    if "console_input" in values:
        values["console_input"] = values["console_input"].encode()
    if "console_input_file" in values:
        file = resolve_file(
            values.pop("console_input_file"), at.key("console_input_file"), base, "a file"
        )
        values["console_input"] = file.read_bytes()
    values.update(parse_delegation(values.pop("delegation", {}), at.key("delegation")))
    emulate_at = at.key("emulate")
    emulate, _ = parse_fields(values.pop("emulate", {}), emulate_at, EMULATE_SPEC)
    values["csr"] = parse_csrs(emulate.get("csr", {}), emulate_at.key("csr"))
    device_tables = values.pop("device", [])
    values["devices"] = tuple(
        parse_device(t, at.key("device").item(j)) for j, t in enumerate(device_tables)
    )
    config = VmConfig(**values)
    check_vm_layout(config, at, host)
    return config


def parse_delegation(data: Mapping[str, Any], at: At) -> dict[str, int]:
    values, _ = parse_fields(data, at, DELEGATION_SPEC)
    return {key: parse_mask(key, value, at.key(key)) for key, value in values.items()}


def parse_mask(key: str, value: Any, at: At) -> int:
    """hedeleg/hideleg: an integer or a list of cause names/numbers; only writable bits."""
    names, writable, what = DELEGATION[key]
    numbers = {n: c for c, n in names.items()}
    delegable = ", ".join(names[c] for c in sorted(names) if writable >> c & 1)
    if isinstance(value, list):
        mask = 0
        for i, item in enumerate(value):
            item_at = at.item(i)
            if isinstance(item, str) and item in numbers:
                cause = numbers[item]
            elif isinstance(item, str) and not item.strip()[:1].isdigit():
                close = difflib.get_close_matches(item, sorted(numbers), n=1)
                hint = f'; did you mean "{close[0]}"?' if close else f" ({delegable})"
                raise item_at.expected(f"a delegable {what} name{hint}", item)
            else:
                cause = integer(0, 63)(item, item_at)
            if not writable >> cause & 1:
                label = names.get(cause, str(cause))
                raise item_at.error(
                    f"{what} {label} ({cause}) cannot be delegated to VS-mode "
                    f"(its {key} bit is read-only zero); delegable: {delegable}"
                )
            mask |= 1 << cause
        return mask
    if isinstance(value, int | str) and not isinstance(value, bool):
        mask = parse_int(value, at, f"an integer or a list of {what} names")
        if mask < 0 or mask & ~writable:
            raise at.expected(f"only delegable {what} bits ({writable:#x}: {delegable})", value)
        return mask
    raise at.expected(f"an integer or a list of {what} names", value)


def parse_csrs(data: Mapping[str, Any], at: At) -> dict[int, int]:
    """``[vm.emulate.csr]``: CSR name or number -> the value the hypervisor emulates."""
    csrs: dict[int, int] = {}
    for key, value in data.items():
        key_at = at.key(key)
        number = CSRS.get(key.lower())
        if number is None:
            try:
                number = int(key, 0)
            except ValueError:
                close = difflib.get_close_matches(key.lower(), sorted(CSRS), n=1)
                hint = f' (did you mean "{close[0]}"?)' if close else ""
                raise key_at.error(f"unknown CSR name{hint}") from None
            if not 0 <= number <= 0xFFF:
                raise key_at.error("expected a CSR number in 0..0xfff")
        value = parse_int(value, key_at, "a 64-bit integer")
        if not -(1 << 63) <= value <= M64:
            raise key_at.expected("a 64-bit integer", value)
        csrs[number] = value & M64
    return csrs


# ---- [[vm.device]] ------------------------------------------------------------------------------
def parse_device(data: Mapping[str, Any], at: At) -> DeviceConfig:
    require(data, at, "type", "a device type: " + ", ".join(sorted(DEVICE_TYPES)))
    require(data, at, "base", "the device's guest-physical base address")
    values, extra = parse_fields(data, at, DEVICE_SPEC, rest=True)
    kind = values["type"]
    cls = DEVICE_TYPES.get(kind)
    if cls is None:
        close = difflib.get_close_matches(kind, sorted(DEVICE_TYPES), n=1)
        known = "known: " + ", ".join(sorted(DEVICE_TYPES))
        hint = f'did you mean "{close[0]}"?' if close else known
        raise at.key("type").error(f"unknown device type {_show(kind)} ({hint})")
    options = parse_options(extra, at, device_options(cls), known=DEVICE_SPEC)
    return DeviceConfig(**values, options=options)


def device_options(cls: type) -> dict[str, Any] | None:
    """Option name -> type annotation for a device type (None: anything goes)."""
    if hasattr(cls, "create_for_vm"):
        declared = getattr(cls, "OPTIONS", None)
        return dict(declared) if declared is not None else None
    params = inspect.signature(cls.__init__).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return None
    try:
        hints = typing.get_type_hints(cls.__init__)
    except Exception:  # annotations naming types only imported for type checking
        hints = {}
    skip = {"self", *DEVICE_SPEC}
    return {n: hints.get(n, Any) for n in params if n not in skip}


def parse_options(
    data: Mapping[str, Any], at: At, declared: Mapping[str, Any] | None, known: Iterable[str]
) -> dict[str, Any]:
    """Extra keys of a table: checked and converted when the target declares its options."""
    if declared is None:
        return dict(data)
    options = {}
    for key, value in data.items():
        if key not in declared:
            raise unknown_key(at, key, [*known, *declared])
        options[key] = convert(value, declared[key], at.key(key))
    return options


def _strip_optional(hint: Any) -> Any:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return hint


CONVERTERS: dict[Any, Parser] = {
    int: parse_int,
    bool: boolean,
    str: string,
    bytes: lambda v, at: string(v, at).encode(),
}


def convert(value: Any, hint: Any, at: At) -> Any:
    """Convert a TOML value to the annotated type where the annotation is a simple one."""
    hint = _strip_optional(hint)
    converter = CONVERTERS.get(hint)
    if converter is not None:
        return converter(value, at)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is dict and len(args) == 2:
        return {
            convert(k, args[0], at.key(k)): convert(v, args[1], at.key(k))
            for k, v in table(value, at).items()
        }
    if origin in (list, tuple) and args:
        if not isinstance(value, list):
            raise at.expected("a list", value)
        return [convert(v, args[0], at.item(i)) for i, v in enumerate(value)]
    return value


# ---- cross checks -------------------------------------------------------------------------------
def _range(base: int, size: int) -> str:
    return f"[{base:#x}, {base + size:#x})"


def check_vm_layout(vm: VmConfig, at: At, host: HostConfig) -> None:
    """RAM inside the G-stage space, addresses in RAM, pins on real pCPUs, no overlaps."""
    ram_end = vm.ram_base + vm.memory
    if ram_end > GPA_LIMIT:
        raise at.key("memory").error(
            f"RAM {_range(vm.ram_base, vm.memory)} ends beyond the Sv39x4 guest-physical "
            f"space ({GPA_LIMIT:#x})"
        )
    for key in ("load_addr", "entry"):
        addr = getattr(vm, key)
        if addr is not None and not vm.ram_base <= addr < ram_end:
            raise at.key(key).expected(
                f"an address inside the VM's RAM {_range(vm.ram_base, vm.memory)}", addr
            )
    if vm.pin is not None:
        if len(vm.pin) != vm.vcpus:
            raise at.key("pin").expected(f"one pCPU index per vCPU ({vm.vcpus})", list(vm.pin))
        for i, pcpu in enumerate(vm.pin):
            if pcpu >= host.pcpus:
                pin_at = at.key("pin").item(i)
                raise pin_at.expected(f"a pCPU index below host.pcpus = {host.pcpus}", pcpu)
    placed: list[tuple[int, int, str, At]] = []
    for j, dev in enumerate(vm.devices):
        dev_at = at.key("device").item(j)
        dev_name = dev.name or f"{dev.type}{j}"
        size = dev.size if dev.size is not None else DEVICE_TYPES[dev.type].default_size
        size = max(size, 1)
        label = f'device "{dev_name}" {_range(dev.base, size)}'
        if dev.base + size > GPA_LIMIT:
            raise dev_at.key("base").error(
                f"{label} lies beyond the Sv39x4 guest-physical space ({GPA_LIMIT:#x})"
            )
        if dev.base < ram_end and vm.ram_base < dev.base + size:
            raise dev_at.key("base").error(
                f"{label} overlaps the VM's RAM {_range(vm.ram_base, vm.memory)} "
                f"({at.path}.ram_base/memory)"
            )
        for base, end, other, other_at in placed:
            if dev.base < end and base < dev.base + size:
                raise dev_at.key("base").error(
                    f'{label} overlaps device "{other}" {_range(base, end - base)} '
                    f"({other_at.path})"
                )
            if other == dev_name:
                raise dev_at.key("name").error(
                    f'duplicate device name "{dev_name}" (also {other_at.path})'
                )
        placed.append((dev.base, dev.base + size, dev_name, dev_at))


def check_vm_names(vms: tuple[VmConfig, ...], at: At) -> None:
    seen: dict[str, int] = {}
    for i, vm in enumerate(vms):
        if vm.name in seen:
            name_at = at.key("vm").item(i).key("name")
            raise name_at.error(f'duplicate VM name "{vm.name}" (also vm[{seen[vm.name]}].name)')
        seen[vm.name] = i


def check_host_memory(host: HostConfig, vms: tuple[VmConfig, ...], at: At) -> None:
    """An explicit host.memory must at least hold every VM's RAM (2 MiB-aligned blocks)."""
    if host.memory is None:
        return
    need = sum(-(-vm.memory // (2 * MiB)) * 2 * MiB for vm in vms)
    if host.memory < need:
        what = f"at least {_human_size(need)} to hold the VMs' RAM"
        raise at.key("host").key("memory").expected(what, _human_size(host.memory))
