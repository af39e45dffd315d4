"""A drill's settings: the typed config (validated there) plus the rules that span fields."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from harness.config import Config
from harness.errors import UsageError


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
    target = config.require_target("drill")
    if bool(dc.during) == dc.manual:
        raise UsageError('drill needs exactly one of --during "COMMAND" and --manual')
    if dc.scenario is not None and not Path(dc.scenario).is_file():
        raise UsageError(f"--scenario: no such file: {dc.scenario}")
    work_dir = Path(config.output_dir) / "drill"
    results = Path(dc.results) if dc.results else work_dir / "drill.json"
    return DrillSettings(
        target=target.base_url,
        during=dc.during,
        manual=dc.manual,
        rate=dc.rate,
        warm_up=dc.warm_up,
        cool_down=dc.cool_down,
        scenario=dc.scenario,
        max_outage=dc.max_outage,
        results=results,
        work_dir=work_dir,
        timeout=dc.timeout,
        concurrency=dc.concurrency,
        operation_timeout=dc.operation_timeout,
        seed=dc.seed,
    )
