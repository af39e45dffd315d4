"""Bad input ends ``load`` with one line naming the problem and exit 2, before any load."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.cli.main import main
from tests.support.net import free_port


def _load(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["load", *args])
    err = capsys.readouterr().err
    return code, err


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--threshold", "p95(tweet)<fast"), "bad threshold 'p95(tweet)<fast'"),
        (("--threshold", "p95(nosuch)<1ms"), "unknown endpoint 'nosuch'"),
        (("--read-ratio", "1.5"), "--read-ratio: must be at most 1, got 1.5"),
        (("--users", "0"), "--users: must be at least 1, got 0"),
        (("--rate", "abc"), "--rate: expected a number, got 'abc'"),
        (("--profile", "lenient"), "invalid choice: 'lenient'"),
    ],
)
def test_bad_flags(capsys: pytest.CaptureFixture[str], args: tuple[str, ...], says: str) -> None:
    code, err = _load(capsys, "--target", "http://127.0.0.1:9", *args)
    assert code == 2
    assert says in err
    assert len(err.strip().splitlines()) == 1


def test_missing_target(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _load(capsys)
    assert (code, err.strip()) == (2, "minitwit-harness: error: --target is required")


def test_unreachable_target(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    code, err = _load(capsys, "--target", url, "--output-dir", str(tmp_path))
    assert code == 2
    assert f"target {url} is unreachable: ConnectionError on GET /latest" in err
    assert len(err.strip().splitlines()) == 1


def test_missing_scenario_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "nope.tsv"
    code, err = _load(
        capsys,
        "--target",
        "http://127.0.0.1:9",
        "--scenario",
        str(missing),
        "--output-dir",
        str(tmp_path),
    )
    assert code == 2
    assert str(missing) in err
    assert len(err.strip().splitlines()) == 1


def test_broken_scenario_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    broken = tmp_path / "broken.tsv"
    broken.write_text("0\t0\t0\tregister\tAnn\ta@x\tp\n1\t0\t0\tdance\tAnn\tx\n", encoding="utf-8")
    code, err = _load(
        capsys,
        "--target",
        "http://127.0.0.1:9",
        "--scenario",
        str(broken),
        "--output-dir",
        str(tmp_path),
    )
    assert code == 2
    assert f"{broken}:2" in err
    assert len(err.strip().splitlines()) == 1
