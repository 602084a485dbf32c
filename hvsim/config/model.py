"""Typed scenario objects: what a validated ``configs/*.toml`` file becomes.

:mod:`hvsim.config.loader` parses and validates TOML into these; the hypervisor only ever
sees these objects.  Defaults documented here are the scenario-file defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hvsim.hv.cost import CostModel

MiB = 1 << 20

#: KVM's default delegation: misaligned fetch, breakpoint, U-mode ecall, page faults.
KVM_HEDELEG = (1 << 0) | (1 << 3) | (1 << 8) | (1 << 12) | (1 << 13) | (1 << 15)
#: VS-level software, timer and external interrupts.
KVM_HIDELEG = (1 << 2) | (1 << 6) | (1 << 10)


@dataclass(frozen=True)
class DeviceConfig:
    type: str  # registry name, e.g. "regs", "ns16550"
    base: int  # guest-physical base address
    name: str = ""  # instance name (default: type plus a number)
    size: int | None = None  # MMIO window (default: the device type's)
    irq: int | None = None  # interrupt source number on the VM's interrupt controller
    options: dict[str, Any] = field(default_factory=dict)  # device-specific keys


@dataclass(frozen=True)
class VmConfig:
    name: str
    kernel: Path
    memory: int = 16 * MiB
    ram_base: int = 0x80000000
    vcpus: int = 1
    kernel_format: str = "auto"  # "elf", "raw" or "auto" (ELF magic decides)
    load_addr: int | None = None  # raw images: default ram_base + 0x200000
    entry: int | None = None  # default: ELF entry, or load_addr for raw images
    hedeleg: int = KVM_HEDELEG
    hideleg: int = KVM_HIDELEG
    csr: dict[int, int] = field(default_factory=dict)  # emulated CSR values by number
    devices: tuple[DeviceConfig, ...] = ()
    console_prefix: str | None = None  # None: "[<name>] "
    console_input: bytes = b""
    console_log: bool = True  # also write <outdir>/<name>.console.log when an OUTDIR is given
    bootargs: str = ""
    initrd: Path | None = None  # initial ramdisk, placed in RAM and named in /chosen
    sstc: bool = True  # advertise and enable Sstc (henvcfg.STCE)
    paging: str = "demand"  # "demand": map guest RAM on first touch; "eager": map at start
    page_size: int = 0x200000  # G-stage leaf size for guest RAM (4 KiB or 2 MiB)
    pin: tuple[int, ...] | None = None  # vCPU i runs only on pCPU pin[i]
    weight: int = 256  # scheduler weight (credit/fair-share policies)
    cap: int = 0  # credit cap in percent of one pCPU (0 = none)
    priority: int = 0  # strict-priority policy: higher runs first


@dataclass(frozen=True)
class HostConfig:
    pcpus: int = 1
    freq_mhz: int = 1000
    timebase_hz: int = 10_000_000
    batch_insns: int = 10_000
    # a batch bounded only by its length may end up to this many instructions early, at a
    # block boundary (0: batches are exact; see hvsim.hv.host)
    batch_slack: int = 512
    vmidlen: int = 14
    memory: int | None = None  # host RAM; default: what the VMs need plus page tables


@dataclass(frozen=True)
class SchedulerConfig:
    policy: str = "round-robin"
    slice_us: int = 1000
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Scenario:
    path: Path | None
    vms: tuple[VmConfig, ...]
    host: HostConfig = HostConfig()
    scheduler: SchedulerConfig = SchedulerConfig()
    cost: CostModel = field(default_factory=CostModel)
    seed: int = 0
