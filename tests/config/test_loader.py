"""Scenario files: every key of the schema reaches the typed model, and every kind of mistake
is a one-line :class:`ConfigError` naming the file, the key path and what was expected."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hvsim.config import ConfigError, DeviceConfig, Scenario, load_scenario, scenario_from_dict
from hvsim.config.loader import At, parse_int, parse_size
from hvsim.config.model import KVM_HEDELEG, KVM_HIDELEG

REPO = Path(__file__).resolve().parents[2]
MiB = 1 << 20

# Cause and interrupt numbers from the privileged specification (mcause table).
BREAKPOINT, LOAD_PAGE_FAULT, ILLEGAL_INSTRUCTION = 3, 13, 2
VS_SOFT, VS_TIMER, VS_EXT = 2, 6, 10
CSR_MHARTID, CSR_MVENDORID = 0xF14, 0xF11


def write(tmp_path: Path, text: str, name: str = "scenario.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


@pytest.fixture
def kernel(tmp_path: Path) -> Path:
    """A kernel file next to the scenario (the loader only checks that it exists)."""
    path = tmp_path / "guest.bin"
    path.write_bytes(b"\x13\x00\x00\x00")
    return path


MINIMAL_VM = """
[[vm]]
name = "a"
kernel = "guest.bin"
"""


# ---- the happy path ---------------------------------------------------------------------------
FULL = """
seed = 42

[host]
pcpus = 4
freq_mhz = 2000
timebase_hz = 1_000_000
batch_insns = "0x400"
batch_slack = 64
vmidlen = 7
memory = "1G"

[scheduler]
policy = "round-robin"
slice_us = 250
boost = true

[cost]
cpi = 2
world_switch = 111
trap_entry = 22
default_handling = 333
[cost.exit_handling]
sbi = 444
mmio = "0x10"

[[vm]]
name = "linux-0"
kernel = "guest.bin"
kernel_format = "raw"
load_addr = "0x90200000"
entry = 0x90200040
memory = "64M"
ram_base = "0x90000000"
vcpus = 2
pin = [3, 1]
weight = 512
cap = 150
priority = -2
console_prefix = "L> "
console_input = "root\\n"
console_log = false
bootargs = "console=hvc0"
initrd = "sub/../input.txt"
sstc = false
paging = "eager"
page_size = "4K"

[vm.delegation]
hedeleg = ["breakpoint", "load_page_fault", 2]
hideleg = ["virtual_supervisor_timer"]

[vm.emulate.csr]
mhartid = 0x1234
"0xf11" = "0x55"

[[vm.device]]
type = "regs"
base = "0x1000_0000"
name = "info"
size = "8K"
irq = 5
words = { 64 = 0x6688, "0x10" = "0x7" }
writable = false

[[vm.device]]
type = "regs"
base = 0x0

