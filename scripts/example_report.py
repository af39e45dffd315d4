"""Regenerate ``reports/example/``: the reference app compared with a deviant app.

Run with ``make example-report``. Both apps are served on loopback; ``check`` gates each
with small, bounded settings into ``reports/example/bundles/`` (git-ignored), and
``report`` renders the committed side-by-side comparison (HTML, Markdown, JUnit).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the deviant app and the server helpers live in tests/support

from tests.support.deviant_app import serve_deviant_app  # noqa: E402
from tests.support.servers import serve_reference_app  # noqa: E402

#: Relative to ROOT (the commands run there), so no local path ends up in the report.
OUT = Path("reports") / "example"
#: Deviations real implementations ship with: stored HTML-escaped content (verify sees
#: altered tweets), null for empty lists (a contract error), two course-reference quirks.
DEVIATIONS = ("html-escape", "null-empty-list", "self-follow", "follow-duplicate")
#: A short gate: a small scenario, the deterministic contract suite, five seconds of load.
#: Timeouts of 2 s instead of the simulator's 0.3 s: the example shows deviations, and must
#: not depend on how busy the machine that regenerates it is.
SMALL = {
    "MINITWIT_REPLAY_TIMEOUT": "2s",
    "MINITWIT_LOAD_TIMEOUT": "2s",
    "MINITWIT_SCENARIO_USERS": "20",
    "MINITWIT_SCENARIO_ACTIONS": "200",
    "MINITWIT_CONTRACT_PROPERTY_PHASE": "false",
    "MINITWIT_LOAD_RUN_TIME": "5s",
    "MINITWIT_CHECK_PROGRESS": "false",
}


def _harness(*args: str) -> int:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINITWIT_")} | SMALL
    cmd = [sys.executable, "-m", "harness", *args]
    return subprocess.run(cmd, cwd=ROOT, env=env, check=False).returncode


def main() -> int:
    """Gate both apps, then render the comparison; 0 when the report was written."""
    bundles = OUT / "bundles"
    shutil.rmtree(ROOT / OUT, ignore_errors=True)
    with tempfile.TemporaryDirectory() as scratch:
        tmp = Path(scratch)
        with serve_reference_app(f"sqlite:///{tmp / 'reference.db'}", tmp) as app:
            _harness("check", "--target", app.url, "--label", "reference",
                     "--bundle", str(bundles / "reference"))  # fmt: skip
        with serve_deviant_app(DEVIATIONS, tmp) as app:
            _harness("check", "--target", app.url, "--label", "deviant",
                     "--bundle", str(bundles / "deviant"))  # fmt: skip
    return _harness("report", str(bundles / "reference"), str(bundles / "deviant"), "-o", str(OUT))


if __name__ == "__main__":
    sys.exit(main())
