"""Verify reads many users concurrently, never more at once than its bound."""

from __future__ import annotations

from urllib.parse import quote

from harness.events import ActionChecked, Event
from harness.scenario.model import Action, Command
from harness.verify import run_verify
from tests.verify.canned import JSON, Canned, Gauge, canned_server

USERS = [f"User {i:02d}" for i in range(24)]
ACTIONS = [
    Action(i, 0, i, Command.REGISTER, name, email="u@x", pwd="p") for i, name in enumerate(USERS)
]
ROUTES: dict[str, Canned] = {
    "/latest": (200, JSON, b'{"latest": 23}'),
    "/msgs": (200, JSON, b"[]"),
    **{f"/msgs/{quote(u, safe='')}": (200, JSON, b"[]") for u in USERS},
    **{f"/fllws/{quote(u, safe='')}": (200, JSON, b'{"follows": []}') for u in USERS},
}


def test_reads_run_in_parallel_within_the_bound() -> None:
    gauge = Gauge(company=2)  # held until two overlap: no race with a busy machine
    events: list[Event] = []
    with canned_server(ROUTES, hold=0.02, gauge=gauge) as url:
        findings = run_verify(url, ACTIONS, sink=events.append, concurrency=4)
    assert findings == []
    assert 2 <= gauge.peak <= 4
    reads = [e for e in events if isinstance(e, ActionChecked)]
    assert len(reads) == 2 + 2 * len(USERS)
