"""Run the reference app under granian (a Rust HTTP server) with its WSGI interface.

Granian parses HTTP and accepts connections in Rust and calls the app on a pool of
"blocking" Python threads per worker process; per request it spends about half the CPU of
gunicorn's sync worker here (bench/README.md). Workers are forked from this process and
build their own app (``create_app`` as a factory), so database pools never cross a fork.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from granian.constants import HTTPModes, Interfaces
from granian.server.mp import MPServer

from reference_app.server import stdout_logconfig

if TYPE_CHECKING:
    from reference_app.server import ServerSettings

#: Everything to stdout, like the gunicorn server: the app's loggers, granian's own and
#: its access log (``--access-log``).
LOGCONFIG = stdout_logconfig("_granian", "granian.access")

#: One access-log line: peer, request line (with its query), status, time taken.
ACCESS_FORMAT = (
    '%(addr)s "%(method)s %(path)s?%(query_string)s %(protocol)s" %(status)d %(dt_ms).1fms'
)


#: Seconds a stopping worker may finish its requests before it is killed (gunicorn's
#: graceful timeout in the other server).
GRACEFUL_TIMEOUT_S = 5


def serve(settings: ServerSettings) -> int:
    """Serve until SIGTERM/SIGINT; granian's exit status."""
    # Worker processes, not threads (granian's choice on a free-threaded Python): the
    # metrics are summed across processes, and one GIL per worker.
    server = MPServer(
        "reference_app:create_app",
        address=settings.host,
        port=settings.port,
        interface=Interfaces.WSGI,
        factory=True,
        workers=settings.workers,
        blocking_threads=settings.threads,
        backlog=settings.backlog,
        http=HTTPModes.http1,
        websockets=False,
        log_dictconfig=LOGCONFIG,
        log_access=settings.access_log,
        log_access_format=ACCESS_FORMAT,
        respawn_failed_workers=True,
        respawn_interval=0.5,
        workers_kill_timeout=GRACEFUL_TIMEOUT_S,
    )
    try:
        server.serve()
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    return 0
