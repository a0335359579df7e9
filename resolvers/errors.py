"""Error masking: clients see a message and a stable ``extensions.code``, never internals.

    ScrmError (graph.errors)
     └── ApiError               the API refuses a request; the message is for the client
          ├── BadInput          an argument is malformed or out of range   BAD_USER_INPUT
          ├── NotFound          an id names nothing                         NOT_FOUND
          ├── Unauthenticated   no key, or a key that is not valid          UNAUTHENTICATED
          ├── Forbidden         the key's role does not allow this          FORBIDDEN
          ├── LimitExceeded     a request limit was hit                      <limit>_EXCEEDED
          │    └── PageSizeExceeded                                          PAGE_SIZE_EXCEEDED
          ├── CypherRejected    an analyst query the engine would not run    CYPHER_ERROR
          └── NotAvailable      a service this field needs is not installed  NOT_AVAILABLE

Errors the API raises on purpose, and those the analyses and loaders raise
about their input (bad parameters, unknown ids), keep their message.
Database errors keep their code with a fixed message (their own text may
name a socket path or carry engine detail).  GraphQL syntax and
validation errors keep theirs.  Anything else becomes "Internal server error"
with code ``INTERNAL`` and is logged here with its traceback.  Every message
that reaches a client is cut to one line with file paths removed.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

from graphql import ExecutionResult
from graphql.error import GraphQLError, GraphQLSyntaxError
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext
from strawberry.types.graphql import OperationType

from graph.errors import ScrmError

__all__ = [
    "REQUEST_ERROR_CODES",
    "ApiError",
    "BadInput",
    "CypherRejected",
    "ErrorCodes",
    "Forbidden",
    "LimitExceeded",
    "NotAvailable",
    "NotFound",
    "PageSizeExceeded",
    "Unauthenticated",
    "public_message",
    "refuse",
]

log = logging.getLogger("scrm.graphql")


class ApiError(ScrmError):
    """The API refuses a request; ``str(error)`` is written for the client."""

    code = "BAD_REQUEST"


class BadInput(ApiError):
    code = "BAD_USER_INPUT"


class NotFound(ApiError):
    code = "NOT_FOUND"


class Unauthenticated(ApiError):
    code = "UNAUTHENTICATED"


class Forbidden(ApiError):
    code = "FORBIDDEN"


class LimitExceeded(ApiError):
    """A request limit was hit; ``code`` names the limit (``DEPTH_LIMIT_EXCEEDED``, ...)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class PageSizeExceeded(LimitExceeded):
    def __init__(self, argument: str, value: int, limit: int) -> None:
        super().__init__(
            "PAGE_SIZE_EXCEEDED", f"{argument}: at most {limit} items per page (got {value})"
        )


class CypherRejected(ApiError):
    code = "CYPHER_ERROR"


class NotAvailable(ApiError):
    code = "NOT_AVAILABLE"


# Errors that stop a request before execution: answered with a 4xx status.
REQUEST_ERROR_CODES = frozenset(
    {
        "GRAPHQL_PARSE_FAILED",
        "GRAPHQL_VALIDATION_FAILED",
        "BAD_USER_INPUT",
        "DEPTH_LIMIT_EXCEEDED",
        "ALIAS_LIMIT_EXCEEDED",
        "TOKEN_LIMIT_EXCEEDED",
        "COST_LIMIT_EXCEEDED",
        "PAGE_SIZE_EXCEEDED",
        "INTROSPECTION_LIMIT_EXCEEDED",
        "UNAUTHENTICATED",
        "FORBIDDEN",
    }
)

# Database errors: the code is stable, the text is ours (theirs may name paths).
_DATABASE_MESSAGES = {
    "DATABASE_UNAVAILABLE": "the graph database is unavailable; try again shortly",
    "QUERY_TIMEOUT": "the query ran past its time limit",
    "READ_ONLY": "this query writes; only read-only queries are allowed",
}
_DATABASE_FALLBACK = "the graph database could not answer this request"

_PATH = re.compile(r"(?:[A-Za-z]:)?(?:/[\w.\-@+~]+){2,}/?|(?:file|unix)://\S+")


def public_message(message: str) -> str:
    """``message`` as a client may see it: its first line, without file paths."""
    first = message.strip().splitlines()[0] if message.strip() else ""
    return _PATH.sub("<path>", first)


# Errors the analyses and loaders raise about their input are written for the person
# who gave it (AnalysisError, IdentityError, ...): their message is kept.
_INPUT_ERROR_PACKAGES = ("algorithms.", "loaders.")


def _is_input_error(error: ScrmError) -> bool:
    return type(error).__module__.startswith(_INPUT_ERROR_PACKAGES)


class ErrorCodes(SchemaExtension):
    """Mask unexpected errors and give every error a stable code: on the result of an
    operation over HTTP, and on each result a stream (WebSocket) sends."""

    def on_operation(self) -> Iterator[None]:
        self._streamed = False
        yield
        if not self._streamed:  # a stream's results were handled one by one
            _code_result(self.execution_context.result)

    def on_stream_result(self, result: Any) -> Iterator[None]:
        self._streamed = True
        _code_result(result)
        yield


def _code_result(result: Any) -> None:
    errors = getattr(result, "errors", None)
    if result is not None and errors:
        result.errors = [coded(e) for e in errors]


def coded(error: GraphQLError) -> GraphQLError:
    """``error`` with a public message and ``extensions.code``."""
    original = error.original_error
    if original is None:
        extensions = dict(error.extensions or {})
        if isinstance(error, GraphQLSyntaxError):
            limit = "tokens" in error.message
            extensions["code"] = "TOKEN_LIMIT_EXCEEDED" if limit else "GRAPHQL_PARSE_FAILED"
        elif error.message.startswith("Maximum introspection depth"):  # graphql-core's own rule
            extensions["code"] = "INTROSPECTION_LIMIT_EXCEEDED"
        extensions.setdefault("code", "GRAPHQL_VALIDATION_FAILED")
        return _with(error, public_message(error.message), extensions)
    if isinstance(original, ApiError) or (
        isinstance(original, ScrmError) and _is_input_error(original)
    ):
        return _with(error, public_message(str(original)), {"code": original.code})
    if isinstance(original, ScrmError) and original.code != "INTERNAL":
        message = _DATABASE_MESSAGES.get(original.code, _DATABASE_FALLBACK)
        if original.code not in _DATABASE_MESSAGES:
            log.warning("database error in a resolver: %s", original)
        return _with(error, message, {"code": original.code})
    if isinstance(original, GraphQLError):
        return coded(original)
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


def refuse(context: ExecutionContext, code: str, message: str, nodes: Any = None) -> None:
    """Stop an operation before it executes, with a coded error and no data.

    Called from an extension's ``on_execute``: an HTTP or WebSocket query or
    mutation gets the error as its result; a subscription has no such slot, so
    the error is raised (and sent as the subscription's error)."""
    error = GraphQLError(message, nodes, extensions={"code": code})
    if context.operation_type is OperationType.SUBSCRIPTION:
        raise error
    context.result = ExecutionResult(data=None, errors=[error])
