"""``minitwit-harness verify``: not built yet (placeholder until its issue lands)."""

from __future__ import annotations

import argparse
from typing import Any

from harness.cli.options import add_command
from harness.config import Config
from harness.errors import HarnessError


def register(subparsers: Any) -> None:
    """Add the ``verify`` subcommand."""
    add_command(subparsers, "verify", run, "verify (not built yet)")


def run(config: Config, args: argparse.Namespace) -> int:
    """Fail clearly: the command is not built yet."""
    raise HarnessError("'verify' is not built yet")
