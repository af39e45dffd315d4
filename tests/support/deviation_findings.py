"""What each deviation of the deviant app must produce: distinct (check, severity) pairs.

Severities are the README's policy: ``error`` for a 5xx, anything the course simulator would
log and data lost or altered; ``warning`` for a normative deviation the simulator would not
notice; ``quirk`` for behaviour of the course reference (spec section 4).
"""

from __future__ import annotations

Found = frozenset[tuple[str, str]]
E, W, Q = "error", "warning", "quirk"


def found(*pairs: tuple[str, str]) -> Found:
    """A set of (check, severity) pairs."""
    return frozenset(pairs)


#: The contract stage's findings for the app with exactly one deviation switched on.
CONTRACT: dict[str, Found] = {
    # Quirks of the course reference: labelled, never errors.
    "latest-500-before-first": found(("latest.initial", Q)),
    "latest-dropped-before-first": found(("latest.initial", Q)),
    "latest-before-auth": found(("latest.unauthorised-ignored", Q)),
    "tweet-unknown-user-500": found(("msgs.tweet-unknown-user-404", Q)),
    "bad-body-500": found(
        ("register.body-not-object", Q),
        ("register.missing-field", Q),
        ("msgs.bad-body-400", Q),
        ("fllws.bad-body-400", Q),
    ),
    "follow-neither-500": found(("fllws.bad-body-400", Q)),
    "follow-both-follow-wins": found(("fllws.bad-body-400", Q)),
    "follow-duplicate": found(("fllws.follow-twice", Q)),
    "self-follow": found(("fllws.self-follow", Q)),
    "head-500": found(("http.head", Q)),
    "html-errors": found(("http.error-body-json", Q)),
    "missing-content-type-415": found(("http.missing-content-type", Q)),
    "ties-oldest-first": found(("msgs.newest-first", Q)),
    "integer-values": found(("msgs.integer-content", Q), ("register.integer-username", Q)),
    # Mistakes of real implementations.
    "null-empty-list": found(("msgs.empty-list", W), ("fllws.empty-list", W)),
    "auth-200-text": found(("auth.required-403", E)),
    "register-needs-auth": found(("auth.register-open", W)),
    "missing-no-400": found(("msgs.no-optional", W), ("fllws.no-limit", W)),
    "no-default-20": found(("msgs.no-default-100", W)),
    "unknown-user-400": found(
        ("msgs.get-unknown-user-404", W),
        ("fllws.unknown-user-404", W),
        ("fllws.unknown-target-404", W),
        ("msgs.tweet-unknown-user-404", W),
    ),
    "pub-date-iso": found(("schema.messages", W)),
    "html-escape": found(("msgs.content-preserved", E)),
    "duplicate-register": found(("register.duplicate-400", E)),
    "follow-twice-400": found(("fllws.follow-twice", E)),
    "error-text-plain": found(("http.json-content-type", W)),
    "error-json-as-html": found(("http.json-content-type", W)),
    "error-msg-list": found(("http.error-body-json", W)),
    "unique-emails": found(("register.email-not-unique", W)),
    "latest-32-bit": found(("latest.out-of-range", E)),
    "content-max-280": found(("msgs.long-content", E)),
    "username-max-50": found(("register.long-username", E)),
    "numeric-coercion": found(
        ("msgs.numeric-strings", E), ("register.numeric-username", E), ("fllws.numeric-target", E)
    ),
    "empty-content-dropped": found(("msgs.empty-content", E)),
    "missing-content-empty": found(("msgs.bad-body-400", E)),
    "put-404": found(("http.method-not-allowed-405", W)),
}

#: Deviations the contract suite alone cannot run through: the process exits (a supervisor
#: must restart it; see tests/gate/test_crash_restart.py).
CRASHING = frozenset({"exit-without-latest"})

#: Not a defect the gate reports (tests/replay/test_pacing.py: slow but within the timeout).
NO_DEFECT = frozenset({"slow-register"})
