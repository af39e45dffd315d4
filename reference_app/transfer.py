"""Copy a MiniTwit database to another one, SQLite or PostgreSQL, and prove the copy.

Every table (users, messages, follow edges, ``latest``) is copied with its ids, so the
copy's foreign keys and the API's answers are the same; PostgreSQL identity sequences are
moved past the copied ids. The copy is idempotent: rows already in the target are compared,
never written twice, and a target row that differs stops the copy (someone wrote to the
target). ``since`` is the catch-up pass of a cut-over: only users and messages newer than
the target's newest are read (follow edges, which unfollows delete, are always compared
whole). Afterwards the row counts and a checksum of every table must match on both sides:
the target against the source's snapshot that was copied (a source that keeps taking
writes meanwhile is for the next ``since`` pass).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from typing import Any

import psycopg

from reference_app import migrate
from reference_app.admin import DatabaseProblem, open_database
from reference_app.db import Connection, Database, redact


@dataclass(frozen=True)
class Table:
    """A table the copy moves, by its primary key."""

    name: str
    key: str
    columns: tuple[str, ...]
    #: Rows the API deletes (unfollow): compared whole on every pass, extras deleted.
    deletes: bool = False

    def select(self) -> str:
        """Every row, in key order."""
        return f"SELECT {', '.join(self.columns)} FROM {self.name} ORDER BY {self.key}"


TABLES = (
    Table("users", "user_id", ("user_id", "username", "email", "pw_hash")),
    Table("message", "message_id", ("message_id", "author_id", "text", "pub_date")),
    Table("follower", "follow_id", ("follow_id", "who_id", "whom_id"), deletes=True),
)


@dataclass(frozen=True)
class TableCopy:
    """What one table's pass did, and the proof: rows and checksum on both sides."""

    name: str
    copied: int
    deleted: int
    rows: int
    checksum: str
    target_rows: int
    target_checksum: str

    @property
    def verified(self) -> bool:
        """Same rows, same content on both sides."""
        return (self.rows, self.checksum) == (self.target_rows, self.target_checksum)


@dataclass(frozen=True)
class CopyReport:
    """Every table's pass and the ``latest`` value on both sides."""

    tables: tuple[TableCopy, ...]
    latest: str
    target_latest: str

    @property
    def verified(self) -> bool:
        """Every table and ``latest`` equal on both sides."""
        return all(t.verified for t in self.tables) and self.latest == self.target_latest


def _rows(
    database: Database, conn: Connection, sql: str, params: tuple[Any, ...] = ()
) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in database.run(conn, sql, params).fetchall()]


def _digest(rows: list[tuple[Any, ...]]) -> str:
    digest = hashlib.sha256()
    for row in rows:
        digest.update(json.dumps(list(row), ensure_ascii=False).encode("utf-8") + b"\n")
    return digest.hexdigest()


def _begin_snapshot(database: Database, conn: Connection) -> None:
    """One consistent view of the source while it keeps taking writes."""
    if database.backend == "sqlite":
        conn.execute("BEGIN")  # deferred: the snapshot is taken at the first read (WAL)
    else:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")


def _copy_table(
    src: Database, sconn: Connection, dst: Database, dconn: Connection, table: Table, since: bool
) -> tuple[int, int]:
    """Copy one table's missing rows (and delete extras where the API deletes)."""
    newest = _rows(dst, dconn, f"SELECT MAX({table.key}) FROM {table.name}")[0][0]
    if since and not table.deletes and newest is not None:
        rows = _rows(
            src,
            sconn,
            table.select().replace(" ORDER BY", f" WHERE {table.key} > ? ORDER BY"),
            (newest,),
        )
        present: dict[Any, tuple[Any, ...]] = {}
    else:
        rows = _rows(src, sconn, table.select())
        present = {row[0]: row for row in _rows(dst, dconn, table.select())}
    keys = {row[0] for row in rows}
    extra = [key for key in present if key not in keys]
    if extra and not table.deletes:
        raise DatabaseProblem(
            f"the target's {table.name} has {len(extra)} row(s) the source does not "
            f"(first {table.key} {extra[0]}): it is not a copy of this source"
        )
    for key in extra:
        dst.run(dconn, f"DELETE FROM {table.name} WHERE {table.key} = ?", (key,))
    missing = []
    for row in rows:
        held = present.get(row[0])
        if held is None:
            missing.append(row)
        elif held != row:
            raise DatabaseProblem(
                f"{table.name} {table.key} {row[0]} differs between source and target: "
                "the target was written to; refusing to overwrite it"
            )
    marks = ", ".join("?" for _ in table.columns)
    insert = dst.sql(f"INSERT INTO {table.name} ({', '.join(table.columns)}) VALUES ({marks})")
    if missing:
        dconn.cursor().executemany(insert, missing)  # type: ignore[attr-defined]
    return len(missing), len(extra)


def _move_sequences(dst: Database, dconn: Connection) -> None:
    """PostgreSQL identities continue after the copied ids (SQLite does it by itself)."""
    if dst.backend != "postgresql":
        return
    for table in TABLES:
        dst.run(
            dconn,
            f"SELECT setval(pg_get_serial_sequence('{table.name}', '{table.key}'), "
            f"COALESCE((SELECT MAX({table.key}) FROM {table.name}), 0) + 1, false)",
        )


def _latest(database: Database, conn: Connection) -> str:
    return str(_rows(database, conn, "SELECT value FROM latest WHERE id = 1")[0][0])


def _prove(
    src: Database,
    sconn: Connection,
    dst: Database,
    dconn: Connection,
    copies: list[tuple[str, int, int]],
) -> CopyReport:
    """Compare the source's snapshot (the one copied) with the target as committed."""
    tables = []
    for (name, copied, deleted), table in zip(copies, TABLES, strict=True):
        theirs = _rows(src, sconn, table.select())
        ours = _rows(dst, dconn, table.select())
        tables.append(
            TableCopy(name, copied, deleted, len(theirs), _digest(theirs), len(ours), _digest(ours))
        )
    return CopyReport(tuple(tables), _latest(src, sconn), _latest(dst, dconn))


def copy_database(source_url: str, target_url: str, *, since: bool = False) -> CopyReport:
    """Copy ``source_url`` into ``target_url`` (schema created or upgraded); prove it."""
    if source_url == target_url:
        raise DatabaseProblem("--from and --to name the same database")
    src, dst = open_database(source_url), open_database(target_url)
    try:
        if migrate.current_version(src) != migrate.latest_version():
            raise DatabaseProblem(
                f"source {redact(source_url)} is not at schema version "
                f"{migrate.latest_version()}: run 'db upgrade' on it first"
            )
        migrate.upgrade(dst)
        copies = []
        with src.connect() as sconn, dst.connect() as dconn:
            # One snapshot of the source for the copy and its proof; the source may keep
            # taking writes meanwhile (those are for the next pass, ``since``).
            _begin_snapshot(src, sconn)
            try:
                with dst.transaction(dconn):
                    for table in TABLES:
                        copied, deleted = _copy_table(src, sconn, dst, dconn, table, since)
                        copies.append((table.name, copied, deleted))
                    latest = _latest(src, sconn)
                    dst.run(dconn, "UPDATE latest SET value = ? WHERE id = 1", (latest,))
                    _move_sequences(dst, dconn)
                return _prove(src, sconn, dst, dconn, copies)
            finally:
                sconn.execute("ROLLBACK")
    except (sqlite3.Error, psycopg.Error, OSError) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise DatabaseProblem(
            f"copy {redact(source_url)} -> {redact(target_url)}: {first}"
        ) from None
    finally:
        src.close()
        dst.close()
