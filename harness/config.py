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

from harness.config_values import (
    AtLeast,
    AtMost,
    Duration,
    OneOf,
    Port,
    Positive,
    Speed,
    Url,
    coerce,
)
from harness.constants import SIMULATOR_TIMEOUT_S
from harness.errors import UsageError
from harness.target import Target

#: The default home of gate bundles and reports (git-ignored but for its README and example).
REPORTS_DIR = "reports"
#: Verdict profiles: what the course simulator counts, or that plus the normative API.
Profile = Annotated[str, OneOf(("simulator", "strict"))]
#: Every stage the gate shows; ``verify`` reads back what ``replay`` wrote, so selecting
#: either runs replay followed by verify.
STAGE_NAMES: tuple[str, ...] = ("replay", "verify", "contract", "allowlist", "load", "drill")
Stage = Annotated[str, OneOf(STAGE_NAMES)]


@dataclass(frozen=True)
class ServeConfig:
    """How ``minitwit-harness serve`` runs the reference app."""

    database_url: str = "sqlite:///minitwit.db"
    host: str = "127.0.0.1"
    port: Port = 5001
    # Sync workers (threads=1): the cheapest per request for the simulator's traffic, one
    # short request per connection; threads > 1 switches to gunicorn's gthread workers.
    workers: Annotated[int, AtLeast(1)] = 3
    threads: Annotated[int, AtLeast(1)] = 1
    log_file: str | None = None
    log_max_bytes: Annotated[int, AtLeast(1024)] = 10 * 1024 * 1024
    # RotatingFileHandler never rotates without backups: the file would grow unbounded.
    log_backups: Annotated[int, AtLeast(1)] = 5
    access_log: bool = False  # one log line per request (the server's access log)
    server: Annotated[str, OneOf(("granian", "gunicorn"))] = "gunicorn"  # bench/README.md
    # None: the app's own ACCEPTED_IPS / TRUSTED_PROXIES environment variables apply (default
    # "*" and none), so that a plain ``ACCEPTED_IPS=... minitwit-harness serve`` works.
    accepted_ips: str | None = None
    trusted_proxies: str | None = None
    read_only: bool = False  # writes answered 503, reads served
    maintenance_file: str | None = None  # read-only while this file exists


@dataclass(frozen=True)
class DashboardConfig:
    """``minitwit-harness dashboard``: the live status page of a simulation, on its own."""

    database_url: str = "sqlite:///simulation.db"  # the simulation store simulate writes
    listen: str = "127.0.0.1:8080"  # HOST:PORT
    token: str | None = None  # bearer token of the controls (none: controls disabled)


@dataclass(frozen=True)
class ScenarioConfig:
    """Scenario generation and parsing."""

    users: Annotated[int, AtLeast(1)] = 200
    actions: Annotated[int, AtLeast(0)] = 1000
    seed: int = 0
    skip_bad_lines: bool = False
    output: str | None = None  # ``scenario generate -o``; "-" is stdout


@dataclass(frozen=True)
class ReplayConfig:
    """``minitwit-harness replay``: simulator traffic on Locust."""

    scenario: str | None = None
    speed: Speed = "max"  # "max" or a factor on the recorded delays (1 = real time)
    profile: Profile = "simulator"
    timeout: Duration = SIMULATOR_TIMEOUT_S
    keep_alive: bool = False
    concurrency: Annotated[int, AtLeast(1)] = (
        4  # ~ the target's cores + 2: more only queues past the 0.3 s timeout
    )
    simulator_log: str | None = None
    results: str | None = None
    resume: bool = False
    retry_failed: bool = False  # with resume: send again the actions that failed
    resume_from_latest: bool = False
    workers: Annotated[int, AtLeast(0)] = 0
    max_errors: Annotated[int, AtLeast(1)] | None = None
    verify: bool = False
    register_concurrency: Annotated[int, AtLeast(0)] = (
        1  # registers in flight per worker (0 = no limit)
    )
    master: bool = False  # coordinate --workers N workers started elsewhere
    worker: bool = False  # be one worker of the master at --master-host
    master_host: str = "127.0.0.1"
    master_port: Port = 5557
    master_bind: str = "*"
    worker_wait: Duration = 60.0  # seconds the master waits for its workers to connect
    # Rename the scenario's users into a run namespace: "auto" (a fresh tag, reused by
    # --resume), "none", or a tag. "": none for replay, auto for the gate.
    namespace: str = ""


@dataclass(frozen=True)
class VerifyConfig:
    """``minitwit-harness verify``: read the target back and diff it with the scenario."""

    scenario: str | None = None  # falls back to replay.scenario
    results: str | None = None  # only actions acknowledged in this results file count
    timeout: Duration = 10.0
    concurrency: Annotated[int, AtLeast(1)] = 16
    namespace: str = ""  # the replay's tag or "none"; "": the one --results recorded


