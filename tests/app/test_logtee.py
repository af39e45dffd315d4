"""In-process: the log writer copies every line to stdout and caps the file (fast layer)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from reference_app.logtee import tee


def test_lines_reach_stdout_and_the_capped_rotated_file(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    lines = [f"line {i:04d} ünïcode {'x' * 80}\n".encode() for i in range(200)]
    log_file = tmp_path / "app.log"
    tee(io.BytesIO(b"".join(lines)), str(log_file), 2048, 3)
    assert capsysbinary.readouterr().out == b"".join(lines)
    files = sorted(tmp_path.glob("app.log*"))
    assert [f.name for f in files] == ["app.log", "app.log.1", "app.log.2", "app.log.3"]
    assert all(f.stat().st_size <= 2048 for f in files)
    assert log_file.read_text(encoding="utf-8").splitlines()[-1] == lines[-1].decode().rstrip()


def test_undecodable_bytes_do_not_stop_the_writer(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    tee(io.BytesIO(b"bad \xff byte\nnext\n"), str(tmp_path / "a.log"), 4096, 1)
    assert capsysbinary.readouterr().out == b"bad \xff byte\nnext\n"
    assert (tmp_path / "a.log").read_text(encoding="utf-8") == "bad \ufffd byte\nnext\n"
