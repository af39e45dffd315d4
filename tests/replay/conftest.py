"""Fixtures of the replay tests (helpers live in ``replay_support``)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    """Where one test's replay writes."""
    return tmp_path / "out"
