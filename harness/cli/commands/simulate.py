"""``minitwit-harness simulate``: the course simulator for a whole class, durable."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from typing import Any, Literal

from harness.cli.options import add_command, add_option
from harness.config import Config
from harness.constants import ExitCode
from harness.errors import UsageError
from harness.output_paths import writable_dir


def register(subparsers: Any) -> None:
    """Add the ``simulate`` subcommand."""
    p = add_command(
        subparsers,
        "simulate",
        run,
        "drive many targets with the course simulator's traffic, each at its own pace, "
        "for as long as a course lasts; every outcome is stored and a restart resumes",
    )
    add_option(
        p, "simulate.targets", "--targets", metavar="FILE", help="teams file ([[target]] tables)"
    )
    add_option(
        p,
        "simulate.scenario",
        "--scenario",
        metavar="FILE",
        help="scenario (needed at the first start; default: the one the database was started with)",
    )
    add_option(
        p,
        "simulate.speed",
        "--speed",
        help="factor on the recorded delays (the course simulator: 0.00001), or max "
        "(default: the speed the database was started with, else 1)",
    )
    add_option(
        p,
        "simulate.database_url",
        "--database-url",
        metavar="URL",
        help="where outcomes are stored: sqlite:///PATH or postgresql://...",
    )
    add_option(p, "simulate.log_dir", "--log-dir", metavar="DIR", help="one <name>.log per target")
    add_option(p, "simulate.run_time", "--run-time", help="stop after this long (resumable)")
    add_option(p, "simulate.timeout", "--timeout", help="timeout per request, like the simulator")
    add_option(
        p, "simulate.latest_interval", "--latest-interval", help="GET /latest of each target every"
    )
    add_option(
        p,
        "simulate.dashboard",
        "--dashboard",
        metavar="HOST:PORT",
        help="serve the live status page here",
    )
    add_option(
        p,
        "simulate.dashboard_token",
        "--dashboard-token",
        metavar="TOKEN",
        help="token the status page's pause/resume/add controls require (default: "
        "MINITWIT_DASHBOARD_TOKEN; none: controls disabled)",
    )
    add_option(
        p,
        "simulate.workers",
        "--workers",
        help="local worker processes that share the targets (0 = this process drives them)",
    )
    add_option(
        p,
        "simulate.master",
        "--master",
        action="store_true",
        help="drive nothing: --worker processes elsewhere share the targets through "
        "--database-url (PostgreSQL across machines)",
    )
    add_option(
        p,
        "simulate.worker",
        "--worker",
        action="store_true",
        help="drive a share of the targets of the master's --database-url",
    )
    add_option(
        p,
        "simulate.worker_wait",
        "--worker-wait",
        help="how long a master waits for its first worker, and a worker for its master",
    )


def run(config: Config, args: argparse.Namespace) -> int:
    """Run the simulation; exit 1 when any target had an error the simulator counts."""
    from harness.execution.simulate import Simulation  # heavy: imported only to run

    settings = config.simulate
    role = _role(config)
    writable_dir(settings.log_dir, config.where("simulate.log_dir"))

    def say(line: str) -> None:
        if role == "worker":
            line = f"[worker {os.getpid()}] {line}"
        print(line, file=sys.stderr, flush=True)

    address = None
    where = config.where("simulate.dashboard")
    if settings.dashboard is not None:
        from harness.dashboard.serve import parse_listen, start_dashboard

        address = parse_listen(settings.dashboard, where)
    simulation = Simulation(settings, say, keep_paused=address is not None, role=role)
    dashboard = None
    if address is not None:
        # --dashboard-token, else the dashboard command's token (MINITWIT_DASHBOARD_TOKEN).
        token = settings.dashboard_token or config.dashboard.token
        dashboard = start_dashboard(settings.database_url, *address, token, where=where)
        controls = "on" if token else "off (no token)"
        say(f"simulate: status page {dashboard.url} (controls {controls})")

    def on_signal(signum: int, frame: object) -> None:
        say(f"simulate: {signal.Signals(signum).name}: stopping (in-flight outcomes kept)")
        simulation.request_stop()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        result = simulation.run()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if dashboard is not None:
            dashboard.stop()
    if role == "worker":
        say(f"simulate: {result.reason}")
        return int(ExitCode.OK)
    print(f"simulate: {result.reason}; {len(result.targets)} targets")
    for t in result.targets:
        resent = f", {t.resent} sent again after a stop" if t.resent else ""
        print(
            f"  {t.name}: {t.sent}/{t.total} sent, {t.errors} errors, {t.outages} outages{resent}"
        )
    return int(ExitCode.FINDINGS if result.errors else ExitCode.OK)


def _role(config: Config) -> Literal["single", "master", "worker"]:
    """Which part this process plays; flags that do not go together are one line."""
    s = config.simulate
    if s.worker:
        for given, flag in (
            (s.master, "--master"),
            (s.workers > 0, "--workers"),
            (s.targets is not None, "--targets"),
            (s.dashboard is not None, "--dashboard"),
        ):
            if given:
                raise UsageError(
                    f"simulate --worker takes its targets from the master's --database-url; "
                    f"{flag} is the master's"
                )
        return "worker"
    return "master" if s.master or s.workers > 0 else "single"
