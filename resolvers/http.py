"""GraphQL over HTTP as the spec describes: request parsing, media types, status codes.

- GET carries ``query``, ``variables`` (JSON), ``operationName`` and
  ``extensions`` (JSON) as URL parameters and may only run queries; POST
  carries a JSON object (``Content-Type: application/json``).
- The response is ``application/graphql-response+json`` when the client
  accepts it, else ``application/json``.  With the former, a request that
  never reached execution (unparseable, invalid, refused by a limit) is a 4xx
  without a ``data`` entry; once execution started the status is 200.  With
  ``application/json`` every well-formed request gets 200, as the spec asks.
- Transport failures: 405 (method), 406 (Accept), 413 (body too large),
  415 (Content-Type), 400 (malformed body), 401 (no or bad API key).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response

from resolvers.errors import public_message

__all__ = [
    "GRAPHQL_RESPONSE",
    "JSON_MEDIA",
    "GraphQLRequest",
    "HttpError",
    "error_response",
    "negotiate",
    "parse_get",
    "parse_post",
    "read_body",
    "result_response",
    "wants_graphiql",
]

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON_MEDIA = "application/json"
_STATUS_BY_CODE = {
    "UNAUTHENTICATED": 401,
    "FORBIDDEN": 403,
    "DATABASE_UNAVAILABLE": 503,
    "TIMEOUT": 504,
}


class HttpError(Exception):
    """A request refused at the transport level, answered with ``status`` and one error."""

    def __init__(
        self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})


@dataclass(frozen=True, slots=True)
class GraphQLRequest:
    query: str | None
    variables: dict[str, Any] | None
    operation_name: str | None
    extensions: dict[str, Any] | None


def _media_ranges(accept: str) -> list[tuple[str, float]]:
    ranges = []
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media:
            ranges.append((media.lower(), q))
    return ranges


def negotiate(accept: str | None) -> str:
    """The response media type for an ``Accept`` header (406 when neither is acceptable).

    ``application/graphql-response+json`` when the client names it at least as
    high as ``application/json``; ``application/json`` for a missing header or
    wildcards, as the spec asks of servers while clients move over."""
    if not accept or not accept.strip():
        return JSON_MEDIA
    ranges = _media_ranges(accept)
    best: dict[str, float] = {}
    for media, q in ranges:
        for candidate in (GRAPHQL_RESPONSE, JSON_MEDIA):
            if media == candidate or media in ("*/*", "application/*"):
                explicit = media == candidate
                # Explicit mentions win over wildcards; keep the best q per candidate.
                score = q + (0.001 if explicit else 0.0)
                if q > 0 and score > best.get(candidate, 0.0):
                    best[candidate] = score
    if not best:
        raise HttpError(
            406,
            "NOT_ACCEPTABLE",
            f"responses are {GRAPHQL_RESPONSE} or {JSON_MEDIA}; the Accept header allows neither",
        )
    graphql_score = best.get(GRAPHQL_RESPONSE, 0.0)
    explicit_graphql = any(media == GRAPHQL_RESPONSE and q > 0 for media, q in ranges)
    if explicit_graphql and graphql_score >= best.get(JSON_MEDIA, 0.0):
        return GRAPHQL_RESPONSE
    return JSON_MEDIA if JSON_MEDIA in best else GRAPHQL_RESPONSE


def wants_graphiql(request: Request) -> bool:
    """A browser asking for the page itself (GET, HTML accepted, no query)."""
    accept = request.headers.get("accept", "")
    return request.method == "GET" and "text/html" in accept and "query" not in request.query_params


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refusing one over ``limit`` bytes without reading it all (413)."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            size = int(declared)
        except ValueError:
            raise HttpError(400, "BAD_REQUEST", "Content-Length is not a number") from None
        if size > limit:
            raise _too_large(limit)
    chunks, total = [], 0
    async for chunk in request.stream():
        total += len(chunk)
        if total > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(limit: int) -> HttpError:
    return HttpError(413, "BODY_TOO_LARGE", f"the request body is over the {limit}-byte limit")


def _json_object(raw: str | bytes, what: str) -> dict[str, Any] | None:
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise HttpError(400, "BAD_REQUEST", f"{what} is not valid JSON") from None
    if value is not None and not isinstance(value, dict):
        raise HttpError(400, "BAD_REQUEST", f"{what} must be a JSON object")
    return value


def _request(data: Mapping[str, Any]) -> GraphQLRequest:
    query, variables = data.get("query"), data.get("variables")
    name, extensions = data.get("operationName"), data.get("extensions")
    if not isinstance(query, str) or not query.strip():
        raise HttpError(400, "BAD_REQUEST", "'query' must be a non-empty string")
    if variables is not None and not isinstance(variables, dict):
        raise HttpError(400, "BAD_REQUEST", "'variables' must be a JSON object")
    if name is not None and not isinstance(name, str):
        raise HttpError(400, "BAD_REQUEST", "'operationName' must be a string")
    if extensions is not None and not isinstance(extensions, dict):
        raise HttpError(400, "BAD_REQUEST", "'extensions' must be a JSON object")
    return GraphQLRequest(query, variables, name, extensions)


def parse_get(params: Mapping[str, str]) -> GraphQLRequest:
    """A request from URL parameters (``variables``/``extensions`` JSON-encoded)."""
    data: dict[str, Any] = {
        "query": params.get("query"),
        "operationName": params.get("operationName"),
    }
    for name in ("variables", "extensions"):
        if params.get(name):
            data[name] = _json_object(params[name], f"the '{name}' parameter")
    return _request(data)


def parse_post(content_type: str | None, body: bytes) -> GraphQLRequest:
    """A request from a POST body; 415 unless it is ``application/json``."""
    media = (content_type or "").split(";")[0].strip().lower()
    if media != JSON_MEDIA:
        raise HttpError(
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            f"send GraphQL requests as {JSON_MEDIA} (got {media or 'no Content-Type'})",
        )
    data = _json_object(body, "the request body")
    if data is None:
        raise HttpError(400, "BAD_REQUEST", "the request body must be a JSON object")
    return _request(data)


def _dump(payload: Any) -> bytes:
    """Compact UTF-8 JSON: orjson's, or the standard library's for what orjson refuses
    (integers past 64 bits or keys that are not strings, in analyst Cypher rows)."""
    try:
        return orjson.dumps(payload)
    except TypeError:
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def error_response(error: HttpError, media: str = JSON_MEDIA) -> Response:
    body = {
        "errors": [{"message": public_message(error.message), "extensions": {"code": error.code}}]
    }
    headers = dict(error.headers)
    if error.status == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="scrm-graph"')
    return Response(_dump(body), status_code=error.status, media_type=media, headers=headers)


def result_response(
    data: Any, errors: list[GraphQLError] | None, extensions: Any, media: str
) -> Response:
    """The response for an execution result, with the status its media type calls for."""
    formatted = [e.formatted for e in errors or []]
    # Execution errors carry a path; none does when the request stopped before executing.
    request_error = data is None and bool(errors) and all(e.path is None for e in errors or [])
    body: dict[str, Any] = {} if request_error else {"data": data}
    if formatted:
        body["errors"] = formatted
    if extensions:
        body["extensions"] = extensions
    status = 200
    if request_error and media == GRAPHQL_RESPONSE:
        codes = {str((e.extensions or {}).get("code")) for e in errors or []}
        status = next((_STATUS_BY_CODE[c] for c in codes if c in _STATUS_BY_CODE), 400)
    return Response(_dump(body), status_code=status, media_type=media)
