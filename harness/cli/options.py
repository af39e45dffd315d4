"""Helpers that map command-line flags onto fields of the typed config.

A flag's value reaches :func:`harness.config.build_config` as the user typed it: type,
rules, choices, metavar and the default shown in ``--help`` all come from the config field,
so a setting is described and validated in one place whatever its source.
"""

from __future__ import annotations

import argparse
import typing
from collections.abc import Callable, Iterator
from typing import Any

from harness.config import Config, setting_default, setting_types
from harness.config_values import OneOf, describe, format_duration, is_duration, rules_of

RunFn = Callable[[Config, argparse.Namespace], int]


def add_command(subparsers: Any, name: str, run: RunFn, help_text: str) -> argparse.ArgumentParser:
    """Add a subcommand parser whose ``_run`` is ``run``; adds ``--config`` too."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name, help=help_text, description=help_text
    )
    parser.set_defaults(_run=run)
    parser.add_argument(
        "--config",
        dest="config",
        default=None,
        metavar="FILE",
        help="TOML config file (default: $MINITWIT_CONFIG, else none)",
    )
    return parser


def _metavar(key: str, tp: Any) -> str:
    base, _ = rules_of(tp)
    if is_duration(tp):
        return "DURATION"
    if base is int:
        return "N"
    if base is float:
        return "NUMBER"
    return key.rpartition(".")[2].upper()


def default_text(key: str) -> str:
    """The built-in default of a setting as ``--help`` shows it."""
    value = setting_default(key)
    tp = setting_types()[key]
    if value is None or value == ():
        return "none"
    if isinstance(value, bool):
        return "on" if value else "off"
    if is_duration(tp):
        return format_duration(float(value))
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value)
    return str(value)


def add_option(
    parser: argparse.ArgumentParser,
    dest: str,
    *flags: str,
    help: str,
    action: str | None = None,
    nargs: str | None = None,
    metavar: str | None = None,
) -> None:
    """Add a flag whose value lands in config field ``dest`` (``field`` or ``section.field``).

    The argparse default is always None ("not given") so that env, file and defaults can
    apply; ``--help`` shows the field's default unless ``help`` already speaks of one.
    """
    tp = setting_types()[dest]  # KeyError: the flag has no config field
    kwargs: dict[str, Any] = {"dest": dest, "default": None}
    if action is not None:
        kwargs["action"] = action
    if nargs is not None:
        kwargs["nargs"] = nargs
    switch = action in ("store_true", "store_false")
    if not switch:
        choices = [r for r in rules_of(tp)[1] if isinstance(r, OneOf)]
        if choices and typing.get_origin(tp) is not tuple:
            kwargs["choices"] = list(choices[0].options)
        elif is_duration(tp):
            kwargs["metavar"] = "DURATION"
        else:
            kwargs["metavar"] = metavar or _metavar(dest, tp)
    notes = [describe(tp)] if is_duration(tp) else []
    # A switch's default is its absence; every other flag says what applies without it.
    if "default" not in help and not switch:
        notes.append(f"default: {default_text(dest)}".replace("%", "%%"))
    text = help.rstrip(".") + (f" ({'; '.join(notes)})" if notes else "")
    kwargs["help"] = text
    parser.add_argument(*flags, **kwargs)


def add_target(parser: argparse.ArgumentParser, required: bool = False) -> None:
    """The common ``--target URL`` flag (base URL of the implementation under test)."""
    add_option(
        parser,
        "target",
        "--target",
        help="base URL of the API under test, e.g. http://127.0.0.1:5001"
        + (" (required; default: none)" if required else ""),
        metavar="URL",
    )


def iter_options(parser: argparse.ArgumentParser) -> Iterator[tuple[str, argparse.Action]]:
    """Every argument of ``parser`` and its subcommands, with the command path it belongs to."""
    yield from _walk(parser, parser.prog)


def _walk(parser: argparse.ArgumentParser, path: str) -> Iterator[tuple[str, argparse.Action]]:
    for action in parser._actions:  # argparse keeps no public list of its arguments
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _walk(sub, f"{path} {name}")
        else:
            yield path, action


def flag_names(parser: argparse.ArgumentParser) -> dict[str, str]:
    """The flag of each config setting, for messages that name the source of a value."""
    return {
        action.dest: action.option_strings[-1]
        for _, action in iter_options(parser)
        if action.option_strings
    }


def add_restart_wait(parser: argparse.ArgumentParser) -> None:
    """``--restart-wait DURATION``: how long a crashed target gets to come back."""
    add_option(
        parser,
        "restart_wait",
        "--restart-wait",
        help="seconds to wait for a crashed target to come back before the rest of the run "
        "counts as not run",
    )
