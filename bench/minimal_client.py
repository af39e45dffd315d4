"""Diagnostic side of the replay benchmark: the leanest client Python allows, a ceiling.

``python -m bench.minimal_client URL SCENARIO CONCURRENCY`` encodes every request of the
scenario first (the replay transport's ``Target.encode``, the simulator's headers and
``Connection: close``), prints ``ready``, then sends the registers and after them every
other action from CONCURRENCY plain threads: one ``sendall`` on a plain socket, read until
the server closes, the status taken from the status line. No Locust, no gevent, no verdict
beyond 2xx, no results file, no causal order but "registers first", no live progress.
It prints one JSON line: the timed part's wall time, this process's CPU time over it and
the non-2xx answers and connection errors.

Set beside the harness's run against the same server, it shows the ratio no client built
on the issue's parts (Locust, a results file flushed per outcome, causal order) can beat on
this machine: what such a client must do costs at least what this one costs.
"""

from __future__ import annotations

import socket
import sys
import threading
from collections.abc import Iterator, Sequence

from bench.diagnostic_side import TIMEOUT_S, run_side
from harness.execution.replay.transport import Endpoint
from harness.planning.requests import request_for
from harness.scenario.model import Action


def exchange(address: tuple[str, int], data: bytes) -> bytes:
    """Send ``data`` on a new connection and return everything read until the server closes."""
    with socket.create_connection(address, timeout=TIMEOUT_S) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def succeeded(answer: bytes) -> bool:
    """Whether ``answer`` starts with a 2xx status line."""
    return answer.startswith(b"HTTP/1.") and answer[9:10] == b"2"


def _encode(target: Endpoint, action: Action) -> bytes:
    return target.encode(request_for(action), keep_alive=False)


def send_all(target: Endpoint, requests: Sequence[bytes], concurrency: int) -> int:
    """Send ``requests`` in order from ``concurrency`` threads; the number of failures."""
    _, address = target.addresses()[0]
    feed: Iterator[bytes] = iter(requests)
    lock = threading.Lock()
    failed = 0

    def sender() -> None:
        nonlocal failed
        while True:
            with lock:
                data = next(feed, None)
            if data is None:
                return
            try:
                ok = succeeded(exchange(address, data))
            except OSError:
                ok = False
            if not ok:
                with lock:
                    failed += 1

    threads = [threading.Thread(target=sender) for _ in range(max(1, concurrency))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failed


if __name__ == "__main__":
    raise SystemExit(run_side(sys.argv[1:], _encode, send_all))
