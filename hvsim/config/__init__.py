"""Scenario configuration: the typed model (:mod:`.model`) and the TOML loader (:mod:`.loader`)."""

from hvsim.config.loader import ConfigError, load_scenario, scenario_from_dict
from hvsim.config.model import (
    DeviceConfig,
    HostConfig,
    Scenario,
    SchedulerConfig,
    VmConfig,
)

__all__ = [
    "ConfigError",
    "DeviceConfig",
    "HostConfig",
    "Scenario",
    "SchedulerConfig",
    "VmConfig",
    "load_scenario",
    "scenario_from_dict",
]
