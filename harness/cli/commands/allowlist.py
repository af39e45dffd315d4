"""``minitwit-harness allowlist``: prove an IP allowlist and the proxy trust around it."""

from __future__ import annotations

import argparse
from typing import Any

from harness.cli.options import add_command, add_option, add_target
from harness.config import Config
from harness.constants import ExitCode
from harness.output_paths import writable_file


def register(subparsers: Any) -> None:
    """Add the ``allowlist`` subcommand."""
    parser = add_command(
        subparsers,
        "allowlist",
        run,
        "probe an IP allowlist from local source addresses, with header-spoofing tricks",
    )
    add_target(parser, required=True)
    add_option(
        parser,
        "allowlist.allowed_sources",
        "--allowed-source",
        help="local address the target must let in (repeatable; all of 127.0.0.0/8 and ::1 "
        "are usable on loopback)",
        action="extend",
        nargs="+",
        metavar="ADDR",
    )
    add_option(
        parser,
        "allowlist.denied_sources",
        "--denied-source",
        help="local address the target must refuse (repeatable)",
        action="extend",
        nargs="+",
        metavar="ADDR",
    )
    add_option(
        parser,
        "allowlist.spoof_as",
        "--spoof-as",
        help="allowed address the spoofing probes also claim, e.g. the simulator's real one",
        action="extend",
        nargs="+",
        metavar="ADDR",
    )
    add_option(
        parser,
        "allowlist.paths",
        "--path",
        help="probe request path, query included (repeatable; default: /msgs?no=1 and /latest)",
        action="extend",
        nargs="+",
        metavar="PATH",
    )
    add_option(parser, "allowlist.timeout", "--timeout", help="seconds per probe")
    add_option(
        parser,
        "allowlist.spoofing",
        "--no-spoofing",
        help="only the plain probes, no header tricks",
        action="store_false",
    )
    add_option(
        parser,
        "allowlist.judge_latest",
        "--judge-latest",
        help="judge /latest like the other paths (by default a denied source let in there "
        "is reported as information: the course dashboard polls it)",
        action="store_true",
    )
    add_option(
        parser,
        "allowlist.json",
        "--json",
        help="write the matrix and findings here",
        metavar="FILE",
    )


def run(config: Config, args: argparse.Namespace) -> int:
    """Run the probes, print the matrix and the findings; exit 1 on findings."""
    from harness.probes.allowlist import run_allowlist  # heavy: imported only to run
    from harness.probes.render import render_findings, render_matrix

    if config.allowlist.json:
        writable_file(config.allowlist.json, config.where("allowlist.json"))
    result = run_allowlist(config)
    print(f"allowlist probes against {result.target}")
    print(render_matrix(result.matrix))
    print()
    print(result.summary())
    print(render_findings(result.findings))
    return int(ExitCode.OK if result.ok else ExitCode.FINDINGS)
