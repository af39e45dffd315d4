"""The catalogue of the simulator API: what each operation is, no silent fall-through, and a
new command that fails type-checking in every consumer until each handles it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from harness.checks.strict import body_problem, expected_statuses
from harness.checks.verdicts import simulator_verdict
from harness.planning.requests import request_for
from harness.scenario.api import Read, operation_named, spec
from harness.scenario.model import Action, Command

ROOT = Path(__file__).resolve().parents[2]


def test_the_simulator_accepts_what_the_spec_says() -> None:
    # spec section 2: register 204 or 400; tweet, follow, unfollow 204 only; no reads.
    assert spec(Command.REGISTER).simulator_accepted == frozenset({204, 400})
    for command in (Command.TWEET, Command.FOLLOW, Command.UNFOLLOW):
        assert spec(command).simulator_accepted == frozenset({204})
    assert all(spec(read).simulator_accepted is None for read in Read)
    assert [spec(c).columns for c in Command] == [7, 6, 6, 6]


def test_an_unknown_operation_is_never_judged_ok() -> None:
    with pytest.raises(ValueError, match="not an operation of the simulator API: 'retweet'"):
        simulator_verdict("retweet", 204, None)
    with pytest.raises(ValueError, match="retweet"):
        body_problem("retweet", 200, b"{}")
    assert operation_named("msgs_user") is Read.MSGS_USER


def test_unfollow_is_sent_as_an_unfollow_and_judged_with_404_for_strangers() -> None:
    unfollow = Action(1, 0, 0, Command.UNFOLLOW, "Ann", target="Bob")
    planned = request_for(unfollow)

    assert (planned.method, planned.path) == ("POST", "/fllws/Ann?latest=1")
    assert planned.body == {"unfollow": "Bob"}
    assert planned.name == "POST /fllws/<user> (unfollow)"
    assert expected_statuses([unfollow]) == {1: 404}


@pytest.mark.slow
def test_a_new_command_fails_mypy_in_every_consumer(tmp_path: Path) -> None:
    """The check ARCHITECTURE.md documents: add a command, and mypy names every consumer."""
    copy = tmp_path / "harness"
    shutil.copytree(ROOT / "harness", copy, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(
        ROOT / "schemas", tmp_path / "schemas", ignore=shutil.ignore_patterns("__pycache__")
    )
    model = copy / "scenario" / "model.py"
    text = model.read_text()
    assert '    UNFOLLOW = "unfollow"\n' in text
    model.write_text(
        text.replace(
            '    UNFOLLOW = "unfollow"\n', '    UNFOLLOW = "unfollow"\n    RETWEET = "retweet"\n'
        )
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")

    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / ".mypy_cache"), "harness"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )

    failing = {line.split(":", 1)[0] for line in proc.stdout.splitlines() if "assert_never" in line}
    assert proc.returncode == 1, proc.stdout
    assert failing >= {
        "harness/scenario/api.py",
        "harness/scenario/parse.py",
        "harness/planning/requests.py",
        "harness/planning/expected.py",
        "harness/checks/strict.py",
    }, proc.stdout
