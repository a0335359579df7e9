"""Answers to introspection-only operations, kept: they never change for a schema, and a
flood of them (every GraphiQL tab sends one on load) must cost next to nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from graphql import ExecutionResult, FieldNode
from graphql.utilities import get_operation_ast
from strawberry.extensions import SchemaExtension

__all__ = ["IntrospectionCache", "IntrospectionResults"]


class IntrospectionResults:
    """The answers, by query text, operation name and variables (a bounded FIFO)."""

    def __init__(self, maxsize: int = 64) -> None:
        self.maxsize = maxsize
        self._results: dict[tuple[str, str | None, str], Any] = {}

    def get(self, key: tuple[str, str | None, str]) -> Any:
        return self._results.get(key)

    def put(self, key: tuple[str, str | None, str], data: Any) -> None:
        if len(self._results) >= self.maxsize:
            self._results.pop(next(iter(self._results)))
        self._results[key] = data


class IntrospectionCache(SchemaExtension):
    """Serve an operation that only asks for ``__schema``/``__type``/``__typename`` from
    :class:`IntrospectionResults`, and remember its answer."""

    def __init__(self, *, results: IntrospectionResults) -> None:
        self.results = results

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        key = self._key()
        if key is not None and not context.result:
            data = self.results.get(key)
            if data is not None:
                context.result = ExecutionResult(data=data)
        yield
        result = context.result
        if key is not None and result is not None and not getattr(result, "errors", None):
            data = getattr(result, "data", None)
            if data is not None and self.results.get(key) is None:
                self.results.put(key, data)

    def _key(self) -> tuple[str, str | None, str] | None:
        context = self.execution_context
        document = context.graphql_document
        operation = get_operation_ast(document, context.operation_name) if document else None
        if operation is None or operation.operation.value != "query" or context.query is None:
            return None
        selections = operation.selection_set.selections
        if not all(isinstance(s, FieldNode) and s.name.value.startswith("__") for s in selections):
            return None
        variables = json.dumps(context.variables or {}, sort_keys=True, default=str)
        return (context.query, context.operation_name, variables)
