"""The simulation store: one schema on SQLite (default, embedded) or PostgreSQL.

Every statement is written once with ``?`` placeholders (rewritten to ``%s`` for psycopg).
Times are epoch seconds (``DOUBLE PRECISION``: PostgreSQL's ``REAL`` is a 4-byte float,
whose resolution at today's epoch is 128 s). The tables:

``sim_meta``
    key/value: ``schema_version``, ``scenario`` (path), ``scenario_sha256``, ``speed``,
    ``started_at`` (the first start of the simulation; schedules are relative to it, shifted
    per target when its lane falls more than 1 s behind: a pause, a restart, a slow target).
``sim_targets``
    one row per target: ``name`` (key), ``base_url``, ``source_address`` (NULL: default
    route), ``start_offset`` (seconds after ``started_at``), ``paused`` (0/1), ``added_at``,
    ``total_actions`` (the scenario's actions for it); with worker processes (``--workers``,
    ``--worker``): ``owner`` (the worker that sends it, NULL: nobody yet), ``lease_until``
    (the database's clock: after it, any worker may take the target over) and ``done_at``
    (every action has an outcome; a done target is never claimed again).
``sim_workers``
    the worker processes: ``id`` (``host:pid``), ``seen`` (their last heartbeat, the
    database's clock); each takes its fair share of the targets not done.
``sim_attempts``
    one row per request of a scenario action: written *before* the request is sent
    (``finished`` NULL: in flight) and completed with its outcome. ``attempt`` is 1, or 2 for
    an action that was in flight when ``simulate`` died and was sent again. ``failed`` is 1
    when the course simulator counts the outcome as an error (then ``exchange`` holds the
    request and response, cut at a fixed size: the request as sent, ``--- answer ---``,
    then ``HTTP <status>`` and the body, or ``no answer: <ErrorClass>``), 0 when not, NULL
    while in flight. ``error`` is the simulator's error class (``ConnectionError``,
    ``ReadTimeout``, ...) or NULL.
``sim_latest``
    the simulator's polls of ``GET /latest``: ``value`` as the target reports it (NULL when it
    did not answer a well-formed body; ``error`` says why), ``last_sent`` the greatest action
    id the target had acknowledged by then.
``sim_outages``
    a target is down from the first request a connection-class error (``ConnectionError``,
    ``ReadTimeout``) ended after an answered one, until the next answered request or poll
    (``ended`` NULL: down now).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from harness.errors import HarnessError

SCHEMA_VERSION = 2

#: Times and latencies: 8-byte floats on both backends (SQLite gives the name REAL affinity).
_T = "DOUBLE PRECISION"

_DDL = (
    "CREATE TABLE IF NOT EXISTS sim_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS sim_targets ("
    " name TEXT PRIMARY KEY, base_url TEXT NOT NULL, source_address TEXT,"
    f" start_offset {_T} NOT NULL DEFAULT 0, paused INTEGER NOT NULL DEFAULT 0,"
    f" added_at {_T} NOT NULL, total_actions INTEGER NOT NULL, owner TEXT, lease_until {_T},"
    f" done_at {_T})",
    "CREATE TABLE IF NOT EXISTS sim_attempts ("
    " target TEXT NOT NULL, action_id INTEGER NOT NULL, attempt INTEGER NOT NULL,"
    f" command TEXT NOT NULL, scheduled {_T} NOT NULL, started {_T} NOT NULL, finished {_T},"
    f" status INTEGER, error TEXT, failed INTEGER, latency_ms {_T}, exchange TEXT,"
    " worker TEXT, PRIMARY KEY (target, action_id, attempt))",
    "CREATE INDEX IF NOT EXISTS sim_attempts_by_time ON sim_attempts (target, finished)",
    # The status numbers read what finished recently (and what is in flight) for all targets.
    "CREATE INDEX IF NOT EXISTS sim_attempts_finished ON sim_attempts (finished)",
    "CREATE TABLE IF NOT EXISTS sim_latest ("
    f" target TEXT NOT NULL, at {_T} NOT NULL, value BIGINT, last_sent INTEGER, error TEXT,"
    " PRIMARY KEY (target, at))",
    "CREATE TABLE IF NOT EXISTS sim_outages ("
    f" target TEXT NOT NULL, started {_T} NOT NULL, ended {_T}, PRIMARY KEY (target, started))",
    f"CREATE TABLE IF NOT EXISTS sim_workers (id TEXT PRIMARY KEY, seen {_T} NOT NULL)",
)

#: Version 1 -> 2: the columns of worker processes (the rows stay as they are).
_UPGRADE_1 = (
    "ALTER TABLE sim_targets ADD COLUMN owner TEXT",
    f"ALTER TABLE sim_targets ADD COLUMN lease_until {_T}",
    f"ALTER TABLE sim_targets ADD COLUMN done_at {_T}",
    "ALTER TABLE sim_attempts ADD COLUMN worker TEXT",
)


class Store:
    """A connection to the simulation database; statements use ``?`` placeholders.

    Not shared between threads: each thread opens its own (SQLite in WAL mode lets the
    dashboard read while the engine writes).
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.postgres = url.startswith(("postgresql://", "postgres://"))
        try:
            if self.postgres:
                import psycopg

                self._conn: Any = psycopg.connect(url, autocommit=True)
            else:
                path = sqlite_path(url)
                self._conn = sqlite3.connect(path, timeout=30, isolation_level=None)
                self._conn.execute("PRAGMA journal_mode=WAL")
                self._conn.execute("PRAGMA synchronous=NORMAL")
        except Exception as exc:  # any driver error is one line for the user
            raise HarnessError(f"simulation database {url}: {exc}".splitlines()[0]) from exc

    @property
    def now_sql(self) -> str:
        """The database's clock in epoch seconds, as SQL (leases of several machines)."""
        if self.postgres:
            return "EXTRACT(EPOCH FROM clock_timestamp())::DOUBLE PRECISION"
        return "((julianday('now') - 2440587.5) * 86400.0)"

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.postgres else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Run one statement (autocommit unless inside :meth:`transaction`)."""
        self._conn.execute(self._sql(sql), tuple(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one statement for each row."""
        if self.postgres:
            with self._conn.cursor() as cur:
                cur.executemany(self._sql(sql), [tuple(r) for r in rows])
        else:
            self._conn.executemany(sql, [tuple(r) for r in rows])

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """All rows of one query."""
        return [tuple(r) for r in self._conn.execute(self._sql(sql), tuple(params)).fetchall()]

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Statements inside commit together (group commit of the engine's writes)."""
        if self.postgres:
            with self._conn.transaction():
                yield
            return
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def create_schema(self) -> None:
        """Create the tables if missing (upgrading a version 1 store in place); a store of
        another schema version is an error."""
        # One process at a time (concurrent CREATE ... IF NOT EXISTS collide on PostgreSQL;
        # a master and its workers may start together on a new database).
        with self.transaction():
            if self.postgres:
                self.execute("SELECT pg_advisory_xact_lock(hashtext('minitwit_sim_schema'))")
            for statement in _DDL:
                self.execute(statement)
            rows = self.query("SELECT value FROM sim_meta WHERE key = 'schema_version'")
            if rows and rows[0][0] == "1":
                for statement in _UPGRADE_1:
                    self.execute(statement)
                self.execute("UPDATE sim_meta SET value = '2' WHERE key = 'schema_version'")
                rows = [("2",)]
            if not rows:
                self.execute(
                    "INSERT INTO sim_meta (key, value) VALUES ('schema_version', ?)",
                    (str(SCHEMA_VERSION),),
                )
                rows = [(str(SCHEMA_VERSION),)]
        if rows[0][0] != str(SCHEMA_VERSION):
            raise HarnessError(
                f"simulation database {self.url}: schema version {rows[0][0]}, "
                f"this harness writes {SCHEMA_VERSION}"
            )

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()


def sqlite_path(url: str) -> str:
    """The file of ``sqlite:///PATH`` (``sqlite:////abs/path`` when absolute) or a plain path."""
    return url.removeprefix("sqlite:///")


def open_store(url: str) -> Store:
    """Open (and create, if new) the simulation store at ``url``."""
    if not url.startswith(("postgresql://", "postgres://")):
        parent = Path(sqlite_path(url)).parent
        if not parent.is_dir():
            raise HarnessError(f"simulation database {url}: folder {parent} does not exist")
    store = Store(url)
    try:
        store.create_schema()
    except HarnessError:
        store.close()
        raise
    except Exception as exc:  # any driver error is one line for the user
        store.close()
        raise HarnessError(f"simulation database {url}: {exc}".splitlines()[0]) from exc
    return store
