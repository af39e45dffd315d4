"""``minitwit-harness serve``: the reference app under gunicorn, schema upgraded at start."""

from __future__ import annotations

import argparse
import socket
from typing import Any

from harness.cli.options import add_command, add_option
from harness.config import Config, ServeConfig, app_environment
from harness.errors import HarnessError, UsageError


def register(subparsers: Any) -> None:
    """Add the ``serve`` subcommand."""
    parser = add_command(
        subparsers, "serve", run, "serve the reference app (gunicorn; SQLite or PostgreSQL)"
    )
    add_option(
        parser,
        "serve.database_url",
        "--database-url",
        help="sqlite:///PATH (default sqlite:///minitwit.db) or postgresql://...",
        metavar="URL",
    )
    add_option(parser, "serve.host", "--host", help="address to listen on", metavar="HOST")
    add_option(parser, "serve.port", "--port", help="port to listen on", type=int, metavar="N")
    add_option(parser, "serve.workers", "--workers", help="worker processes", type=int, metavar="N")
    add_option(
        parser, "serve.threads", "--threads", help="threads per worker", type=int, metavar="N"
    )
    add_option(
        parser,
        "serve.log_file",
        "--log-file",
        help="also write the log to this file, size-capped and rotated",
        metavar="PATH",
    )
    add_option(
        parser,
        "serve.log_max_bytes",
        "--log-max-bytes",
        help="rotate the log file at this size",
        type=int,
        metavar="N",
    )
    add_option(
        parser,
        "serve.log_backups",
        "--log-backups",
        help="rotated log files to keep",
        type=int,
        metavar="N",
    )


def validate(serve: ServeConfig) -> None:
    """Reject settings the server cannot run with (one-line UsageError)."""
    if not 1 <= serve.port <= 65535:
        raise UsageError(f"--port: must be 1..65535, got {serve.port}")
    if serve.workers < 1:
        raise UsageError(f"--workers: must be at least 1, got {serve.workers}")
    if serve.threads < 1:
        raise UsageError(f"--threads: must be at least 1, got {serve.threads}")
    if serve.log_max_bytes < 1024:
        raise UsageError(f"--log-max-bytes: must be at least 1024, got {serve.log_max_bytes}")
    if serve.log_backups < 1:
        # RotatingFileHandler never rotates without backups: the file would grow unbounded.
        raise UsageError(f"--log-backups: must be at least 1, got {serve.log_backups}")
    if serve.log_file:
        try:
            with open(serve.log_file, "a", encoding="utf-8"):
                pass
        except OSError as exc:
            raise UsageError(f"--log-file: cannot write {serve.log_file}: {exc.strerror}") from None


def _check_port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise HarnessError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def run(config: Config, args: argparse.Namespace) -> int:
    """Validate, upgrade the database schema, then serve until stopped."""
    from reference_app.admin import DatabaseProblem, upgrade_database
    from reference_app.server import ServerSettings
    from reference_app.server import run as run_server

    serve = config.serve
    validate(serve)
    try:
        applied, version = upgrade_database(serve.database_url)
    except DatabaseProblem as exc:
        raise HarnessError(str(exc)) from None
    _check_port_free(serve.host, serve.port)
    print(
        f"database at schema version {version}"
        + (f" (applied {', '.join(map(str, applied))})" if applied else ""),
        flush=True,
    )
    env = app_environment(serve)
    env.pop("LOG_FILE", None)  # the server's log writer owns the file, not the app
    env["AUTO_MIGRATE"] = "0"  # upgraded above, once, before the workers start
    settings = ServerSettings(
        host=serve.host,
        port=serve.port,
        workers=serve.workers,
        threads=serve.threads,
        log_file=serve.log_file,
        log_max_bytes=serve.log_max_bytes,
        log_backups=serve.log_backups,
    )
    return run_server(settings, env)
