"""A simulation store that goes away mid-run ends ``simulate`` with one line and exit 2, and
no request leaves once its attempt can no longer be recorded."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import psycopg

from harness.scenario.generate import generate_actions, write_scenario
from tests.simulate.support import simulate_cmd, write_teams
from tests.support.faulty_target import faulty_target
from tests.support.pg import ADMIN_URL, fresh_database, require_postgres

ACTIONS = generate_actions(5, 60, 9)


def test_a_lost_database_is_one_line_and_exit_2(tmp_path: Path) -> None:
    require_postgres()
    path = tmp_path / "s.tsv"
    write_scenario(path, ACTIONS)
    speed = f"{20.0 / (sum(a.delay_ms for a in ACTIONS[1:]) / 1000):.8f}"
    with fresh_database("mth_simlost") as url, faulty_target() as target:
        teams = write_teams(tmp_path / "teams.toml", [("t", target.url)])
        cmd = simulate_cmd(teams, url, tmp_path / "logs", "--scenario", str(path))
        sim = subprocess.Popen(
            [*cmd, "--speed", speed], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        deadline = time.monotonic() + 20
        while len(target.received_ids()) < 5 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(target.received_ids()) >= 5
        name = url.rsplit("/", 1)[1]
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            )
        lost_at = len(target.received_ids())
        _, err = sim.communicate(timeout=20)
        sent_after = len(target.received_ids()) - lost_at
    assert sim.returncode == 2, err
    assert "Traceback" not in err
    (line,) = [x for x in err.splitlines() if x.startswith("minitwit-harness: error:")]
    assert line.startswith(f"minitwit-harness: error: simulation database {url}: ")
    assert sent_after <= 1  # at most the request already on its way
