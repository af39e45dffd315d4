"""The contract loads from the installed package, independent of the working directory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import schemas


def test_unknown_schema_name_is_a_key_error_naming_the_known_ones() -> None:
    with pytest.raises(KeyError, match="register_request"):
        schemas.body_schema("user")


def test_results_are_copies_so_callers_cannot_change_the_contract() -> None:
    first = schemas.openapi()
    first["paths"].clear()
    schemas.body_schema("message")["properties"].clear()
    assert "/latest" in schemas.openapi()["paths"]
    assert "content" in schemas.body_schema("message")["properties"]


def test_validator_is_cached() -> None:
    assert schemas.validator("messages") is schemas.validator("messages")


def test_loads_from_any_working_directory(tmp_path: Path) -> None:
    code = (
        "import schemas; d = schemas.openapi(); "
        "assert schemas.validator('messages').is_valid([]); print(d['openapi'])"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(schemas.__file__).parents[1])}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("3.1")
