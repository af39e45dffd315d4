"""The sections of the one configuration (:mod:`harness.config`): one frozen dataclass per
command, each field with its default and its rule (``Annotated``, :mod:`harness.config_values`).

Only :mod:`harness.config` builds them; everything else imports them from there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from harness.config_values import AtLeast, AtMost, Duration, OneOf, Port, Positive, Speed
from harness.constants import SIMULATOR_TIMEOUT_S

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
    # Targets spread over worker processes that share --database-url: N local ones (the
    # master drives none), or --master here and --worker on other machines.
    workers: Annotated[int, AtLeast(0)] = 0
    master: bool = False  # coordinate workers started elsewhere (--worker)
    worker: bool = False  # take targets from the master's store, drive them
    worker_wait: Duration = 60.0  # how long a master waits for a worker, a worker for a master


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
