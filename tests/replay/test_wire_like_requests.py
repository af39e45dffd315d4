"""On the wire, replay is the course simulator's ``requests`` client (spec section 2).

The oracle is the real ``requests`` library with the simulator's settings (a fresh session
per request, the simulator's headers; both sides wait the loaded-machine timeout, not
0.3 s): it and ``replay --simulator-log`` send the same scenario to the same server, which
redirects (307, 308, 302, 301, 303, a loop, 30 and 31 hops, to another port), compresses
(broken and valid gzip, raw deflate, a chain) and records every request. Both must leave
the same requests, byte for byte, and the same log lines: same ids, same order, same last
fields.
"""

from __future__ import annotations

import io
from pathlib import Path

import requests

from bench.simulator_client import simulator_replay
from harness.scenario.model import Action, Command
from tests.replay.replay_support import (
    LOADED_MACHINE,
    LOADED_MACHINE_TIMEOUT,
    run_replay_cli,
    write_scenario,
)
from tests.support.wire_target import (
    Plan,
    Request,
    WireState,
    gzipped,
    raw_deflated,
    wire_target,
)

ANN, BOB = "Ann Lee", "Bob Ñandú"
ERROR_BODY = b'{"status": 400, "error_msg": "username taken"}'


def _actions() -> list[Action]:
    def tweet(i: int) -> Action:
        return Action(i, 0, i, Command.TWEET, ANN, content=f"tweet “{i}”")

    return [
        Action(0, 0, 0, Command.REGISTER, ANN, email="ann@x", pwd="p"),
        *(tweet(i) for i in range(1, 9)),
        Action(9, 0, 9, Command.REGISTER, BOB, email="bob@x", pwd="p"),
        Action(10, 0, 10, Command.REGISTER, ANN, email="ann@x", pwd="p"),
        *(tweet(i) for i in range(11, 17)),
        Action(17, 0, 17, Command.FOLLOW, ANN, target=BOB),
        tweet(18),
    ]


def _plans(elsewhere: str) -> dict[int, Plan]:
    return {
        1: Plan(redirect=307),  # the POST is sent again with its body: 204
        2: Plan(redirect=308, hops=2),
        3: Plan(redirect=302),  # becomes a GET: 405
        4: Plan(redirect=301),
        5: Plan(redirect=303),
        6: Plan(redirect=307, loop=True),  # TooManyRedirects
        7: Plan(redirect=307, hops=30),  # the most requests follows: 204
        8: Plan(redirect=307, hops=31),  # one more: TooManyRedirects
        9: Plan(status=400, encoding="gzip", body=b"not gzip at all"),  # ContentDecodingError
        10: Plan(status=400, encoding="gzip", body=gzipped(ERROR_BODY)),  # decodes: accepted
        11: Plan(status=200, encoding="deflate", body=raw_deflated(b"{}")),
        12: Plan(redirect=307, elsewhere=elsewhere),  # another port: no credentials, 403
        13: Plan(redirect=302, redirect_location=False),  # a 3xx without Location is final
        14: Plan(redirect=307, redirect_encoding="gzip", redirect_body=b"broken"),
        15: Plan(status=500, encoding="gzip, gzip", body=gzipped(gzipped(b"{}"))),
        16: Plan(status=500, encoding="gzip", body=gzipped(b"x" * 200)[:-12]),  # truncated
        17: Plan(redirect=302, hops=2),
    }


def _lines(text: str) -> list[list[str]]:
    """The simulator log's lines without their timestamp and base URL."""
    return [line.split(",")[2:] for line in text.splitlines() if line.strip()]


def _wire(requests_by_action: dict[int | None, list[Request]]) -> dict[int, list[Request]]:
    return {k: v for k, v in requests_by_action.items() if k is not None}


def test_replay_writes_what_the_simulators_requests_client_writes(
    tmp_path: Path, out_dir: Path
) -> None:
    actions = _actions()
    scenario = write_scenario(tmp_path / "s.tsv", actions)
    state = WireState()
    with wire_target(state, redirects=False) as other, wire_target(state) as url:
        state.plans.update(_plans(other))
        out = io.StringIO()
        # What is compared is bytes and error classes, not timing: a hop of 31 slower than
        # 0.3 s on a busy machine made the oracle log a ReadTimeout once.
        simulator_replay(url, actions, out, pace=False, timeout=LOADED_MACHINE_TIMEOUT)
        expected = out.getvalue()
        oracle = _wire(state.by_action())
        state.log.clear()
        log = tmp_path / "sim.log"
        logged = ("--simulator-log", str(log), "--concurrency", "4", *LOADED_MACHINE)
        run = run_replay_cli(url, scenario, out_dir, *logged)
        assert run.code == 1, run.stderr
        got = log.read_text(encoding="utf-8")
        harness = _wire(state.by_action())

    assert _lines(got) == _lines(expected)
    assert _lines(expected) == [
        ["3", "405", "tweet"],
        ["4", "405", "tweet"],
        ["5", "405", "tweet"],
        ["6", "TooManyRedirects"],
        ["8", "TooManyRedirects"],
        ["9", "ContentDecodingError"],
        ["11", "200", "tweet"],
        ["12", "403", "tweet"],
        ["13", "302", "tweet"],
        ["15", "500", "tweet"],
        ["16", "500", "tweet"],
        ["17", "405", "follow"],
    ]
    assert harness.keys() == oracle.keys() == {a.id for a in actions}
    for action_id, sent in oracle.items():
        assert harness[action_id] == sent, action_id
    assert len(oracle[7]) == 31 and len(oracle[8]) == 31 and len(oracle[6]) == 31


