"""``minitwit-harness serve``: the reference app (gunicorn or granian), schema upgraded first."""

from __future__ import annotations

import argparse
import socket
from typing import Any

from harness.cli.options import add_command, add_option
from harness.config import Config, ServeConfig, app_environment
from harness.errors import HarnessError, UsageError

_D = ServeConfig()


def register(subparsers: Any) -> None:
    """Add the ``serve`` subcommand."""
    parser = add_command(
        subparsers,
        "serve",
        run,
        "serve the reference app (gunicorn or granian; SQLite or PostgreSQL)",
    )
    add_option(
        parser,
        "serve.database_url",
        "--database-url",
        help="sqlite:///PATH (default sqlite:///minitwit.db) or postgresql://...",
        metavar="URL",
    )
    add_option(
        parser,
        "serve.host",
        "--host",
        help=f"address to listen on (default {_D.host})",
        metavar="HOST",
    )
    add_option(
        parser,
        "serve.port",
        "--port",
        help=f"port to listen on (default {_D.port})",
        metavar="N",
    )
    add_option(
        parser,
        "serve.server",
        "--server",
        help=f"the WSGI server: granian or gunicorn (default {_D.server})",
        metavar="NAME",
    )
    add_option(
        parser,
        "serve.workers",
        "--workers",
        help=f"worker processes (default {_D.workers})",
        metavar="N",
    )
    add_option(
        parser,
        "serve.threads",
        "--threads",
        help=f"threads per worker (default {_D.threads}; gunicorn: 1 sync, above 1 gthread)",
        metavar="N",
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
        help=f"rotate the log file at this size in bytes (default {_D.log_max_bytes})",
        metavar="N",
    )
    add_option(
        parser,
        "serve.log_backups",
        "--log-backups",
        help=f"rotated log files to keep (default {_D.log_backups})",
        metavar="N",
    )
    add_option(
        parser,
        "serve.access_log",
        "--access-log",
        action="store_true",
        help="log one line per request (off by default: /metrics counts requests)",
    )
    add_option(
        parser,
        "serve.read_only",
        "--read-only",
        action="store_true",
        help="answer writes 503 with Retry-After (reads served)",
    )
    add_option(
        parser,
        "serve.maintenance_file",
        "--maintenance-file",
        help="read-only while this file exists: touch it to freeze writes, remove it to thaw "
        "(default: none)",
        metavar="PATH",
    )
    _add_allowlist_options(parser)


def _add_allowlist_options(parser: argparse.ArgumentParser) -> None:
    add_option(
        parser,
        "serve.accepted_ips",
        "--accepted-ips",
        help="client addresses/CIDRs the API answers, comma-separated, '*' for all "
        "(default: $ACCEPTED_IPS, else '*')",
        metavar="LIST",
    )
    add_option(
        parser,
        "serve.trusted_proxies",
        "--trusted-proxies",
        help="proxies whose X-Forwarded-For is honoured (default: $TRUSTED_PROXIES, else none)",
        metavar="LIST",
    )


def _check_allowlist(env: dict[str, str]) -> None:
    """An invalid ACCEPTED_IPS / TRUSTED_PROXIES stops serve before any worker starts."""
    from reference_app.allowlist import AllowlistPolicy, AllowlistSettingError

    try:
        AllowlistPolicy.from_settings(env["ACCEPTED_IPS"], env["TRUSTED_PROXIES"])
    except AllowlistSettingError as exc:
        raise UsageError(str(exc)) from None


def validate(serve: ServeConfig) -> None:
    """Reject a log file the server cannot write (the config layer checked every range)."""
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
    _check_allowlist(app_environment(serve))
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
    env["DB_POOL_SIZE"] = str(serve.threads)  # one PostgreSQL connection per thread
    settings = ServerSettings(
        host=serve.host,
        port=serve.port,
        workers=serve.workers,
        threads=serve.threads,
        log_file=serve.log_file,
        log_max_bytes=serve.log_max_bytes,
        log_backups=serve.log_backups,
        access_log=serve.access_log,
        server=serve.server,
    )
    try:
        return run_server(settings, env)
    except ValueError as exc:  # an app setting the factory refused (e.g. ACCEPTED_IPS)
        raise UsageError(str(exc).splitlines()[0]) from None
