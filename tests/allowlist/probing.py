"""Helpers for the allowlist integration tests: served apps and probe runs."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from harness.config import build_config
from harness.probes.allowlist import AllowlistResult, run_allowlist
from harness.probes.judge import ProbeVerdict
from tests.support.servers import RunningServer, serve_reference_app


@contextmanager
def serve_with(
    tmp_path: Path, accepted: str, trusted: str = "", host: str = "127.0.0.1"
) -> Iterator[RunningServer]:
    """The reference app under ``minitwit-harness serve`` with these allowlist settings."""
    env = {"ACCEPTED_IPS": accepted, "TRUSTED_PROXIES": trusted}
    database = f"sqlite:///{tmp_path / 'allowlist.db'}"
    with serve_reference_app(database, tmp_path, workers=1, host=host, env=env) as server:
        yield server


def port_of(server: RunningServer) -> int:
    """The port a served app listens on."""
    return int(server.url.rsplit(":", 1)[1])


def probe(
    target: str,
    allowed: Sequence[str] = (),
    denied: Sequence[str] = (),
    spoof_as: Sequence[str] = (),
) -> AllowlistResult:
    """Run the allowlist stage as the gate would, with an explicit config (no environment)."""
    cli = {
        "target": target,
        "allowlist.allowed_sources": list(allowed),
        "allowlist.denied_sources": list(denied),
        "allowlist.spoof_as": list(spoof_as),
    }
    return run_allowlist(build_config(cli, env={}))


def checks(result: AllowlistResult) -> set[str]:
    """The check names of the findings."""
    return {f.check for f in result.findings}


def assert_whole_matrix_passes(result: AllowlistResult) -> None:
    """Every row passed and nothing was reported."""
    failed = [r for r in result.matrix if r.verdict is not ProbeVerdict.PASS]
    assert not failed, failed
    assert result.findings == []
    assert result.ok
