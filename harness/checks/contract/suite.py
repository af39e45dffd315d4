"""The deterministic suite in run order, grouped by what a probe may do to the target.

The runner sends ``SAFE`` and ``FRAGILE`` (likely to crash a fragile server), then the
property phase, then ``PLANTING`` (leaves values other checks would report again: they
must not read them) and ``BREAKING`` last (may leave the target unable to write).
"""

from __future__ import annotations

from harness.checks.contract import auth, fllws, fragile, http, latest, msgs, register, values
from harness.checks.contract.model import Check

#: latest.initial must run first: it reads the value found before this run moved it.
SAFE: tuple[Check, ...] = (
    *latest.CHECKS,
    *auth.CHECKS,
    *register.CHECKS,
    *msgs.CHECKS,
    *values.CHECKS,
    *fllws.CHECKS,
    *http.CHECKS,
)

#: Probes likely to crash a fragile server (a missing or non-integer query value).
FRAGILE: tuple[Check, ...] = (*fragile.FRAGILE, *latest.FRAGILE, *msgs.FRAGILE)

#: Probes whose stored values (numbers where strings belong) any later read would show.
PLANTING: tuple[Check, ...] = (*register.PLANTING, *msgs.PLANTING, *values.PLANTING)

#: Probes after which a target may stop writing (the course reference's SQLite stays
#: locked after a tweet by an unknown user): sent after everything else.
BREAKING: tuple[Check, ...] = msgs.BREAKING

#: Every check in report order (the property phase runs between FRAGILE and PLANTING).
SUITE: tuple[Check, ...] = (*SAFE, *FRAGILE, *PLANTING, *BREAKING)
