"""Shared fixtures: database backends (SQLite file and real PostgreSQL) and served apps.

In CI (``CI`` set) an unreachable PostgreSQL fails the run instead of skipping tests.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.pg import fresh_database, postgres_available
from tests.support.servers import RunningServer, serve_reference_app


def _require_postgres() -> None:
    reason = postgres_available()
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL tests must run in CI: {reason}")
    pytest.skip(reason)


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


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def module_served_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    """One served reference app per test module and backend (tests use distinct names)."""
    tmp_path = tmp_path_factory.mktemp("served")
    if request.param == "sqlite":
        with serve_reference_app(f"sqlite:///{tmp_path / 'minitwit.db'}", tmp_path) as server:
            yield server
        return
    _require_postgres()
    with fresh_database() as url, serve_reference_app(url, tmp_path) as server:
        yield server
