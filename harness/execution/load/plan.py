"""Planning a load run (pure): validated settings and the Locust command lines."""

from __future__ import annotations

import importlib.util
import math
import sys
from dataclasses import dataclass
from pathlib import Path

from harness.config import Config
from harness.errors import UsageError
from harness.target import Target

#: Under ``--rate`` without ``--users``: one user per 5 requests/s, so each user has a
#: 200 ms budget per request before the run falls behind its target rate.
RATE_PER_USER = 5.0


@dataclass(frozen=True)
class LoadPlan:
    """Everything the Locust processes of one run need."""

    target: str
    users: int
    spawn_rate: float
    run_time: int  # whole seconds (Locust's --run-time)
    workers: int
    rate: float | None
    read_ratio: float
    profile: str
    timeout: float
    keep_alive: bool
    max_requests: int
    scenario_path: Path
    run_dir: Path

    @property
    def parts_dir(self) -> Path:
        """Where every Locust process writes its part results file."""
        return self.run_dir / "parts"

    @property
    def accounts_path(self) -> Path:
        """The accounts the warm-up registered (JSON list), read by every Locust process."""
        return self.run_dir / "accounts.json"

    @property
    def processes(self) -> int:
        """How many Locust processes send requests."""
        return max(1, self.workers)

    @property
    def summary_path(self) -> Path:
        """The master's (or local process') summary of Locust's own counts."""
        return self.run_dir / "locust-summary.json"


def plan_load(config: Config, scenario_path: Path, run_dir: Path) -> LoadPlan:
    """The run's plan (the config layer validated every value already)."""
    load = config.load
    if not config.target:
        raise UsageError("--target is required")
    users = load.users
    if users is None:
        users = max(1, math.ceil(load.rate / RATE_PER_USER)) if load.rate else 10
    return LoadPlan(
        target=Target.parse(config.target).base_url,
        users=users,
        spawn_rate=load.spawn_rate,
        run_time=max(1, math.ceil(load.run_time)),
        workers=load.workers,
        rate=load.rate,
        read_ratio=load.read_ratio,
        profile=load.profile,
        timeout=load.timeout,
        keep_alive=load.keep_alive,
        max_requests=load.max_requests,
        scenario_path=scenario_path,
        run_dir=run_dir,
    )


def locustfile_path() -> str:
    """The packaged locustfile, located without importing it (it imports Locust)."""
    spec = importlib.util.find_spec("harness.execution.load.locustfile")
    assert spec is not None and spec.origin is not None
    return spec.origin


def _harness_options(plan: LoadPlan) -> list[str]:
    opts = [
        f"--mt-scenario={plan.scenario_path}",
        f"--mt-read-ratio={plan.read_ratio}",
        f"--mt-rate={plan.rate or 0}",
        f"--mt-profile={plan.profile}",
        f"--mt-timeout={plan.timeout}",
        f"--mt-max-requests={plan.max_requests}",
        f"--mt-results-dir={plan.parts_dir}",
        f"--mt-summary={plan.summary_path}",
        f"--mt-accounts={plan.accounts_path}",
        f"--mt-processes={plan.processes}",
    ]
    return [*opts, "--mt-keep-alive"] if plan.keep_alive else opts


def main_command(plan: LoadPlan, master_port: int | None) -> list[str]:
    """The local (``master_port`` None) or master process: headless, bounded by run time."""
    cmd = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        locustfile_path(),
        "--headless",
        "--only-summary",
        f"--users={plan.users}",
        f"--spawn-rate={plan.spawn_rate}",
        f"--run-time={plan.run_time}s",
        f"--host={plan.target}",
        "--stop-timeout=0",
        "--exit-code-on-error=0",
        "--loglevel=WARNING",
        *_harness_options(plan),
    ]
    if master_port is not None:
        cmd += [
            "--master",
            "--master-bind-host=127.0.0.1",
            f"--master-bind-port={master_port}",
            f"--expect-workers={plan.workers}",
            "--expect-workers-max-wait=30",
        ]
    return cmd


def worker_command(master_port: int) -> list[str]:
    """One local worker process connected to the master on loopback."""
    return [
        sys.executable,
        "-m",
        "locust",
        "-f",
        locustfile_path(),
        "--worker",
        "--master-host=127.0.0.1",
        f"--master-port={master_port}",
        "--loglevel=WARNING",
    ]
