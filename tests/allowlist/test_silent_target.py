"""A target that accepts connections and never answers: bounded time, honest matrix."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from harness.config import build_config
from harness.probes.allowlist import run_allowlist
from harness.probes.judge import Observed, Verdict


@pytest.fixture
def silent_target() -> Iterator[str]:
    """A TCP listener on loopback that accepts and holds connections without replying."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        server.close()


def test_no_answer_locks_out_allowed_and_skips_tricks(silent_target: str) -> None:
    config = build_config(
        {
            "target": silent_target,
            "allowlist.allowed_sources": ["127.0.0.5"],
            "allowlist.denied_sources": ["127.0.0.9"],
            "allowlist.paths": ["/msgs?no=1"],
            "allowlist.timeout": 0.3,
        },
        env={},
    )
    started = time.monotonic()
    result = run_allowlist(config)
    elapsed = time.monotonic() - started
    plain = {r.probe.source: r for r in result.matrix if r.probe.trick == "direct"}
    assert plain["127.0.0.5"].observed is Observed.NO_ANSWER
    assert plain["127.0.0.5"].detail == "ReadTimeout"
    assert plain["127.0.0.9"].verdict is Verdict.PASS  # a dropped connection is a denial
    skipped = [r for r in result.matrix if r.exchange.error == "NotSent"]
    assert skipped and all(r.verdict is Verdict.MOOT for r in skipped)
    assert len(skipped) == len(result.matrix) - 2  # only the two plain probes were sent
    assert [f.check for f in result.findings] == ["allowlist.allowed-source-locked-out"]
    assert elapsed < 2 * 0.3 + 2
