"""The simulation store of a test, on each backend: a SQLite file, or a fresh PostgreSQL
database dropped afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.pg import fresh_database, require_postgres


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'sim.db'}"
        return
    require_postgres()
    with fresh_database("mth_sim") as url:
        yield url