@dataclass(frozen=True)
class ContractConfig:
    """``minitwit-harness contract``: conformance suite and property-based phase."""

    max_examples: Annotated[int, AtLeast(1)] = 25
    time_budget: Annotated[Duration, AtLeast(1)] = 20.0  # for the property phase
    fail_on: Annotated[str, OneOf(("error", "warning"))] = "error"
    property_phase: bool = True
    junit: str | None = None
    json: str | None = None
    timeout: Duration = 5.0  # per probe
    seed: int = 0  # Hypothesis seed of the property phase (same seed, same cases)
    # The user says nothing was sent to the target before: GET /latest must answer -1.
    fresh_target: bool = False


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
    timeout: Duration = 5.0
    spoofing: bool = True  # also send the header tricks from denied sources
    # /latest may stay open to everyone (the course dashboard polls it): a denied source let
    # in there is information unless this is set.
    judge_latest: bool = False
    json: str | None = None  # write the matrix and findings here

    @property
    def enabled(self) -> bool:
        """Whether allowlist expectations are configured (the gate runs the stage then)."""
        return bool(self.allowed_sources or self.denied_sources)


@dataclass(frozen=True)
class LoadConfig:
    """``minitwit-harness load``: Locust load test with thresholds."""

    users: Annotated[int, AtLeast(1)] | None = (
        None  # default: 10, or rate/5 under --rate (5 req/s per user)
    )
    spawn_rate: Annotated[float, Positive()] = 10.0
    run_time: Duration = 30.0
    rate: Annotated[float, Positive()] | None = (
        None  # target requests/s in total (constant arrival rate)
    )
    read_ratio: Annotated[float, AtLeast(0), AtMost(1)] = 0.5
    workers: Annotated[int, AtLeast(0)] = 0
    thresholds: tuple[str, ...] = ()
    default_thresholds: bool = True  # judge error_rate<1% when no threshold is given
    profile: Profile = "simulator"
    scenario: str | None = None
    timeout: Duration = SIMULATOR_TIMEOUT_S  # per request, like the simulator
    keep_alive: bool = False  # the simulator opens a new connection per request
    max_requests: Annotated[int, AtLeast(1)] = 1_000_000  # request cap of a run (besides run_time)
    results: str | None = None  # default: <output_dir>/load/results.jsonl


@dataclass(frozen=True)
class ReportConfig:
    """``minitwit-harness report``: HTML/Markdown/JUnit reports and the regression gate."""

    baseline: str | None = None
    latency_tolerance: Annotated[float, AtLeast(0)] = (
        0.25  # 25% slower than baseline is a regression
    )
    # Differences smaller than this are noise on shared CI machines, never a regression.
    latency_floor_ms: Annotated[float, AtLeast(0)] = 10.0
    output: str = f"{REPORTS_DIR}/report"
    simulation: str | None = None  # a simulation store's URL: one column per target


@dataclass(frozen=True)
class DrillConfig:
    """``minitwit-harness drill``: an operation rehearsed under simulator traffic."""

    during: str | None = None  # the operation, a shell command
    manual: bool = False  # or: Enter / SIGUSR1 marks its start and end
    rate: Annotated[float, Positive(), AtMost(1000)] = 20.0  # writes per second
    warm_up: Duration = 10.0
    cool_down: Duration = 20.0
    scenario: str | None = None  # default: generated traffic
    max_outage: Duration | None = None  # a longer outage fails the drill
    results: str | None = None  # JSON results; default <output_dir>/drill/drill.json
    timeout: Duration = SIMULATOR_TIMEOUT_S  # per request, like the simulator
    concurrency: Annotated[int, AtLeast(1)] = 8
    operation_timeout: Duration = 600.0
    seed: int = 0


@dataclass(frozen=True)
class SimulateConfig:
    """``minitwit-harness simulate``: the course simulator for many targets, durable."""

    targets: str | None = None  # the teams file (TOML, [[target]] tables)
    scenario: str | None = None  # needed at the first start; then the store's
    # A factor on the recorded delays (the course: 0.00001) or "max"; None: the speed the
    # database was started with, else 1 (real time).
    speed: Speed | None = None
    database_url: str = "sqlite:///simulation.db"
    log_dir: str = "simulation-logs"  # one <name>.log per target, the course's format
    run_time: Duration | None = None  # stop after this long (resumable)
    timeout: Duration = SIMULATOR_TIMEOUT_S  # per request, like the simulator
    latest_interval: Duration = 5.0  # GET /latest of each target this often
    dashboard: str | None = None  # HOST:PORT of the live status page
    dashboard_token: str | None = None  # required by the status page's controls


@dataclass(frozen=True)
class CheckConfig:
    """``minitwit-harness check``: which stages the gate runs and where the bundle goes."""

    # In this order; allowlist runs only when [allowlist] sources are configured. "drill"
    # (off by default) rehearses [drill] during under traffic. contract comes last: some of
    # its probes may crash a fragile target or leave it unable to write (the course
    # reference's locked SQLite), which must not spoil the other stages.
    stages: tuple[Stage, ...] = ("replay", "allowlist", "load", "contract")
    bundle: str | None = None  # results bundle directory; default reports/check-<time>
    progress: bool = True  # progress lines on stderr while stages run


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
