"""Concurrent requests against 2 gunicorn workers: the database keeps every invariant."""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import requests

from tests.app.client import Api, unique_name
from tests.support.servers import RunningServer

PARALLEL = 20


def _all_at_once(call: Callable[[int], requests.Response]) -> list[requests.Response]:
    """Run ``call(i)`` for i < 20 in 20 threads released together by a barrier."""
    barrier = threading.Barrier(PARALLEL)

    def task(i: int) -> requests.Response:
        barrier.wait(timeout=10)
        return call(i)

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        return list(pool.map(task, range(PARALLEL)))


def test_concurrent_registers_of_one_name_give_exactly_one_204(api: Api) -> None:
    name = unique_name("race")
    responses = _all_at_once(lambda _: api.register(name))
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {204: 1, 400: PARALLEL - 1}
    assert all(r.json()["status"] == 400 for r in responses if r.status_code == 400)


def test_concurrent_identical_follows_give_one_edge(api: Api) -> None:
    who, whom = api.new_user(), api.new_user()
    responses = _all_at_once(lambda _: api.follow(who, whom))
    assert [r.status_code for r in responses] == [204] * PARALLEL
    assert api.follows(who).json() == {"follows": [whom]}


def test_concurrent_tweets_are_all_stored(api: Api) -> None:
    name = api.new_user()
    responses = _all_at_once(lambda i: api.tweet(name, f"c{i}"))
    assert [r.status_code for r in responses] == [204] * PARALLEL
    contents = [m["content"] for m in api.messages(name).json()]
    assert sorted(contents) == sorted(f"c{i}" for i in range(PARALLEL))


def test_latest_agrees_across_worker_processes(api: Api, shared_app: RunningServer) -> None:
    # Each request lands on either of the 2 workers; every read must see the last write.
    for value in range(500, 505):
        api.register(unique_name(), latest=value)
        readings = _all_at_once(lambda _: api.request("GET", "/latest", auth=False))
        assert {r.json()["latest"] for r in readings} == {value}
    # The access log names the worker process of each request: both answered.
    pids = re.findall(r"\[(\d+)\] \[INFO\] gunicorn\.access: .*\"GET /latest ", shared_app.log())
    assert len(set(pids)) == 2
