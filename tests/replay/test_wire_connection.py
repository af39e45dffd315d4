"""What replay's headers are for: an app that needs Content-Type, and one connection per request.

The course reference answers 415 to a body without ``Content-Type`` (spec section 4); the
simulator sends ``Content-Type: application/json`` and ``Connection: close`` on every request
(section 1), so replay must too, and keep connections only under ``--keep-alive``.
"""

from __future__ import annotations

from pathlib import Path

from harness.scenario.generate import generate_actions, write_scenario
from tests.replay.replay_support import LOADED_MACHINE, run_replay_cli, simple_actions
from tests.replay.replay_support import write_scenario as write_actions
from tests.support.deviant_app import serve_deviant_app
from tests.support.faulty_target import faulty_target


def test_replay_passes_an_app_that_answers_415_without_content_type(
    tmp_path: Path, out_dir: Path
) -> None:
    actions = generate_actions(users=8, actions=80, seed=2)
    scenario = tmp_path / "generated.tsv"
    write_scenario(scenario, actions)
    with serve_deviant_app(["missing-content-type-415"], tmp_path) as app:
        run = run_replay_cli(app.url, scenario, out_dir, "--verify", *LOADED_MACHINE)
    assert run.code == 0, run.stdout[-3000:] + run.stderr[-2000:]
    outcomes = run.outcomes()
    assert sorted(o["action_id"] for o in outcomes) == [a.id for a in actions]
    assert all(o["verdict"] == "ok" for o in outcomes)
    assert "verify: passed" in run.stdout


def test_replay_opens_a_connection_per_request_unless_keep_alive(
    tmp_path: Path, out_dir: Path
) -> None:
    actions = simple_actions(users=3, actions=30)
    scenario = write_actions(tmp_path / "s.tsv", actions)
    connections: dict[str, list[int]] = {}
    for mode in ("close", "keep-alive"):
        extra = (*LOADED_MACHINE, *(("--keep-alive",) if mode == "keep-alive" else ()))
        with faulty_target() as target:
            run = run_replay_cli(target.url, scenario, out_dir / mode, "--concurrency", "1", *extra)
            assert run.code == 0, run.stdout[-2000:] + run.stderr[-2000:]
            posts = [r for r in target.behaviour.log if r.method == "POST"]
        assert len(posts) == len(actions)
        assert {r.header("Connection") for r in posts} == {mode}
        assert {r.header("Content-Type") for r in posts} == {"application/json"}
        connections[mode] = [r.connection for r in posts]
    assert len(set(connections["close"])) == len(actions)  # one connection each
    assert len(set(connections["keep-alive"])) < len(actions) // 2  # reused
