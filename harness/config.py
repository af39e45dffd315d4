"""The one typed configuration of the harness.

Built once per invocation, in this order of precedence: command-line flags, then
``MINITWIT_*`` environment variables, then a TOML config file (``--config``), then the
defaults below. This is the only module of ``harness`` that reads ``os.environ``.

Environment names: top-level fields are ``MINITWIT_<FIELD>`` (``MINITWIT_TARGET``);
section fields are ``MINITWIT_<SECTION>_<FIELD>`` (``MINITWIT_REPLAY_TIMEOUT``).
The TOML file uses the same names: top-level keys and one table per section.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.errors import UsageError


@dataclass(frozen=True)
class ServeConfig:
    """How ``minitwit-harness serve`` runs the reference app."""

    database_url: str = "sqlite:///minitwit.db"
    host: str = "127.0.0.1"
    port: int = 5001
    # Sync workers (threads=1): the cheapest per request for the simulator's traffic, one
    # short request per connection; threads > 1 switches to gunicorn's gthread workers.
    workers: int = 3
    threads: int = 1
    log_file: str | None = None
    log_max_bytes: int = 10 * 1024 * 1024
    log_backups: int = 5
    access_log: bool = False  # one log line per request (gunicorn's access log)
    # None: the app's own ACCEPTED_IPS / TRUSTED_PROXIES environment variables apply (default
    # "*" and none), so that a plain ``ACCEPTED_IPS=... minitwit-harness serve`` works.
    accepted_ips: str | None = None
    trusted_proxies: str | None = None


@dataclass(frozen=True)
class ScenarioConfig:
    """Scenario generation and parsing."""

    users: int = 200
    actions: int = 1000
    seed: int = 0
    skip_bad_lines: bool = False
    output: str | None = None  # ``scenario generate -o``; "-" is stdout


@dataclass(frozen=True)
class ReplayConfig:
    """``minitwit-harness replay``: simulator traffic on Locust."""

    scenario: str | None = None
    speed: str = "max"  # "max" or a factor on the recorded delays (1 = real time)
    profile: str = "simulator"  # or "strict"
    timeout: float = 0.3
    keep_alive: bool = False
    concurrency: int = 4  # ~ the target's cores + 2: more only queues past the 0.3 s timeout
    simulator_log: str | None = None
    results: str | None = None
    resume: bool = False
    resume_from_latest: bool = False
    workers: int = 0
    max_errors: int | None = None
    verify: bool = False
    register_concurrency: int = 1  # registers in flight per worker (0 = no limit)
    master: bool = False  # coordinate --workers N workers started elsewhere
    worker: bool = False  # be one worker of the master at --master-host
    master_host: str = "127.0.0.1"
    master_port: int = 5557
    master_bind: str = "*"
    worker_wait: float = 60.0  # seconds the master waits for its workers to connect


@dataclass(frozen=True)
class VerifyConfig:
    """``minitwit-harness verify``: read the target back and diff it with the scenario."""

    scenario: str | None = None  # falls back to replay.scenario
    results: str | None = None  # only actions acknowledged in this results file count
    timeout: float = 10.0
    concurrency: int = 16


@dataclass(frozen=True)
class ContractConfig:
    """``minitwit-harness contract``: conformance suite and property-based phase."""

    max_examples: int = 25
    time_budget: float = 20.0  # seconds for the property phase
    fail_on: str = "error"  # or "warning"
    property_phase: bool = True
    junit: str | None = None
    json: str | None = None
    timeout: float = 5.0  # per probe, seconds
    seed: int = 0  # Hypothesis seed of the property phase (same seed, same cases)


@dataclass(frozen=True)
class AllowlistConfig:
    """``minitwit-harness allowlist``: IP allowlist and proxy-trust probes."""

    allowed_sources: tuple[str, ...] = ()  # local addresses the target must let in
    denied_sources: tuple[str, ...] = ()  # local addresses the target must refuse
    # Allowed addresses the spoofing probes claim besides the allowed sources, e.g. the
    # simulator's real (non-local) address.
    spoof_as: tuple[str, ...] = ()
    # Read-only probe requests: one that needs the simulator credentials, one that does not.
    paths: tuple[str, ...] = ("/msgs?no=1", "/latest")
    timeout: float = 5.0
    spoofing: bool = True  # also send the header tricks from denied sources
    json: str | None = None  # write the matrix and findings here

    @property
    def enabled(self) -> bool:
        """Whether allowlist expectations are configured (the gate runs the stage then)."""
        return bool(self.allowed_sources or self.denied_sources)


@dataclass(frozen=True)
class LoadConfig:
    """``minitwit-harness load``: Locust load test with thresholds."""

    users: int | None = None  # default: 10, or rate/5 under --rate (5 req/s per user)
    spawn_rate: float = 10.0
    run_time: float = 30.0
    rate: float | None = None  # target requests/s in total (constant arrival rate)
    read_ratio: float = 0.5
    workers: int = 0
    thresholds: tuple[str, ...] = ()
    profile: str = "simulator"
    scenario: str | None = None
    timeout: float = 0.3  # per request, like the simulator
    keep_alive: bool = False  # the simulator opens a new connection per request
    max_requests: int = 1_000_000  # request cap of a run (besides run_time)
    results: str | None = None  # default: <output_dir>/load/results.jsonl


@dataclass(frozen=True)
class ReportConfig:
    """``minitwit-harness report``: HTML/Markdown/JUnit reports and the regression gate."""

    baseline: str | None = None
    latency_tolerance: float = 0.25  # 25% slower than baseline is a regression
    # Differences smaller than this are noise on shared CI machines, never a regression.
    latency_floor_ms: float = 10.0
    output: str = "harness-output/report"


@dataclass(frozen=True)
class CheckConfig:
    """``minitwit-harness check``: which stages the gate runs and where the bundle goes."""

    # In this order; allowlist runs only when [allowlist] sources are configured.
    stages: tuple[str, ...] = ("replay", "contract", "allowlist", "load")
    bundle: str | None = None  # results bundle directory; default <output_dir>/check-<time>
    progress: bool = True  # progress lines on stderr while stages run


@dataclass(frozen=True)
class Config:
    """Everything one invocation needs; sections per command."""

    target: str | None = None
    output_dir: str = "harness-output"
    label: str | None = None
    serve: ServeConfig = field(default_factory=ServeConfig)
    scenario: ScenarioConfig = field(default_factory=ScenarioConfig)
    replay: ReplayConfig = field(default_factory=ReplayConfig)
    verify: VerifyConfig = field(default_factory=VerifyConfig)
    contract: ContractConfig = field(default_factory=ContractConfig)
    allowlist: AllowlistConfig = field(default_factory=AllowlistConfig)
    load: LoadConfig = field(default_factory=LoadConfig)
    report: ReportConfig = field(default_factory=ReportConfig)
    check: CheckConfig = field(default_factory=CheckConfig)


SECTIONS: tuple[str, ...] = tuple(
    f.name for f in dataclasses.fields(Config) if dataclasses.is_dataclass(f.default_factory)
)


def _coerce(value: Any, tp: Any, where: str) -> Any:
    """Convert ``value`` (from env, TOML or CLI) to the field type ``tp``."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (types.UnionType, typing.Union):
        if value is None or (isinstance(value, str) and value.lower() in ("", "none")):
            return None
        inner = [a for a in args if a is not type(None)]
        return _coerce(value, inner[0], where)
    if origin is tuple:
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        if not isinstance(value, list | tuple):
            raise UsageError(f"{where}: expected a list, got {value!r}")
        return tuple(_coerce(v, args[0], where) for v in value)
    try:
        if tp is bool:
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off"):
                return False
            raise ValueError(value)
        if tp is int:
            if isinstance(value, bool):
                raise ValueError(value)
            return int(value)
        if tp is float:
            return float(value)
        if tp is str:
            return str(value)
    except (TypeError, ValueError):
        raise UsageError(f"{where}: invalid value {value!r} (expected {tp.__name__})") from None
    raise UsageError(f"{where}: unsupported type {tp!r}")


