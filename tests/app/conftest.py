"""Fixtures of the app's tests: one served app per backend for the whole session.

Starting gunicorn (and creating a PostgreSQL database) dominates the cost of these tests,
so the tests that do not need a fresh database share one server per backend and stay
apart by using unique usernames. Tests run one at a time, so a test that sets ``latest``
reads back its own value.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.app.client import Api
from tests.support.pg import fresh_database, require_postgres
from tests.support.servers import RunningServer, serve_reference_app


@pytest.fixture(
    scope="session", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def shared_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The database behind ``shared_app`` (tests may seed large data sets directly)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('shared-db') / 'minitwit.db'}"
        return
    require_postgres()
    with fresh_database() as url:
        yield url


@pytest.fixture(scope="session")
def shared_app(
    shared_database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    """The reference app served on each backend, shared by the app's tests.

    With its access log on: tests tell from it which worker process answered.
    """
    tmp = tmp_path_factory.mktemp("shared-app")
    with serve_reference_app(shared_database_url, tmp, extra_args=("--access-log",)) as server:
        yield server


@pytest.fixture
def api(shared_app: RunningServer) -> Api:
    """A client of the shared app on the current backend."""
    return Api(shared_app.url)
