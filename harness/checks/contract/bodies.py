"""Judging response bodies: JSON Schema validation of success bodies and error bodies."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import schemas
from harness.checks.contract.client import Reply
from harness.checks.policy import SUCCESS_SCHEMAS, Behaviour, severity
from harness.findings import Severity

#: Statuses whose HTML bodies are a quirk of the course reference (spec section 4).
HTML_QUIRK_STATUSES = frozenset({404, 405, 415, 500})

#: The body checks that judge every response (name -> what they verify); the runner reports
#: them as checks after the suite.
BODY_CHECKS: dict[str, str] = {
    "schema.latest": "GET /latest bodies match the latest schema",
    "schema.messages": "message lists match the messages schema",
    "schema.follows": "follow lists match the follows schema",
    "http.empty-204": "204 answers have an empty body",
    "http.error-body-json": "4xx/5xx bodies are {status, error_msg} JSON",
    "http.json-content-type": "JSON bodies are sent as application/json",
    "http.server-error": "no answer is a 5xx",
}


#: How bad a wrong body is (the severity policy): schemas, error bodies, media types.
SHAPE = severity(Behaviour.BODY_SHAPE)


@dataclass(frozen=True)
class BodyVerdict:
    """One problem with a body: which body check, how bad, and why."""

    check: str
    severity: Severity
    message: str
    causes: tuple[str, ...] = ()  # suite checks whose finding, when there is one, names it


@cache
def _validator(name: str) -> Any:
    return schemas.validator(name)


def schema_problem(name: str, data: Any) -> str | None:
    """The first violation of JSON Schema ``name`` by ``data``, or None when it is valid."""
    errors = sorted(_validator(name).iter_errors(data), key=lambda e: list(e.absolute_path))
    if not errors:
        return None
    err = errors[0]
    path = "".join(f"[{p!r}]" for p in err.absolute_path) or "body"
    # jsonschema quotes the whole instance: a 5 MB list would make a 5 MB message.
    message = err.message if len(err.message) <= 200 else err.message[:199] + "…"
    return f"{path}: {message}"


def _contents_as_text(data: Any) -> Any:
    """A message list with every numeric `content` turned into text."""
    if not isinstance(data, list):
        return data
    return [
        {**m, "content": str(m["content"])}
        if isinstance(m, dict)
        and isinstance(m.get("content"), int | float)
        and not isinstance(m.get("content"), bool)
        else m
        for m in data
    ]


def _follows_once(data: Any) -> Any:
    """A follow list with each name once."""
    if not isinstance(data, dict) or not isinstance(data.get("follows"), list):
        return data
    names = data["follows"]
    once = [n for i, n in enumerate(names) if n not in names[:i]]
    return {**data, "follows": once}


#: Schema problems a suite check's defect explains: per schema, what undoes the defect in a
#: body and the checks whose finding names it (a numeric-looking text stored as a number, an
#: integer content accepted and stored; a follow stored twice and listed twice).
EXPLAINED_SHAPES: dict[str, tuple[Callable[[Any], Any], tuple[str, ...]]] = {
    "messages": (_contents_as_text, ("msgs.numeric-strings", "msgs.integer-content")),
    "follows": (_follows_once, ("fllws.follow-twice",)),
}

#: How the property phase's hooks title a schema failure such a defect explains (the NDJSON
#: events keep only the start of a body, too little to judge it again afterwards).
EXPLAINED_TITLE = "Response violates schema only as the suite's checks find: "


def causes_of(data: Any) -> tuple[str, ...]:
    """The checks whose defect is all that keeps ``data`` from its schema, or ()."""
    for name, (undo, causes) in EXPLAINED_SHAPES.items():
        fixed = undo(data)
        if fixed != data and schema_problem(name, fixed) is None:
            return causes
    return ()


def title_causes(title: str) -> tuple[str, ...]:
    """The checks an EXPLAINED_TITLE names, or ()."""
    if not title.startswith(EXPLAINED_TITLE):
        return ()
    return tuple(title.removeprefix(EXPLAINED_TITLE).split(", "))


def _looks_html(reply: Reply) -> bool:
    """HTML by its body: a JSON body sent as text/html is JSON with a wrong Content-Type."""
    if reply.has_json:
        return False
    body = (reply.exchange.response_body or "").lstrip().lower()
    return reply.content_type == "text/html" or body.startswith(("<!doctype", "<html", "<"))


def _malformed_request(reply: Reply) -> bool:
    """Whether the request had an empty or non-JSON body (the framework's own 400)."""
    body = reply.exchange.request_body
    if reply.exchange.method not in ("POST", "PUT", "PATCH"):
        return False
    if body is None or not body.strip():
        return True
    try:
        json.loads(body)
    except ValueError:
        return True
    return False


def judge_error_body(reply: Reply) -> BodyVerdict | None:
    """Whether a 4xx/5xx answer has the normative body ``{"status": int, "error_msg": str}``."""
    status = reply.status
    if status is None or status < 400 or reply.exchange.method == "HEAD":
        return None
    if _looks_html(reply):
        quirk = status in HTML_QUIRK_STATUSES or (status == 400 and _malformed_request(reply))
        if quirk:
            return BodyVerdict(
                "http.error-body-json",
                severity(Behaviour.QUIRK),
                f"{status} answered with an HTML body (quirk of the course reference)",
            )
        return BodyVerdict("http.error-body-json", SHAPE, f"{status} answered with an HTML body")
    if not reply.has_json:
        return BodyVerdict("http.error-body-json", SHAPE, f"{status} body is not JSON")
    problem = schema_problem("error", reply.data)
    if problem is None and reply.data.get("status") != status:
        problem = f"'status' is {reply.data.get('status')!r}, the HTTP status is {status}"
    if problem is not None:
        return BodyVerdict("http.error-body-json", SHAPE, f"{status} error body: {problem}")
    if reply.content_type != "application/json":
        return BodyVerdict(
            "http.json-content-type",
            SHAPE,
            f"JSON error body sent as {reply.content_type or 'no Content-Type'}",
        )
    return None


def judge_body(reply: Reply, where: str) -> BodyVerdict | None:
    """The automatic judgement every response gets (schemas, error bodies, 5xx)."""
    status = reply.status
    if status is None:
        return None
    if status >= 500:
        return BodyVerdict(
            "http.server-error", severity(Behaviour.SERVER_ERROR), f"{where} answered {status}"
        )
    if status >= 400:
        return judge_error_body(reply)
    if status == 204 and (reply.exchange.response_body or "").strip():
        return BodyVerdict("http.empty-204", SHAPE, "204 answered with a body")
    name = SUCCESS_SCHEMAS.get(where)
    if status != 200 or name is None or reply.exchange.method == "HEAD":
        return None
    if not reply.has_json:
        return BodyVerdict(f"schema.{name}", SHAPE, f"{where} body is not JSON")
    problem = schema_problem(name, reply.data)
    if problem is not None:
        message = f"{where} body: {problem}"
        return BodyVerdict(f"schema.{name}", SHAPE, message, causes_of(reply.data))
    if reply.content_type != "application/json":
        return BodyVerdict(
            "http.json-content-type",
            SHAPE,
            f"JSON body sent as {reply.content_type or 'no Content-Type'}",
        )
    return None
