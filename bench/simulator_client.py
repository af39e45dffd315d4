"""A client built the way the course simulator is (the baseline of the replay benchmark).

Sequential, ``requests`` with a new connection per request (``Connection: close``),
timeout 0.3 s, the simulator's verdicts and log lines, and its sleep of
``delay_ms / 100_000_000`` seconds after each action. The fault tests also use it as the
yardstick of the harness's ``--simulator-log`` lines.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from time import sleep
from typing import IO

import requests

from harness.constants import SIMULATOR_AUTH
from harness.scenario.model import Action, Command

HEADERS = {
    "Connection": "close",
    "Content-Type": "application/json",
    "Authorization": SIMULATOR_AUTH,
    # requests' own Accept-Encoding without brotli and zstandard, as on the simulator's
    # machine (this environment has brotli, which would add "br"); a key requests already
    # sends keeps its place among requests' default headers.
    "Accept-Encoding": "gzip, deflate",
}


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")


#: The simulator's timeout (spec section 2); tests on a loaded machine pass a longer one.
TIMEOUT = 0.3


def _post(host: str, action: Action, timeout: float = TIMEOUT) -> requests.Response:
    params = {"latest": action.id}
    if action.command is Command.REGISTER:
        data = {"username": action.user, "email": action.email, "pwd": action.pwd}
        url = f"{host}/register"
    elif action.command is Command.TWEET:
        data = {"content": action.content}
        url = f"{host}/msgs/{action.user}"
    else:
        data = {str(action.command): action.target}
        url = f"{host}/fllws/{action.user}"
    return requests.post(
        url, data=json.dumps(data), params=params, headers=HEADERS, timeout=timeout
    )


def simulator_replay(
    host: str,
    actions: Iterable[Action],
    out: IO[str],
    *,
    pace: bool = True,
    timeout: float = TIMEOUT,
) -> None:
    """Replay ``actions`` exactly like the course simulator, printing its log to ``out``."""
    for action in actions:
        command = str(action.command)
        try:
            response = _post(host, action, timeout)
            accepted = (204, 400) if action.command is Command.REGISTER else (204,)
            if response.status_code not in accepted:
                fields = [_stamp(), host, str(action.id), str(response.status_code), command]
                print(",".join(fields), file=out)
            response.close()
        except requests.exceptions.ConnectionError:
            print(",".join([_stamp(), host, str(action.id), "ConnectionError"]), file=out)
        except requests.exceptions.ReadTimeout:
            print(",".join([_stamp(), host, str(action.id), "ReadTimeout"]), file=out)
        except Exception as exc:
            print(",".join([_stamp(), host, str(action.id), type(exc).__name__]), file=out)
        if pace:
            sleep(action.delay_ms / (1000 * 100000))


def main(argv: list[str]) -> int:
    """``python -m bench.simulator_client URL SCENARIO``: replay like the course simulator."""
    from harness.scenario.parse import read_scenario

    url, path = argv
    simulator_replay(url, read_scenario(path).actions, sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
