"""In-process: the app factory's configuration and its error handling (fast layer)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reference_app import create_app
from reference_app.db import get_database


def test_test_config_sets_the_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'given.db'}"
    app = create_app({"DATABASE_URL": url})
    with app.app_context():
        assert get_database().url == url
    assert (tmp_path / "given.db").exists()  # migrated at start


def test_environment_is_read_when_there_is_no_test_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'env.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("AUTO_MIGRATE", "0")
    app = create_app()
    with app.app_context():
        assert get_database().url == url
    assert not (tmp_path / "env.db").exists()  # AUTO_MIGRATE=0: nothing touched yet


def test_unsupported_database_url_fails_at_creation() -> None:
    with pytest.raises(ValueError, match="unsupported database URL"):
        create_app({"DATABASE_URL": "mysql://db/x"})


def test_unexpected_error_is_a_json_500(tmp_path: Path) -> None:
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'e.db'}"})

    def broken() -> str:
        raise RuntimeError("boom")

    app.add_url_rule("/broken", "broken", broken)
    response = app.test_client().get("/broken")
    assert response.status_code == 500
    body = response.get_json()
    assert set(body) == {"status", "error_msg"}
    assert body["status"] == 500 and body["error_msg"]
    assert "boom" not in response.get_data(as_text=True)  # no internals leak out


def test_metrics_without_multiprocess_dir_use_a_registry_of_their_own(tmp_path: Path) -> None:
    first = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'a.db'}"}).test_client()
    second = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'b.db'}"}).test_client()
    first.get("/latest")
    first.get("/latest")
    text = second.get("/metrics").get_data(as_text=True)
    assert 'endpoint="/latest"' not in text
    assert 'endpoint="/latest",method="GET",status="200"} 2.0' in first.get("/metrics").get_data(
        as_text=True
    )
