"""Run the reference app under granian or gunicorn (production WSGI servers), programmatically.

Each worker builds its own app after the fork (no preloading), so database pools never
cross a fork. Both servers share what this module sets up: the prometheus multiprocess
directory and the log writer. Logs of the server, its workers and their access logs all go
to stdout.
With a log file, stdout first passes through one ``reference_app.logtee`` process: it is
the only writer of the file, so size-capped rotation stays correct with many workers.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger


@dataclass(frozen=True)
class ServerSettings:
    """Where and how the server listens; the app itself is configured by environment."""

    host: str
    port: int
    workers: int
    threads: int
    log_file: str | None = None
    log_max_bytes: int = 10 * 1024 * 1024
    log_backups: int = 5
    access_log: bool = False
    server: str = "gunicorn"  # or "granian"
    #: Connections the kernel holds for the server before it accepts them.
    backlog: int = 2048


#: The servers ``run`` can use.
SERVERS = ("granian", "gunicorn")


_LOG_FORMAT = "%(asctime)s [%(process)d] [%(levelname)s] %(name)s: %(message)s"


def stdout_logconfig(*server_loggers: str) -> dict[str, Any]:
    """A logging dictConfig that sends the app's and the named server loggers to stdout."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": _LOG_FORMAT}},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "formatter": "plain",
                "stream": "ext://sys.stdout",
            }
        },
        "root": {"level": "INFO", "handlers": ["stdout"]},
        "loggers": {
            name: {"level": "INFO", "handlers": ["stdout"], "propagate": False}
            for name in server_loggers
        },
    }


LOGCONFIG = stdout_logconfig("gunicorn.error", "gunicorn.access")


class _QuietLogger(Logger):  # type: ignore[misc]
    """gunicorn's logger without the access log.

    A logging configuration makes gunicorn build every request's access-log fields even
    when the access logger is silenced: about 5% of a simple request's CPU. Request counts
    by endpoint and status are on ``/metrics``; ``--access-log`` turns the lines back on.
    """

    access_log_enabled = False


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    """gunicorn configured from a dict; each worker calls ``create_app()``."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from reference_app import create_app

        return create_app()


def _mark_dead(metrics_dir: str) -> Any:
    def child_exit(server: Any, worker: Any) -> None:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid, metrics_dir)  # type: ignore[no-untyped-call]

    return child_exit


def _start_logtee(settings: ServerSettings) -> subprocess.Popen[bytes]:
    """Route this process's stdout and stderr through the rotating log writer."""
    assert settings.log_file is not None
    tee = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "reference_app.logtee",
            settings.log_file,
            str(settings.log_max_bytes),
            str(settings.log_backups),
        ],
        stdin=subprocess.PIPE,
    )
    assert tee.stdin is not None
    sys.stdout.flush()
    sys.stderr.flush()
    os.dup2(tee.stdin.fileno(), 1)
    os.dup2(tee.stdin.fileno(), 2)
    tee.stdin.close()
    return tee


def run(settings: ServerSettings, app_env: dict[str, str]) -> int:
    """Serve until stopped (SIGTERM/SIGINT); return the server's exit status.

    An invalid app setting raises ValueError before anything is served.
    """
    metrics_dir = tempfile.mkdtemp(prefix="minitwit-metrics-")
    arbiter_pid = os.getpid()
    tee = None
    try:
        # prometheus_client picks its multiprocess mode from this variable when it is
        # imported; every worker inherits it.
        os.environ.update(app_env)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
        from prometheus_client import values

        # In case something imported prometheus_client earlier in this process.
        values.ValueClass = values.get_value_class()  # type: ignore[no-untyped-call]
        from reference_app import create_app

        # Build the app once here, without touching the database: an invalid setting fails
        # now, in one place, not in every worker. Forked workers also start faster with
        # the modules already imported (each still builds its own app).
        create_app({**app_env, "AUTO_MIGRATE": False})
        tee = _start_logtee(settings) if settings.log_file else None
        if settings.server == "granian":
            from reference_app.granian_server import serve

            return serve(settings)
        _Gunicorn(_options(settings, metrics_dir)).run()
        return 0
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    finally:
        # Workers are forks of this frame and unwind through it when they exit: only the
        # arbiter owns the metrics directory and the log writer.
        if os.getpid() == arbiter_pid:
            shutil.rmtree(metrics_dir, ignore_errors=True)
            if tee is not None:
                _stop_logtee(tee)


def _options(settings: ServerSettings, metrics_dir: str) -> dict[str, Any]:
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    return {
        "bind": f"{host}:{settings.port}",
        "backlog": settings.backlog,
        "workers": settings.workers,
        # One thread: gunicorn's sync worker, the cheapest per request (no poller, no thread
        # hand-off), made for short requests behind a buffering proxy or from a known
        # client such as the simulator. More threads: the gthread worker (keep-alive, slow
        # clients do not hold a whole process).
        "worker_class": "sync" if settings.threads == 1 else "gthread",
        "threads": settings.threads,
        "preload_app": False,
        "logconfig_dict": LOGCONFIG,
        "graceful_timeout": 5,
        "timeout": 30,
        "child_exit": _mark_dead(metrics_dir),
        "proc_name": "minitwit-reference",
        # One shared default path would clash between servers running side by side.
        "control_socket_disable": True,
        "logger_class": Logger if settings.access_log else _QuietLogger,
    }


def _stop_logtee(tee: subprocess.Popen[bytes]) -> None:
    """Drop our ends of the pipe so the writer drains it and exits by itself."""
    sys.stdout.flush()
    sys.stderr.flush()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.close(devnull)
    tee.wait(timeout=10)
