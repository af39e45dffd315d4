"""Bad input ends ``simulate`` with one line naming the problem and exit 2, before traffic."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.cli.main import main
from harness.scenario.generate import generate_actions, write_scenario
from tests.support.faulty_target import faulty_target
from tests.support.net import free_port

GOOD_TEAMS = '[[target]]\nname = "a"\nurl = "http://127.0.0.1:9"\n'


def _simulate(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["simulate", *args])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.err


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    path = tmp_path / "s.tsv"
    write_scenario(path, generate_actions(3, 10, 0))
    return path


def _args(tmp_path: Path, teams: str, scenario: Path, *more: str) -> list[str]:
    teams_file = tmp_path / "teams.toml"
    teams_file.write_text(teams, encoding="utf-8")
    return [
        "--targets",
        str(teams_file),
        "--scenario",
        str(scenario),
        "--database-url",
        f"sqlite:///{tmp_path / 'sim.db'}",
        "--log-dir",
        str(tmp_path / "logs"),
        *more,
    ]


@pytest.mark.parametrize(
    ("teams", "says"),
    [
        ("[[target]\nname = 1", "teams.toml: invalid TOML"),
        ("title = 'x'\n", "teams.toml: unknown key 'title'"),
        ("", "teams.toml: no [[target]] table"),
        ('[[target]]\nname = "a"\n', "teams.toml: target 1 ('a'): url: expected an http(s) URL"),
        (
            '[[target]]\nname = "a"\nurl = "ftp://x"\n',
            "teams.toml: target 1 ('a'): url: expected an http(s) URL, got 'ftp://x'",
        ),
        ('[[target]]\nurl = "http://x"\n', "teams.toml: target 1: name: expected letters"),
        (
            '[[target]]\nname = "a/b"\nurl = "http://x"\n',
            "teams.toml: target 1 ('a/b'): name: expected letters",
        ),
        (
            GOOD_TEAMS + '[[target]]\nname = "a"\nurl = "http://y"\n',
            "teams.toml: target 2: name 'a' is used twice",
        ),
        (
            GOOD_TEAMS + 'source_address = "here"\n',
            "teams.toml: target 1 ('a'): source_address: expected an IP address, got 'here'",
        ),
        (
            GOOD_TEAMS + 'start_offset = "soon"\n',
            "teams.toml: target 1 ('a'): start_offset: expected a duration",
        ),
        (GOOD_TEAMS + "colour = 1\n", "teams.toml: target 1 ('a'): unknown field 'colour'"),
    ],
)
def test_broken_teams_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, scenario: Path, teams: str, says: str
) -> None:
    code, err = _simulate(capsys, *_args(tmp_path, teams, scenario))
    assert code == 2
    assert says in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "sim.db").exists()  # nothing started


def test_missing_teams_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, err = _simulate(capsys, "--targets", str(tmp_path / "nope.toml"))
    assert code == 2
    assert err.strip().endswith("nope.toml: teams file not found")


def test_no_targets_flag(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _simulate(capsys)
    assert (code, err.strip()) == (
        2,
        "minitwit-harness: error: simulate needs --targets FILE (the teams file)",
    )


def test_unreachable_database(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, scenario: Path
) -> None:
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/nothing?connect_timeout=2"
    args = _args(tmp_path, GOOD_TEAMS, scenario)
    args[args.index("--database-url") + 1] = url
    code, err = _simulate(capsys, *args)
    assert code == 2
    assert err.startswith(f"minitwit-harness: error: simulation database {url}: ")
    assert len(err.strip().splitlines()) == 1


def test_database_folder_missing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, scenario: Path
) -> None:
    args = _args(tmp_path, GOOD_TEAMS, scenario)
    args[args.index("--database-url") + 1] = f"sqlite:///{tmp_path / 'no' / 'sim.db'}"
    code, err = _simulate(capsys, *args)
    assert code == 2
    assert "does not exist" in err and len(err.strip().splitlines()) == 1


def test_unwritable_log_dir(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, scenario: Path
) -> None:
    blocker = tmp_path / "logs"
    blocker.write_text("a file where the log folder should be")
    code, err = _simulate(capsys, *_args(tmp_path, GOOD_TEAMS, scenario))
    assert code == 2
    assert err.strip() == (
        f"minitwit-harness: error: --log-dir: {blocker} exists and is not a directory"
    )


@pytest.mark.parametrize(
    ("flags", "says"),
    [
        (("--speed", "fast"), "--speed: expected 'max' or a number, got 'fast'"),
        (("--speed", "0"), "--speed: the factor must be greater than 0"),
        (("--run-time", "soon"), "--run-time: expected a duration"),
        (("--latest-interval", "0"), "--latest-interval: must be greater than 0"),
        (("--dashboard", "8080"), "--dashboard: expected HOST:PORT (e.g. 127.0.0.1:8080), got"),
        (("--workers", "-1"), "--workers: must be at least 0"),
    ],
)
def test_bad_flags(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    scenario: Path,
    flags: tuple[str, ...],
    says: str,
) -> None:
    code, err = _simulate(capsys, *_args(tmp_path, GOOD_TEAMS, scenario, *flags))
    assert code == 2
    assert says in err
    assert len(err.strip().splitlines()) == 1


def test_first_start_needs_a_scenario(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    teams = tmp_path / "teams.toml"
    teams.write_text(GOOD_TEAMS)
    db = f"sqlite:///{tmp_path / 'sim.db'}"
    code, err = _simulate(capsys, "--targets", str(teams), "--database-url", db)
    assert (code, err.strip()) == (
        2,
        "minitwit-harness: error: simulate needs --scenario FILE (at the first start of a "
        "database)",
    )


def test_restart_with_another_scenario_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, scenario: Path
) -> None:
    args = _args(tmp_path, GOOD_TEAMS, scenario, "--run-time", "0.1")
    code, _ = _simulate(capsys, *args)
    assert code in (0, 1)  # a short run against a closed port: the run itself is fine
    other = tmp_path / "other.tsv"
    write_scenario(other, generate_actions(3, 10, 1))
    args[args.index("--scenario") + 1] = str(other)
    code, err = _simulate(capsys, *args)
    assert code == 2
    assert "started with scenario" in err and "use another --database-url" in err
    assert len(err.strip().splitlines()) == 1


def test_a_lane_that_fails_stops_the_run_with_one_line(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    scenario: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from harness.execution.simulate.lane import Lane

    def broken(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(Lane, "_send", broken)
    with faulty_target() as target:
        teams = f'[[target]]\nname = "a"\nurl = "{target.url}"\n'
        code, err = _simulate(capsys, *_args(tmp_path, teams, scenario, "--run-time", "30"))
    assert code == 2
    assert err.strip() == (
        "minitwit-harness: error: simulate: the lane of a failed: RuntimeError('boom') "
        "(a bug of the harness; start it again to resume)"
    )
