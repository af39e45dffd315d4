"""A target that cannot keep up: the run fails by default, naming its error rate, mix kept."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from tests.load.support import run_load_cli
from tests.support.servers import in_thread

pytestmark = pytest.mark.slow

#: Seconds each request costs the one-threaded target: about 50 requests/s at most.
COST_S = 0.02


class _OneAtATime(BaseHTTPRequestHandler):
    """A correct but slow target: one request at a time, 20 ms each."""

    protocol_version = "HTTP/1.1"

    def _answer(self, status: int, body: bytes = b"") -> None:
        time.sleep(COST_S)
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        if body:
            self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.path.startswith("/latest"):
            self._answer(200, json.dumps({"latest": 1}).encode())
        elif self.path.startswith("/fllws/"):
            self._answer(200, json.dumps({"follows": []}).encode())
        else:
            self._answer(200, b"[]")

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self._answer(204)

    def log_message(self, *args: object) -> None:
        """Quiet."""


class _FailingTweets(_OneAtATime):
    """Every tweet answered 500: a quarter of the writes fail."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self._answer(500 if self.path.startswith("/msgs/") else 204)


def _serve(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), handler)  # not threading: one at a time
    with in_thread(server) as url:
        yield url


@pytest.fixture
def slow_target() -> Iterator[str]:
    yield from _serve(_OneAtATime)


@pytest.fixture
def failing_target() -> Iterator[str]:
    yield from _serve(_FailingTweets)


def test_no_default_thresholds_judges_nothing(failing_target: str, tmp_path: Path) -> None:
    quick = ("--users", "2", "--run-time", "2", "--timeout", "5")
    judged = run_load_cli(failing_target, tmp_path / "default", *quick)
    assert judged.returncode == 1, judged.stdout + judged.stderr
    assert "FAIL  error_rate<1%  observed" in judged.stdout
    unjudged = run_load_cli(failing_target, tmp_path / "none", *quick, "--no-default-thresholds")
    assert unjudged.returncode == 0, unjudged.stdout + unjudged.stderr
    assert unjudged.stdout.startswith("load: no thresholds: this run judges nothing and passes")
    assert "error_rate<1%" not in unjudged.stdout
    judged.assert_mix_kept()
    unjudged.assert_mix_kept()


def test_an_overloaded_target_fails_the_default_threshold(slow_target: str, tmp_path: Path) -> None:
    # The README's example rate, for half a minute, against a target 4x too slow for it.
    run = run_load_cli(slow_target, tmp_path, "--rate", "200", "--run-time", "30", timeout=150)
    assert run.returncode == 1, run.stdout + run.stderr
    # The default was announced before the run, and the failure names the error rate.
    assert run.stdout.startswith("load: default threshold error_rate<1%")
    assert "FAIL  error_rate<1%  observed" in run.stdout
    outcomes = run.outcomes()
    errors = [o for o in outcomes if o.verdict == "error"]
    assert len(errors) > len(outcomes) // 100
    assert "warm-up (not measured): 80/80 accounts registered" in run.stdout  # 2 per user
    # Overload does not turn the run into registers (it was 43% before issue 14).
    run.assert_mix_kept()


class _NoAccounts(_OneAtATime):
    """Every write answered 500: not one account can be registered."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self._answer(500)


def test_a_target_that_registers_nobody_fails_the_run_with_its_answers(tmp_path: Path) -> None:
    with contextlib.contextmanager(_serve)(_NoAccounts) as url:
        run = run_load_cli(url, tmp_path, "--users", "2", "--run-time", "2", "--timeout", "5")
    assert run.returncode == 1, run.stdout + run.stderr  # judged, not a tool error (2)
    assert "warm-up (not measured): 0/10 accounts registered" in run.stdout
    assert "(status 500: 10)" in run.stdout
    assert "FAIL  error_rate<1%" in run.stdout
    summary = run.records()[-1]
    assert summary["type"] == "summary" and summary["ok"] is False
    run.assert_mix_kept()
