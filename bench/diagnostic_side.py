"""What the replay benchmark's diagnostic clients share: the scenario, the clock, the report.

``python -m bench.<client> URL SCENARIO CONCURRENCY``: the client plans every request of the
scenario (``prepare``), prints ``ready`` (the benchmark samples the server's CPU time then),
sends the registers and after them every other action (``send``, which returns how many
failed), and prints one JSON line: requests, the timed part's wall time, this process's CPU
time over it, and the failures. Imported after a client's gevent monkey-patching, if any.
"""

from __future__ import annotations

import json
import resource
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

from harness.execution.replay.transport import Endpoint
from harness.scenario.model import Action, Command
from harness.scenario.parse import read_scenario

#: Generous: these sides measure throughput, not the simulator's 0.3 s budget.
TIMEOUT_S = 5.0

Planned = TypeVar("Planned")


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_side(
    argv: Sequence[str],
    prepare: Callable[[Endpoint, Action], Planned],
    send: Callable[[Endpoint, list[Planned], int], int],
) -> int:
    """Plan, print ``ready``, send registers then the rest, print the JSON line; exit code."""
    url, path, concurrency = argv[0], argv[1], int(argv[2])
    actions = read_scenario(path).actions
    target = Endpoint(url)
    registers = [prepare(target, a) for a in actions if a.command is Command.REGISTER]
    rest = [prepare(target, a) for a in actions if a.command is not Command.REGISTER]
    print("ready", flush=True)
    cpu0, wall0 = _cpu_s(), time.perf_counter()
    errors = send(target, registers, concurrency) + send(target, rest, concurrency)
    wall, cpu = time.perf_counter() - wall0, _cpu_s() - cpu0
    result = {"requests": len(actions), "wall_s": wall, "cpu_s": cpu, "errors": errors}
    print(json.dumps(result), flush=True)
    return 0
