"""Shared fixtures: database backends (SQLite file and real PostgreSQL) and served apps.

In CI (``CI`` set) an unreachable PostgreSQL fails the run instead of skipping tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.pg import fresh_database, require_postgres
from tests.support.servers import RunningServer, serve_reference_app

_require_postgres = require_postgres


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'minitwit.db'}"
        return
    _require_postgres()
    with fresh_database() as url:
        yield url


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database (for tests that only make sense on PostgreSQL)."""
    _require_postgres()
    with fresh_database() as url:
        yield url


@pytest.fixture
def served_app(database_url: str, tmp_path: Path) -> Iterator[RunningServer]:
    """The reference app under gunicorn on a free loopback port, on each backend."""
    with serve_reference_app(database_url, tmp_path) as server:
        yield server
