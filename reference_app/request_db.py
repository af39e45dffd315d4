"""The request's database connection (flaskr's get_db/close_db), for the API's views.

A request's database state lives in one object on ``g``, fetched once per call: every
access to ``g`` or ``current_app`` is a context-variable lookup through a proxy, and a
request used to make about twenty of them. The connection is borrowed on first use and
given back at teardown; a ``latest`` value deferred by a view rides in its write.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TypeVar

import psycopg
from flask import Flask, g

from reference_app.db import LATEST_SQL, Connection, Database, Params, Row, get_database

T = TypeVar("T")


class _RequestDb:
    """A request's database, its borrowed connection and its deferred ``latest`` value."""

    __slots__ = ("conn", "context", "database", "latest")

    def __init__(self, database: Database) -> None:
        self.database = database
        self.conn: Connection | None = None
        self.context: AbstractContextManager[Connection] | None = None
        self.latest: str | None = None

    def connection(self) -> Connection:
        if self.conn is None:
            database = self.database
            if database.backend == "sqlite" and database.pooled:
                # The thread's own long-lived connection: nothing to give back.
                self.conn = database.thread_connection()
            else:
                self.context = database.connect()
                self.conn = self.context.__enter__()
        return self.conn

    def release(self) -> None:
        context, self.context, self.conn = self.context, None, None
        if context is not None:
            context.__exit__(None, None, None)

    def run(self, work: Callable[[Database, Connection], T]) -> T:
        """``work`` on the request's connection, once more on a new one if the server ended it.

        PostgreSQL answers a statement sent on a session it is ending (a restart, an
        administrator's ``pg_terminate_backend``) with ``AdminShutdown`` instead of running
        it, so nothing of it was applied and it is safe to send again. The pool's check may
        miss such a session when the shutdown is still on its way to the socket.
        """
        try:
            return work(self.database, self.connection())
        except psycopg.errors.AdminShutdown:
            self.release()  # the pool discards a broken connection
            return work(self.database, self.connection())


def _request_db() -> _RequestDb:
    app_g = g._get_current_object()  # one lookup; the plain object from here on
    state: _RequestDb | None = app_g.get("minitwit_db")
    if state is None:
        state = _RequestDb(get_database())
        app_g.minitwit_db = state
    return state


def query(sql: str, params: Params = ()) -> list[Row]:
    """All rows of one read on the request's connection."""
    return _request_db().run(lambda db, conn: list(db.run(conn, sql, params).fetchall()))


def query_one(sql: str, params: Params = ()) -> Row | None:
    """The first row of one read, or None."""
    row: Row | None = _request_db().run(lambda db, conn: db.run(conn, sql, params).fetchone())
    return row


def execute(sql: str, params: Params = ()) -> int:
    """Run one write on the request's connection; return the number of rows it changed.

    A ``latest`` value deferred by :func:`defer_latest` is written in the same transaction.
    """
    state = _request_db()
    latest, state.latest = state.latest, None

    def write(database: Database, conn: Connection) -> int:
        with database.writing():
            if latest is not None:
                return database.run_with_latest(conn, sql, params, latest)
            return int(database.run(conn, sql, params).rowcount)

    return state.run(write)


def defer_latest(value: str) -> None:
    """Record ``value`` as ``latest`` with the request's next write (or at :func:`flush_latest`)."""
    _request_db().latest = value


def flush_latest() -> None:
    """Write a deferred ``latest`` value now, if the request's writes did not carry it."""
    state = _request_db()
    latest, state.latest = state.latest, None
    if latest is not None:

        def write(database: Database, conn: Connection) -> None:
            with database.writing():
                database.run(conn, LATEST_SQL, (latest,))

        state.run(write)


def close_request_connection(exc: BaseException | None = None) -> None:
    """Give the request's connection back (teardown handler)."""
    state: _RequestDb | None = g.pop("minitwit_db", None)
    if state is not None:
        state.release()


def init_app(app: Flask, url: str) -> Database:
    """Attach a :class:`Database` for ``url`` to ``app``."""
    database = Database(url, pool_size=int(app.config.get("DB_POOL_SIZE", 4)))
    app.extensions["minitwit_db"] = database
    app.teardown_appcontext(close_request_connection)
    return database
