"""A drill's settings: validated from the typed config, durations parsed, one line per problem."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from harness.config import Config
from harness.errors import UsageError
from harness.execution.replay.transport import Target

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$")
_UNIT = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, None: 1.0}


def parse_duration(text: str, flag: str) -> float:
    """``10s``, ``500ms``, ``2m``, ``1h`` or plain seconds; anything else is a UsageError."""
    match = _DURATION.match(text)
    if match is None:
        raise UsageError(f"{flag}: expected a duration like 10s, 500ms or 2m, got {text!r}")
    return float(match.group(1)) * _UNIT[match.group(2)]


@dataclass(frozen=True)
class DrillSettings:
    """Everything a drill run needs, checked."""

    target: str
    during: str | None
    manual: bool
    rate: float
    warm_up: float
    cool_down: float
    scenario: str | None
    max_outage: float | None
    results: Path
    work_dir: Path
    timeout: float
    concurrency: int
    operation_timeout: float
    seed: int


def drill_settings(config: Config) -> DrillSettings:
    """The drill's settings from ``config``; a bad flag is one UsageError line."""
    dc = config.drill
    if not config.target:
        raise UsageError("drill needs --target URL")
    try:
        Target(config.target)
    except ValueError as exc:
        raise UsageError(f"--target: {exc}") from None
    if bool(dc.during) == dc.manual:
        raise UsageError('drill needs exactly one of --during "COMMAND" and --manual')
    if not dc.rate > 0 or dc.rate > 1000:
        raise UsageError(f"--rate: expected actions per second in (0, 1000], got {dc.rate:g}")
    if dc.concurrency < 1 or not dc.timeout > 0:
        raise UsageError("--concurrency must be >= 1 and --timeout > 0")
    if dc.scenario is not None and not Path(dc.scenario).is_file():
        raise UsageError(f"--scenario: no such file: {dc.scenario}")
    work_dir = Path(config.output_dir) / "drill"
    results = Path(dc.results) if dc.results else work_dir / "drill.json"
    max_outage = None if dc.max_outage is None else parse_duration(dc.max_outage, "--max-outage")
    return DrillSettings(
        target=config.target,
        during=dc.during,
        manual=dc.manual,
        rate=dc.rate,
        warm_up=parse_duration(dc.warm_up, "--warm-up"),
        cool_down=parse_duration(dc.cool_down, "--cool-down"),
        scenario=dc.scenario,
        max_outage=max_outage,
        results=results,
        work_dir=work_dir,
        timeout=dc.timeout,
        concurrency=dc.concurrency,
        operation_timeout=parse_duration(dc.operation_timeout, "--operation-timeout"),
        seed=dc.seed,
    )
