"""Three targets at once, as issue 18 asks: the reference app, the deviant app with two
deviations, and a reference app stopped for about 10 s mid-run and started again (same
database). Each lane's log is what ``replay --simulator-log`` writes for the same traffic;
the restarted target shows one outage of about 10 s and its errors; the first shows none."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import threading
import time
from pathlib import Path

from harness.local import free_port, stop_process
from harness.scenario.generate import generate_actions, write_scenario
from harness.scenario.model import Action, Command
from tests.simulate.support import log_lines, rows, simulate_cmd, start_simulate, write_teams
from tests.support.deviant_app import serve_deviant_app
from tests.support.net import wait_http
from tests.support.servers import serve_cmd, serve_reference_app

DEVIATIONS = ("content-max-280", "username-max-50")
RUN_S = 24.0  # the scenario's length at the test's speed
STOP_AT_S = 7.0
DOWN_S = 10.0


def _scenario() -> list[Action]:
    """A generated scenario with one tweet over 280 characters and one user name over 50
    (what the two deviations refuse with a 500)."""
    actions = generate_actions(12, 150, 7)
    long_user = next(a.user for a in actions if a.command is Command.REGISTER)
    long_name = long_user + " " + "x" * 55
    tweet = next(a for a in actions if a.command is Command.TWEET and a.user != long_user)
    out = []
    for a in actions:
        if a.user == long_user:
            a = dataclasses.replace(a, user=long_name)
        if a.target == long_user:
            a = dataclasses.replace(a, target=long_name)
        if a is tweet:
            a = dataclasses.replace(a, content="y" * 300)
        out.append(a)
    return out


def _replay_log(url: str, scenario: Path, tmp_path: Path, name: str) -> list[str]:
    log = tmp_path / f"replay-{name}.log"
    subprocess.run(
        [
            *(sys.executable, "-m", "harness", "replay", "--target", url),
            *("--scenario", str(scenario), "--speed", "max", "--simulator-log", str(log)),
            *("--output-dir", str(tmp_path / name)),
        ],
        capture_output=True,
        timeout=120,
        check=False,
    )
    return log_lines(log.read_text(encoding="utf-8"), url)


def test_three_targets(tmp_path: Path) -> None:
    actions = _scenario()
    scenario = tmp_path / "s.tsv"
    write_scenario(scenario, actions)
    speed = f"{RUN_S / (sum(a.delay_ms for a in actions[1:]) / 1000):.8f}"
    db = f"sqlite:///{tmp_path / 'sim.db'}"
    port = free_port()
    bounce_cmd = serve_cmd(f"sqlite:///{tmp_path / 'bounce.db'}", port)
    bounce_url = f"http://127.0.0.1:{port}"
    times: dict[str, float] = {}
    with (
        serve_reference_app(f"sqlite:///{tmp_path / 'ref.db'}", tmp_path) as ref,
        serve_deviant_app(DEVIATIONS, tmp_path) as deviant,
    ):
        bounce = subprocess.Popen(bounce_cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        wait_http(f"{bounce_url}/latest")
        teams = [("ref", ref.url), ("deviant", deviant.url), ("bounce", bounce_url)]
        cmd = simulate_cmd(write_teams(tmp_path / "teams.toml", teams), db, tmp_path / "logs")
        cmd += ["--scenario", str(scenario), "--speed", speed, "--latest-interval", "1"]
        started = time.time()
        sim = start_simulate(cmd, tmp_path / "console.txt")

        def bounce_it() -> None:
            nonlocal bounce
            time.sleep(max(0.0, started + STOP_AT_S - time.time()))
            times["stopping"] = time.time()
            stop_process(bounce, interrupt=True)  # refused from its SIGINT on
            times["stopped"] = time.time()
            time.sleep(max(0.0, times["stopped"] + DOWN_S - time.time()))
            bounce = subprocess.Popen(bounce_cmd, stdout=subprocess.DEVNULL)
            wait_http(f"{bounce_url}/latest")
            times["back"] = time.time()

        thread = threading.Thread(target=bounce_it)
        thread.start()
        try:
            code = sim.wait(timeout=RUN_S + 40)
        finally:
            thread.join()
            stop_process(sim)
            stop_process(bounce, interrupt=True)
        console = (tmp_path / "console.txt").read_text()
        # The same traffic through replay, against fresh targets of the same kinds.
        with (
            serve_reference_app(f"sqlite:///{tmp_path / 'ref2.db'}", tmp_path) as ref2,
            serve_deviant_app(DEVIATIONS, tmp_path) as deviant2,
        ):
            replay_ref = _replay_log(ref2.url, scenario, tmp_path, "ref")
            replay_deviant = _replay_log(deviant2.url, scenario, tmp_path, "deviant")

    assert code == 1, console  # the deviant and the bounced target had errors
    assert "Traceback" not in console
    ids = [a.id for a in actions]
    for name in ("ref", "deviant", "bounce"):
        finished = rows(
            db,
            "SELECT action_id FROM sim_attempts WHERE target = ? AND finished IS NOT NULL"
            " ORDER BY action_id",
            (name,),
        )
        assert [a for (a,) in finished] == ids, name

    logs = tmp_path / "logs"
    # The reference app: no error, no outage, the same (empty) log as replay's.
    assert rows(db, "SELECT COUNT(*) FROM sim_attempts WHERE target = 'ref' AND failed = 1") == [
        (0,)
    ]
    assert rows(db, "SELECT COUNT(*) FROM sim_outages WHERE target = 'ref'") == [(0,)]
    assert log_lines((logs / "ref.log").read_text(), ref.url) == replay_ref == []

    # The deviant app: its errors, line for line as replay logs them.
    deviant_log = log_lines((logs / "deviant.log").read_text(), deviant.url)
    assert deviant_log == replay_deviant
    assert any(line.endswith(",500,register") for line in deviant_log)
    assert any(line.endswith(",500,tweet") for line in deviant_log)

    # The bounced app: exactly one outage of about 10 s, and its errors inside it.
    ((down_from, down_to),) = rows(
        db, "SELECT started, ended FROM sim_outages WHERE target = 'bounce'"
    )
    assert down_to is not None
    assert times["stopping"] <= down_from <= times["stopped"] + 1.5
    assert times["back"] - 0.5 <= down_to <= times["back"] + 2.0
    assert 9.5 <= down_to - down_from <= 15.0, (down_from, down_to, times)
    failed = rows(
        db,
        "SELECT action_id, error, status, command, started FROM sim_attempts"
        " WHERE target = 'bounce' AND failed = 1 ORDER BY action_id",
    )
    refused = [row for row in failed if row[1] is not None]
    assert refused, "the stopped app answered nothing for 10 s: some actions must have failed"
    for _, error, _, _, at in refused:
        assert error == "ConnectionError"
        assert down_from <= at <= down_to
    # Any other error is a consequence: an action of a user whose register was refused.
    by_id = {a.id: a for a in actions}
    lost_users = {by_id[i].user for i, _, _, command, _ in refused if command == "register"}
    for action_id, _, status, _, at in failed:
        if status is not None:
            action = by_id[action_id]
            assert at > down_to and {action.user, action.target} & lost_users, action
    bounce_log = log_lines((logs / "bounce.log").read_text(), bounce_url)
    assert bounce_log == [
        f"URL,{i},{error}" if error else f"URL,{i},{status},{command}"
        for i, error, status, command, _ in failed
    ]
    # /latest was read while it was down, and answered again after.
    polls = rows(db, "SELECT at, error FROM sim_latest WHERE target = 'bounce' ORDER BY at")
    assert any(error == "ConnectionError" and down_from <= at <= down_to for at, error in polls)
    assert any(error is None and at > down_to for at, error in polls)
