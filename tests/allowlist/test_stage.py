"""``run_allowlist`` as the gate calls it: events in order, result data, JSON form."""

from __future__ import annotations

from pathlib import Path

from harness.config import build_config
from harness.events import CheckFinished, Event, FindingReported, RunFinished, RunStarted
from harness.probes.allowlist import run_allowlist
from tests.allowlist.probing import serve_with


def test_events_and_result_of_a_failing_stage(tmp_path: Path) -> None:
    events: list[Event] = []
    with serve_with(tmp_path, accepted="*") as app:
        config = build_config(
            {
                "target": app.url,
                "allowlist.allowed_sources": ["127.0.0.5"],
                "allowlist.denied_sources": ["127.0.0.9"],
                "allowlist.paths": ["/latest"],
                "allowlist.judge_latest": True,  # /latest is information by default
            },
            env={},
        )
        assert config.allowlist.enabled
        result = run_allowlist(config, events.append)
    started, *middle, finished = events
    assert started == RunStarted(kind="allowlist", target=app.url, total=len(result.matrix))
    reported = [e.finding for e in middle if isinstance(e, FindingReported)]
    assert reported == result.findings
    assert [f.check for f in reported] == ["allowlist.open"]
    checks = {e.name: e.passed for e in middle if isinstance(e, CheckFinished)}
    # The README's allowlist findings (server-error and denial-message are per-probe
    # findings, not checks of their own).
    documented = (
        "allowlist.allowed-source-locked-out",
        "allowlist.denied-source-let-in",
        "allowlist.open",
        "allowlist.spoofed-header-accepted",
    )
    assert checks == {name: name != "allowlist.open" for name in documented}
    assert isinstance(finished, RunFinished) and finished.ok is False
    # 1 allowed + 1 denied plain probe, 1 foreign-header probe, the rest spoofs made moot.
    assert finished.summary == "14 probes: 2 passed, 1 failed, 11 not judged"
    data = result.to_dict()
    assert data["ok"] is False
    assert data["findings"][0]["stage"] == "allowlist"
    assert {row["verdict"] for row in data["matrix"]} == {"pass", "fail", "moot"}


def test_spoof_check_is_skipped_without_denied_sources(tmp_path: Path) -> None:
    events: list[Event] = []
    with serve_with(tmp_path, accepted="127.0.0.5") as app:
        config = build_config(
            {"target": app.url, "allowlist.allowed_sources": ["127.0.0.5"]}, env={}
        )
        result = run_allowlist(config, events.append)
    assert result.ok
    skipped = {e.name: e.skipped_reason for e in events if isinstance(e, CheckFinished)}
    assert skipped["allowlist.spoofed-header-accepted"] is not None
    assert skipped["allowlist.allowed-source-locked-out"] is None


def test_config_without_sources_is_not_enabled() -> None:
    assert not build_config({}, env={}).allowlist.enabled


def test_expectations_from_environment_and_config_file(tmp_path: Path) -> None:
    env = {"MINITWIT_ALLOWLIST_DENIED_SOURCES": "127.0.0.9, ::1"}
    assert build_config({}, env=env).allowlist.denied_sources == ("127.0.0.9", "::1")
    file = tmp_path / "gate.toml"
    file.write_text('[allowlist]\nallowed_sources = ["127.0.0.5"]\npaths = ["/msgs?no=5"]\n')
    settings = build_config({}, env={}, config_file=file).allowlist
    assert settings.enabled
    assert (settings.allowed_sources, settings.paths) == (("127.0.0.5",), ("/msgs?no=5",))
