"""The ``twitter`` connector: X API v2 response pages and v1.1 classic JSON, as the
API and twarc2 write them (JSON or JSON lines)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from pydantic import StringConstraints

from graph.model import Account, Record
from loaders.base import ConnectorSpec, LoadOptions, ParseItem, Reject, Source
from loaders.native import NativeModel, json_documents, validate
from loaders.social import DocumentRecords, is_capture_index
from loaders.twitter_context import RequestContext, captured_url, context_for
from loaders.twitter_v1 import is_v1_status, is_v1_user, v1_status, v1_user
from loaders.twitter_v2 import is_v2_page, v2_page

__all__ = ["CONNECTOR", "parse"]

# What a v2 page lists when it lists neither tweets nor users, told by a field only
# that resource has.
_OTHER_RESOURCES = (
    ("tweet_count", "tweet counts"),
    ("download_url", "compliance jobs"),
    ("member_count", "lists"),
    ("owner_id", "lists"),
    ("state", "Spaces"),
)


class V1Ids(NativeModel):
    """A ``followers/ids`` or ``friends/ids`` page."""

    ids: list[int | Annotated[str, StringConstraints(pattern=r"^\d{1,20}$")]]


def parse(source: Source, *, options: LoadOptions) -> Iterator[ParseItem]:
    """Canonical records of one file of X/Twitter API responses.

    Each JSON document (a whole ``.json`` file, or each line of JSON lines) may be a
    v2 page (``data``, ``includes``), a v1.1 status, user, list of them, search page
    (``statuses``) or cursored user/id page.  The request behind a page, from
    twarc2's ``__twarc.url`` or a capture ``_index.json`` beside the file, adds what
    the page means: likers of a tweet, followers of a user, and so on."""
    captured = captured_url(source)
    for item in json_documents(source):
        if isinstance(item, Reject):
            yield item
            continue
        where, document = item
        yield from _document(document, where, source, context_for(document, captured))


def _document(
    document: Any, where: str, source: Source, context: RequestContext
) -> Iterator[ParseItem]:
    records = DocumentRecords(source)
    if is_capture_index(document):
        return  # the request index of captured responses: requests, not records
    if isinstance(document, list):
        for index, raw in enumerate(document):
            yield from _classic(raw, f"{where} $[{index}]", source, context, records)
        return
    if not isinstance(document, dict):
        yield Reject(source.name, where, "not a JSON object or array", document)
        return
    if is_v2_page(document):
        if other := _other_resource(document.get("data")):
            reason = f"an X API v2 page of {other}: no tweets or users to load"
            yield Reject(source.name, where, reason, document)
        else:
            yield from v2_page(document, where, source, context, records)
    elif (key := _classic_list(document)) is not None:
        handle = v1_status if key == "statuses" else v1_user
        for index, raw in enumerate(document[key]):
            yield from handle(raw, f"{where} $.{key}[{index}]", source, context, records)
    elif "ids" in document:
        yield from _ids(document, where, source, context, records)
    elif is_v1_status(document) or is_v1_user(document):
        yield from _classic(document, f"{where} $", source, context, records)
    elif "meta" in document and "errors" not in document:
        return  # an empty v2 page: {"meta": {"result_count": 0}}
    else:
        yield Reject(source.name, where, _unknown(document), document)


def _classic_list(document: dict[str, Any]) -> str | None:
    """``statuses`` (a search page) or ``users`` (a cursored user page), if either."""
    for key in ("statuses", "users"):
        if isinstance(document.get(key), list):
            return key
    return None


def _classic(
    raw: Any, location: str, source: Source, context: RequestContext, records: DocumentRecords
) -> Iterator[ParseItem]:
    if is_v1_status(raw):
        yield from v1_status(raw, location, source, context, records)
    elif is_v1_user(raw):
        yield from v1_user(raw, location, source, context, records)
    else:
        reason = "neither a classic Tweet (text and user) nor a classic User (screen_name)"
        yield Reject(source.name, location, reason, raw)


def _ids(
    document: dict[str, Any],
    where: str,
    source: Source,
    context: RequestContext,
    records: DocumentRecords,
) -> Iterator[ParseItem]:
    page = validate(V1Ids, document, source, where)
    if isinstance(page, Reject):
        yield page
        return
    for index, number in enumerate(page.ids):
        account = f"twitter:{number}"
        yield from records.emit(f"{where} $.ids[{index}]", number, _id_records(account, context))


def _id_records(account: str, context: RequestContext) -> Iterator[Record]:
    yield Account(id=account, platform="twitter")
    yield from context.for_user(account)


def _other_resource(data: Any) -> str | None:
    first = data[0] if isinstance(data, list) and data else data
    if not isinstance(first, dict) or "text" in first or "username" in first:
        return None
    for field, what in _OTHER_RESOURCES:
        if field in first:
            return what
    if first and all(isinstance(value, bool) for value in first.values()):
        return "a write request's result"
    if "name" in first and "id" in first:
        return "lists"
    return None


def _unknown(document: dict[str, Any]) -> str:
    if {"action", "reason"} <= document.keys():
        return f"a compliance event ({document['action']}), not a tweet or user"
    if "errors" in document or "title" in document:
        errors = document.get("errors")
        first = errors[0] if isinstance(errors, list) and errors else document
        detail = first.get("detail") or first.get("message") if isinstance(first, dict) else None
        return f"an API error response: {detail or document.get('title') or 'no detail'}"
    keys = ", ".join(sorted(str(key) for key in document)[:8])
    return f"not an X API v2 page or v1.1 status/user (top-level keys: {keys})"


CONNECTOR = ConnectorSpec(
    name="twitter",
    summary="X/Twitter API v2 pages and v1.1 statuses/users, JSON or JSON lines (twarc2)",
    parse=parse,
)