def test_redirected_requests_keep_or_drop_body_and_credentials(
    tmp_path: Path, out_dir: Path
) -> None:
    actions = _actions()
    scenario = write_scenario(tmp_path / "s.tsv", actions)
    state = WireState()
    with wire_target(state, redirects=False) as other, wire_target(state) as url:
        state.plans.update(_plans(other))
        run_replay_cli(url, scenario, out_dir, "--concurrency", "4", *LOADED_MACHINE)
    sent = state.by_action()
    first, again = sent[1]
    assert (again.method, again.body) == ("POST", first.body)
    assert again.target.startswith("/hop/0/msgs/Ann%20Lee?latest=1")
    get = sent[3][1]
    names = [name for name, _ in get.headers]
    assert get.method == "GET" and get.body == b""
    assert "Content-Type" not in names and "Content-Length" not in names
    assert ("Authorization", "Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh") in get.headers
    moved = sent[12][1]
    assert moved.method == "POST" and "Authorization" not in [n for n, _ in moved.headers]


def test_replay_sends_exactly_the_simulators_headers(tmp_path: Path, out_dir: Path) -> None:
    actions = _actions()[:2]
    scenario = write_scenario(tmp_path / "s.tsv", actions)
    state = WireState()
    with wire_target(state) as url:
        run = run_replay_cli(url, scenario, out_dir)
    assert run.code == 0, run.stdout + run.stderr
    register = state.by_action()[0][0]
    body = b'{"username": "Ann Lee", "email": "ann@x", "pwd": "p"}'
    assert register.body == body
    assert register.method == "POST" and register.target == "/register?latest=0"
    # spec section 1 and 2: requests' defaults (User-Agent of the pinned requests,
    # Accept-Encoding without brotli, Accept) merged with the simulator's own headers.
    assert list(register.headers) == [
        ("Host", url.removeprefix("http://")),
        ("User-Agent", f"python-requests/{requests.__version__}"),
        ("Accept-Encoding", "gzip, deflate"),
        ("Accept", "*/*"),
        ("Connection", "close"),
        ("Content-Type", "application/json"),
        ("Authorization", "Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh"),
        ("Content-Length", str(len(body))),
    ]


def test_log_lines_come_in_id_order_at_max_speed(tmp_path: Path, out_dir: Path) -> None:
    users = [f"User {i}" for i in range(8)]
    actions = [
        Action(i, 0, i, Command.REGISTER, u, email="u@x", pwd="p") for i, u in enumerate(users)
    ]
    actions += [
        Action(8 + i, 0, 8 + i, Command.TWEET, users[i % 8], content=f"t{i}") for i in range(40)
    ]
    scenario = write_scenario(tmp_path / "s.tsv", actions)
    state = WireState()
    # Every tweet fails; the first ones answer slowly, so later ids complete first.
    state.plans.update({8 + i: Plan(status=500, delay=0.1 if i < 8 else 0.0) for i in range(40)})
    log = tmp_path / "sim.log"
    with wire_target(state) as url:
        run = run_replay_cli(
            url,
            scenario,
            out_dir,
            "--simulator-log",
            str(log),
            "--concurrency",
            "8",
            "--timeout",
            "3",
        )
    assert run.code == 1, run.stderr
    finished = sorted(run.outcomes(), key=lambda o: o["finished"])
    assert [o["action_id"] for o in finished] != sorted(o["action_id"] for o in finished)
    assert _lines(log.read_text()) == [[str(8 + i), "500", "tweet"] for i in range(40)]


def test_strict_profile_warns_about_redirects_the_simulator_follows(
    tmp_path: Path, out_dir: Path
) -> None:
    actions = _actions()[:3]
    scenario = write_scenario(tmp_path / "s.tsv", actions)
    state = WireState(plans={1: Plan(redirect=307), 2: Plan(redirect=308)})
    with wire_target(state) as url:
        simulator = run_replay_cli(url, scenario, out_dir)
        strict = run_replay_cli(url, scenario, tmp_path / "strict", "--profile", "strict")
    assert simulator.code == 0 and "finding" not in simulator.stdout
    assert [o["redirects"] for o in simulator.outcomes()] == [0, 1, 1]
    assert "finding [strict] strict.redirected: 2 action(s) were answered through a redirect" in (
        strict.stdout
    )
