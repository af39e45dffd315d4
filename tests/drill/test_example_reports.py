"""The committed drill reports of the README's cut-over: small, self-contained, both sides."""

from __future__ import annotations

from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "reports" / "drill-example"


def test_the_incident_and_the_fix_are_committed() -> None:
    files = {p.name: p for p in EXAMPLE.iterdir() if p.is_file()}
    assert set(files) == {"incident.html", "incident.md", "fix.html", "fix.md"}
    assert sum(p.stat().st_size for p in files.values()) < 300_000
    texts = {name: p.read_text(encoding="utf-8") for name, p in files.items()}
    for name, text in texts.items():
        assert "/work/" not in text and "/home/" not in text and "/tmp/" not in text, name
    assert texts["incident.md"].startswith("## Drill: FAILED")
    assert "acknowledged writes lost, all acknowledged between" in texts["incident.md"]
    assert "sh examples/drill/cutover-naive.sh" in texts["incident.md"]
    assert '<g id="lost-writes">' in texts["incident.html"]
    assert texts["fix.md"].startswith("## Drill: passed")
    assert "**0 acknowledged writes lost.**" in texts["fix.md"]
    assert "sh examples/drill/cutover-frozen.sh" in texts["fix.md"]
    assert (
        '<g id="operation">' in texts["fix.html"]
        and '<g id="lost-writes">' not in texts["fix.html"]
    )
