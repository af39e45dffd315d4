"""Changes while ``simulate`` runs: pause and resume through the store (the dashboard's
channel), targets added to and removed from the teams file; SIGTERM stops cleanly; a
target's ``source_address`` is the address its requests come from."""

from __future__ import annotations

import re
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

from harness.scenario.generate import generate_actions, write_scenario
from harness.simulation.record import set_paused
from harness.simulation.store import open_store
from tests.simulate.support import rows, simulate_cmd, start_simulate, write_teams
from tests.support.faulty_target import faulty_target
from tests.support.servers import in_thread
from tests.support.waiting import wait_until

ACTIONS = generate_actions(6, 60, 11)


def _scenario(tmp_path: Path, seconds: float) -> tuple[Path, str]:
    path = tmp_path / "s.tsv"
    write_scenario(path, ACTIONS)
    speed = seconds / (sum(a.delay_ms for a in ACTIONS[1:]) / 1000)
    return path, f"{speed:.8f}"


def _pause(url: str, name: str, paused: bool) -> float:
    store = open_store(url)
    try:
        set_paused(store, name, paused)
    finally:
        store.close()
    return time.time()


def test_pause_resume_add_and_remove_while_running(tmp_path: Path) -> None:
    scenario, speed = _scenario(tmp_path, 10.0)
    db = f"sqlite:///{tmp_path / 'sim.db'}"
    console = tmp_path / "console.txt"
    with faulty_target() as a, faulty_target() as b, faulty_target() as c:
        teams = write_teams(tmp_path / "teams.toml", [("a", a.url), ("b", b.url)])
        cmd = simulate_cmd(teams, db, tmp_path / "logs", "--scenario", str(scenario))
        sim = start_simulate([*cmd, "--speed", speed], console)
        try:
            wait_until(lambda: len(b.received_ids()) >= 5, 20, "b's first actions")
            paused_at = _pause(db, "b", True)
            time.sleep(0.1)  # a different mtime: the file is read again
            write_teams(teams, [("a", a.url), ("b", b.url), ("c", c.url)])
            wait_until(lambda: len(c.received_ids()) >= 3, 5, "the added target's actions")
            time.sleep(1.2)  # the pause is picked up within a second
            during_pause = len(b.received_ids())
            time.sleep(1.5)
            assert len(b.received_ids()) == during_pause  # nothing sent while paused
            resumed_at = _pause(db, "b", False)
            wait_until(lambda: len(b.received_ids()) > during_pause, 3, "b to resume")
            write_teams(teams, [("b", b.url), ("c", c.url)])  # a removed: paused
            wait_until(lambda: "target a removed" in console.read_text(), 3, "a's removal")
            a_sent = len(a.received_ids())
            code = sim.wait(timeout=60)
        finally:
            sim.kill()
            sim.wait()
        a_final = len(a.received_ids())
    out = console.read_text()
    assert code == 0, out
    assert "b: paused" in out and "b: resumed" in out
    assert "target c added" in out
    assert "target a removed: paused (its outcomes stay)" in out
    assert "simulate: idle; 3 targets" in out  # a is paused: nothing left running
    progress = r"simulate: [23] targets \(\d running, \d paused, \d done, 0 down\); \d+ actions"
    assert re.search(progress + r" sent, 0 errors since start", out), out  # every 5 s
    assert a_final <= a_sent + 1  # at most the request a had in flight
    ids = [x.id for x in ACTIONS]
    for name in ("b", "c"):
        done = rows(
            db,
            "SELECT action_id FROM sim_attempts WHERE target = ? AND finished IS NOT NULL"
            " ORDER BY action_id",
            (name,),
        )
        assert [i for (i,) in done] == ids, name
    kept = rows(db, "SELECT COUNT(*) FROM sim_attempts WHERE target = 'a'")[0][0]
    assert 0 < kept < len(ids)  # a's outcomes stay
    assert rows(db, "SELECT paused FROM sim_targets WHERE name = 'a'") == [(1,)]
    # No attempt of b left between the pause being seen (within 1 s) and the resume.
    starts = rows(db, "SELECT started FROM sim_attempts WHERE target = 'b'")
    assert not [s for (s,) in starts if paused_at + 1.0 < s < resumed_at]


