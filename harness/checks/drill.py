"""A drill's verdict (pure): ``latest`` that went back, lost writes, outage gate, the operation.

``latest`` is judged from timings alone, so concurrency never makes a false finding: a
reading is *stale* when the write whose id it shows (or -1, or a value this drill never
sent) was acknowledged before another write was sent, and that later write was
acknowledged before the reading was sent. The reference app records ``latest`` in the
write's transaction, so any correct target passes this rule however requests interleave.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from harness.findings import Finding, Profile, Severity
from harness.results import Outcome


def clock(epoch: float) -> str:
    """``HH:MM:SS`` of an epoch time on the operator's clock."""
    return time.strftime("%H:%M:%S", time.localtime(epoch))


@dataclass(frozen=True)
class LatestReading:
    """One ``GET /latest``: why it was read, what it said (None: no usable answer), when."""

    why: str  # before, after, final (around the operation), poll, recovery (traffic)
    value: int | None
    started: float
    finished: float

    def to_record(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "why": self.why,
            "value": self.value,
            "started": self.started,
            "finished": self.finished,
        }


@dataclass(frozen=True)
class StaleLatest:
    """A reading that shows state lost: ``latest`` went back (or reset to -1)."""

    reading: LatestReading
    superseded_by: int  # id of an acknowledged write the reading should reflect
    acknowledged: float  # when that write was acknowledged

    def message(self) -> str:
        """One line for the console and the report."""
        went = "reset to -1" if self.reading.value == -1 else f"went back to {self.reading.value}"
        return (
            f"latest {went} at {clock(self.reading.started)} ({self.reading.why} reading), "
            f"after write #{self.superseded_by} was acknowledged at {clock(self.acknowledged)}"
        )

    def to_record(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "reading": self.reading.to_record(),
            "superseded_by": self.superseded_by,
            "acknowledged": self.acknowledged,
            "message": self.message(),
        }


def stale_latest(
    readings: Iterable[LatestReading], outcomes: Sequence[Outcome]
) -> list[StaleLatest]:
    """Every reading that contradicts the acknowledged writes (see the module docstring)."""
    writes = [o for o in outcomes if o.action_id >= 0]
    by_id = {o.action_id: o for o in writes}
    acked = sorted((o for o in writes if o.verdict == "ok"), key=lambda o: o.finished)
    problems: list[StaleLatest] = []
    for reading in readings:
        if reading.value is None:
            continue
        shown = by_id.get(reading.value)
        if shown is not None and shown.verdict != "ok":
            continue  # an unacknowledged write may have landed at any time
        after = shown.finished if shown is not None else float("-inf")
        later = [b for b in acked if b.started > after and b.finished < reading.started]
        if later:
            newest = later[-1]
            problems.append(StaleLatest(reading, newest.action_id, newest.finished))
    return problems


@dataclass(frozen=True)
class LostWrite:
    """An acknowledged write the target no longer holds."""

    action_id: int
    command: str
    user: str
    acknowledged: float  # epoch seconds
    detail: str

    def to_record(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "action_id": self.action_id,
            "command": self.command,
            "user": self.user,
            "acknowledged": self.acknowledged,
            "detail": self.detail,
        }


def lost_summary(lost: Sequence[LostWrite]) -> str:
    """``17 acknowledged writes lost, all acknowledged between 12:03:05 and 12:08:11``."""
    if not lost:
        return "0 acknowledged writes lost"
    first = min(w.acknowledged for w in lost)
    last = max(w.acknowledged for w in lost)
    noun = "write" if len(lost) == 1 else "writes"
    if len(lost) == 1:
        return f"1 acknowledged write lost, acknowledged at {clock(first)}"
    return (
        f"{len(lost)} acknowledged {noun} lost, all acknowledged between "
        f"{clock(first)} and {clock(last)}"
    )


@dataclass
class DrillVerdict:
    """Pass/fail and every failed rule as (check, message) (empty when it passed)."""

    failures: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return not self.failures

    @property
    def reasons(self) -> list[str]:
        """One line per failed rule."""
        return [message for _, message in self.failures]

    def findings(self, target: str | None) -> list[Finding]:
        """Each failed rule as a finding of the ``drill`` stage."""
        return [
            Finding(
                check=check,
                severity=Severity.ERROR,
                profile=Profile.SIMULATOR,
                message=message,
                stage="drill",
                target=target,
            )
            for check, message in self.failures
        ]


def drill_verdict(
    *,
    lost: Sequence[LostWrite],
    differences: Sequence[tuple[str, str]],
    stale: Sequence[StaleLatest],
    acknowledged_after_operation: int,
    acknowledged_total: int,
    operation_exit: int | None,
    operation_timed_out: bool,
    longest_outage: float,
    max_outage: float | None,
    unreadable: str | None = None,
    ran_out_before_end: float | None = None,
    interrupted: str | None = None,
) -> DrillVerdict:
    """Judge a drill; each failed rule adds one (check, message).

    ``interrupted``: where the operator stopped the drill (Ctrl-C); what was sent until then
    is still proven, but rules about its end (recovery, the operation's exit) are not judged.
    """
    fail = DrillVerdict().failures
    if interrupted is not None:
        fail.append(
            (
                "drill.interrupted",
                f"interrupted {interrupted}: the writes sent until then are proven, "
                "but the drill did not run to its end",
            )
        )
    if unreadable is not None:
        fail.append(
            (
                "drill.unreadable",
                f"the target did not answer after the drill ({unreadable}): no write "
                "could be read back, so none is proven",
            )
        )
    if acknowledged_total == 0:
        fail.append(
            (
                "drill.nothing-acknowledged",
                "no write was acknowledged at all: nothing could be proven",
            )
        )
    elif ran_out_before_end is not None:
        fail.append(
            (
                "drill.scenario-too-short",
                f"the scenario ran out at +{ran_out_before_end:.0f}s, before the operation "
                "ended: nothing was tested after it (a longer --scenario, or a lower --rate)",
            )
        )
    elif acknowledged_after_operation == 0 and interrupted is None:
        fail.append(
            (
                "drill.no-recovery",
                "no write was acknowledged after the operation ended "
                "(the target did not come back)",
            )
        )
    if lost:
        fail.append(("drill.lost-writes", lost_summary(lost)))
    fail.extend(differences)
    if stale:
        fail.append(
            (
                "drill.latest-went-back",
                f"latest lost state {len(stale)} time(s); first: {stale[0].message()}",
            )
        )
    if interrupted is not None:
        pass  # the operation was ended by the interruption, not by itself
    elif operation_timed_out:
        fail.append(
            ("drill.operation-failed", "the operation did not end within --operation-timeout")
        )
    elif operation_exit not in (None, 0):
        fail.append(("drill.operation-failed", f"the operation exited {operation_exit}"))
    if max_outage is not None and longest_outage > max_outage:
        fail.append(
            (
                "drill.outage-too-long",
                f"longest outage {longest_outage:.1f}s exceeds --max-outage {max_outage:g}s",
            )
        )
    return DrillVerdict(fail)
