"""The OpenAPI document is valid OpenAPI 3.1 and describes exactly the normative API table."""

from __future__ import annotations

from typing import Any

import jsonschema_rs
import pytest
import schemathesis
from jsonschema import Draft202012Validator
from schemathesis.core.result import Ok

import schemas

AUTHENTICATED = {"/msgs", "/msgs/{username}", "/fllws/{username}"}

#: The normative table (spec section 3): operation -> documented statuses.
NORMATIVE = {
    ("get", "/latest"): {"200"},
    ("post", "/register"): {"204", "400"},
    ("get", "/msgs"): {"200", "403"},
    ("get", "/msgs/{username}"): {"200", "403", "404"},
    ("post", "/msgs/{username}"): {"204", "400", "403", "404"},
    ("get", "/fllws/{username}"): {"200", "403", "404"},
    ("post", "/fllws/{username}"): {"204", "400", "403", "404"},
}

METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def _operations(doc: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method, path): op
        for path, item in doc["paths"].items()
        for method, op in item.items()
        if method in METHODS
    }


def test_document_is_valid_openapi_3_1() -> None:
    doc = schemas.openapi()
    assert doc["openapi"].startswith("3.1")
    loaded = schemathesis.openapi.from_dict(doc)
    loaded.validate()  # the OpenAPI 3.1 meta-schema; raises on any violation
    results = list(loaded.get_all_operations())
    labels = {result.ok().label for result in results if isinstance(result, Ok)}
    assert len(labels) == len(results) == len(_operations(doc))


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("info",), None),
        (("components", "securitySchemes", "simulator", "type"), "bogus"),
        (
            (
                "paths",
                "/latest",
                "get",
                "responses",
                "200",
                "content",
                "application/json",
                "schema",
            ),
            5,
        ),
    ],
)
def test_the_validation_rejects_a_broken_document(path: tuple[str, ...], value: Any) -> None:
    doc = schemas.openapi()
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    if value is None:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    with pytest.raises(jsonschema_rs.ValidationError):
        schemathesis.openapi.from_dict(doc).validate()


def test_every_embedded_schema_is_valid_draft_2020_12() -> None:
    for schema in schemas.openapi()["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


def test_paths_and_statuses_follow_the_normative_table() -> None:
    ops = _operations(schemas.openapi())
    gets = {key: value for key, value in ops.items() if key[0] != "head"}
    assert {key: set(op["responses"]) for key, op in gets.items()} == NORMATIVE


def test_head_is_documented_wherever_get_is() -> None:
    ops = _operations(schemas.openapi())
    get_paths = {path for method, path in ops if method == "get"}
    head_paths = {path for method, path in ops if method == "head"}
    assert head_paths == get_paths
    for path in head_paths:
        assert set(ops[("head", path)]["responses"]) == set(ops[("get", path)]["responses"])
        for response in ops[("head", path)]["responses"].values():
            assert "content" not in response


def test_basic_auth_exactly_on_msgs_and_fllws() -> None:
    doc = schemas.openapi()
    scheme = doc["components"]["securitySchemes"]["simulator"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "basic")
    assert "security" not in doc  # no global default: each operation says what it needs
    for (_, path), op in _operations(doc).items():
        expected: list[dict[str, list[str]]] = [{"simulator": []}] if path in AUTHENTICATED else []
        assert op["security"] == expected, path


def test_query_parameters_latest_and_no() -> None:
    ops = _operations(schemas.openapi())
    for (method, path), op in ops.items():
        names = {p["$ref"].rsplit("/", 1)[1] for p in op.get("parameters", [])}
        if path == "/latest":
            assert names == set()
        elif method == "post":
            assert names == {"latest"}
        else:
            assert names == {"latest", "no"}


def test_success_without_body_is_204_with_no_content() -> None:
    for (_, _path), op in _operations(schemas.openapi()).items():
        if "204" in op["responses"]:
            assert "content" not in op["responses"]["204"]


def test_error_responses_carry_the_error_body_with_their_status() -> None:
    doc = schemas.openapi()
    for name, status in (("BadRequest", 400), ("Forbidden", 403), ("NotFound", 404)):
        media = doc["components"]["responses"][name]["content"]["application/json"]
        base, narrowed = media["schema"]["allOf"]
        assert base == {"$ref": "#/components/schemas/error"}
        assert narrowed["properties"]["status"]["const"] == status
        for example in media["examples"].values():
            assert example["value"]["status"] == status


def test_servers_note_the_optional_path_prefix() -> None:
    [server] = schemas.openapi()["servers"]
    assert server["url"].endswith("{prefix}")
    assert server["variables"]["prefix"]["default"] == ""
