"""A target that accepts connections and never answers: bounded time, honest matrix."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from harness.config import build_config
from harness.probes.allowlist import run_allowlist
from harness.probes.judge import Observed, ProbeVerdict


@dataclass
class Silent:
    """The listener's URL and the connections it accepted (and never answered)."""

    url: str
    held: list[socket.socket] = field(default_factory=list)

    def requests_by_source(self) -> dict[str, int]:
        """How many held connections carried request bytes, by client address."""
        out: dict[str, int] = {}
        for conn in self.held:
            try:
                sent = conn.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)
            except BlockingIOError:
                sent = b""
            if sent:
                source = conn.getpeername()[0]
                out[source] = out.get(source, 0) + 1
        return out


@pytest.fixture
def silent_target() -> Iterator[Silent]:
    """A TCP listener on loopback that accepts and holds connections without replying."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    target = Silent(f"http://127.0.0.1:{server.getsockname()[1]}")
    held = target.held
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
        yield target
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        server.close()


def test_no_answer_locks_out_allowed_and_skips_tricks(silent_target: Silent) -> None:
    config = build_config(
        {
            "target": silent_target.url,
            "allowlist.allowed_sources": ["127.0.0.5"],
            "allowlist.denied_sources": ["127.0.0.9"],
            "allowlist.paths": ["/msgs?no=1"],
            "allowlist.timeout": 0.3,
        },
        env={},
    )
    result = run_allowlist(config)
    plain = {r.probe.source: r for r in result.matrix if r.probe.trick == "direct"}
    assert plain["127.0.0.5"].observed is Observed.NO_ANSWER
    assert plain["127.0.0.5"].detail == "ReadTimeout"
    assert plain["127.0.0.9"].verdict is ProbeVerdict.PASS  # a dropped connection is a denial
    skipped = [r for r in result.matrix if r.exchange.error == "NotSent"]
    assert skipped and all(r.verdict is ProbeVerdict.MOOT for r in skipped)
    assert len(skipped) == len(result.matrix) - 2  # only the two plain probes were sent
    assert [f.check for f in result.findings] == ["allowlist.allowed-source-locked-out"]
    # Bounded: only the two plain probes waited for the timeout; nothing else was sent.
    assert silent_target.requests_by_source() == {"127.0.0.5": 1, "127.0.0.9": 1}