def test_sigterm_stops_cleanly_and_a_restart_resumes(tmp_path: Path) -> None:
    scenario, speed = _scenario(tmp_path, 20.0)
    db = f"sqlite:///{tmp_path / 'sim.db'}"
    with faulty_target() as target:
        teams = write_teams(tmp_path / "teams.toml", [("t", target.url)])
        cmd = simulate_cmd(teams, db, tmp_path / "logs")
        sim = subprocess.Popen(
            [*cmd, "--scenario", str(scenario), "--speed", speed],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        wait_until(lambda: len(target.received_ids()) >= 10, 20, "the first actions")
        sim.send_signal(signal.SIGTERM)
        out, err = sim.communicate(timeout=10)
        assert sim.returncode == 0, err
        assert "SIGTERM: stopping" in err
        assert "simulate: stopped; 1 targets" in out
        assert rows(db, "SELECT COUNT(*) FROM sim_attempts WHERE finished IS NULL") == [(0,)]
        sent = rows(db, "SELECT COUNT(*) FROM sim_attempts")[0][0]
        assert f"  t: {sent}/{len(ACTIONS)} sent, 0 errors, 0 outages" in out
        again = subprocess.run([*cmd, "--speed", "max"], capture_output=True, text=True, timeout=60)
        assert again.returncode == 0, again.stderr
        assert f"  t: {len(ACTIONS)}/{len(ACTIONS)} sent, 0 errors, 0 outages" in again.stdout
        assert sorted(target.received_ids()) == [a.id for a in ACTIONS]  # each exactly once


class _PeerHandler(BaseHTTPRequestHandler):
    peers: ClassVar[list[str]] = []

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""

    def _answer(self) -> None:
        self.peers.append(self.client_address[0])
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(204)
        self.send_header("Connection", "close")
        self.end_headers()

    do_GET = do_POST = _answer


@contextmanager
def _peer_recorder() -> Iterator[tuple[str, list[str]]]:
    peers: list[str] = []
    handler = type("Handler", (_PeerHandler,), {"peers": peers})
    with in_thread(ThreadingHTTPServer(("127.0.0.1", 0), handler)) as url:
        yield url, peers


def test_source_address_is_where_requests_come_from(tmp_path: Path) -> None:
    scenario, _ = _scenario(tmp_path, 1.0)
    db = f"sqlite:///{tmp_path / 'sim.db'}"
    teams = tmp_path / "teams.toml"
    with _peer_recorder() as (url, peers):
        teams.write_text(f'[[target]]\nname = "t"\nurl = "{url}"\nsource_address = "127.0.0.2"\n')
        cmd = simulate_cmd(teams, db, tmp_path / "logs", "--scenario", str(scenario))
        done = subprocess.run([*cmd, "--speed", "max"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert len(peers) >= len(ACTIONS)  # the actions and the /latest polls
    assert set(peers) == {"127.0.0.2"}


def test_a_target_moved_in_the_teams_file_gets_the_rest_at_its_new_url(tmp_path: Path) -> None:
    scenario, speed = _scenario(tmp_path, 6.0)
    db = f"sqlite:///{tmp_path / 'sim.db'}"
    console = tmp_path / "console.txt"
    with faulty_target() as old, faulty_target() as new:
        teams = write_teams(tmp_path / "teams.toml", [("t", old.url)])
        cmd = simulate_cmd(teams, db, tmp_path / "logs", "--scenario", str(scenario))
        sim = start_simulate([*cmd, "--speed", speed], console)
        try:
            wait_until(lambda: len(old.received_ids()) >= 10, 20, "the first actions")
            write_teams(teams, [("t", new.url)])
            code = sim.wait(timeout=60)
        finally:
            sim.kill()
            sim.wait()
        at_old, at_new = old.received_ids(), new.received_ids()
    out = console.read_text()
    assert code == 0, out
    assert f"target t now at {new.url}" in out
    assert at_old and at_new
    assert at_old + at_new == [a.id for a in ACTIONS]  # in order, each once, none skipped
    assert rows(db, "SELECT base_url FROM sim_targets") == [(new.url,)]
