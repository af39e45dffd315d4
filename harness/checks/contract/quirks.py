"""The known quirks of the course reference (spec section 4), as data findings refer to.

Ids and descriptions follow the spec's own wording, not the switches of any test app, so a
test that switches a behaviour on cannot agree with the harness by construction.
"""

from __future__ import annotations

#: Quirk id -> what the course reference does (spec section 4).
QUIRKS: dict[str, str] = {
    "latest-500-until-first-latest": (
        "GET /latest answers 500 until the first request carried latest (2024+ versions)"
    ),
    "fresh-latest-connection-closed": (
        "under gunicorn 27, the fresh-start GET /latest error closes the connection "
        "without any answer"
    ),
    "latest-recorded-before-auth": (
        "latest is recorded before the auth check: an unauthenticated request moves it"
    ),
    "tweet-by-unknown-user-500": (
        "tweet by an unknown user: 500, and afterwards its SQLite database can stay locked"
    ),
    "missing-keys-or-null-body-500": (
        "missing JSON keys, a null or array body, null content, a numeric email or pwd: 500"
    ),
    "no-beyond-64-bits-500": "no beyond 64 bits: 500 (OverflowError)",
    "follow-neither-key-500": "follow body with neither key: 500",
    "follow-both-keys-follow-wins": "follow body with both keys: follow wins",
    "following-twice-duplicates": "following twice stores a duplicate and lists the name twice",
    "self-follow-allowed": "self-follow is allowed",
    "head-on-lists-500": "HEAD on /msgs, /msgs/<user>, /fllws/<user>: 500",
    "html-error-bodies": (
        "404/405/415/500 bodies are HTML; an empty or malformed JSON body gives 400 "
        "(framework behaviour)"
    ),
    "missing-content-type-415": "a missing Content-Type gives 415",
    "ties-oldest-first": "ties inside one second come out oldest-first",
    "integer-stored-as-number": (
        "integer content or username is stored and returned as a JSON number"
    ),
}


def quirk_message(quirk: str, observed: str) -> str:
    """The message of a quirk finding: what was observed and which known quirk it matches."""
    return f"{observed} (course-reference quirk: {QUIRKS[quirk]})"
