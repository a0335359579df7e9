"""Error masking: clients see a message and a stable ``extensions.code``, never internals.

Errors scrm-graph raises on purpose (:class:`graph.errors.ScrmError`) keep
their message and code; GraphQL validation errors keep theirs.  Anything else
becomes "Internal server error" with code ``INTERNAL`` and is logged here.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from graphql.error import GraphQLError
from strawberry.extensions import SchemaExtension

from graph.errors import ScrmError

__all__ = ["ErrorCodes"]

log = logging.getLogger("scrm.graphql")


class ErrorCodes(SchemaExtension):
    """Mask unexpected errors and give every error a stable code."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if result is not None and errors:
            result.errors = [_coded(e) for e in errors]


def _coded(error: GraphQLError) -> GraphQLError:
    original = error.original_error
    if original is None:
        extensions = dict(error.extensions or {})
        extensions.setdefault("code", "GRAPHQL_VALIDATION_FAILED")
        return _with(error, error.message, extensions)
    if isinstance(original, ScrmError):
        return _with(error, str(original).splitlines()[0], {"code": original.code})
    if isinstance(original, GraphQLError):
        return _coded(original)
    log.error("unexpected error in a resolver", exc_info=original)
    return _with(error, "Internal server error", {"code": "INTERNAL"})


def _with(error: GraphQLError, message: str, extensions: dict[str, object]) -> GraphQLError:
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions=extensions,
    )
