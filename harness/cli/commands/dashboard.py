"""``minitwit-harness dashboard``: serve a simulation's live status page beside the engine."""

from __future__ import annotations

import argparse
import threading
from typing import Any

from harness.cli.options import add_command, add_option
from harness.config import Config
from harness.constants import ExitCode


def register(subparsers: Any) -> None:
    """Add the ``dashboard`` subcommand."""
    parser = add_command(
        subparsers,
        "dashboard",
        run,
        "serve the live status page of a simulation (the store 'simulate' writes)",
    )
    add_option(
        parser,
        "dashboard.database_url",
        "--database-url",
        metavar="URL",
        help="the simulation store: sqlite:///PATH or postgresql://...",
    )
    add_option(parser, "dashboard.listen", "--listen", metavar="HOST:PORT", help="where to serve")
    add_option(
        parser,
        "dashboard.token",
        "--token",
        metavar="TOKEN",
        help="bearer token the controls (pause, resume, add target) require; without one "
        "they are disabled (prefer MINITWIT_DASHBOARD_TOKEN: a flag shows in ps)",
    )


def run(config: Config, args: argparse.Namespace) -> int:
    """Serve until interrupted."""
    from harness.dashboard.serve import parse_listen, start_dashboard

    where = config.where("dashboard.listen")
    host, port = parse_listen(config.dashboard.listen, where)
    handle = start_dashboard(
        config.dashboard.database_url, host, port, config.dashboard.token, where=where
    )
    controls = "on" if config.dashboard.token else "off (no token)"
    print(f"dashboard: {handle.url} (controls {controls})", flush=True)
    try:
        threading.Event().wait()
    finally:
        handle.stop()
    return int(ExitCode.OK)
