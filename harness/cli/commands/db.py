"""``minitwit-harness db``: initialise, upgrade, inspect and copy the reference app's database."""

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
        choices=["init", "upgrade", "status", "copy"],
        metavar="{init,upgrade,status,copy}",
        help="init: create the schema in an empty database; upgrade: create or upgrade it in "
        "place; status: show its version; copy: copy --from URL into --to URL and verify it",
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
        default=None,
        metavar="VERSION|URL",
        help="upgrade: only up to this schema version; copy: the target database URL",
    )
    parser.add_argument(
        "--from",
        dest="_from",
        default=None,
        metavar="URL",
        help="copy: the source database URL (sqlite:///PATH or postgresql://...)",
    )
    parser.add_argument(
        "--since",
        dest="_since",
        action="store_true",
        help="copy: catch-up pass, only users and messages newer than the target's newest",
    )


def _copy(args: argparse.Namespace) -> int:
    """``db copy``: one line per table; exit 1 when the copy does not verify."""
    from reference_app.transfer import copy_database

    if not args._from or not args._to:
        raise UsageError("db copy needs --from URL and --to URL")
    report = copy_database(args._from, args._to, since=args._since)
    for table in report.tables:
        state = "verified" if table.verified else "MISMATCH"
        print(
            f"{table.name}: {table.rows} rows, {table.copied} copied, {table.deleted} deleted; "
            f"target {table.target_rows} rows; checksum {table.target_checksum[:12]} {state}"
        )
    state = "verified" if report.latest == report.target_latest else "MISMATCH"
    print(f"latest: {report.target_latest} {state}")
    if not report.verified:
        print("db copy: the target does not hold what the source held: NOT verified")
        return int(ExitCode.FINDINGS)
    return int(ExitCode.OK)


def run(config: Config, args: argparse.Namespace) -> int:
    """Upgrade or report the schema version; database problems are one-line errors."""
    from reference_app import migrate
    from reference_app.admin import DatabaseProblem, database_version, upgrade_database
    from reference_app.db import redact

    url = config.serve.database_url
    newest = migrate.latest_version()
    try:
        if args._action == "copy":
            return _copy(args)
        if args._action == "status":
            version = database_version(url)
            pending = newest - version
            print(f"schema version {version} of {newest} ({pending} pending)")
            return int(ExitCode.OK)
        if args._action == "init" and (version := database_version(url)) > 0:
            raise HarnessError(
                f"database {redact(url)} already has schema version {version}; use 'db upgrade'"
            )
        target = _version(args._to, newest)
        applied, version = upgrade_database(url, target)
    except DatabaseProblem as exc:
        raise HarnessError(str(exc)) from None
    done = f"applied {', '.join(map(str, applied))}" if applied else "nothing to apply"
    print(f"schema version {version} ({done})")
    return int(ExitCode.OK)


def _version(text: str | None, newest: int) -> int | None:
    """``--to`` of ``upgrade``: a schema version 1..newest."""
    if text is None:
        return None
    try:
        version = int(text)
    except ValueError:
        version = 0
    if not 1 <= version <= newest:
        raise UsageError(f"--to: must be 1..{newest}, got {text}")
    return version
