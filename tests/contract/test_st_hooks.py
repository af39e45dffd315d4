"""The property phase's memory savings: the same Hypothesis alphabet, the same verdicts."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema_rs
from schemathesis.openapi.checks import JsonSchemaError

from harness.checks.contract.bodies import EXPLAINED_TITLE
from harness.checks.contract.property_phase import UTF8_TABLE, UTF8_TABLE_PATH, seed_hypothesis
from harness.checks.contract.st_hooks import KEPT_CHARS, filter_failure, shrink

#: Hypothesis computes its own UTF-8 table and says where it keeps it.
_COMPUTE = """
from hypothesis.internal.charmap import charmap_file, intervals_from_codec
intervals_from_codec("utf-8")
print(charmap_file("codec-v2-utf-8"))
"""


def _table(path: Path) -> object:
    with gzip.open(path) as data:
        return json.loads(data.read())


def test_seeded_utf8_table_is_what_hypothesis_computes(tmp_path: Path) -> None:
    """Hypothesis writes the very table the phase seeds, at the path it is seeded to."""
    storage = tmp_path / "own"
    env = {**os.environ, "HYPOTHESIS_STORAGE_DIRECTORY": str(storage)}
    proc = subprocess.run(
        [sys.executable, "-c", _COMPUTE], env=env, capture_output=True, text=True, check=True
    )
    written = Path(proc.stdout.strip())
    assert written == storage.joinpath(*UTF8_TABLE_PATH)
    assert _table(written) == list(UTF8_TABLE)
    seed_hypothesis(tmp_path / "seeded")
    assert _table(tmp_path.joinpath("seeded", *UTF8_TABLE_PATH)) == _table(written)


def test_shrink_keeps_the_failure_without_the_body() -> None:
    """A schema violation of a 5 MB body: same check, title, message and key; no body copy."""
    schema = {"type": "object", "properties": {"follows": {"type": "array"}}}
    body = [{"content": "x" * (5 * 1024 * 1024), "user": "big", "pub_date": 0}]
    error = next(jsonschema_rs.validator_for(schema).iter_errors(body))
    operation = "GET /fllws/{username}"
    failure = JsonSchemaError.from_exception(operation=operation, exc=error, root_schema=schema)
    twin = JsonSchemaError.from_exception(operation=operation, exc=error, root_schema=schema)
    shrink(failure)
    assert failure.asdict() == twin.asdict() and failure == twin
    assert failure.instance is None
    assert len(failure._raw_message) <= KEPT_CHARS < len(twin._raw_message)


class _Answer:
    """What the hook reads of a Schemathesis response: its decoded JSON body."""

    def __init__(self, data: object) -> None:
        self.data = data

    def json(self) -> object:
        return self.data


def test_schema_failure_a_suite_defect_explains_is_titled_so() -> None:
    """A long message list whose only fault is a numeric content, a follow list whose only
    fault is a name listed twice: titled with the checks that name those defects; a list with
    another fault keeps Schemathesis' own title."""
    schema = {"type": "array", "items": {"properties": {"content": {"type": "string"}}}}
    message = {"content": "hi", "pub_date": 1700000000, "user": "ann"}
    numeric = [{**message, "content": 7}, *[message] * 2000]  # far beyond what events keep
    broken = [{"content": 7, "user": "ann"}]
    twice: object = {"follows": ["0", "ann", "0"]}
    titles = []
    for body in (numeric, twice, broken):
        error = next(jsonschema_rs.validator_for(schema).iter_errors(body))
        failure = JsonSchemaError.from_exception(
            operation="GET /msgs", exc=error, root_schema=schema
        )
        assert filter_failure(None, failure, None, _Answer(body)) is True
        titles.append(failure.title)
    assert titles == [
        EXPLAINED_TITLE + "msgs.numeric-strings, msgs.integer-content",
        EXPLAINED_TITLE + "fllws.follow-twice",
        JsonSchemaError.kind_title,
    ]
