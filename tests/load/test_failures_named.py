"""A response the simulator would log fails in Locust under the check's name."""

from __future__ import annotations

import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.load.support import run_load_cli
from tests.support.servers import in_thread


class _CopiedQuirks(BaseHTTPRequestHandler):
    """A server that registers fine but answers tweets and follows 200 instead of 204."""

    def _answer(self, status: int) -> None:
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        self._answer(200)

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self._answer(204 if self.path.startswith("/register") else 200)

    def log_message(self, *args: object) -> None:
        """Quiet."""


#: The slow tweets' delay: four times the timeout below, so that a cut request is told apart
#: from an answered one whatever the machine's load.
SLOW_TWEET_S = 8.0


class _SlowTweets(_CopiedQuirks):
    """A correct server, except that tweets take far longer than the run's timeout."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path.startswith("/msgs/"):
            time.sleep(SLOW_TWEET_S)  # the slowness under test, not synchronisation
        self._answer(204)


def _serve(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    with in_thread(server) as url:
        yield url


@pytest.fixture
def quirky_server() -> Iterator[str]:
    yield from _serve(_CopiedQuirks)


@pytest.fixture
def slow_server() -> Iterator[str]:
    yield from _serve(_SlowTweets)


@pytest.mark.slow
def test_status_200_on_tweet_fails_as_simulator_tweet_status(
    quirky_server: str, tmp_path: Path
) -> None:
    run = run_load_cli(
        quirky_server,
        tmp_path,
        *("--users", "2", "--run-time", "2", "--read-ratio", "0.2", "--timeout", "5"),
        *("--threshold", "error_rate(writes)<1%", "--threshold", "error_rate(reads)<1%"),
    )
    assert run.returncode == 1, run.stderr
    assert "FAIL  error_rate(writes)<1%" in run.stdout
    assert "PASS  error_rate(reads)<1%" in run.stdout  # the simulator does not judge reads
    errors = run.locust_summary()["errors"]
    assert any("simulator.tweet-status: got 200" in e for e in errors), errors
    checks = {o.check for o in run.outcomes() if o.verdict == "error"}
    assert "simulator.tweet-status" in checks
    assert "simulator.tweet-status" in run.stdout  # errors by check on the console
    run.assert_mix_kept()


@pytest.mark.slow
def test_a_slow_answer_is_a_read_timeout(slow_server: str, tmp_path: Path) -> None:
    # A 2 s timeout, not the simulator's 0.3 s: the follows must pass on a busy machine too
    # (the 0.3 s runs are measured in bench/).
    run = run_load_cli(
        slow_server,
        tmp_path,
        *("--users", "3", "--run-time", "5", "--read-ratio", "0", "--timeout", "2"),
        *("--threshold", "error_rate(follow)<1%", "--threshold", "error_rate(tweet)<1%"),
    )
    assert run.returncode == 1, run.stderr
    assert "PASS  error_rate(follow)<1%" in run.stdout
    assert "FAIL  error_rate(tweet)<1%  observed 100.000%" in run.stdout
    tweets = [o for o in run.outcomes() if o.command == "tweet"]
    assert tweets and all(o.error == "ReadTimeout" for o in tweets)
    assert all(o.check == "simulator.ReadTimeout" and o.status is None for o in tweets)
    # cut at the 2 s timeout, long before the answer would have come
    assert all(1900 <= o.latency_ms < SLOW_TWEET_S * 1000 for o in tweets)
    run.assert_mix_kept()
