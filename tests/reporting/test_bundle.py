"""Results bundles round-trip through disk; bad bundles are one clear InputError."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.errors import InputError
from harness.reporting.bundle import read_bundle, unique_labels
from tests.reporting.factory import finding, make_bundle


def test_bundle_round_trips_summary_findings_and_outcomes(tmp_path: Path) -> None:
    path = make_bundle(
        tmp_path / "b", "team-a", actions=30, failing_ids=[12], findings=[finding("x.y")]
    )

    bundle = read_bundle(path)

    doc = json.loads((path / "summary.json").read_text())
    assert (doc["format"], doc["version"]) == ("minitwit-harness.summary", 1)  # README
    assert bundle.label == "team-a"
    assert [s.name for s in bundle.summary.stages] == ["replay", "contract"]
    assert len(bundle.outcomes["replay"]) == 30
    assert [o.action_id for o in bundle.outcomes["replay"] if o.verdict == "error"] == [12]
    assert [f.check for f in bundle.findings] == ["x.y"]


def test_a_bare_results_file_is_a_one_stage_target(tmp_path: Path) -> None:
    path = make_bundle(tmp_path / "b", "team-a", actions=20, failing_ids=[3])

    bundle = read_bundle(path / "replay.jsonl")

    assert bundle.label == "replay"
    assert bundle.summary.stages[0].status == "failed"
    assert len(bundle.outcomes["replay"]) == 20


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda p: (p / "summary.json").unlink(), "no summary.json here"),
        (lambda p: (p / "summary.json").write_text("{"), "invalid JSON"),
        (
            lambda p: (p / "summary.json").write_text('{"format": "x"}'),
            "not a minitwit-harness summary",
        ),
        (
            lambda p: (p / "summary.json").write_text(
                json.dumps({"format": "minitwit-harness.summary", "version": 99})
            ),
            "unsupported summary version 99",
        ),
        (lambda p: (p / "findings.json").write_text("[]"), "not a minitwit-harness.findings file"),
        (lambda p: (p / "replay.jsonl").write_text("garbage\nmore\n"), "not a JSON record"),
    ],
)
def test_a_broken_bundle_is_one_input_error_naming_the_file(
    tmp_path: Path, mutate: object, message: str
) -> None:
    path = make_bundle(tmp_path / "b", "team-a", actions=5)
    mutate(path)  # type: ignore[operator]

    with pytest.raises(InputError, match=message) as err:
        read_bundle(path)

    assert str(tmp_path) in str(err.value)


def test_missing_bundle_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="results bundle not found"):
        read_bundle(tmp_path / "nope")


def test_labels_are_made_unique(tmp_path: Path) -> None:
    a = read_bundle(make_bundle(tmp_path / "a", "same", actions=2))
    b = read_bundle(make_bundle(tmp_path / "b", "same", actions=2))

    assert [x.label for x in unique_labels([a, b])] == ["same", "same (2)"]
