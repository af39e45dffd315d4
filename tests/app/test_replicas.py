"""Two replicas (two ``serve`` processes) on one database, started at the same moment."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import pytest

from reference_app import migrate
from reference_app.admin import database_version
from tests.app.client import Api, unique_name
from tests.support.servers import serve_reference_app


def _folder(tmp_path: Path, index: int) -> Path:
    folder = tmp_path / f"replica{index}"
    folder.mkdir()
    return folder


@pytest.mark.slow
def test_replicas_upgrade_one_fresh_database_and_share_its_state(
    database_url: str, tmp_path: Path
) -> None:
    servers = [serve_reference_app(database_url, _folder(tmp_path, i), workers=1) for i in range(2)]
    with ExitStack() as stack:
        with ThreadPoolExecutor(2) as pool:  # both apply the migrations at the same moment
            futures = [pool.submit(server.__enter__) for server in servers]
        for server, future in zip(servers, futures, strict=True):
            if future.exception() is None:
                stack.push(server.__exit__)  # stopped at the end, even if the other failed
        first, second = (Api(future.result().url) for future in futures)
        assert database_version(database_url) == migrate.latest_version()
        name = unique_name()
        assert first.register(name, latest=77).status_code == 204
        assert second.latest() == 77
        assert second.register(name).status_code == 400  # the name is taken for both
        assert second.tweet(name, "via the second").status_code == 204
        assert [m["content"] for m in first.messages(name).json()] == ["via the second"]
