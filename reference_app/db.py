"""Database access for the reference app: one SQL dialect on SQLite and PostgreSQL.

Queries are written once with ``?`` placeholders; for PostgreSQL they are rewritten to
``%s`` (no query contains a literal ``?`` or ``%``). Every statement runs in autocommit
mode: each write of the API is a single statement, so there is no transaction to manage
and no lock held between statements. ``transaction()`` exists for migrations only.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, Protocol

import psycopg
from flask import current_app

Row = tuple[Any, ...]
Params = Sequence[Any]

#: SQLite settings applied to every connection. WAL lets readers run beside the one
#: writer; NORMAL sync is durable across application crashes in WAL mode and avoids an
#: fsync per commit; the busy timeout makes concurrent writers wait instead of failing.
SQLITE_PRAGMAS = (
    "PRAGMA busy_timeout = 10000",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA foreign_keys = ON",
)

#: Seconds to retry switching a new SQLite file to WAL mode (the busy timeout above).
WAL_SWITCH_TIMEOUT_S = 10.0

#: Seconds a request waits for a pooled PostgreSQL connection before failing.
POOL_TIMEOUT_S = 5.0
CONNECT_TIMEOUT_S = 10

#: How a request records its ``latest`` value (one row, id 1).
LATEST_SQL = "UPDATE latest SET value = ? WHERE id = 1"

#: Advisory-lock key that serialises migrations of one PostgreSQL database.
MIGRATION_LOCK_KEY = 0x4D54_5754  # "MTWT"


def redact(url: str) -> str:
    """``url`` without its password."""
    return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", url)


class IntegrityError(Exception):
    """A unique or foreign-key constraint refused a write (either backend)."""


class Connection(Protocol):
    """The part of a DB-API connection the app uses."""

    def execute(self, sql: str, params: Params = ...) -> Any:
        """Run one statement."""

    def close(self) -> None:
        """Close the connection."""


class Database:
    """A database URL and its connections; hides every SQLite/PostgreSQL difference."""

    def __init__(self, url: str, *, pool_size: int = 4, pooled: bool = True) -> None:
        self.url = url
        self.pool_size = pool_size
        # Without a pool (administration), a PostgreSQL failure is reported at once
        # instead of being retried in the background.
        self.pooled = pooled
        if url.startswith(("postgresql://", "postgres://")):
            self.backend = "postgresql"
            self.path = ""
        elif url.startswith("sqlite:///"):
            self.backend = "sqlite"
            self.path = url.removeprefix("sqlite:///")
            if not self.path or self.path.startswith(":memory:") or "mode=memory" in self.path:
                # Every connection would see a database of its own.
                raise ValueError(f"database URL {url!r} needs a file path")
        else:
            raise ValueError(
                f"unsupported database URL {redact(url)!r} (use sqlite:///PATH or postgresql://...)"
            )
        self._pool: Any = None
        self._pool_pid = 0
        self._write_lock: tuple[int, int] | None = None  # (pid, fd) of the SQLite write lock
        self._write_mutex = threading.Lock()  # flock does not order threads of one process
        self._lock = threading.Lock()
        self._local = threading.local()

    # -- connections -------------------------------------------------------------------

    def _sqlite_connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        for pragma in SQLITE_PRAGMAS:
            conn.execute(pragma)
        return conn

    def thread_connection(self) -> sqlite3.Connection:
        """This thread's long-lived SQLite connection (outside any transaction)."""
        # One long-lived connection per thread and process. Closing the last connection
        # of a WAL database checkpoints and deletes the WAL, with fsyncs: a connection per
        # request would pay that on every request.
        cached: tuple[int, sqlite3.Connection] | None = getattr(self._local, "sqlite", None)
        if cached is None or cached[0] != os.getpid():
            cached = (os.getpid(), self._sqlite_connect())
            self._local.sqlite = cached
        conn = cached[1]
        if conn.in_transaction:  # never hand out a connection left inside a transaction
            conn.execute("ROLLBACK")
        return conn

    def _pg_pool(self) -> Any:
        # Created lazily and per process: a pool must never cross a fork (gunicorn workers).
        with self._lock:
            if self._pool is None or self._pool_pid != os.getpid():
                from psycopg_pool import ConnectionPool

                self._pool = ConnectionPool(
                    self.url,
                    min_size=1,
                    max_size=self.pool_size,
                    kwargs={"autocommit": True},
                    timeout=POOL_TIMEOUT_S,
                    # A connection broken by a database restart is replaced, not used.
                    check=self._check_pg_connection,
                    open=True,
                )
                self._pool_pid = os.getpid()
            return self._pool

    def _check_pg_connection(self, conn: psycopg.Connection[Any]) -> None:
        """Raise if a pooled connection is broken; a round trip only when it looks suspect.

        An idle connection has nothing to read: when the server ends a session (a restart,
        ``pg_terminate_backend``, an idle timeout) it sends an error and closes the socket,
        which makes it readable. So a connection is handed out after one non-blocking
        ``poll`` (microseconds), and only a readable one is checked with a round trip. A
        failed check sweeps the whole pool, so the other sessions the restart broke are
        replaced together rather than discovered one request at a time. A connection that
        broke silently (a network partition) fails its request, and the pool discards it
        when it comes back broken.
        """
        from psycopg_pool import ConnectionPool

        if not conn.closed:
            poller = select.poll()
            poller.register(conn.fileno(), select.POLLIN)
            if not poller.poll(0):
                return
        try:
            ConnectionPool.check_connection(conn)
        except psycopg.Error:
            if self._pool is not None:
                self._pool.check()
            raise

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A connection in autocommit mode for the block (borrowed, when pooled)."""
        if self.backend == "sqlite" and self.pooled:
            yield self.thread_connection()
        elif self.backend == "sqlite":
            conn = self._sqlite_connect()
            try:
                yield conn
            finally:
                conn.close()
        elif not self.pooled:
            with psycopg.connect(
                self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S
            ) as pg_conn:
                yield pg_conn
        else:
            with self._pg_pool().connection() as pg_conn:
                yield pg_conn

    def close(self) -> None:
        """Close this thread's SQLite connection and this process's PostgreSQL pool."""
        cached = getattr(self._local, "sqlite", None)
        if cached is not None and cached[0] == os.getpid():
            cached[1].close()
        self._local.sqlite = None
        if self._write_lock is not None and self._write_lock[0] == os.getpid():
            os.close(self._write_lock[1])
        self._write_lock = None
        with self._lock:
            if self._pool is not None and self._pool_pid == os.getpid():
                self._pool.close()
            self._pool = None

    @contextmanager
    def transaction(self, conn: Connection) -> Iterator[None]:
        """An exclusive write transaction (used by migrations; serialises migrators)."""
        if self.backend == "sqlite":
            conn.execute("BEGIN IMMEDIATE")
        else:
            conn.execute("BEGIN")
            conn.execute(self.sql("SELECT pg_advisory_xact_lock(?)"), (MIGRATION_LOCK_KEY,))
        try:
            yield
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def prepare_file(self) -> None:
        """Switch a SQLite file to WAL mode (persistent; a no-op on PostgreSQL).

        The switch needs the file to itself. When other processes open a new file at the
        same moment (replicas starting together), SQLite may refuse it with "database is
        locked" at once, without waiting out ``busy_timeout`` (it will not wait while
        holding the read lock it took, to avoid a deadlock), so the switch is retried for
        as long as ``busy_timeout`` allows.
        """
        if self.backend != "sqlite":
            return
        deadline = time.monotonic() + WAL_SWITCH_TIMEOUT_S
        with self.connect() as conn:
            while True:
                try:
                    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()
                except sqlite3.OperationalError as exc:
                    if "locked" not in str(exc) or time.monotonic() > deadline:
                        raise
                    time.sleep(0.02)
                    continue
                if mode and str(mode[0]).lower() == "wal":
                    return
                if time.monotonic() > deadline:
                    raise sqlite3.OperationalError(f"cannot switch to WAL mode (still {mode})")
                time.sleep(0.02)

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold this database's write lock for the block (SQLite; nothing on PostgreSQL).

        SQLite admits one writer at a time, and a connection that finds the database
        locked polls: its busy handler sleeps 1, 2, 5, 10... ms between attempts, idle
        time that becomes latency and lost throughput once several workers write. The
        workers of one server therefore queue on an ``flock`` of a file beside the
        database first, which wakes the next writer as soon as the lock is free. The busy
        timeout stays as the guard against any writer that does not take this lock (a
        ``db upgrade``, another program).
        """
        if self.backend != "sqlite":
            yield
            return
        with self._write_mutex:
            if self._write_lock is None or self._write_lock[0] != os.getpid():
                flags = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC
                self._write_lock = (os.getpid(), os.open(f"{self.path}-writelock", flags, 0o600))
            fd = self._write_lock[1]
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)

    # -- statements --------------------------------------------------------------------

    def sql(self, text: str) -> str:
        """``text`` in this backend's paramstyle and DDL dialect."""
        return _translate(text, self.backend)

    def run(self, conn: Connection, sql: str, params: Params = ()) -> Any:
        """Execute one statement; constraint violations become :class:`IntegrityError`."""
        try:
            return conn.execute(self.sql(sql), params)
        except (sqlite3.IntegrityError, psycopg.errors.IntegrityError) as exc:
            raise IntegrityError(str(exc)) from exc

    def run_with_latest(self, conn: Connection, sql: str, params: Params, latest: str) -> int:
        """Record ``latest`` and run one write in a single transaction; its row count.

        When the write fails (a constraint, say), ``latest`` is still recorded on its own:
        the API records it whatever the outcome of the request. On PostgreSQL the two ride
        in one statement (a data-modifying ``WITH``, run whatever the write's row count):
        one round trip instead of four (BEGIN, two writes, COMMIT).
        """
        if self.backend == "postgresql":
            try:
                cursor = self.run(
                    conn, f"WITH latest_write AS ({LATEST_SQL}) {sql}", (latest, *params)
                )
            except IntegrityError:
                self.run(conn, LATEST_SQL, (latest,))
                raise
            return int(cursor.rowcount)
        conn.execute("BEGIN IMMEDIATE")
        try:
            self.run(conn, LATEST_SQL, (latest,))
            rowcount = int(self.run(conn, sql, params).rowcount)
        except BaseException:
            conn.execute("ROLLBACK")
            self.run(conn, LATEST_SQL, (latest,))
            raise
        conn.execute("COMMIT")
        return rowcount


#: DDL macros used by the migration files, per backend.
_MACROS = {
    "sqlite": {"{serial_pk}": "INTEGER PRIMARY KEY"},
    "postgresql": {"{serial_pk}": "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"},
}


@lru_cache(maxsize=256)
def _translate(text: str, backend: str) -> str:
    for macro, value in _MACROS[backend].items():
        text = text.replace(macro, value)
    if backend == "postgresql":
        text = text.replace("?", "%s")
    return text


# -- Flask integration: the request's connection is in request_db.py ------------------


def get_database() -> Database:
    """The app's :class:`Database`."""
    database: Database = current_app.extensions["minitwit_db"]
    return database
