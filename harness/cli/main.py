"""``minitwit-harness``: the single entry point and the single exit point of the CLI.

Each subcommand lives in ``harness.cli.commands.<name>`` with two functions:
``register(subparsers)`` adds its parser (flags map to config fields through
:func:`harness.cli.options.add_option`), and ``run(config, args) -> int`` does the work.
Errors of the tool become one line on stderr and ``ExitCode.TOOL_ERROR``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from harness import __version__
from harness.cli.options import flag_names
from harness.config import build_config
from harness.constants import ExitCode
from harness.errors import HarnessError, UsageError

COMMANDS: tuple[str, ...] = (
    "serve",
    "db",
    "scenario",
    "replay",
    "verify",
    "contract",
    "allowlist",
    "load",
    "drill",
    "simulate",
    "check",
    "report",
    "dashboard",
)

PROG = "minitwit-harness"


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line and a UsageError, not a usage dump."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see {self.prog} --help)")


def build_parser() -> argparse.ArgumentParser:
    """The full parser with every subcommand registered."""
    parser = _Parser(
        prog=PROG, description="Release gate for MiniTwit simulator API implementations."
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    subparsers = parser.add_subparsers(dest="_command", metavar="COMMAND", parser_class=_Parser)
    subparsers.required = True
    for name in COMMANDS:
        module = importlib.import_module(f"harness.cli.commands.{name}")
        module.register(subparsers)
    return parser


def _cli_values(args: argparse.Namespace) -> dict[str, Any]:
    """The config values the user actually gave (dests named ``field`` or ``section.field``).

    Dests starting with ``_`` are the command's own arguments (a positional file, an action
    such as ``--list-checks``), not settings; every other dest must be a config field.
    """
    return {k: v for k, v in vars(args).items() if not k.startswith("_")}


def main(argv: Sequence[str] | None = None) -> int:
    """Parse, build the config once, run the command; return its exit code."""
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        config = build_config(_cli_values(args), flags=flag_names(parser))
        code = int(args._run(config, args))
    except HarnessError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return int(exc.exit_code)
    except OSError as exc:  # the last resort: every known output path is checked up front
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"{PROG}: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return int(ExitCode.TOOL_ERROR)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return int(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        return int(ExitCode.OK)
    return code
