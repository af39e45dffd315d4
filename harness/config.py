"""The one typed configuration of the harness.

Built once per invocation from a precedence stack, highest first: command-line flags, then
non-empty ``MINITWIT_*`` environment variables (an empty variable counts as unset, so a CI
step that exports ``MINITWIT_TARGET=""`` never hides the file's ``target``), then a TOML
config file (``--config`` or ``MINITWIT_CONFIG``), then the gate's defaults (``check`` only,
:mod:`harness.gate.defaults`), then the defaults below. Every value is validated here, once,
and a bad one is named by its source (``ci.toml: [replay] speed: expected 'max' or a
number, got 'fast'``). This is the only module of ``harness`` that reads ``os.environ``.

Environment names: top-level fields are ``MINITWIT_<FIELD>`` (``MINITWIT_TARGET``);
section fields are ``MINITWIT_<SECTION>_<FIELD>`` (``MINITWIT_REPLAY_TIMEOUT``).
The TOML file uses the same names: top-level keys and one table per section.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

# Re-exported (``X as X``): callers import every part of the config from this module.
from harness.config_sections import (
    REPORTS_DIR as REPORTS_DIR,
)
from harness.config_sections import (
    STAGE_NAMES as STAGE_NAMES,
)
from harness.config_sections import (
    AllowlistConfig as AllowlistConfig,
)
from harness.config_sections import (
    CheckConfig as CheckConfig,
)
from harness.config_sections import (
    ContractConfig as ContractConfig,
)
from harness.config_sections import (
    DashboardConfig as DashboardConfig,
)
from harness.config_sections import (
    DrillConfig as DrillConfig,
)
from harness.config_sections import (
    LoadConfig as LoadConfig,
)
from harness.config_sections import (
    Profile as Profile,
)
from harness.config_sections import (
    ReplayConfig as ReplayConfig,
)
from harness.config_sections import (
    ReportConfig as ReportConfig,
)
from harness.config_sections import (
    ScenarioConfig as ScenarioConfig,
)
from harness.config_sections import (
    ServeConfig as ServeConfig,
)
from harness.config_sections import (
    SimulateConfig as SimulateConfig,
)
from harness.config_sections import (
    Stage as Stage,
)
from harness.config_sections import (
    VerifyConfig as VerifyConfig,
)
from harness.config_values import (
    AtLeast,
    Duration,
    Url,
    coerce,
)
from harness.errors import UsageError
from harness.target import Target


@dataclass(frozen=True)
class Config:
    """Everything one invocation needs; sections per command."""

    target: Url | None = None
    output_dir: str = "harness-output"  # results of replay, load, drill run alone
    label: str | None = None
    # Seconds to wait for a crashed target to come back (a supervisor or restart policy).
    restart_wait: Annotated[Duration, AtLeast(0)] = 15.0
    serve: ServeConfig = field(default_factory=ServeConfig)
    dashboard: DashboardConfig = field(default_factory=DashboardConfig)
    scenario: ScenarioConfig = field(default_factory=ScenarioConfig)
    replay: ReplayConfig = field(default_factory=ReplayConfig)
    verify: VerifyConfig = field(default_factory=VerifyConfig)
    contract: ContractConfig = field(default_factory=ContractConfig)
    allowlist: AllowlistConfig = field(default_factory=AllowlistConfig)
    load: LoadConfig = field(default_factory=LoadConfig)
    report: ReportConfig = field(default_factory=ReportConfig)
    drill: DrillConfig = field(default_factory=DrillConfig)
    simulate: SimulateConfig = field(default_factory=SimulateConfig)
    check: CheckConfig = field(default_factory=CheckConfig)
    #: Where each setting given by the user came from (``"replay.speed"`` -> ``"--speed"``,
    #: ``"MINITWIT_TARGET"``, ``"ci.toml"``, ``"gate default"``); not a setting itself.
    sources: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    def where(self, key: str) -> str:
        """How a message names setting ``key``: its flag, variable or file, else the default."""
        source = self.sources.get(key)
        if source is None or source == GATE_DEFAULT:
            return f"{key} ({source or 'default'})"
        return _where(key, source)

    def require_target(self, command: str) -> Target:
        """The target, parsed once; a UsageError naming ``command`` when none is given.

        The value was validated when the config was built, so parsing cannot fail here.
        """
        if not self.target:
            raise UsageError(f"{command} needs --target URL")
        return Target.parse(self.target)

    def given(self, key: str) -> bool:
        """Whether ``key`` (``field`` or ``section.field``) was set by flag, environment or file."""
        return self.sources.get(key, GATE_DEFAULT) != GATE_DEFAULT


#: The source label of a value filled in by :func:`harness.gate.defaults.gate_defaults`.
GATE_DEFAULT = "gate default"

SECTIONS: tuple[str, ...] = tuple(
    f.name for f in dataclasses.fields(Config) if dataclasses.is_dataclass(f.default_factory)
)


@functools.cache
def setting_types() -> Mapping[str, Any]:
    """Every setting, as ``field`` or ``section.field``, with its (annotated) type."""
    hints = typing.get_type_hints(Config, include_extras=True)
    out: dict[str, Any] = {}
    for f in dataclasses.fields(Config):
        if f.name == "sources":
            continue
        if f.name in SECTIONS:
            section_hints = typing.get_type_hints(hints[f.name], include_extras=True)
            for sf in dataclasses.fields(hints[f.name]):
                out[f"{f.name}.{sf.name}"] = section_hints[sf.name]
        else:
            out[f.name] = hints[f.name]
    return types.MappingProxyType(out)


def setting_default(key: str) -> Any:
    """The built-in default of setting ``key``."""
    return get_setting(Config(), key)


def get_setting(config: Config, key: str) -> Any:
    """The value of setting ``key`` (``field`` or ``section.field``) in ``config``."""
    section, _, name = key.rpartition(".")
    return getattr(getattr(config, section) if section else config, name)


def env_name(key: str) -> str:
    """The environment variable of a setting: ``replay.speed`` -> ``MINITWIT_REPLAY_SPEED``."""
    return "MINITWIT_" + key.replace(".", "_").upper()


def load_file(path: str | Path) -> dict[str, Any]:
    """Read a TOML config file; a missing or broken file is a one-line UsageError."""
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise UsageError(f"config file not found: {path}") from None
    except IsADirectoryError:
        raise UsageError(f"config file is a directory: {path}") from None
    except PermissionError:
        raise UsageError(f"config file not readable: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: invalid TOML: {exc}") from None


def _file_values(path: str, data: Mapping[str, Any], types_: Mapping[str, Any]) -> dict[str, Any]:
    """The file's settings by key; an unknown key or a section that is not a table is an error."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key in SECTIONS:
            if not isinstance(value, dict):
                raise UsageError(f"{path}: [{key}] must be a table")
            for name, inner in value.items():
                if f"{key}.{name}" not in types_:
                    raise UsageError(f"{path}: [{key}] unknown key {name!r}")
                out[f"{key}.{name}"] = inner
        elif key in types_:
            out[key] = value
        else:
            raise UsageError(f"{path}: unknown key {key!r}")
    return out


