"""Apply the versioned migrations in ``reference_app/migrations/`` to a database.

Each file ``NNNN_name.sql`` is one version. Applied versions are rows of
``schema_version``. All pending versions are applied in one exclusive transaction (SQLite
``BEGIN IMMEDIATE``, a PostgreSQL advisory lock), so several processes starting at once
apply each version exactly once; DDL is transactional on both backends, so a failed
upgrade leaves the database at its old version.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from importlib import resources

from reference_app.db import Connection, Database

_FILE_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")

_CREATE_VERSION_TABLE = """
CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at BIGINT NOT NULL
)"""


@dataclass(frozen=True)
class Migration:
    """One schema version and its SQL statements."""

    version: int
    name: str
    statements: tuple[str, ...]


def _split(sql: str) -> tuple[str, ...]:
    """Statements of a migration file (no statement contains a semicolon)."""
    lines = [line for line in sql.splitlines() if not line.lstrip().startswith("--")]
    return tuple(s.strip() for s in "\n".join(lines).split(";") if s.strip())


def available() -> list[Migration]:
    """Every migration shipped with the app, oldest first."""
    found = []
    for entry in resources.files("reference_app.migrations").iterdir():
        match = _FILE_NAME.match(entry.name)
        if match:
            text = entry.read_text(encoding="utf-8")
            found.append(Migration(int(match[1]), match[2], _split(text)))
    return sorted(found, key=lambda m: m.version)


def latest_version() -> int:
    """The version a fully upgraded database has."""
    return available()[-1].version


def _current(database: Database, conn: Connection) -> int:
    row = database.run(conn, "SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def current_version(database: Database) -> int:
    """The version of the database (0 when it was never initialised)."""
    with database.connect() as conn, database.transaction(conn):
        database.run(conn, _CREATE_VERSION_TABLE)
        return _current(database, conn)


def upgrade(database: Database, target: int | None = None) -> list[int]:
    """Apply pending migrations up to ``target`` (default: all); return the versions applied."""
    database.prepare_file()
    applied: list[int] = []
    with database.connect() as conn, database.transaction(conn):
        # Inside the lock: concurrent CREATE TABLE IF NOT EXISTS races on PostgreSQL.
        database.run(conn, _CREATE_VERSION_TABLE)
        current = _current(database, conn)
        for migration in available():
            if migration.version <= current:
                continue
            if target is not None and migration.version > target:
                break
            for statement in migration.statements:
                database.run(conn, statement)
            database.run(
                conn,
                "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.name, int(time.time())),
            )
            applied.append(migration.version)
    return applied
