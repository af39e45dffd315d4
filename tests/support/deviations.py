"""The deviant app's switches: each one behaviour a real implementation ships with."""

from __future__ import annotations

#: Every switchable deviation and what the app then does (in the app's own terms).
DEVIATIONS: dict[str, str] = {
    # Behaviour of the course reference (spec section 4), as it looks on the wire.
    "latest-500-before-first": "GET /latest: an HTML 500 page while no latest was recorded",
    "latest-dropped-before-first": "GET /latest: connection closed unanswered while none recorded",
    "latest-before-auth": "record latest, then check the credentials",
    "tweet-unknown-user-500": "tweet by an unknown user: HTML 500, then every write hangs 5 s, 500",
    "bad-body-500": "no JSON keys, a null or array body: an HTML 500 page",
    "follow-neither-500": "follow body without follow/unfollow: an HTML 500 page",
    "follow-both-follow-wins": "follow body with both keys: follow it",
    "follow-duplicate": "store every follow, list a name once per follow",
    "self-follow": "a user may follow itself",
    "head-500": "HEAD on the list routes: an HTML 500 page",
    "html-errors": "HTML pages for 404/405/415/500 and malformed-JSON 400s",
    "missing-content-type-415": "a body without Content-Type: 415",
    "ties-oldest-first": "equal pub_date: oldest first",
    "integer-values": "accept and return integers as content and username",
    # Mistakes of real implementations.
    "null-empty-list": "empty lists are answered as null",
    "auth-200-text": "auth failures answer 200 with a text body",
    "register-needs-auth": "/register demands the simulator credentials",
    "missing-no-400": "GET /msgs* without no answers 400",
    "no-default-20": "without no, lists hold 20 items instead of 100",
    "unknown-user-400": "an unknown user answers 400 instead of 404",
    "pub-date-iso": "pub_date is an ISO 8601 string",
    "html-escape": "message content is stored HTML-escaped",
    "duplicate-register": "a taken username is registered again",
    "follow-twice-400": "a second follow of the same user answers 400",
    "error-text-plain": "JSON error bodies are sent as text/plain",
    "error-json-as-html": "JSON error bodies are sent as text/html",
    "error-msg-list": "register errors carry error_msg as a list of strings",
    "exit-without-latest": "the process exits on a request without latest",
    "unique-emails": "a taken email is refused with 400",
    "latest-32-bit": "latest in a 32-bit column: a value outside it is a 500",
    "content-max-280": "content over 280 characters: 500",
    "username-max-50": "usernames over 50 characters: 500",
    "numeric-coercion": "strings that look like numbers or booleans are answered as such",
    "empty-content-dropped": "empty content: 204, but nothing is stored",
    "missing-content-empty": "a tweet body without content is stored as empty content",
    "put-404": "PUT answers 404 instead of 405",
    "slow-register": "a register takes 250 ms and the app serves one request at a time",
}
