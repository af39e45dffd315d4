"""The naive baseline really has the course design the benchmark claims for it."""

from __future__ import annotations

import base64
import sqlite3
from pathlib import Path

from flask.testing import FlaskClient

from bench.baseline_app import create_app, init_db

AUTH = {"Authorization": "Basic " + base64.b64encode(b"simulator:super_safe!").decode()}


def _client(tmp_path: Path) -> tuple[FlaskClient, Path, Path]:
    db, latest = tmp_path / "baseline.db", tmp_path / "latest.txt"
    init_db(db)
    return create_app(db, latest).test_client(), db, latest


def test_schema_has_no_index_and_no_unique_constraint(tmp_path: Path) -> None:
    _, db, _ = _client(tmp_path)
    with sqlite3.connect(db) as conn:
        indexes = conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'").fetchall()
        ddl = " ".join(
            r[0] for r in conn.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL")
        )
    assert indexes == []
    assert "UNIQUE" not in ddl.upper()


def test_latest_lives_in_a_local_file(tmp_path: Path) -> None:
    client, _, latest = _client(tmp_path)
    body = {"username": "A B", "email": "a@b", "pwd": "p"}
    assert client.post("/register?latest=7", json=body).status_code == 204
    assert latest.read_text() == "7"
    assert client.get("/latest").get_json() == {"latest": 7}


def test_passwords_use_werkzeugs_default_hash(tmp_path: Path) -> None:
    client, db, _ = _client(tmp_path)
    client.post("/register", json={"username": "A B", "email": "a@b", "pwd": "p"})
    with sqlite3.connect(db) as conn:
        (pw_hash,) = conn.execute("SELECT pw_hash FROM user").fetchone()
    assert pw_hash.startswith("scrypt:")


def test_serves_the_simulator_api(tmp_path: Path) -> None:
    client, _, _ = _client(tmp_path)
    for name in ("A B", "C D"):
        client.post("/register", json={"username": name, "email": "x@y", "pwd": "p"})
    assert client.post("/msgs/A%20B", json={"content": "hi"}, headers=AUTH).status_code == 204
    assert client.post("/fllws/A%20B", json={"follow": "C D"}, headers=AUTH).status_code == 204
    messages = client.get("/msgs?no=5", headers=AUTH).get_json()
    assert [(m["content"], m["user"]) for m in messages] == [("hi", "A B")]
    assert client.get("/fllws/A%20B", headers=AUTH).get_json() == {"follows": ["C D"]}
    assert client.get("/msgs").status_code == 403
