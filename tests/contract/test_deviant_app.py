"""The deviant test app itself: normative by default, each switch changes one behaviour."""

from __future__ import annotations

import pytest

from tests.support.deviant_app import AUTH, DEVIATIONS, create_app


def test_unknown_deviation_is_refused() -> None:
    """A typo in a deviation name fails loudly instead of testing the normative app."""
    with pytest.raises(ValueError, match="no-such-thing"):
        create_app(["no-such-thing"])


@pytest.mark.parametrize(
    ("deviations", "status", "body"),
    [
        ((), 404, {"status": 404, "error_msg": "unknown user"}),
        (("unknown-user-400",), 400, {"status": 400, "error_msg": "unknown user"}),
        (("tweet-unknown-user-500",), 500, {"status": 500, "error_msg": "Internal Server Error"}),
    ],
)
def test_switches_change_one_answer(deviations: tuple[str, ...], status: int, body: object) -> None:
    """A tweet by an unknown user, with and without switches (Flask test client)."""
    assert set(deviations) <= DEVIATIONS.keys()
    client = create_app(deviations).test_client()
    reply = client.post(
        "/msgs/nobody?latest=1", json={"content": "x"}, headers={"Authorization": AUTH}
    )
    assert (reply.status_code, reply.get_json()) == (status, body)
