"""A supervisor as its own process: restarts a server command on the same port when it exits.

Real apps run under systemd, supervisord or a container restart policy: a crash costs a
second or two, then the app answers again. ``python -m tests.support.supervised --delay 1
-- CMD...`` runs CMD, and after every exit waits ``--delay`` seconds and runs it again,
until it is terminated. :func:`supervised_deviant_app` wraps that around the deviant app.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from tests.support.net import free_port
from tests.support.servers import RunningServer, run_server

#: The contract's requests without `latest` (fragile.no-latest), each of which crashes the
#: ``exit-without-latest`` app.
NO_LATEST_REQUESTS = {
    "POST /register",
    "POST /msgs/<user>",
    "POST /fllws/<user>",
    "GET /msgs",
    "GET /msgs/<user>",
    "GET /fllws/<user>",
}


def main(argv: list[str] | None = None) -> None:
    """Run the command again ``--delay`` seconds after each exit; stop it on SIGTERM."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--delay", type=float, default=1.0)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = [c for c in args.command if c != "--"]
    child: subprocess.Popen[bytes] | None = None
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        if child is not None and child.poll() is None:
            child.terminate()

    signal.signal(signal.SIGTERM, stop)
    while not stopping:
        child = subprocess.Popen(command)
        code = child.wait()
        print(f"supervised: exited with {code}", file=sys.stderr, flush=True)
        if not stopping:
            time.sleep(args.delay)  # the restart delay being simulated


@contextmanager
def supervised_deviant_app(
    deviations: Iterable[str], tmp_path: Path, *, delay: float = 1.0
) -> Iterator[RunningServer]:
    """The deviant app under a supervisor that restarts it ``delay`` s after each exit."""
    port = free_port()
    log_path = tmp_path / f"supervised-{port}.log"
    app = [sys.executable, "-m", "tests.support.deviant_app", "--port", str(port)]
    app += ["--deviations", ",".join(deviations)]
    cmd = [sys.executable, "-m", "tests.support.supervised", "--delay", str(delay), "--", *app]
    url = f"http://127.0.0.1:{port}"
    with run_server(cmd, url, log_path, ready_path="/latest?latest=-1") as server:
        yield server


if __name__ == "__main__":
    main()