def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def load_file(path: str | Path) -> dict[str, Any]:
    """Read a TOML config file; a missing or broken file is a one-line UsageError."""
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise UsageError(f"config file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: invalid TOML: {exc}") from None


def build_config(
    cli: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    config_file: str | Path | None = None,
) -> Config:
    """Merge CLI values, environment and config file over the defaults.

    ``cli`` maps ``"field"`` or ``"section.field"`` to values the user actually gave
    (absent keys mean "not given"). ``env`` defaults to ``os.environ``.
    """
    cli = dict(cli or {})
    env = os.environ if env is None else env
    file_path = config_file or cli.pop("config", None) or env.get("MINITWIT_CONFIG")
    file_data = load_file(file_path) if file_path else {}
    where_file = str(file_path) if file_path else "config"

    known_top = {f.name for f in dataclasses.fields(Config)}
    for key in file_data:
        if key not in known_top:
            raise UsageError(f"{where_file}: unknown key {key!r}")

    def pick(section: str | None, name: str, tp: Any) -> tuple[bool, Any]:
        dotted = f"{section}.{name}" if section else name
        if dotted in cli and cli[dotted] is not None:
            return True, _coerce(cli[dotted], tp, f"--{name.replace('_', '-')}")
        env_name = "MINITWIT_" + (f"{section}_{name}" if section else name).upper()
        if env_name in env:
            return True, _coerce(env[env_name], tp, env_name)
        table: Any = file_data.get(section, {}) if section else file_data
        if section and not isinstance(table, dict):
            raise UsageError(f"{where_file}: [{section}] must be a table")
        if name in table:
            return True, _coerce(table[name], tp, f"{where_file}: {dotted}")
        return False, None

    top_kwargs: dict[str, Any] = {}
    hints = _hints(Config)
    for f in dataclasses.fields(Config):
        if f.name in SECTIONS:
            section_cls = hints[f.name]
            section_hints = _hints(section_cls)
            table = file_data.get(f.name, {})
            if isinstance(table, dict):
                allowed = {sf.name for sf in dataclasses.fields(section_cls)}
                for key in table:
                    if key not in allowed:
                        raise UsageError(f"{where_file}: unknown key {f.name}.{key}")
            kwargs: dict[str, Any] = {}
            for sf in dataclasses.fields(section_cls):
                found, value = pick(f.name, sf.name, section_hints[sf.name])
                if found:
                    kwargs[sf.name] = value
            top_kwargs[f.name] = section_cls(**kwargs)
        else:
            found, value = pick(None, f.name, hints[f.name])
            if found:
                top_kwargs[f.name] = value
    return Config(**top_kwargs)


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
    return out
