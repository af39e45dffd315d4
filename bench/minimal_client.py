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

import json
import resource
import socket
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from harness.execution.replay.transport import Target
from harness.planning.requests import request_for
from harness.scenario.model import Command
from harness.scenario.parse import read_scenario

#: Generous: this side measures throughput, not the simulator's 0.3 s budget.
TIMEOUT_S = 5.0


@dataclass
class Tally:
    """Answers of one phase, counted by the sending threads."""

    sent: int = 0
    failed: int = 0


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


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


def send_all(address: tuple[str, int], requests: Sequence[bytes], concurrency: int) -> Tally:
    """Send ``requests`` in order from ``concurrency`` threads; count the failures."""
    feed: Iterator[bytes] = iter(requests)
    lock = threading.Lock()
    tally = Tally()

    def sender() -> None:
        while True:
            with lock:
                data = next(feed, None)
            if data is None:
                return
            try:
                ok = succeeded(exchange(address, data))
            except OSError:
                ok = False
            with lock:
                tally.sent += 1
                tally.failed += not ok

    threads = [threading.Thread(target=sender) for _ in range(max(1, concurrency))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally


def main(argv: list[str]) -> int:
    """Encode, print ``ready``, send registers then the rest; print the timings."""
    url, path, concurrency = argv[0], argv[1], int(argv[2])
    actions = read_scenario(path).actions
    target = Target(url)
    family, address = target.addresses()[0]
    del family
    encoded = [(a.command, target.encode(request_for(a), keep_alive=False)) for a in actions]
    registers = [data for command, data in encoded if command is Command.REGISTER]
    rest = [data for command, data in encoded if command is not Command.REGISTER]
    print("ready", flush=True)  # the caller samples the server's CPU time now
    cpu0, wall0 = _cpu_s(), time.perf_counter()
    first = send_all(address, registers, concurrency)
    second = send_all(address, rest, concurrency)
    wall, cpu = time.perf_counter() - wall0, _cpu_s() - cpu0
    result = {
        "requests": first.sent + second.sent,
        "wall_s": wall,
        "cpu_s": cpu,
        "errors": first.failed + second.failed,
    }
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
