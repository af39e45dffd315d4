"""``/metrics``: Prometheus counts and latencies by route template and status, merged
across the 2 worker processes whichever of them answers the scrape, on either server."""

from __future__ import annotations

import os
import re
import signal
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from tests.app.client import Api, path_name
from tests.support.servers import RunningServer, serve_reference_app

Key = tuple[str, str, str]


#: Each server's access-log line, with the pid of the worker that answered.
ACCESS_LINE = r"\[(\d+)\] \[INFO\] (?:gunicorn|granian)\.access"
#: Each server's line for a worker process it started (at start and as a replacement).
WORKER_STARTED = {"gunicorn": "Booting worker", "granian": "Started worker"}


@pytest.fixture(scope="module", params=["gunicorn", "granian"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    """A server of its own: the counts asserted here are exact."""
    tmp_path: Path = tmp_path_factory.mktemp("metrics")
    args = ("--access-log", "--server", request.param)
    with serve_reference_app(
        f"sqlite:///{tmp_path}/m.db", tmp_path, workers=2, extra_args=args
    ) as running:
        yield running


def _samples(url: str) -> dict[str, dict[Key, float]]:
    response = requests.get(f"{url}/metrics", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    out: dict[str, dict[Key, float]] = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            if "endpoint" in sample.labels and "le" not in sample.labels:
                key = (sample.labels["method"], sample.labels["endpoint"], sample.labels["status"])
                out.setdefault(sample.name, {})[key] = sample.value
    return out


@contextmanager
def _one_worker_held(url: str) -> Iterator[None]:
    """Keep one sync worker reading an unfinished ``GET /latest``: the other answers the rest.

    Whichever worker takes the connection waits for the end of its headers, so every other
    request goes to the other worker; the held request is answered when the block ends.
    """
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname or "", parts.port or 80), timeout=20) as sock:
        sock.sendall(b"GET /latest HTTP/1.1\r\nHost: held\r\n")
        yield
        sock.sendall(b"Connection: close\r\n\r\n")
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200"), answer[:200]


def test_counts_and_latencies_by_route_template_and_status_across_workers(
    server: RunningServer,
) -> None:
    api = Api(server.url)
    # The fixture's readiness wait may have sent GET /latest more than once on a busy machine
    # (a retry after its own timeout): count from here on.
    at_start = _samples(server.url)
    before = at_start["minitwit_http_requests_total"]
    before_timed = at_start["minitwit_http_request_duration_seconds_count"]
    names = [api.new_user() for _ in range(3)]
    for name in names:
        for _ in range(4):
            api.messages(name)
    api.messages("no such user")
    for _ in range(5):
        api.request("GET", "/nowhere", auth=False)
    with _one_worker_held(server.url):  # the other worker answers these 20
        statuses = [api.request("GET", "/latest", auth=False) for _ in range(20)]
    assert {r.status_code for r in statuses} == {200}
    # Both workers answered requests, so each holds only part of the counts.
    assert len(set(re.findall(ACCESS_LINE, server.log()))) == 2
    expected = {
        ("POST", "/register", "204"): 3,
        ("GET", "/msgs/<username:username>", "200"): 12,
        ("GET", "/msgs/<username:username>", "404"): 1,
        ("GET", "/latest", "200"): 21,  # 20 and the held one
        ("GET", "<unmatched>", "404"): 5,
    }
    for _ in range(6):  # successive scrapes land on either worker: all see the full sum
        samples = _samples(server.url)
        counts = samples["minitwit_http_requests_total"]
        latency_counts = samples["minitwit_http_request_duration_seconds_count"]
        for key, value in expected.items():
            assert counts[key] - before.get(key, 0) == value, key
            assert latency_counts[key] - before_timed.get(key, 0) == value, key
        assert (
            samples["minitwit_http_request_duration_seconds_sum"][("POST", "/register", "204")] > 0
        )
    raw_paths = [k for k in counts if path_name(names[0]) in k[1] or names[0] in k[1]]
    assert raw_paths == []


def test_counts_survive_a_worker_restart(server: RunningServer) -> None:
    api = Api(server.url)
    before = _samples(server.url)["minitwit_http_requests_total"][("GET", "/latest", "200")]
    for _ in range(4):
        api.request("GET", "/latest", auth=False)
    started = next(line for line in WORKER_STARTED.values() if line in server.log())
    booted = server.log().count(started)
    worker_pid = int(re.findall(ACCESS_LINE, server.log())[-1])
    os.kill(worker_pid, signal.SIGTERM)  # the worker exits gracefully; the server replaces it
    deadline = time.monotonic() + 20
    while server.log().count(started) == booted:
        assert time.monotonic() < deadline, "no replacement worker booted"
        time.sleep(0.05)
    for _ in range(4):  # whichever worker answers, the exited worker's counts remain
        counts = _samples(server.url)["minitwit_http_requests_total"]
        assert counts[("GET", "/latest", "200")] == before + 4
