"""Verify of a generated scenario written to the reference app, on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.cli.main import main
from harness.events import ActionChecked, Event, FindingReported, RunFinished, RunStarted
from harness.results import Outcome, ResultsWriter, header_record
from harness.scenario.generate import generate_actions, write_scenario
from harness.scenario.model import Action, Command
from harness.verify import run_verify
from tests.conftest import _require_postgres
from tests.support.pg import fresh_database
from tests.support.servers import RunningServer, serve_reference_app
from tests.verify.support import Tamper, post_actions, post_actions_concurrently

ACTIONS = generate_actions(8, 100, seed=21)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def generated(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[RunningServer, str]]:
    """The reference app holding ACTIONS, on each backend, and its database URL."""
    tmp = tmp_path_factory.mktemp(request.param)
    if request.param == "sqlite":
        url = f"sqlite:///{tmp / 'minitwit.db'}"
        with serve_reference_app(url, tmp) as server:
            post_actions(server.url, ACTIONS)
            yield server, url
        return
    _require_postgres()  # skips, or fails in CI, like the shared fixtures
    with fresh_database() as url, serve_reference_app(url, tmp) as server:
        post_actions(server.url, ACTIONS)
        yield server, url


def test_correct_state_has_no_findings_and_reports_events(
    generated: tuple[RunningServer, str],
) -> None:
    events: list[Event] = []
    assert run_verify(generated[0].url, ACTIONS, sink=events.append, concurrency=4) == []
    assert isinstance(events[0], RunStarted) and events[0].kind == "verify"
    reads = [e.outcome for e in events if isinstance(e, ActionChecked)]
    users = {a.user for a in ACTIONS if a.command is Command.REGISTER}
    assert {r.user for r in reads if r.command == "msgs_user"} == users
    assert {r.user for r in reads if r.command == "fllws"} == users
    assert [r.command for r in reads].count("latest") == 1
    assert all(r.verdict == "ok" and r.status == 200 for r in reads)
    assert not any(isinstance(e, FindingReported) for e in events)
    assert isinstance(events[-1], RunFinished) and events[-1].ok


def _results(path: Path, outcomes: list[tuple[Action, int]]) -> None:
    now = time.time()
    with ResultsWriter(path) as out:
        out.write(header_record("replay", None))
        for a, status in outcomes:
            out.outcome(
                Outcome(a.id, str(a.command), a.user, status, None, "ok", None, 1.0, now, now)
            )


def test_only_acknowledged_actions_must_be_there(
    generated: tuple[RunningServer, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The scenario goes on past what was acknowledged: a second register of a taken name
    # (answered 400, which changes nothing), then a register and tweets never sent.
    n, ts, first = len(ACTIONS), ACTIONS[-1].ts_ms, ACTIONS[0].user
    more = [
        Action(n, 0, ts, Command.REGISTER, first, email="again@x.dk", pwd="p"),
        Action(n + 1, 0, ts, Command.REGISTER, "Never Sent", email="n@x.dk", pwd="p"),
        Action(n + 2, 0, ts, Command.TWEET, first, content="never sent"),
        Action(n + 3, 0, ts, Command.TWEET, "Never Sent", content="never sent either"),
    ]
    assert post_actions(generated[0].url, more[:1]) == [400]
    scenario, results = tmp_path / "s.tsv", tmp_path / "r.jsonl"
    write_scenario(scenario, [*ACTIONS, *more])
    _results(results, [*((a, 204) for a in ACTIONS), (more[0], 400)])
    argv = ["verify", "--target", generated[0].url, "--scenario", str(scenario)]
    assert main([*argv, "--results", str(results)]) == 0
    assert f"verify passed: 0 difference(s) on {generated[0].url}" in capsys.readouterr().out
    assert main(argv) == 1
    out = capsys.readouterr().out
    assert "[verify.missing-user] GET /msgs/<user>: user 'Never Sent' does not exist" in out
    assert "[verify.lost-write]" in out and "never sent" in out
    assert f"[verify.wrong-latest] GET /latest: GET /latest is {n} (stale)" in out
    # Leave the shared app as ACTIONS left it for the next test.
    Tamper(generated[1]).execute("UPDATE latest SET value = ? WHERE id = 1", (str(n - 1),))


def test_duplicated_follow(generated: tuple[RunningServer, str]) -> None:
    server, url = generated
    follow = next(a for a in reversed(ACTIONS) if a.command is Command.FOLLOW)
    who = "(SELECT user_id FROM users WHERE username = ?)"
    db = Tamper(url)
    db.allow_duplicate_follows()
    insert = f"INSERT INTO follower (who_id, whom_id) VALUES ({who}, {who})"
    db.execute(insert, (follow.user, follow.target))
    findings = run_verify(server.url, ACTIONS)
    assert [f.check for f in findings] == ["verify.duplicated-follow"]
    assert findings[0].message.endswith(f"{follow.target!r} x2")


def test_concurrently_written_state_has_no_findings(tmp_path: Path) -> None:
    # Only each user's own order and "final action last" hold, as after a concurrent
    # replay: the public timeline interleaves users and seconds tie.
    actions = generate_actions(6, 150, seed=8)
    assert actions[-1].command is not Command.REGISTER
    with serve_reference_app(f"sqlite:///{tmp_path / 'minitwit.db'}", tmp_path) as server:
        post_actions_concurrently(server.url, actions)
        assert run_verify(server.url, actions) == []