def _where(key: str, source: str) -> str:
    """How an error names a value: the flag, the variable, or ``file: [section] name``."""
    if source.startswith(("-", "MINITWIT_")):
        return source
    section, _, name = key.rpartition(".")
    return f"{source}: [{section}] {name}" if section else f"{source}: {name}"


def build_config(
    cli: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    config_file: str | Path | None = None,
    flags: Mapping[str, str] | None = None,
) -> Config:
    """Merge CLI values, environment and config file over the defaults, validating each.

    ``cli`` maps ``"field"`` or ``"section.field"`` to values the user actually gave
    (absent or None means "not given"; an unknown key is an error, never dropped);
    ``flags`` names the flag of each key for messages (default ``--field-name``);
    ``env`` defaults to ``os.environ``.
    """
    types_ = setting_types()
    given_cli = {k: v for k, v in (cli or {}).items() if v is not None}
    cli_file = given_cli.pop("config", None)
    unknown = sorted(k for k in given_cli if k not in types_)
    if unknown:
        raise UsageError(f"unknown setting {unknown[0]!r} (not a field of the config)")
    env = os.environ if env is None else env
    file_path = config_file or cli_file or env.get("MINITWIT_CONFIG") or None
    file_values = _file_values(str(file_path), load_file(file_path), types_) if file_path else {}

    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for key, tp in types_.items():
        raw: Any
        if key in given_cli:
            raw, source = given_cli[key], (flags or {}).get(key) or _default_flag(key)
        elif env.get(env_name(key), "") != "":  # empty means unset
            raw, source = env[env_name(key)], env_name(key)
        elif key in file_values:
            raw, source = file_values[key], str(file_path)
        else:
            continue
        values[key] = coerce(raw, tp, _where(key, source))
        sources[key] = source
    return with_settings(Config(), values, sources)


def _default_flag(key: str) -> str:
    return "--" + key.rpartition(".")[2].replace("_", "-")


def with_settings(config: Config, values: Mapping[str, Any], sources: Mapping[str, str]) -> Config:
    """``config`` with ``values`` (keys ``field`` or ``section.field``) and their sources."""
    top: dict[str, Any] = {}
    sections: dict[str, dict[str, Any]] = {}
    for key, value in values.items():
        section, _, name = key.rpartition(".")
        if section:
            sections.setdefault(section, {})[name] = value
        else:
            top[name] = value
    for section, changes in sections.items():
        top[section] = dataclasses.replace(getattr(config, section), **changes)
    return dataclasses.replace(config, **top, sources={**config.sources, **sources})


def app_environment(serve: ServeConfig, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment variables that configure the reference app for ``serve``."""
    environ = os.environ if environ is None else environ
    accepted = serve.accepted_ips
    trusted = serve.trusted_proxies
    out = {
        "DATABASE_URL": serve.database_url,
        "ACCEPTED_IPS": accepted if accepted is not None else environ.get("ACCEPTED_IPS", "*"),
        "TRUSTED_PROXIES": trusted if trusted is not None else environ.get("TRUSTED_PROXIES", ""),
        "LOG_MAX_BYTES": str(serve.log_max_bytes),
        "LOG_BACKUPS": str(serve.log_backups),
    }
    if serve.log_file:
        out["LOG_FILE"] = serve.log_file
    if serve.read_only:
        out["READ_ONLY"] = "1"
    if serve.maintenance_file:
        out["MAINTENANCE_FILE"] = serve.maintenance_file
    return out
