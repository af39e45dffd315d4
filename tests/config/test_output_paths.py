"""An output path the tool cannot write is one line naming the setting, exit 2, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

TARGET = "http://127.0.0.1:9"  # never reached: output paths are checked before any request


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    """A directory nobody may write into (chmod 555)."""
    path = tmp_path / "read-only"
    path.mkdir()
    path.chmod(0o555)
    yield path
    path.chmod(0o755)


def _harness(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # root writes anywhere; without CAP_DAC_OVERRIDE a 555 directory is read-only for it too.
    drop = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
    prefix = drop if os.geteuid() == 0 else []
    return subprocess.run(
        [*prefix, sys.executable, "-m", "harness", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
    )


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("replay", "--target", TARGET, "--scenario", "s.tsv", "--results", "{ro}/r.jsonl"),
         "--results: cannot write {ro}/r.jsonl: Permission denied"),
        (("replay", "--target", TARGET, "--scenario", "s.tsv", "--results", "{dir}"),
         "--results: {dir} is a directory, expected a file"),
        (("replay", "--target", TARGET, "--scenario", "s.tsv", "--output-dir", "{ro}/out"),
         "--output-dir: cannot write in {ro}/out/replay: Permission denied"),
        (("check", "--bundle", "{ro}/bundle"),
         "--bundle: cannot write in {ro}/bundle: Permission denied"),
        (("check", "--bundle", "{file}"), "--bundle: {file} exists and is not a directory"),
        (("report", "-o", "{ro}/report", "bundle"),
         "--output: cannot write in {ro}/report: Permission denied"),
        (("report", "-o", "{file}", "bundle"), "--output: {file} exists and is not a directory"),
        (("contract", "--target", TARGET, "--json", "{dir}"),
         "--json: {dir} is a directory, expected a file"),
        (("scenario", "generate", "-o", "{ro}/s.tsv"),
         "--output: cannot write {ro}/s.tsv: Permission denied"),
        (("scenario", "generate", "-o", "{dir}/missing/s.tsv"),
         "--output: cannot write {dir}/missing/s.tsv: No such file or directory"),
        (("load", "--target", TARGET, "--results", "{file}/r.jsonl"),
         "--results: cannot write {file}/r.jsonl: {file} is not a directory"),
    ],
)  # fmt: skip
def test_unwritable_output_is_one_line_and_exit_2(
    args: tuple[str, ...], says: str, read_only: Path, tmp_path: Path
) -> None:
    names = {"ro": str(read_only), "dir": str(tmp_path / "a-dir"), "file": str(tmp_path / "f")}
    (tmp_path / "a-dir").mkdir()
    (tmp_path / "f").write_text("a file\n")

    proc = _harness(*(a.format(**names) for a in args), cwd=tmp_path)

    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr == f"minitwit-harness: error: {says.format(**names)}\n"
    assert list(read_only.iterdir()) == []
