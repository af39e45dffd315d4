"""The API contract: the OpenAPI 3.1 document and the JSON Schemas of every body.

Both ship inside the package and are read with ``importlib.resources`` (never relative to the
working directory). Loaded documents are cached; callers get deep copies so that nobody can
change the contract for everyone else by mutating a result.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib import resources
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

__all__ = ["BODY_SCHEMAS", "SCHEMA_BASE_URI", "body_schema", "openapi", "validator"]

#: Names of the body schemas, one file ``schemas/<name>.json`` each.
BODY_SCHEMAS: tuple[str, ...] = (
    "message",
    "messages",
    "follows",
    "latest",
    "error",
    "register_request",
    "tweet_request",
    "follow_request",
)

#: Base of every body schema's ``$id``; ``.invalid`` because it is a name, not a location.
SCHEMA_BASE_URI = "https://minitwit-harness.invalid/schemas/"


def _read_text(filename: str) -> str:
    return resources.files(__name__).joinpath(filename).read_text(encoding="utf-8")


@cache
def _openapi() -> dict[str, Any]:
    document = yaml.safe_load(_read_text("openapi.yaml"))
    if not isinstance(document, dict):
        raise ValueError("schemas/openapi.yaml is not a mapping")
    return document


@cache
def _body_schema(name: str) -> dict[str, Any]:
    if name not in BODY_SCHEMAS:
        raise KeyError(f"unknown body schema {name!r}; known: {', '.join(BODY_SCHEMAS)}")
    schema = json.loads(_read_text(f"{name}.json"))
    if not isinstance(schema, dict):
        raise ValueError(f"schemas/{name}.json is not an object")
    return schema


@cache
def _registry() -> Registry[Any]:
    """All body schemas by ``$id``, so that ``messages.json`` can refer to ``message.json``."""
    resources_ = [
        (SCHEMA_BASE_URI + f"{name}.json", DRAFT202012.create_resource(_body_schema(name)))
        for name in BODY_SCHEMAS
    ]
    registry: Registry[Any] = Registry().with_resources(resources_)
    return registry


def openapi() -> dict[str, Any]:
    """The OpenAPI 3.1 document of the normative API (a fresh copy)."""
    return copy.deepcopy(_openapi())


def body_schema(name: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one request or response body, by name (a copy)."""
    return copy.deepcopy(_body_schema(name))


@cache
def validator(name: str) -> Draft202012Validator:
    """A ready validator for one body schema, with references between schemas resolved."""
    return Draft202012Validator(
        _body_schema(name),
        registry=_registry(),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
