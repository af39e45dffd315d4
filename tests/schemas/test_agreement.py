"""The schemas embedded in the OpenAPI document and the standalone JSON Schemas never drift."""

from __future__ import annotations

from typing import Any

import pytest

import schemas

#: ARCHITECTURE.md, the contract: one JSON Schema per body, these eight.
BODIES = {"message", "messages", "follows", "latest", "error"} | {
    "register_request",
    "tweet_request",
    "follow_request",
}


def _as_embedded(node: Any) -> Any:
    """A standalone schema as the OpenAPI document embeds it (no $schema/$id, local refs)."""
    if isinstance(node, dict):
        out = {k: _as_embedded(v) for k, v in node.items() if k not in {"$schema", "$id"}}
        ref = out.get("$ref")
        if isinstance(ref, str) and ref.endswith(".json"):
            out["$ref"] = "#/components/schemas/" + ref.removesuffix(".json")
        return out
    if isinstance(node, list):
        return [_as_embedded(item) for item in node]
    return node


def test_the_document_embeds_exactly_the_body_schemas() -> None:
    embedded = schemas.openapi()["components"]["schemas"]
    assert set(embedded) == set(schemas.BODY_SCHEMAS) == BODIES


@pytest.mark.parametrize("name", schemas.BODY_SCHEMAS)
def test_embedded_schema_equals_standalone(name: str) -> None:
    embedded = schemas.openapi()["components"]["schemas"][name]
    assert embedded == _as_embedded(schemas.body_schema(name))


def _media_examples() -> list[tuple[str, Any]]:
    """Every (schema name, example value) of request and response media in the document."""
    doc = schemas.openapi()
    found: list[tuple[str, Any]] = []
    medias = [
        media
        for item in doc["paths"].values()
        for op in item.values()
        if isinstance(op, dict)
        for part in [op.get("requestBody", {}), *op.get("responses", {}).values()]
        for media in part.get("content", {}).values()
    ]
    medias += [
        media
        for response in doc["components"]["responses"].values()
        for media in response["content"].values()
    ]
    for media in medias:
        ref = media["schema"].get("$ref") or media["schema"]["allOf"][0]["$ref"]
        name = ref.rsplit("/", 1)[1]
        found += [(name, example["value"]) for example in media.get("examples", {}).values()]
    return found


def test_every_document_example_matches_its_schema() -> None:
    examples = _media_examples()
    assert len(examples) >= 10
    for name, value in examples:
        schemas.validator(name).validate(value)
