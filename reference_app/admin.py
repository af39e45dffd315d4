"""Database administration outside requests: initialise and upgrade, with one-line errors."""

from __future__ import annotations

import re
import sqlite3

import psycopg

from reference_app import migrate
from reference_app.db import Database


class DatabaseProblem(Exception):
    """The database cannot be opened or upgraded; ``str()`` is one line for the user."""


def redact(url: str) -> str:
    """``url`` without its password."""
    return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", url)


def open_database(url: str) -> Database:
    """A :class:`Database` for ``url``; an unsupported URL is a DatabaseProblem."""
    try:
        return Database(url)
    except ValueError as exc:
        raise DatabaseProblem(str(exc)) from None


def upgrade_database(url: str, target: int | None = None) -> tuple[list[int], int]:
    """Apply pending migrations; return (versions applied, version now)."""
    database = open_database(url)
    try:
        applied = migrate.upgrade(database, target)
        return applied, migrate.current_version(database)
    except (sqlite3.Error, psycopg.Error, OSError) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise DatabaseProblem(f"database {redact(url)}: {first}") from None
    finally:
        database.close()


def database_version(url: str) -> int:
    """The schema version of the database at ``url`` (0: never initialised)."""
    database = open_database(url)
    try:
        return migrate.current_version(database)
    except (sqlite3.Error, psycopg.Error, OSError) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise DatabaseProblem(f"database {redact(url)}: {first}") from None
    finally:
        database.close()
