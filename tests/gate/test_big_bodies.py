"""A target answering 5 MB bodies: ``check``'s memory and its bundle stay small.

Evidence keeps the start of a body and notes its size; nothing copies a whole body into the
findings (a real target made a 147 MB ``findings.json`` and a 2.4 GB ``check``). Memory is
the resident set of the harness and every process it starts (Locust, Schemathesis),
sampled while the gate runs: the whole tree stays under 300 MB at every sample (Schemathesis
kept every failure with the 5 MB body it judged, ~290 MB on its own, until the property
phase's hooks dropped those copies once judged).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

from tests.gate.gate_cli import SMALL
from tests.support.net import free_port, wait_http

MB = 1024 * 1024


def _descendants(pid: int) -> list[int]:
    """``pid`` and every process below it, from /proc (children of children included)."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # it ended while we listed
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += parents.get(current, [])
    return found


def _tree_rss(pid: int) -> tuple[int, int]:
    """Resident bytes of the process tree right now: (ours, Schemathesis')."""
    ours = theirs = 0
    for member in _descendants(pid):
        try:
            status = Path(f"/proc/{member}/status").read_text()
            cmdline = Path(f"/proc/{member}/cmdline").read_bytes()
        except OSError:
            continue  # it ended between listing and reading
        kb = next(
            (int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0
        )
        if b"schemathesis.cli" in cmdline:
            theirs += kb * 1024
        else:
            ours += kb * 1024
    return ours, theirs


def test_five_megabyte_bodies_stay_small(tmp_path: Path) -> None:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.support.big_bodies", "--port", str(port)]
    )
    bundle = tmp_path / "bundle"
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINITWIT_")}
    env.update(SMALL)
    try:
        wait_http(f"http://127.0.0.1:{port}/latest", timeout=20)
        gate = subprocess.Popen(
            [
                *(sys.executable, "-m", "harness", "check"),
                *("--target", f"http://127.0.0.1:{port}", "--bundle", str(bundle)),
                "--no-progress",
            ],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        peak = peak_ours = peak_schemathesis = 0
        done = threading.Event()

        def sample() -> None:
            nonlocal peak, peak_ours, peak_schemathesis
            while not done.wait(0.05):
                ours, theirs = _tree_rss(gate.pid)
                peak = max(peak, ours + theirs)
                peak_ours, peak_schemathesis = max(peak_ours, ours), max(peak_schemathesis, theirs)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        out, _ = gate.communicate(timeout=600)
        done.set()
        sampler.join()
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert gate.returncode == 1, out  # every answer is wrong: the target fails
    size = sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file())
    print(
        f"peak RSS: {peak / MB:.0f} MB in all (harness and Locust {peak_ours / MB:.0f} MB, "
        f"Schemathesis {peak_schemathesis / MB:.0f} MB); bundle: {size / MB:.2f} MB"
    )
    assert peak < 300 * MB
    assert size < 5 * MB
    findings = json.loads((bundle / "findings.json").read_text())["findings"]
    bodies = [e for f in findings for e in f["evidence"] if e["response_body_size"]]
    assert bodies, "no evidence shows a 5 MB body"
    for exchange in bodies:
        assert len(exchange["response_body"]) == 2000
        assert exchange["response_body_size"] > 5 * MB
