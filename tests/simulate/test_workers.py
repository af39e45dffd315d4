"""Targets spread over worker processes sharing the store: ``--workers N`` (local) and
``--master``/``--worker`` (separate processes on one PostgreSQL database), a worker killed
with ``kill -9`` whose targets are taken over, and ``--worker`` without a master."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

import pytest

from harness.cli.main import main
from harness.scenario.generate import generate_actions, write_scenario
from tests.simulate.support import rows, simulate_cmd, start_simulate, write_teams
from tests.support.faulty_target import FaultyTarget, faulty_target
from tests.support.pg import fresh_database, require_postgres
from tests.support.waiting import wait_until

ACTIONS = generate_actions(6, 40, 5)
IDS = [a.id for a in ACTIONS]
BAD = {ACTIONS[7].id, ACTIONS[21].id}  # answered 200 instead of 204: a simulator error each
HELD = ACTIONS[15].id  # in flight when its worker is killed


def _speed(seconds: float) -> str:
    total_s = sum(a.delay_ms for a in ACTIONS[1:]) / 1000
    return f"{seconds / total_s:.8f}"


def _targets(
    stack: ExitStack, names: list[str], fault: str | None, ids: set[int] | None
) -> dict[str, FaultyTarget]:
    return {n: stack.enter_context(faulty_target(fault, ids)) for n in names}


def _outcomes(url: str, name: str) -> list[tuple[int, int, float | None, str]]:
    found = rows(
        url,
        "SELECT action_id, attempt, finished, worker FROM sim_attempts WHERE target = ?",
        (name,),
    )
    return [(int(a), int(n), f, str(w)) for a, n, f, w in found]


def test_two_local_workers_share_four_targets(tmp_path: Path) -> None:
    scenario = tmp_path / "s.tsv"
    write_scenario(scenario, ACTIONS)
    url = f"sqlite:///{tmp_path / 'sim.db'}"
    names = ["t1", "t2", "t3", "t4"]
    with ExitStack() as stack:
        targets = _targets(stack, names, "status200", BAD)
        teams = write_teams(tmp_path / "teams.toml", [(n, t.url) for n, t in targets.items()])
        cmd = simulate_cmd(teams, url, tmp_path / "logs", "--workers", "2")
        done = subprocess.run(
            [*cmd, "--scenario", str(scenario), "--speed", _speed(3.0), "--latest-interval", "1"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        received = {n: Counter(t.received_ids()) for n, t in targets.items()}
    assert "Traceback" not in done.stderr
    assert done.returncode == 1, done.stderr  # the BAD answers are simulator errors
    assert "simulate: 2 local workers" in done.stderr
    owners: dict[str, set[str]] = {}
    for name in names:
        outcomes = _outcomes(url, name)
        assert sorted(a for a, _, _, _ in outcomes) == IDS, name  # each action once, no resend
        assert all(n == 1 and f is not None for _, n, f, _ in outcomes), name
        owners[name] = {w for _, _, _, w in outcomes}
        assert len(owners[name]) == 1, (name, owners[name])  # one worker process per target
        assert received[name] == Counter(IDS), name  # the target got each action exactly once
        log = (tmp_path / "logs" / f"{name}.log").read_text(encoding="utf-8").splitlines()
        assert len(log) == len(BAD), (name, log)  # one simulator log line per error
    workers = set().union(*owners.values())
    assert len(workers) == 2  # spread: both workers drove targets (two each: the fair share)
    assert sorted(Counter(w for o in owners.values() for w in o).values()) == [2, 2]
    assert f"{os.getpid()}" not in {w.rsplit(":", 1)[1] for w in workers}
    lines = [line for line in done.stdout.splitlines() if line.startswith("  t")]
    assert lines == [f"  {n}: {len(IDS)}/{len(IDS)} sent, 2 errors, 0 outages" for n in names]


def test_a_killed_worker_s_targets_are_taken_over(tmp_path: Path, database_url: str) -> None:
    scenario = tmp_path / "s.tsv"
    write_scenario(scenario, ACTIONS)
    names = ["held", "t2", "t3", "t4"]
    console = tmp_path / "console.txt"
    with ExitStack() as stack:
        held = stack.enter_context(faulty_target("hang", {HELD}))
        targets = {"held": held, **_targets(stack, names[1:], None, None)}
        teams = write_teams(tmp_path / "teams.toml", [(n, t.url) for n, t in targets.items()])
        cmd = simulate_cmd(
            teams, database_url, tmp_path / "logs", "--workers", "2", "--timeout", "3"
        )
        master = start_simulate(
            [*cmd, "--scenario", str(scenario), "--speed", _speed(6.0), "--latest-interval", "1"],
            console,
        )
        try:
            wait_until(lambda: HELD in held.received_ids(), 60)
            (victim,) = {w for *_, w in _outcomes(database_url, "held")}
            os.kill(int(victim.rsplit(":", 1)[1]), signal.SIGKILL)
            in_flight = rows(
                database_url,
                "SELECT target, action_id FROM sim_attempts WHERE finished IS NULL",
            )
            held.behaviour.release.set()  # the held request's handler lets go (no answer)
            code = master.wait(120)
        finally:
            if master.poll() is None:
                master.kill()
                master.wait()
        received = {n: Counter(t.received_ids()) for n, t in targets.items()}
    out = console.read_text(encoding="utf-8")
    assert "Traceback" not in out
    assert code == 1, out  # the held action's second attempt gets no answer: an error
    assert f"ended (exit {-signal.SIGKILL})" in out
    assert f"held: action {HELD} was in flight when simulate stopped; sent again (attempt 2)" in out
    assert ("held", HELD) in {(str(t), int(a)) for t, a in in_flight}
    taken = 0
    for name in names:
        outcomes = _outcomes(database_url, name)
        finished = Counter(a for a, _, f, _ in outcomes if f is not None)
        assert sorted(finished) == IDS, name  # every action has an outcome, nothing skipped
        assert set(finished.values()) == {1}, name
        resent = {a for a, n, _, _ in outcomes if n == 2}
        assert all(n <= 2 for _, n, _, _ in outcomes), name
        for action_id, count in received[name].items():
            assert count <= (2 if action_id in resent else 1), (name, action_id, count)
        assert set(received[name]) == set(IDS), name
        workers = {w for *_, w in outcomes}
        if victim in workers:
            taken += 1
            assert len(workers) == 2, (name, workers)  # the survivor finished it
    assert taken == 2  # the victim held its share; both were taken over and finished
    assert received["held"][HELD] == 2
    (summary,) = [line for line in out.splitlines() if line.startswith("  held:")]
    assert summary.startswith(f"  held: {len(IDS)}/{len(IDS)} sent, 1 errors, ")
    assert summary.endswith(", 1 sent again after a stop")


def test_master_and_worker_processes_on_one_postgresql(tmp_path: Path) -> None:
    require_postgres()
    scenario = tmp_path / "s.tsv"
    write_scenario(scenario, ACTIONS)
    with ExitStack() as stack:
        url = stack.enter_context(fresh_database("mth_simw"))
        targets = _targets(stack, ["a", "b", "c"], None, None)
        teams = write_teams(tmp_path / "teams.toml", [(n, t.url) for n, t in targets.items()])
        master_cmd = simulate_cmd(teams, url, tmp_path / "master-logs", "--master")
        master = start_simulate(
            [*master_cmd, "--scenario", str(scenario), "--speed", _speed(3.0)],
            tmp_path / "master.txt",
        )
        # The worker "machine": its own folder, the scenario given by its own path.
        other = tmp_path / "other"
        other.mkdir()
        copy = other / "s.tsv"
        copy.write_bytes(scenario.read_bytes())
        worker_cmd = simulate_cmd(teams, url, other / "logs", "--worker", "--scenario", str(copy))
        worker_cmd.remove("--targets")
        worker_cmd.remove(str(teams))
        worker = start_simulate(worker_cmd, tmp_path / "worker.txt")
        try:
            assert master.wait(120) == 0, (tmp_path / "master.txt").read_text() + (
                tmp_path / "worker.txt"
            ).read_text()
            assert worker.wait(30) == 0, (tmp_path / "worker.txt").read_text()
        finally:
            for proc in (master, worker):
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
        received = {n: Counter(t.received_ids()) for n, t in targets.items()}
        master_out = (tmp_path / "master.txt").read_text(encoding="utf-8")
        assert "simulate: finished; 3 targets" in master_out
        senders = set()
        for name in ("a", "b", "c"):
            outcomes = _outcomes(url, name)
            assert sorted(a for a, _, _, _ in outcomes) == IDS, name
            senders |= {w for *_, w in outcomes}
            assert received[name] == Counter(IDS), name
            assert (other / "logs" / f"{name}.log").exists()  # the worker's lanes log there
        assert [s.rsplit(":", 1)[1] for s in senders] == [str(worker.pid)]
        assert "ended by the master" in (tmp_path / "worker.txt").read_text(encoding="utf-8")


def test_workers_end_when_their_master_is_gone(tmp_path: Path) -> None:
    """A master killed with ``kill -9`` leaves no worker driving on: each ends with one line."""
    scenario = tmp_path / "s.tsv"
    write_scenario(scenario, ACTIONS)
    url = f"sqlite:///{tmp_path / 'sim.db'}"
    console = tmp_path / "console.txt"
    with faulty_target() as target:
        teams = write_teams(tmp_path / "teams.toml", [("a", target.url), ("b", target.url)])
        cmd = simulate_cmd(teams, url, tmp_path / "logs", "--workers", "2", "--worker-wait", "3")
        master = start_simulate([*cmd, "--scenario", str(scenario), "--speed", _speed(60)], console)
        try:
            wait_until(lambda: len(target.received_ids()) >= 2, 60)
        finally:
            master.kill()
            master.wait()
        wait_until(lambda: not rows(url, "SELECT id FROM sim_workers"), 30)
        after = len(target.received_ids())
        time.sleep(1.5)  # nothing sends any more
        assert len(target.received_ids()) == after
    out = console.read_text(encoding="utf-8")
    assert "Traceback" not in out
    ended = [line for line in out.splitlines() if "the master has not been seen" in line]
    assert len(ended) == 2, out
    assert all(
        line.endswith("stopping: start the master again, then the workers") for line in ended
    )


def test_sigint_to_the_master_ends_its_workers(tmp_path: Path) -> None:
    scenario = tmp_path / "s.tsv"
    write_scenario(scenario, ACTIONS)
    url = f"sqlite:///{tmp_path / 'sim.db'}"
    console = tmp_path / "console.txt"
    with faulty_target() as target:
        teams = write_teams(tmp_path / "teams.toml", [("a", target.url), ("b", target.url)])
        cmd = simulate_cmd(teams, url, tmp_path / "logs", "--workers", "2")
        master = start_simulate([*cmd, "--scenario", str(scenario), "--speed", _speed(60)], console)
        try:
            wait_until(lambda: len(target.received_ids()) >= 2, 60)
            master.send_signal(signal.SIGINT)
            code = master.wait(60)
        finally:
            if master.poll() is None:
                master.kill()
                master.wait()
        sent = len(target.received_ids())
        time.sleep(1.0)
        assert len(target.received_ids()) == sent  # nothing drives on
    out = console.read_text(encoding="utf-8")
    assert "Traceback" not in out
    assert code == 0, out
    assert "simulate: stopped; 2 targets" in out
    assert out.count("simulate: ended by the master") == 2, out
    assert rows(url, "SELECT id FROM sim_workers") == []
    assert rows(url, "SELECT COUNT(*) FROM sim_attempts WHERE finished IS NULL") == [(0,)]


def _one_line_exit_2(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(["simulate", *args])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1, err
    return err.strip()


def test_worker_without_a_store_to_share(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "elsewhere.db"
    err = _one_line_exit_2(capsys, "--worker", "--database-url", f"sqlite:///{missing}")
    assert err == (
        f"minitwit-harness: error: simulate --worker: no simulation database at "
        f"sqlite:///{missing} (a worker shares the master's --database-url; across machines, "
        "use postgresql://...)"
    )
    assert not missing.exists()
    err = _one_line_exit_2(
        capsys, "--worker", "--database-url", "postgresql://postgres@127.0.0.1:1/none"
    )
    assert "simulation database postgresql://postgres@127.0.0.1:1/none:" in err


def test_worker_without_a_master(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sim.db'}"
    rows(url, "SELECT 1")  # a store no master has started a run in
    started = time.monotonic()
    err = _one_line_exit_2(
        capsys, "--worker", "--database-url", url, "--worker-wait", "1", "--log-dir", str(tmp_path)
    )
    assert time.monotonic() - started < 10
    assert err == (
        f"minitwit-harness: error: simulate --worker: no master runs a simulation in {url} "
        "(waited 1s; start simulate --master first)"
    )


def test_worker_refuses_the_master_s_flags(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    err = _one_line_exit_2(capsys, "--worker", "--targets", str(tmp_path / "teams.toml"))
    assert err.endswith("--targets is the master's")


def test_a_second_simulate_beside_a_running_master_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    scenario = tmp_path / "s.tsv"
    write_scenario(scenario, ACTIONS)
    url = f"sqlite:///{tmp_path / 'sim.db'}"
    teams = write_teams(tmp_path / "teams.toml", [("a", "http://127.0.0.1:9")])
    cmd = simulate_cmd(teams, url, tmp_path / "logs", "--scenario", str(scenario))
    master = start_simulate([*cmd, "--master", "--worker-wait", "20"], tmp_path / "master.txt")
    try:  # the master waits for a worker, beating its heart
        wait_until(lambda: (tmp_path / "sim.db").exists() and bool(_master_seen(url)), 30)
        err = _one_line_exit_2(capsys, *cmd[4:])
    finally:
        master.kill()
        master.wait()
    assert "a master runs this simulation (seen " in err
    assert err.endswith("add workers with simulate --worker, or stop it first")


def test_a_master_restarted_at_once_after_kill_9_is_not_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    scenario = tmp_path / "s.tsv"
    write_scenario(scenario, ACTIONS)
    url = f"sqlite:///{tmp_path / 'sim.db'}"
    teams = write_teams(tmp_path / "teams.toml", [("a", "http://127.0.0.1:9")])
    cmd = simulate_cmd(teams, url, tmp_path / "logs", "--scenario", str(scenario), "--master")
    master = start_simulate([*cmd, "--worker-wait", "20"], tmp_path / "master.txt")
    try:
        wait_until(lambda: (tmp_path / "sim.db").exists() and bool(_master_seen(url)), 30)
    finally:
        master.kill()
        master.wait()
    # At once (its heartbeat is fresh): the new master starts and waits for its workers.
    err = _one_line_exit_2(capsys, *cmd[4:], "--worker-wait", "1")
    assert err == (
        "minitwit-harness: error: simulate: fewer than 1 workers joined within 1s "
        "(start simulate --worker --database-url ...)"
    )


def _master_seen(url: str) -> list[tuple[object, ...]]:
    try:
        return rows(url, "SELECT value FROM sim_meta WHERE key = 'master_seen'")
    except Exception:  # the master is still creating the store
        return []
