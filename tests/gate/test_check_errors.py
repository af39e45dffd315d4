"""``check`` on bad input: one clear line, exit 2, never a traceback."""

from __future__ import annotations

from pathlib import Path

from tests.gate.gate_cli import harness
from tests.support.net import free_port


def test_unreachable_target_is_one_line_and_exit_2(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"

    proc = harness("check", "--target", url, "--bundle", str(tmp_path / "b"), cwd=tmp_path)

    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"minitwit-harness: error: target not reachable: GET {url}/latest: ConnectionError"
    ]


def test_unknown_stage_is_a_usage_error(tmp_path: Path) -> None:
    proc = harness("check", "--stages", "replay,fuzz", cwd=tmp_path)

    assert proc.returncode == 2
    assert (
        "--stages: expected one of replay, verify, contract, allowlist, load, drill, got 'fuzz'"
        in proc.stderr
    )
    assert "Traceback" not in proc.stderr


def test_broken_config_file_is_a_usage_error(tmp_path: Path) -> None:
    config = tmp_path / "gate.toml"
    config.write_text("[check]\nstages = [\n")

    proc = harness("check", "--config", str(config), cwd=tmp_path)

    assert proc.returncode == 2
    assert f"{config}: invalid TOML" in proc.stderr
