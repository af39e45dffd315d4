"""The load run's warm-up: register the accounts the writes act as, before anything is measured.

Locust-free (``requests`` on a small thread pool, in the harness process). The accounts are
the scenario's users in a fresh run namespace (``"Roger Histand ~3fa9c1"``; another pass
over the users adds ``.1``, ``.2``), so a load run never collides with earlier data on the
target. The timeout is generous: registering (password hashing) is what slow apps are
slowest at, and the warm-up is preparation, not measurement.
"""

from __future__ import annotations

import json
import secrets
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import requests

from harness.constants import SIMULATOR_AUTH
from harness.planning.requests import request_for
from harness.scenario.model import Action, Command
from harness.scenario.namespace import email_in, name_in

#: Accounts per Locust user: one in flight and one free, so no user waits for an account.
#: Registering is the costly write (password hashing: ~0.1-0.4 s each here), so the pool
#: stays small; measured registers add accounts as the run goes.
ACCOUNTS_PER_USER = 2
MIN_ACCOUNTS = 10


def account_count(users: int) -> int:
    """How many accounts the warm-up registers for ``users`` Locust users."""
    return max(ACCOUNTS_PER_USER * users, MIN_ACCOUNTS)


#: Registers in flight during the warm-up, and the least time each may take.
WARMUP_CONCURRENCY = 4
WARMUP_TIMEOUT_S = 5.0


@dataclass
class WarmUp:
    """The accounts the warm-up registered, what failed, and how long it took."""

    accounts: list[str]
    wanted: int
    tried: list[str] = field(default_factory=list)  # every name the warm-up registered
    failures: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    def describe(self) -> str:
        """One line for the console."""
        line = f"warm-up (not measured): {len(self.accounts)}/{self.wanted} accounts registered"
        line += f" in {self.seconds:.1f}s"
        if self.failures:
            line += " (" + ", ".join(f"{k}: {v}" for k, v in self.failures.most_common()) + ")"
        return line


def warmup_accounts(actions: Sequence[Action], count: int, tag: str) -> list[Action]:
    """``count`` register actions: the scenario's users (cycled) in namespace ``tag``."""
    registers = [a for a in actions if a.command is Command.REGISTER]
    if not registers:
        names = dict.fromkeys(a.user for a in actions)
        registers = [
            Action(0, 0, 0, Command.REGISTER, n, email="load@example.invalid", pwd="load")
            for n in names
        ]
    out = []
    for i in range(count):
        template = registers[i % len(registers)]
        cycle = i // len(registers)
        ns = tag if cycle == 0 else f"{tag}.{cycle}"
        out.append(
            Action(
                template.id,
                0,
                0,
                Command.REGISTER,
                name_in(template.user, ns),
                email=email_in(template.email or "load@example.invalid", ns),
                pwd=template.pwd or "load",
            )
        )
    return out


def _register(session: requests.Session, target: str, action: Action, timeout: float) -> str | None:
    """None when the account exists afterwards (204, or 400: taken); else why not."""
    planned = request_for(action, latest=False)
    try:
        # The status decides, as for the simulator; the body is never read (a broken one
        # says nothing about whether the account exists).
        response = session.post(
            target + planned.path, json=planned.body, timeout=timeout, stream=True
        )
    except requests.RequestException as exc:
        return type(exc).__name__
    response.close()
    return None if response.status_code in (204, 400) else f"status {response.status_code}"


def warm_up(
    target: str, actions: Sequence[Action], count: int, timeout: float, out: Path
) -> WarmUp:
    """Register ``count`` fresh accounts on ``target``; write the registered names to ``out``."""
    started = time.monotonic()
    wanted = warmup_accounts(actions, max(count, 0), secrets.token_hex(3))
    result = WarmUp(accounts=[], wanted=len(wanted), tried=[a.user for a in wanted])

    def one(action: Action) -> str | None:
        with requests.Session() as session:
            session.headers["Authorization"] = SIMULATOR_AUTH
            return _register(session, target, action, max(timeout, WARMUP_TIMEOUT_S))

    with ThreadPoolExecutor(WARMUP_CONCURRENCY, thread_name_prefix="warmup") as pool:
        for action, problem in zip(wanted, pool.map(one, wanted), strict=True):
            if problem is None:
                result.accounts.append(action.user)
            else:
                result.failures[problem] += 1
    out.parent.mkdir(parents=True, exist_ok=True)
    # No account registered: the writes still act as them, so the run shows what the target
    # answers (404s, errors) and is judged, instead of stopping with nothing judged.
    usable = result.accounts or result.tried
    out.write_text(json.dumps(usable, ensure_ascii=False), encoding="utf-8")
    result.seconds = time.monotonic() - started
    return result
