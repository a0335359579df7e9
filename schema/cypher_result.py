"""CypherResult: the columns and rows of an analyst's read-only Cypher query."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import strawberry
from strawberry.scalars import JSON

from graph.store import QueryResult

__all__ = ["CypherResult"]


@strawberry.type(description="An analyst query's answer; nodes come back as property maps.")
class CypherResult:
    columns: list[str]
    rows: JSON = strawberry.field(description="A list of rows, each a list of JSON values.")
    truncated: bool = strawberry.field(description="More rows existed than the row cap allowed.")
    row_count: int

    @classmethod
    def from_record(cls, result: QueryResult) -> CypherResult:
        rows: Any = [[_json(value) for value in row] for row in result.rows]
        return cls(
            columns=list(result.columns),
            rows=rows,
            truncated=result.truncated,
            row_count=len(result.rows),
        )


def _json(value: Any) -> Any:
    """A value as JSON can carry it: non-finite floats become null, other types text."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    return str(value)
