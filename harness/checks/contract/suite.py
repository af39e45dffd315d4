"""The deterministic suite in run order: safe checks first, fragile ones last."""

from __future__ import annotations

from harness.checks.contract import auth, fllws, fragile, http, latest, msgs, register
from harness.checks.contract.model import Check

#: latest.initial must run first: it reads the value found before this run moved it.
SAFE: tuple[Check, ...] = (
    *latest.CHECKS,
    *auth.CHECKS,
    *register.CHECKS,
    *msgs.CHECKS,
    *fllws.CHECKS,
    *http.CHECKS,
)

#: Probes likely to crash a fragile server (a missing or non-integer query value).
FRAGILE: tuple[Check, ...] = (*fragile.FRAGILE, *latest.FRAGILE, *msgs.FRAGILE)

SUITE: tuple[Check, ...] = (*SAFE, *FRAGILE)
