"""OpenAPI links chain register -> tweet/follow -> reads, and Schemathesis can follow them."""

from __future__ import annotations

import schemathesis

import schemas


def _links() -> dict[str, dict[str, str]]:
    """operationId -> {link name: target operationId} for 2xx responses."""
    doc = schemas.openapi()
    found: dict[str, dict[str, str]] = {}
    for item in doc["paths"].values():
        for op in item.values():
            if not isinstance(op, dict) or "operationId" not in op:
                continue
            for status, response in op["responses"].items():
                for name, link in response.get("links", {}).items():
                    assert status.startswith("2"), (op["operationId"], status)
                    found.setdefault(op["operationId"], {})[name] = link["operationId"]
    return found


def test_register_links_to_tweet_follow_and_reads() -> None:
    targets = set(_links()["register"].values())
    assert {"postUserMessage", "postFollows", "getUserMessages", "getFollows"} <= targets


def test_writes_link_to_reads() -> None:
    links = _links()
    assert {"getUserMessages", "getMessages"} <= set(links["postUserMessage"].values())
    assert "getFollows" in set(links["postFollows"].values())


def test_link_targets_exist() -> None:
    doc = schemas.openapi()
    operation_ids = {
        op["operationId"]
        for item in doc["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    }
    for targets in _links().values():
        assert set(targets.values()) <= operation_ids


def test_schemathesis_builds_a_state_machine_from_the_links() -> None:
    loaded = schemathesis.openapi.from_dict(schemas.openapi())
    machine = loaded.as_state_machine()  # raises when a link is invalid
    rules = set(dir(machine))
    for rule in (
        "POST_register___204_PostMessageAsNewUser__POST_msgs_username_",
        "POST_register___204_FollowNewUser__POST_fllws_username_",
        "POST_msgs_username___204_ReadOwnMessages__GET_msgs_username_",
        "POST_fllws_username___204_ReadFollows__GET_fllws_username_",
    ):
        assert rule in rules
