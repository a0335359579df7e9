"""The ``canonical`` connector: scrm-graph's own JSON lines, one graph-model record per line.

For any channel without a connector of its own.  Each line is one JSON object
whose ``kind`` names the record (``account``, ``post``, ``engagement``, ...);
the fields are those of :mod:`graph.model`, described in ``docs/canonical.md``
and, as a JSON Schema generated from the models, in
``docs/canonical.schema.json`` (``python -m loaders.canonical`` prints it).
Unknown fields are refused, so a misspelt field is reported rather than lost.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import Any

from pydantic import ValidationError

from graph.model import Record, RecordAdapter
from loaders.base import ConnectorSpec, LoadOptions, Reject, Source, describe_validation_error
from loaders.lines import iter_lines

__all__ = ["CONNECTOR", "canonical_schema", "parse"]


def parse(source: Source, *, options: LoadOptions) -> Iterator[Record | Reject]:
    """Yield one record per valid line of ``source`` and a Reject for every other line."""
    for item in iter_lines(source, expected="JSON lines"):
        if isinstance(item, Reject):
            yield item
            continue
        number, line = item
        try:
            yield RecordAdapter.validate_json(line)
        except ValidationError as exc:
            yield _reject(source, number, line, exc)


def _reject(source: Source, number: int, line: str, exc: ValidationError) -> Reject:
    location = f"line {number}"
    try:
        raw: Any = json.loads(line)
    except json.JSONDecodeError as bad:
        return Reject(
            source.name, location, f"not valid JSON: {bad.msg} (column {bad.colno})", line
        )
    if not isinstance(raw, dict):
        return Reject(source.name, location, "not a JSON object", raw)
    if "kind" not in raw:
        return Reject(source.name, location, "kind: missing (every record names its kind)", raw)
    return Reject(source.name, location, describe_validation_error(exc), raw)


def canonical_schema() -> dict[str, Any]:
    """The JSON Schema of one canonical line, generated from :data:`graph.model.RecordAdapter`."""
    schema = RecordAdapter.json_schema()
    for definition in schema["$defs"].values():
        # `kind` has a default in the models, but a line must say which record it is.
        if "kind" in definition.get("properties", {}):
            definition["required"] = ["kind", *definition.get("required", [])]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "scrm-graph canonical record",
        "description": (
            "One line of a canonical JSON-lines file: a node or relationship of the "
            "scrm-graph model, told apart by `kind`. See docs/canonical.md."
        ),
        **schema,
    }


def schema_text() -> str:
    """The schema as committed in ``docs/canonical.schema.json``."""
    return json.dumps(canonical_schema(), indent=2, ensure_ascii=False) + "\n"


CONNECTOR = ConnectorSpec(
    name="canonical",
    summary="scrm-graph's own JSON lines: one record per line with a `kind` (docs/canonical.md)",
    parse=parse,
    patterns=("*.jsonl", "*.ndjson"),
)


if __name__ == "__main__":
    sys.stdout.write(schema_text())
