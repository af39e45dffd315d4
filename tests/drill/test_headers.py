"""The drill's writes carry the simulator's exact headers (recorded by a real server)."""

from __future__ import annotations

from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from tests.drill.memory_latest_app import App, Handler
from tests.drill.support import run_drill
from tests.support.servers import in_thread


class _Recording(Handler):
    """The small API, recording the header lines of every write as they arrived."""

    seen: ClassVar[list[list[tuple[str, str]]]] = []

    def do_POST(self) -> None:
        type(self).seen.append(list(self.headers.items()))
        super().do_POST()


@pytest.fixture
def recording_target(tmp_path: Path) -> Iterator[str]:
    _Recording.app = App(str(tmp_path / "data.db"))
    _Recording.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recording)
    with in_thread(server) as url:
        yield url


def test_writes_carry_the_simulator_headers(recording_target: str, tmp_path: Path) -> None:
    run = run_drill(
        recording_target, tmp_path, "--during", "true", "--warm-up", "1s", "--cool-down", "1s"
    )
    assert run.code == 0, run.stdout + run.stderr
    assert len(_Recording.seen) >= 20
    for headers in _Recording.seen:
        values = dict(headers)
        assert values["Authorization"] == "Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh"
        assert values["Content-Type"] == "application/json"
        assert values["Connection"] == "close"
        # each header once: a repeated line would be a different request on the wire
        names = [name.lower() for name, _ in headers]
        assert len(names) == len(set(names))
