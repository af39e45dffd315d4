"""Helpers for verify tests: write a scenario the way the simulator does, tamper the database."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import requests

from harness.checks.verdicts import simulator_verdict
from harness.local import stop_process
from harness.planning.requests import request_for
from harness.scenario.model import Action, Command
from tests.support.net import free_port, wait_http
from tests.support.spec import SIMULATOR_AUTH

R, T, F, U = Command.REGISTER, Command.TWEET, Command.FOLLOW, Command.UNFOLLOW
ROOT = Path(__file__).resolve().parents[2]
TABLES = ("users", "message", "follower", "latest")
ANN, ZOE, BOB = "Ann O'Neil", "Zoë Åberg", "Bob Ek"
BOM_TWEET = "\ufeffHello “world” – it’s me"
HTML_TWEET = "R&D <b>bold</b> \"plain\" 'single' a > b"
ACCENT_TWEET = "café naïve — über smörgåsbord"


def hazard_actions() -> list[Action]:
    """A small scenario whose every tweet carries a hazard the tampering tests damage."""
    rows: list[tuple[Command, str, dict[str, str]]] = [
        (R, ANN, {"email": "ann@x.dk", "pwd": '"#\\'}),
        (R, ZOE, {"email": "zoe@x.dk", "pwd": "=pw"}),
        (R, BOB, {"email": "bob@x.dk", "pwd": "@pw\\"}),
        (T, ANN, {"content": BOM_TWEET}),
        (T, BOB, {"content": "plain tweet number one"}),
        (F, ANN, {"target": ZOE}),
        (F, ANN, {"target": BOB}),
        (F, ZOE, {"target": ANN}),
        (F, BOB, {"target": ANN}),
        (T, ANN, {"content": HTML_TWEET}),
        (U, BOB, {"target": ANN}),
        (U, ZOE, {"target": BOB}),  # not followed: a no-op
        (T, BOB, {"content": "plain tweet number two"}),
        (T, ZOE, {"content": ACCENT_TWEET}),
    ]
    return [
        Action(
            i,
            1000 * (i > 0),
            1_700_000_000_000 + 1000 * i,
            c,
            user,
            email=kw.get("email"),
            pwd=kw.get("pwd"),
            content=kw.get("content"),
            target=kw.get("target"),
        )
        for i, (c, user, kw) in enumerate(rows)
    ]


def post_actions(url: str, actions: Sequence[Action]) -> list[int]:
    """Send each action in order as the simulator does; return the statuses."""
    statuses = []
    with requests.Session() as session:
        session.headers["Authorization"] = SIMULATOR_AUTH
        for action in actions:
            req = request_for(action)
            resp = session.post(url + req.path, json=req.body, timeout=10)
            verdict = simulator_verdict(str(action.command), resp.status_code, None)
            assert verdict.ok, (action, resp.status_code, resp.text)
            statuses.append(resp.status_code)
    return statuses


class Tamper:
    """Direct SQL on the reference app's database (SQLite file or PostgreSQL)."""

    def __init__(self, database_url: str) -> None:
        self.url = database_url
        self.sqlite = database_url.startswith("sqlite:///")

    @contextmanager
    def _transaction(self) -> Iterator[Callable[..., Any]]:
        """A function running ``?``-placeholder SQL, all committed together at the end."""
        if self.sqlite:
            conn = sqlite3.connect(self.url.removeprefix("sqlite:///"), timeout=10)
            try:
                with conn:
                    yield lambda sql, params=(): conn.execute(sql, tuple(params))
            finally:
                conn.close()
            return
        with psycopg.connect(self.url) as pg:  # commits when the block succeeds
            yield lambda sql, params=(): pg.execute(sql.replace("?", "%s"), tuple(params))

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Run one statement and commit."""
        with self._transaction() as run:
            run(sql, params)

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of the app's tables, to restore between tests."""
        with self._transaction() as run:
            return {t: run(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in TABLES}

    def restore(self, snapshot: dict[str, list[tuple[Any, ...]]]) -> None:
        """Put back exactly the rows of ``snapshot``, in one transaction."""
        with self._transaction() as run:
            for table in reversed(TABLES):
                run(f"DELETE FROM {table}")
            for table in TABLES:
                for row in snapshot[table]:
                    run(f"INSERT INTO {table} VALUES ({', '.join('?' * len(row))})", row)

    def allow_duplicate_follows(self) -> None:
        """Drop the unique (who, whom) constraint, as an implementation without it has."""
        if self.sqlite:
            self.execute(
                "CREATE TABLE follower_loose (follow_id INTEGER PRIMARY KEY, "
                "who_id BIGINT NOT NULL, whom_id BIGINT NOT NULL)"
            )
            self.execute(
                "INSERT INTO follower_loose SELECT follow_id, who_id, whom_id FROM follower"
            )
            self.execute("DROP TABLE follower")
            self.execute("ALTER TABLE follower_loose RENAME TO follower")
            return
        with psycopg.connect(self.url, autocommit=True) as pg:
            row = pg.execute(
                "SELECT conname FROM pg_constraint "
                "WHERE conrelid = 'follower'::regclass AND contype = 'u'"
            ).fetchone()
            assert row is not None
            pg.execute(f'ALTER TABLE follower DROP CONSTRAINT "{row[0]}"')


def post_actions_concurrently(url: str, actions: Sequence[Action], threads: int = 6) -> None:
    """Send like a concurrent replay: registers first, then each user's actions in order on
    a pool (users interleave freely), and the final action only after all the others."""
    registers = [a for a in actions[:-1] if a.command is Command.REGISTER]
    post_actions(url, registers)
    by_user: dict[str, list[Action]] = {}
    for action in actions[:-1]:
        if action.command is not Command.REGISTER:
            by_user.setdefault(action.user, []).append(action)
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for future in [pool.submit(post_actions, url, own) for own in by_user.values()]:
            future.result()
    post_actions(url, actions[-1:])


@contextmanager
def serve_wrapped_reference(module: str, tmp_path: Path, *args: str) -> Iterator[str]:
    """Run ``python -m MODULE --port N --database-url sqlite:///...`` (a wrapped reference app)."""
    port = free_port()
    cmd = [sys.executable, "-m", module, "--port", str(port), *args]
    cmd += ["--database-url", f"sqlite:///{tmp_path / f'{port}.db'}"]
    with open(tmp_path / f"target-{port}.log", "wb") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=log, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{url}/latest", timeout=30)
        yield url
    finally:
        stop_process(proc, grace_s=10)


def run_harness(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``python -m harness ARGS`` from the repository root, output captured as text."""
    return subprocess.run(
        [sys.executable, "-m", "harness", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )
