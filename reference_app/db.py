"""Database access for the reference app: one SQL dialect on SQLite and PostgreSQL.

Queries are written once with ``?`` placeholders; for PostgreSQL they are rewritten to
``%s`` (no query contains a literal ``?`` or ``%``). Every statement runs in autocommit
mode: each write of the API is a single statement, so there is no transaction to manage
and no lock held between statements. ``transaction()`` exists for migrations only.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, Protocol

import psycopg
from flask import Flask, current_app, g

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

#: Advisory-lock key that serialises migrations of one PostgreSQL database.
MIGRATION_LOCK_KEY = 0x4D54_5754  # "MTWT"


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

    def __init__(self, url: str, *, pool_size: int = 4) -> None:
        self.url = url
        self.pool_size = pool_size
        if url.startswith(("postgresql://", "postgres://")):
            self.backend = "postgresql"
            self.path = ""
        elif url.startswith("sqlite:///"):
            self.backend = "sqlite"
            self.path = url.removeprefix("sqlite:///")
            if not self.path:
                raise ValueError(f"no file path in database URL {url!r}")
        else:
            raise ValueError(
                f"unsupported database URL {url!r} (use sqlite:///PATH or postgresql://...)"
            )
        self._pool: Any = None
        self._pool_pid = 0
        self._lock = threading.Lock()

    # -- connections -------------------------------------------------------------------

    def _sqlite_connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        for pragma in SQLITE_PRAGMAS:
            conn.execute(pragma)
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
                    open=True,
                )
                self._pool_pid = os.getpid()
            return self._pool

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A connection in autocommit mode for the length of the block."""
        if self.backend == "sqlite":
            conn = self._sqlite_connect()
            try:
                yield conn
            finally:
                conn.close()
        else:
            with self._pg_pool().connection() as pg_conn:
                yield pg_conn

    def close(self) -> None:
        """Close the PostgreSQL pool of this process, if any."""
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
        """Switch a SQLite file to WAL mode (persistent; a no-op on PostgreSQL)."""
        if self.backend == "sqlite":
            with self.connect() as conn:
                conn.execute("PRAGMA journal_mode = WAL")

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


# -- Flask integration (flaskr's get_db/close_db) --------------------------------------


def get_database() -> Database:
    """The app's :class:`Database`."""
    database: Database = current_app.extensions["minitwit_db"]
    return database


def query(sql: str, params: Params = ()) -> list[Row]:
    """All rows of one read on the request's connection."""
    database = get_database()
    return list(database.run(_request_connection(database), sql, params).fetchall())


def query_one(sql: str, params: Params = ()) -> Row | None:
    """The first row of one read, or None."""
    database = get_database()
    row: Row | None = database.run(_request_connection(database), sql, params).fetchone()
    return row


def execute(sql: str, params: Params = ()) -> int:
    """Run one write on the request's connection; return the number of rows it changed."""
    database = get_database()
    cursor = database.run(_request_connection(database), sql, params)
    return int(cursor.rowcount)


def _request_connection(database: Database) -> Connection:
    if "db_conn" not in g:
        context = database.connect()
        g.db_context = context
        g.db_conn = context.__enter__()
    conn: Connection = g.db_conn
    return conn


def close_request_connection(exc: BaseException | None = None) -> None:
    """Give the request's connection back (teardown handler)."""
    context = g.pop("db_context", None)
    g.pop("db_conn", None)
    if context is not None:
        context.__exit__(None, None, None)


def init_app(app: Flask, url: str) -> Database:
    """Attach a :class:`Database` for ``url`` to ``app``."""
    database = Database(url, pool_size=int(app.config.get("DB_POOL_SIZE", 4)))
    app.extensions["minitwit_db"] = database
    app.teardown_appcontext(close_request_connection)
    return database
