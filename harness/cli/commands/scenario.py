"""``minitwit-harness scenario generate|stats``: make and inspect scenario files."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from harness.cli.options import add_command, add_option
from harness.config import Config
from harness.constants import FORMAT_VERSION, ExitCode
from harness.errors import HarnessError, UsageError
from harness.output_paths import writable_file
from harness.scenario.generate import generate_actions, write_scenario
from harness.scenario.parse import read_scenario
from harness.scenario.stats import ScenarioStats, scenario_stats

STATS_FORMAT = "minitwit-harness.scenario-stats"


def register(subparsers: Any) -> None:
    """Add the ``scenario`` subcommand with its ``generate`` and ``stats`` actions."""
    parser = add_command(subparsers, "scenario", run, "generate and inspect scenario files")
    actions = parser.add_subparsers(dest="_scenario_action", metavar="ACTION")
    actions.required = True
    gen_help = "write a deterministic scenario file shaped like the course recording"
    gen = actions.add_parser("generate", help=gen_help, description=gen_help)
    add_option(gen, "scenario.users", "--users", help="users who register, tweet and follow")
    add_option(gen, "scenario.actions", "--actions", help="actions in the scenario")
    add_option(gen, "scenario.seed", "--seed", help="random seed (same seed, same file)")
    add_option(
        gen, "scenario.output", "-o", "--output", metavar="FILE", help="file to write, - for stdout"
    )
    stats_help = "command mix, users, delays and hazards of a scenario file"
    stats = actions.add_parser("stats", help=stats_help, description=stats_help)
    stats.add_argument("_file", metavar="FILE", help="scenario file")
    stats.add_argument("--json", dest="_json", action="store_true", help="print JSON")
    add_option(
        stats,
        "scenario.skip_bad_lines",
        "--skip-bad-lines",
        action="store_true",
        help="report malformed lines and go on (the simulator tolerates them)",
    )


def run(config: Config, args: argparse.Namespace) -> int:
    """Dispatch to the chosen action."""
    if args._scenario_action == "generate":
        return _generate(config)
    return _stats(config, args._file, bool(args._json))


def _generate(config: Config) -> int:
    cfg = config.scenario
    if not cfg.output:
        raise UsageError("scenario generate needs -o FILE (or -o - for stdout)")
    try:
        actions = generate_actions(cfg.users, cfg.actions, cfg.seed)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if cfg.output != "-":
        writable_file(cfg.output, config.where("scenario.output"), make_parents=False)
    if cfg.output == "-":
        for action in actions:
            sys.stdout.write(action.to_line() + "\n")
        return int(ExitCode.OK)
    try:
        write_scenario(cfg.output, actions)
    except OSError as exc:
        raise HarnessError(f"cannot write {cfg.output}: {exc.strerror or exc}") from None
    print(f"wrote {len(actions)} actions of {cfg.users} users (seed {cfg.seed}) to {cfg.output}")
    return int(ExitCode.OK)


def _stats(config: Config, path: str, as_json: bool) -> int:
    scenario = read_scenario(path, skip_bad_lines=config.scenario.skip_bad_lines)
    for bad in scenario.bad_lines:
        print(f"{path}:{bad.line}: skipped: {bad.problem}", file=sys.stderr)
    stats = scenario_stats(scenario.actions, bad_lines=len(scenario.bad_lines))
    if as_json:
        doc = {"format": STATS_FORMAT, "version": FORMAT_VERSION, "file": path, **stats.to_dict()}
        print(json.dumps(doc, indent=2, ensure_ascii=False))
    else:
        print(render_stats(path, stats))
    return int(ExitCode.OK)


def render_stats(path: str, stats: ScenarioStats) -> str:
    """The human-readable report of ``scenario stats``."""
    lines = [f"{path}: {stats.actions} actions, {stats.bad_lines} bad lines skipped"]
    mix = ", ".join(f"{c} {n} ({stats.share(c):.1%})" for c, n in stats.mix.items())
    lines.append(f"  mix: {mix}")
    lines.append(
        f"  users: {stats.users_registered} registered, {stats.users_referenced} referenced"
    )
    if stats.delays_s:
        d = stats.delays_s
        lines.append(
            f"  delays (s): p50 {d['p50']:g}, p90 {d['p90']:g}, p99 {d['p99']:g}, "
            f"max {d['max']:g} ({d['max'] / 3600:.1f} h); total {d['total_weeks']:g} weeks, "
            f"simulator sleep {d['simulator_sleep']:g} s"
        )
        lines.append(
            f"  acceleration: p50 {d['p50_first_quarter']:g} s in the first quarter, "
            f"{d['p50_last_quarter']:g} s in the last"
        )
    if stats.tweet_length:
        lines.append(
            f"  tweet length: {stats.tweet_length['min']}-{stats.tweet_length['max']} characters"
        )
    lines.append("  hazards:")
    lines.extend(f"    {name}: {count}" for name, count in stats.hazards.items())
    return "\n".join(lines)
