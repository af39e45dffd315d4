"""The known quirks of the course reference (spec section 4), as data findings refer to."""

from __future__ import annotations

#: Quirk id -> what the course reference does. Findings of severity ``quirk`` name one.
QUIRKS: dict[str, str] = {
    "latest-500-before-first": "GET /latest answers 500 until the first request carried latest",
    "latest-dropped-before-first": (
        "under gunicorn the fresh-start GET /latest error closes the connection without an answer"
    ),
    "latest-before-auth": "latest is recorded before the auth check",
    "tweet-unknown-user-500": "a tweet by an unknown user answers 500",
    "bad-body-500": "missing JSON keys, a null or an array body answer 500",
    "follow-neither-500": "a follow body with neither key answers 500",
    "follow-both-follow-wins": "a follow body with both keys follows (follow wins)",
    "follow-duplicate": "following twice stores a duplicate and lists the name twice",
    "self-follow": "self-follow is allowed",
    "head-500": "HEAD on /msgs, /msgs/<user>, /fllws/<user> answers 500",
    "html-error-bodies": "404/405/415/500 bodies are HTML (and the framework's 400 for bad JSON)",
    "missing-content-type-415": "a missing Content-Type gives 415",
    "ties-oldest-first": "messages posted within one second come out oldest first",
    "integer-values": "integer content or username is stored and returned as a JSON number",
    "no-overflow-500": "no beyond 64 bits answers 500 (OverflowError)",
}


def quirk_message(quirk: str, observed: str) -> str:
    """The message of a quirk finding: what was observed and which known quirk it matches."""
    return f"{observed} (course-reference quirk: {QUIRKS[quirk]})"
