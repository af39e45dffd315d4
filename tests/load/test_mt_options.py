"""Every ``--mt-*`` option of the locustfile is documented in the README with its default."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"

# Run in a child: importing the plugin imports Locust, which monkey-patches with gevent.
LIST_OPTIONS = """
import locust  # first, as when Locust loads the locustfile: it monkey-patches with gevent
import argparse, json
from harness.execution.load.plugin import add_arguments
parser = argparse.ArgumentParser()
add_arguments(parser)
print(json.dumps({a.option_strings[0]: a.default for a in parser._actions if a.option_strings
                  and a.option_strings[0].startswith("--mt-")}))
"""


def _options() -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, "-c", LIST_OPTIONS], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    options: dict[str, object] = json.loads(proc.stdout)
    return options


def _readme_table() -> dict[str, str]:
    rows = re.findall(r"^\| `(--mt-[\w-]+)[^`]*` \| ([^|]+) \|", README.read_text(), re.M)
    return {name: default.strip() for name, default in rows}


def test_every_mt_option_is_in_the_readme_table() -> None:
    assert set(_options()) == set(_readme_table())


def test_the_generated_scenario_has_the_cli_defaults() -> None:
    # README: `scenario generate` makes 200 users and 1000 actions unless told otherwise.
    options, table = _options(), _readme_table()

    assert (options["--mt-users"], options["--mt-actions"]) == (200, 1000)
    assert (table["--mt-users"], table["--mt-actions"]) == ("200", "1000")
    assert options["--mt-timeout"] == 0.3 and table["--mt-timeout"] == "0.3"
