"""Helpers of the replay tests: scenario files, the CLI as a real subprocess, waits."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.scenario.model import Action, Command


def simple_actions(users: int, actions: int, delay_ms: int = 10) -> list[Action]:
    """Registers for ``users`` users, then tweets, follows and unfollows among them."""
    names = [f"User {i} Ünï" for i in range(users)]
    out: list[Action] = []
    for i in range(actions):
        if i < users:
            out.append(Action(i, delay_ms, i, Command.REGISTER, names[i], email=f"{i}@x", pwd="p#"))
            continue
        user, other = names[i % users], names[(i * 7 + 3) % users]
        kind = i % 3
        if kind == 0:
            out.append(Action(i, delay_ms, i, Command.TWEET, user, content=f"tweet “{i}” —"))
        else:
            cmd = Command.FOLLOW if kind == 1 else Command.UNFOLLOW
            out.append(Action(i, delay_ms, i, cmd, user, target=other))
    return out


def write_scenario(path: Path, actions: Sequence[Action]) -> Path:
    """Write ``actions`` in the course format."""
    path.write_text("".join(a.to_line() + "\n" for a in actions), encoding="utf-8")
    return path


@dataclass
class CliRun:
    """A finished CLI invocation."""

    code: int
    stdout: str
    stderr: str
    results: Path

    def outcomes(self) -> list[dict[str, Any]]:
        """The outcome records of the results file."""
        lines = self.results.read_text(encoding="utf-8").splitlines()
        records = [json.loads(line) for line in lines if line.strip()]
        return [r for r in records if r["type"] == "outcome"]


def replay_command(target: str, scenario: Path, out_dir: Path, *extra: str) -> list[str]:
    """The argv of ``minitwit-harness replay`` writing under ``out_dir``."""
    return [
        sys.executable,
        "-m",
        "harness",
        "replay",
        "--target",
        target,
        "--scenario",
        str(scenario),
        "--output-dir",
        str(out_dir),
        *extra,
    ]


def run_replay_cli(
    target: str, scenario: Path, out_dir: Path, *extra: str, timeout: float = 120
) -> CliRun:
    """Run the replay CLI to its end."""
    proc = subprocess.run(
        replay_command(target, scenario, out_dir, *extra),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return CliRun(proc.returncode, proc.stdout, proc.stderr, out_dir / "replay" / "results.jsonl")


def outcome_ids(results: Path) -> list[int]:
    """Action ids of the outcomes in a results file so far (a torn last line is skipped)."""
    if not results.exists():
        return []
    ids = []
    for line in results.read_text(encoding="utf-8").split("\n"):
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if record.get("type") == "outcome":
            ids.append(record["action_id"])
    return ids


def processes_mentioning(text: str) -> list[int]:
    """Pids of live processes whose command line contains ``text``."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            state = (entry / "stat").read_text().split(")")[-1].split()[0]
        except OSError:
            continue
        if text in cmdline and state != "Z":
            pids.append(int(entry.name))
    return pids


def assert_causal(actions: Sequence[Action], outcomes: Sequence[dict[str, Any]]) -> None:
    """The recorded times show the causal order: per user, register deps, final last."""
    by_id = {o["action_id"]: o for o in outcomes}
    last_of_user: dict[str, int] = {}
    register_of: dict[str, int] = {}
    for action in actions:
        mine = by_id[action.id]
        previous = last_of_user.get(action.user)
        if previous is not None:
            assert mine["started"] >= by_id[previous]["finished"], (previous, action.id)
        last_of_user[action.user] = action.id
        if action.command is Command.REGISTER:
            register_of.setdefault(action.user, action.id)
        elif action.target in register_of and action.target != action.user:
            dep = by_id[register_of[action.target]]
            assert mine["started"] >= dep["finished"], (dep["action_id"], action.id)
    final = by_id[actions[-1].id]
    assert all(final["started"] >= o["finished"] for o in outcomes if o is not final)


#: Correctness tests use a longer timeout than the simulator's 0.3 s wherever an answer must
#: come back: CI shares 2 cores between client, server and other suites, and an argon2
#: register (or an in-process test target) can exceed 0.3 s there. The 0.3 s runs are
#: measured in ``bench/``; a target that never answers is safe at 0.3 s.
LOADED_MACHINE_TIMEOUT = 3.0
LOADED_MACHINE = ("--timeout", "3")
