"""A server that a drill's operation can restart: started detached, its pid in a file.

``python -m tests.drill.restartable restart --pidfile F --url U --log L -- CMD...`` stops
the server named in the pid file (SIGTERM: gunicorn's graceful shutdown, as a deploy does),
starts ``CMD`` detached and waits until ``U/latest`` answers (``start``: without the stop).
Tests use :func:`restartable`, or :func:`start_command` for a server an operation starts.
"""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from tests.support.net import wait_http


def _alive(pid: int) -> bool:
    """Running (a zombie counts as gone: nobody may be left to reap it)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def stop(pidfile: Path, sig: int = signal.SIGTERM, timeout: float = 15.0) -> None:
    """Stop the server named in ``pidfile`` (killed when it outlives ``timeout``)."""
    try:
        pid = int(pidfile.read_text())
    except (OSError, ValueError):
        return
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    if _alive(pid):
        os.kill(pid, signal.SIGKILL)


#: Detached servers outlive their ``Popen`` on purpose (``stop`` ends them by pid); kept
#: referenced so that collecting a running ``Popen`` does not raise a ResourceWarning.
_DETACHED: list[subprocess.Popen[bytes]] = []


def start(cmd: Sequence[str], pidfile: Path, url: str, log: Path) -> None:
    """Start ``cmd`` detached (it outlives whoever started it) and wait until it answers."""
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            list(cmd), stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    _DETACHED.append(proc)
    pidfile.write_text(str(proc.pid))
    wait_http(f"{url}/latest", timeout=30)


def start_command(cmd: Sequence[str], pidfile: Path, url: str, log: Path) -> str:
    """The shell command that starts ``cmd`` as a server at ``url`` (stop it with ``stop``)."""
    own = [sys.executable, "-m", "tests.drill.restartable", "start"]
    return shlex.join(
        [*own, "--pidfile", str(pidfile), "--url", url, "--log", str(log), "--", *cmd]
    )


@contextmanager
def restartable(cmd: Sequence[str], url: str, tmp_path: Path) -> Iterator[str]:
    """Run ``cmd`` as a server at ``url``; yield the shell command that restarts it."""
    pidfile = tmp_path / f"server-{os.getpid()}-{time.monotonic_ns()}.pid"
    log = tmp_path / "server.log"
    start(cmd, pidfile, url, log)
    restart = [
        sys.executable,
        "-m",
        "tests.drill.restartable",
        "restart",
        "--pidfile",
        str(pidfile),
        "--url",
        url,
        "--log",
        str(log),
        "--",
        *cmd,
    ]
    try:
        yield shlex.join(restart)
    finally:
        stop(pidfile, signal.SIGKILL)


def main(argv: Sequence[str]) -> int:
    """``restart|start --pidfile F --url U --log L -- CMD...``: (stop the server,) start ``CMD``."""
    split = list(argv).index("--")
    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=["restart", "start"])
    parser.add_argument("--pidfile", type=Path, required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--log", type=Path, required=True)
    args = parser.parse_args(argv[:split])
    if args.action == "restart":
        stop(args.pidfile)
    start(argv[split + 1 :], args.pidfile, args.url, args.log)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
