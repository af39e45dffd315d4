"""``minitwit-harness db``: initialise, upgrade and inspect the reference app's database."""

from __future__ import annotations

import argparse
from typing import Any

from harness.cli.options import add_command, add_option
from harness.config import Config
from harness.constants import ExitCode
from harness.errors import HarnessError, UsageError


def register(subparsers: Any) -> None:
    """Add the ``db`` subcommand."""
    parser = add_command(
        subparsers, "db", run, "initialise or upgrade the reference app's database schema"
    )
    parser.add_argument(
        "_action",
        choices=["init", "upgrade", "status"],
        metavar="{init,upgrade,status}",
        help="init: create the schema in an empty database; upgrade: create or upgrade it in "
        "place; status: show its version",
    )
    add_option(
        parser,
        "serve.database_url",
        "--database-url",
        help="sqlite:///PATH (default sqlite:///minitwit.db) or postgresql://...",
        metavar="URL",
    )
    parser.add_argument(
        "--to",
        dest="_to",
        type=int,
        default=None,
        metavar="VERSION",
        help="upgrade only up to this schema version",
    )


def run(config: Config, args: argparse.Namespace) -> int:
    """Upgrade or report the schema version; database problems are one-line errors."""
    from reference_app import migrate
    from reference_app.admin import DatabaseProblem, database_version, upgrade_database
    from reference_app.db import redact

    url = config.serve.database_url
    newest = migrate.latest_version()
    try:
        if args._action == "status":
            version = database_version(url)
            pending = newest - version
            print(f"schema version {version} of {newest} ({pending} pending)")
            return int(ExitCode.OK)
        if args._action == "init" and (version := database_version(url)) > 0:
            raise HarnessError(
                f"database {redact(url)} already has schema version {version}; use 'db upgrade'"
            )
        if args._to is not None and not 1 <= args._to <= newest:
            raise UsageError(f"--to: must be 1..{newest}, got {args._to}")
        applied, version = upgrade_database(url, args._to)
    except DatabaseProblem as exc:
        raise HarnessError(str(exc)) from None
    done = f"applied {', '.join(map(str, applied))}" if applied else "nothing to apply"
    print(f"schema version {version} ({done})")
    return int(ExitCode.OK)
