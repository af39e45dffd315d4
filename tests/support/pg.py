"""Real PostgreSQL databases for tests: one fresh database per use, dropped afterwards."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

#: Admin connection to the server the tests use; MINITWIT_TEST_PG overrides it.
ADMIN_URL = os.environ.get("MINITWIT_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def postgres_available() -> str | None:
    """None when the server answers, else the reason it does not."""
    try:
        with psycopg.connect(ADMIN_URL, connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return f"PostgreSQL not reachable at {ADMIN_URL}: {exc}".splitlines()[0]


def require_postgres() -> None:
    """Skip the calling test when PostgreSQL does not answer; in CI (``CI`` set), fail it."""
    import pytest

    reason = postgres_available()
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL tests must run in CI: {reason}")
    pytest.skip(reason)


def _with_db(url: str, name: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}"


@contextmanager
def fresh_database(prefix: str = "mth") -> Iterator[str]:
    """Create an empty database with a unique name; yield its URL; drop it at the end."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_db(ADMIN_URL, name)
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
