"""Shared fixtures: database backends (SQLite file and real PostgreSQL) and served apps.

In CI (``CI`` set) an unreachable PostgreSQL fails the run instead of skipping tests.
Every test starts without the harness's ``MINITWIT_*`` settings of the calling shell.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.pg import fresh_database, require_postgres
from tests.support.servers import RunningServer, serve_reference_app

_require_postgres = require_postgres


@pytest.fixture(autouse=True)
def _no_ambient_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Clear ``MINITWIT_*`` settings (not ``MINITWIT_TEST_*``, the suite's own) for each test.

    A developer's exported ``MINITWIT_TARGET`` or ``MINITWIT_CONFIG`` would otherwise change
    what every CLI test checks, in-process and in the subprocesses it starts.
    """
    for name in list(os.environ):
        if name.startswith("MINITWIT_") and not name.startswith("MINITWIT_TEST_"):
            monkeypatch.delenv(name)


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
