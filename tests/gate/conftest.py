"""A results bundle of the reference app, made once per session by a real gate run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.gate.gate_cli import harness
from tests.support.servers import serve_reference_app

#: Few concurrent requests, so latencies measure the server rather than queueing in it.
STEADY = {"MINITWIT_REPLAY_CONCURRENCY": "2"}
#: For side-by-side reports: the contract's deterministic suite is enough (and quicker).
COMPARE = {**STEADY, "MINITWIT_CONTRACT_PROPERTY_PHASE": "false"}


@pytest.fixture(scope="session")
def reference_bundle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """``check --stages replay,contract`` against the reference app (SQLite): its bundle."""
    tmp = tmp_path_factory.mktemp("reference")
    bundle = tmp / "bundle"
    with serve_reference_app(f"sqlite:///{tmp / 'ref.db'}", tmp) as app:
        proc = harness(
            "check",
            "--target",
            app.url,
            "--stages",
            "replay,contract",
            "--label",
            "reference",
            "--bundle",
            str(bundle),
            env=COMPARE,
            cwd=tmp,
        )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    yield bundle
