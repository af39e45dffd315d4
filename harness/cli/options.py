"""Helpers that map command-line flags onto fields of the typed config."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from harness.config import Config

RunFn = Callable[[Config, argparse.Namespace], int]


def add_command(subparsers: Any, name: str, run: RunFn, help_text: str) -> argparse.ArgumentParser:
    """Add a subcommand parser whose ``_run`` is ``run``; adds ``--config`` too."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name, help=help_text, description=help_text
    )
    parser.set_defaults(_run=run)
    parser.add_argument("--config", dest="config", default=None, help="TOML config file")
    return parser


def add_option(
    parser: argparse.ArgumentParser,
    dest: str,
    *flags: str,
    help: str,
    action: str | None = None,
    type: Callable[[str], Any] | None = None,
    nargs: str | None = None,
    metavar: str | None = None,
    choices: list[str] | None = None,
) -> None:
    """Add a flag whose value lands in config field ``dest`` (``field`` or ``section.field``).

    The default is always None ("not given") so that env, file and defaults can apply.
    """
    kwargs: dict[str, Any] = {"dest": dest, "default": None, "help": help}
    if action is not None:
        kwargs["action"] = action
    if type is not None:
        kwargs["type"] = type
    if nargs is not None:
        kwargs["nargs"] = nargs
    if metavar is not None:
        kwargs["metavar"] = metavar
    if choices is not None:
        kwargs["choices"] = choices
    parser.add_argument(*flags, **kwargs)


def add_target(parser: argparse.ArgumentParser, required: bool = False) -> None:
    """The common ``--target URL`` flag (base URL of the implementation under test)."""
    add_option(
        parser,
        "target",
        "--target",
        help="base URL of the API under test" + (" (required)" if required else ""),
        metavar="URL",
    )