[[vm]]
name = "second"
kernel = "sub/../guest.bin"
console_input_file = "input.txt"
[vm.delegation]
hedeleg = 0x1000
"""


def test_every_key_reaches_the_model(tmp_path: Path, kernel: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "input.txt").write_bytes(b"typed\nlines\n")
    scenario = load_scenario(write(tmp_path, FULL))

    assert isinstance(scenario, Scenario)
    assert scenario.path == (tmp_path / "scenario.toml").resolve()
    assert scenario.seed == 42
    host = scenario.host
    assert (host.pcpus, host.freq_mhz, host.timebase_hz) == (4, 2000, 1_000_000)
    assert (host.batch_insns, host.vmidlen, host.memory) == (1024, 7, 1 << 30)
    assert host.batch_slack == 64
    assert scenario.scheduler.policy == "round-robin"
    assert scenario.scheduler.slice_us == 250
    assert scenario.scheduler.options == {"boost": True}
    cost = scenario.cost
    assert (cost.cpi, cost.world_switch, cost.trap_entry, cost.default_handling) == (
        2,
        111,
        22,
        333,
    )
    assert cost.handling("sbi") == 444
    assert cost.handling("mmio") == 16
    assert cost.handling("nothing-configured") == 333

    vm, second = scenario.vms
    assert vm.name == "linux-0"
    assert vm.kernel == kernel.resolve()
    assert vm.kernel_format == "raw"
    assert (vm.load_addr, vm.entry) == (0x9020_0000, 0x9020_0040)
    assert (vm.memory, vm.ram_base, vm.vcpus) == (64 * MiB, 0x9000_0000, 2)
    assert vm.pin == (3, 1)
    assert (vm.weight, vm.cap, vm.priority) == (512, 150, -2)
    assert vm.console_prefix == "L> "
    assert vm.console_input == b"root\n"
    assert vm.console_log is False
    assert vm.bootargs == "console=hvc0"
    assert vm.initrd == (tmp_path / "input.txt").resolve()
    assert vm.sstc is False
    assert (vm.paging, vm.page_size) == ("eager", 4096)
    assert vm.hedeleg == (1 << BREAKPOINT) | (1 << LOAD_PAGE_FAULT) | (1 << ILLEGAL_INSTRUCTION)
    assert vm.hideleg == 1 << VS_TIMER
    assert vm.csr == {CSR_MHARTID: 0x1234, CSR_MVENDORID: 0x55}
    info, plain = vm.devices
    assert info == DeviceConfig(
        type="regs",
        base=0x1000_0000,
        name="info",
        size=8192,
        irq=5,
        options={"words": {64: 0x6688, 16: 7}, "writable": False},
    )
    assert (plain.type, plain.base, plain.name, plain.options) == ("regs", 0, "", {})

    assert second.kernel == kernel.resolve()
    assert second.console_input == b"typed\nlines\n"
    assert second.hedeleg == 1 << 12
    assert second.hideleg == KVM_HIDELEG  # untouched: the default


def test_defaults_for_a_minimal_scenario(tmp_path: Path, kernel: Path) -> None:
    scenario = load_scenario(write(tmp_path, MINIMAL_VM))
    (vm,) = scenario.vms
    assert scenario.seed == 0
    assert scenario.host.pcpus == 1 and scenario.host.memory is None
    assert vm.memory == 16 * MiB and vm.ram_base == 0x8000_0000
    assert vm.hedeleg == KVM_HEDELEG and vm.hideleg == KVM_HIDELEG
    assert vm.console_prefix is None and vm.devices == () and vm.csr == {}
    assert scenario.cost.handling("sbi") > 0


def test_exit_handling_overrides_merge_with_the_defaults(tmp_path: Path, kernel: Path) -> None:
    default = load_scenario(write(tmp_path, MINIMAL_VM, "a.toml")).cost
    text = MINIMAL_VM + "[cost.exit_handling]\nsbi = 1\n"
    cost = load_scenario(write(tmp_path, text, "b.toml")).cost
    assert cost.handling("sbi") == 1
    assert cost.handling("mmio") == default.handling("mmio")


def test_kernel_resolves_against_the_scenario_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenarios = tmp_path / "configs"
    scenarios.mkdir()
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "k.bin").write_bytes(b"\0" * 4)
    path = write(scenarios, '[[vm]]\nname = "a"\nkernel = "../images/k.bin"\n')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    (vm,) = load_scenario(Path("..") / "configs" / path.name).vms
    assert vm.kernel == (tmp_path / "images" / "k.bin").resolve()


def test_delegation_as_plain_integers(tmp_path: Path, kernel: Path) -> None:
    text = MINIMAL_VM + "[vm.delegation]\nhedeleg = 0\nhideleg = 0x444\n"
    (vm,) = load_scenario(write(tmp_path, text)).vms
    assert vm.hedeleg == 0
    assert vm.hideleg == (1 << VS_SOFT) | (1 << VS_TIMER) | (1 << VS_EXT)


def test_csr_numbers_are_accepted_in_decimal_and_case_insensitive_names(
    tmp_path: Path, kernel: Path
) -> None:
    text = MINIMAL_VM + '[vm.emulate.csr]\n"3860" = 1\nMVENDORID = -1\n'
    (vm,) = load_scenario(write(tmp_path, text)).vms
    assert vm.csr == {CSR_MHARTID: 1, CSR_MVENDORID: (1 << 64) - 1}


def test_scenario_from_dict_uses_the_given_source_name(tmp_path: Path, kernel: Path) -> None:
    data = {"vm": [{"name": "a", "kernel": "guest.bin", "vcpus": 0}]}
    with pytest.raises(ConfigError) as info:
        scenario_from_dict(data, source="inline", base_dir=tmp_path)
    assert str(info.value).startswith("inline: vm[0].vcpus: ")
    data["vm"][0]["vcpus"] = 3
    assert scenario_from_dict(data, source="inline", base_dir=tmp_path).vms[0].vcpus == 3


# ---- value syntax -----------------------------------------------------------------------------
SUFFIX = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}


@given(st.integers(0, 1 << 20), st.sampled_from(sorted(SUFFIX)), st.booleans())
def test_sizes_with_suffixes(n: int, suffix: str, lower: bool) -> None:
    text = f"{n}{suffix.lower() if lower else suffix}"
    assert parse_size(text, At("f")) == n * SUFFIX[suffix]
    assert parse_size(n, At("f")) == n


@given(st.integers(0, (1 << 64) - 1))
def test_integers_as_hex_or_decimal_strings(n: int) -> None:
    assert parse_int(hex(n), At("f")) == n
    assert parse_int(str(n), At("f")) == n
    assert parse_int(f"{n:_}", At("f")) == n


@pytest.mark.parametrize("value", [True, 1.5, "12 apples", "", [1]])
def test_non_integers_are_refused(value: object) -> None:
    with pytest.raises(ConfigError, match=r"^f: k: expected an integer"):
        parse_int(value, At("f", "k"))


# ---- errors ------------------------------------------------------------------------------------
VM = MINIMAL_VM.strip() + "\n"
DEV = VM + '[[vm.device]]\ntype = "regs"\nbase = 0x1000\n'

# (scenario text, key path named in the message, fragments the message must contain)
ERRORS = {
    "unknown top-level key": (
        "seeed = 1\n" + VM,
        "seeed",
        ['unknown key (did you mean "seed"?)'],
    ),
    "unknown key without a close match lists the keys": (
        VM + "[host]\nzzz = 1\n",
        "host.zzz",
        ["unknown key", "expected one of:", "pcpus", "vmidlen"],
    ),
    "unknown vm key": (VM + 'memroy = "16M"\n', "vm[0].memroy", ['did you mean "memory"?']),
    "bad size": (
        VM + 'memory = "lots"\n',
        "vm[0].memory",
        ['expected a size like "16M" (got "lots")'],
    ),
    "size below the minimum": (VM + 'memory = "512K"\n', "vm[0].memory", ["at least 1M", '"512K"']),
    "size not a page multiple": (VM + "memory = 1048577\n", "vm[0].memory", ["multiple of 4K"]),
    "misaligned ram_base": (VM + "ram_base = 0x80000100\n", "vm[0].ram_base", ["aligned to 4K"]),
    "wrong type": (VM + "[host]\npcpus = true\n", "host.pcpus", ["expected an integer", "true"]),
    "integer out of range": (VM + "[host]\nvmidlen = 15\n", "host.vmidlen", ["0..14", "15"]),
    "vcpus out of range": (VM + "vcpus = 65\n", "vm[0].vcpus", ["1..64"]),
    "bad choice": (VM + 'paging = "lazy"\n', "vm[0].paging", ['"demand" or "eager"', '"lazy"']),
    "bad page size": (VM + 'page_size = "1G"\n', "vm[0].page_size", ['"4K" or "2M"']),
    "bad kernel format": (VM + 'kernel_format = "pe"\n', "vm[0].kernel_format", ['"elf"']),
    "missing vm": ("seed = 1\n", "vm", ["missing", "[[vm]]"]),
    "vm as a table": ('[vm]\nname = "a"\nkernel = "guest.bin"\n', "vm", ["array of tables [[vm]]"]),
    "missing name": ('[[vm]]\nkernel = "guest.bin"\n', "vm[0].name", ["missing"]),
    "missing kernel": ('[[vm]]\nname = "a"\n', "vm[0].kernel", ["missing", "kernel"]),
    "kernel does not exist": (
        '[[vm]]\nname = "a"\nkernel = "../guests/build/none.elf"\n',
        "vm[0].kernel",
        ["expected an existing file", "none.elf", "no such file", "make -C guests"],
    ),
    "initrd does not exist": (
        VM + 'initrd = "rootfs.cpio"\n',
        "vm[0].initrd",
        ["expected a file", "rootfs.cpio", "no such file"],
    ),
    "bad vm name": ('[[vm]]\nname = "a b"\nkernel = "guest.bin"\n', "vm[0].name", ['"a b"']),
    "duplicate vm names": (VM + VM, "vm[1].name", ['duplicate VM name "a"', "vm[0].name"]),
    "pin length": (VM + "vcpus = 2\npin = [0]\n", "vm[0].pin", ["one pCPU index per vCPU (2)"]),
    "pin beyond the host": (
        "[host]\npcpus = 2\n" + VM + "pin = [2]\n",
        "vm[0].pin[0]",
        ["below host.pcpus = 2", "(got 2)"],
    ),
    "entry outside RAM": (VM + "entry = 0x1000\n", "vm[0].entry", ["inside the VM's RAM"]),
    "RAM beyond the G-stage": (
        VM + 'ram_base = 0x1ffff000000\nmemory = "32M"\n',
        "vm[0].memory",
        ["Sv39x4"],
    ),
    "two console inputs": (
        VM + 'console_input = "x"\nconsole_input_file = "guest.bin"\n',
        "vm[0].console_input_file",
        ["conflicts with console_input"],
    ),
    "hedeleg cause that cannot be delegated": (
        VM + '[vm.delegation]\nhedeleg = ["breakpoint", "virtual_supervisor_ecall"]\n',
        "vm[0].delegation.hedeleg[1]",
        ["virtual_supervisor_ecall (10) cannot be delegated", "breakpoint"],
    ),
    "hedeleg unknown cause name": (
        VM + '[vm.delegation]\nhedeleg = ["load_page_faults"]\n',
        "vm[0].delegation.hedeleg[0]",
        ['did you mean "load_page_fault"?'],
    ),
    "hideleg bits that are read-only": (
        VM + "[vm.delegation]\nhideleg = 0x20\n",
        "vm[0].delegation.hideleg",
        ["only delegable interrupt bits", "virtual_supervisor_timer"],
    ),
    "hideleg given an exception name": (
        VM + '[vm.delegation]\nhideleg = ["breakpoint"]\n',
        "vm[0].delegation.hideleg[0]",
        ["interrupt name", "virtual_supervisor_software"],
    ),
    "unknown delegation key": (
        VM + "[vm.delegation]\nmedeleg = 0\n",
        "vm[0].delegation.medeleg",
        ['did you mean "hedeleg"?'],
    ),
    "unknown CSR name": (
        VM + "[vm.emulate.csr]\nmhartidd = 1\n",
        "vm[0].emulate.csr.mhartidd",
        ['unknown CSR name (did you mean "mhartid"?)'],
    ),
    "CSR number out of range": (
        VM + '[vm.emulate.csr]\n"0x1000" = 1\n',
        "vm[0].emulate.csr.0x1000",
        ["0..0xfff"],
    ),
    "CSR value": (
        VM + '[vm.emulate.csr]\nmhartid = "one"\n',
        "vm[0].emulate.csr.mhartid",
        ['expected a 64-bit integer (got "one")'],
    ),
    "unknown device type": (
        VM + '[[vm.device]]\ntype = "regz"\nbase = 0\n',
        "vm[0].device[0].type",
        ['unknown device type "regz"', 'did you mean "regs"?'],
    ),
    "device without base": (
        VM + '[[vm.device]]\ntype = "regs"\n',
        "vm[0].device[0].base",
        ["missing"],
    ),
    "device as a table": (
        VM + '[vm.device]\ntype = "regs"\nbase = 0\n',
        "vm[0].device",
        ["array of tables [[vm.device]]"],
    ),
    "unknown device option": (
        DEV + "wrods = {}\n",
        "vm[0].device[0].wrods",
        ['did you mean "words"?'],
    ),
    "bad device option value": (
        DEV + 'words = { 64 = "zz" }\n',
        "vm[0].device[0].words.64",
        ['expected an integer (got "zz")'],
    ),
    "overlapping devices": (
        DEV + '[[vm.device]]\ntype = "regs"\nname = "second"\nbase = 0x1800\n',
        "vm[0].device[1].base",
        ['device "second" [0x1800, 0x2800)', 'overlaps device "regs0" [0x1000, 0x2000)'],
    ),
    "device overlapping RAM": (
        VM + '[[vm.device]]\ntype = "regs"\nbase = 0x80fff000\nsize = "8K"\n',
        "vm[0].device[0].base",
        ['device "regs0" [0x80fff000, 0x81001000)', "overlaps the VM's RAM [0x80000000"],
    ),
    "duplicate device names": (
        DEV + '[[vm.device]]\ntype = "regs"\nname = "regs0"\nbase = 0x9000\n',
        "vm[0].device[1].name",
        ['duplicate device name "regs0"', "vm[0].device[0]"],
    ),
    "unknown scheduler": (
        VM + '[scheduler]\npolicy = "rr"\n',
        "scheduler.policy",
        ['"round-robin"', '(got "rr")'],
    ),
    "exit kind typo": (
        VM + "[cost.exit_handling]\nmmoi = 5\n",
        "cost.exit_handling.mmoi",
        ['unknown exit kind (did you mean "mmio"?)'],
    ),
    "negative cost": (VM + "[cost]\ntrap_entry = -1\n", "cost.trap_entry", [">= 0"]),
    "host memory too small": (
        VM + '[host]\nmemory = "8M"\n',
        "host.memory",
        ["at least 16M"],
    ),
    "section that is not a table": ("host = 3\n" + VM, "host", ["expected a table (got 3)"]),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_error_names_file_key_and_expectation(case: str, tmp_path: Path, kernel: Path) -> None:
    text, key, fragments = ERRORS[case]
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_scenario(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: {key}: "), message
    assert info.value.key == key
    for fragment in fragments:
        assert fragment in message, message


def test_toml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, '[host]\npcpus = 1\n\n[[vm]]\nname = "a\n')
    with pytest.raises(ConfigError) as info:
        load_scenario(path)
    assert str(info.value).startswith(f"{path}: line 5, ")
    assert "invalid TOML" in str(info.value)


def test_missing_scenario_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.toml"
    with pytest.raises(ConfigError, match=r"nope\.toml: cannot read scenario file"):
        load_scenario(path)


def test_config_error_is_a_value_error() -> None:
    error = ConfigError("f.toml", "vm[0].memory", "expected something")
    assert isinstance(error, ValueError)
    assert str(error) == "f.toml: vm[0].memory: expected something"


# ---- the scenarios shipped in configs/ ---------------------------------------------------------
SHIPPED = sorted((REPO / "configs").glob("*.toml"))


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_scenarios_load(path: Path, guests_make) -> None:
    guests_make("-j2")  # every group, so that only the Linux kernels can be missing
    try:
        scenario = load_scenario(path)
    except ConfigError as exc:
        if "guests/linux/build.sh" in str(exc):
            pytest.skip(f"Linux kernel not built: {exc}")
        raise
    assert scenario.vms


def test_skernel2_scenario_is_the_seed_exercise() -> None:
    path = REPO / "configs" / "skernel2.toml"
    try:
        scenario = load_scenario(path)
    except ConfigError as exc:
        pytest.skip(f"guest not built: {exc}")
    (vm,) = scenario.vms
    assert vm.kernel == (REPO / "guests" / "build" / "skernel2" / "skernel2.elf").resolve()
    assert (vm.memory, vm.ram_base, vm.vcpus) == (16 * MiB, 0x8000_0000, 1)
    assert vm.csr == {CSR_MHARTID: 0x1234}
    assert vm.console_prefix == ""
    (dev,) = vm.devices
    assert (dev.type, dev.base, dev.options) == ("regs", 0, {"words": {64: 0x6688}})


def test_schema_example_in_configs_readme_is_valid(tmp_path: Path, kernel: Path) -> None:
    readme = (REPO / "configs" / "README.md").read_text()
    block = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    text = re.sub(r'^kernel = "[^"]*"', 'kernel = "guest.bin"', block, flags=re.M)
    scenario = load_scenario(write(tmp_path, text))
    (vm,) = scenario.vms
    assert vm.csr == {CSR_MHARTID: 0x1234}
    assert vm.devices[0].options == {"words": {64: 0x6688}}
