"""Facebook Page webhook bodies (``object: page``, ``entry[].changes[]`` of the ``feed``
and ``mention`` fields) as canonical records."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import AwareDatetime, Field

from graph.model import (
    Account,
    Community,
    CommunityBrand,
    Engagement,
    Membership,
    Mention,
    Post,
    PostLink,
    Record,
)
from loaders.base import ParseItem, Reject, Source
from loaders.facebook_graph import FbActor, FbId
from loaders.native import NativeModel, ms_from_datetime, validate
from loaders.social import DocumentRecords, ShortText, Text, ms_or_none

__all__ = ["FeedChange", "is_webhook", "webhook_document"]

_ADDED = frozenset({"add", "edited", "edit"})
_POSTS = frozenset({"post", "status", "photo", "video", "share", "album", "event", "note"})
_LIKES = frozenset({"like", "reaction"})


class FeedChange(NativeModel):
    """The ``value`` of a ``feed`` or ``mention`` change
    (https://developers.facebook.com/docs/graph-api/webhooks/reference/page/#feed)."""

    item: ShortText
    verb: ShortText
    post_id: FbId | None = None
    comment_id: FbId | None = None
    parent_id: FbId | None = None
    from_: FbActor | None = Field(default=None, alias="from")
    sender_id: FbId | None = None
    sender_name: ShortText | None = None
    user_id: FbId | None = None  # a like of the Page itself
    message: Text | None = None
    created_time: AwareDatetime | None = None
    reaction_type: ShortText | None = None


class WebhookChange(NativeModel):
    field: ShortText
    value: dict[str, Any] | None = None


class WebhookEntry(NativeModel):
    id: FbId  # the Page
    time: AwareDatetime | None = None
    changes: list[Any] = Field(default_factory=list)


def is_webhook(document: Any) -> bool:
    return isinstance(document, dict) and "object" in document and "entry" in document


def _actor(change: FeedChange) -> tuple[str | None, str | None]:
    if change.from_ is not None:
        return f"facebook:{change.from_.id}", change.from_.name
    if change.sender_id is not None:
        return f"facebook:{change.sender_id}", change.sender_name
    return None, None


def change_records(
    change: FeedChange, field: str, page: str, at: int | None, brand: str | None = None
) -> Iterator[Record]:
    """What one added or edited feed item, or one mention of the Page, says."""
    author, name = _actor(change)
    if change.created_time is not None:
        at = ms_from_datetime(change.created_time)
    if author is not None:
        yield Account(id=author, platform="facebook", name=name)
    if change.item in _LIKES:
        if change.post_id is None and change.user_id is not None:  # a fan of the Page
            fan = f"facebook:{change.user_id}"
            yield Account(id=fan, platform="facebook")
            yield Community(id=page, platform="facebook", community_kind="page")
            if brand:  # --brand: the Page is the brand's
                yield CommunityBrand(community=page, brand=brand)
            yield Membership(account=fan, community=page, role="fan", since=at)
        elif author is not None and (target := change.comment_id or change.post_id):
            yield Engagement(type="LIKED", account=author, post=f"facebook:{target}", at=at)
        return
    own_id = change.comment_id if change.item == "comment" else change.post_id
    post_id = f"facebook:{own_id}"
    given: dict[str, Any] = {"id": post_id, "platform": "facebook", "created_at": at}
    if change.message is not None:
        given["text"] = change.message
    if author is not None:
        given["author"] = author
    yield Post(**given)
    if field == "mention":
        yield Mention(post=post_id, account=page)
    if change.item == "comment":
        parent = f"facebook:{change.parent_id or change.post_id}"
        yield PostLink(type="REPLY_TO", source=post_id, target=parent)
        if author is not None:
            yield Engagement(type="REPLIED", account=author, post=parent, at=at)


def _problem(change: FeedChange, field: str) -> str | None:
    """Why a change is not loaded, or ``None``."""
    if change.verb not in _ADDED:
        return (
            f"{field} change '{change.item} {change.verb}': only additions and edits are "
            "loaded (the graph keeps what was said)"
        )
    if change.item in _LIKES:
        if change.post_id is None and change.comment_id is None and change.user_id is None:
            return "a like or reaction without post_id, comment_id or user_id"
        return None
    if change.item != "comment" and change.item not in _POSTS:
        return f"{field} change of item '{change.item}' is not a post, comment or reaction"
    own = change.comment_id if change.item == "comment" else change.post_id
    if own is None:
        return f"{'comment_id' if change.item == 'comment' else 'post_id'}: missing"
    if change.item == "comment" and change.parent_id is None and change.post_id is None:
        return "a comment without post_id or parent_id"
    return None


def webhook_document(
    document: dict[str, Any], where: str, source: Source, brand: str | None = None
) -> Iterator[ParseItem]:
    """Every record of one webhook body; each change is checked on its own."""
    if document.get("object") != "page":
        reason = f"a webhook for object {document.get('object')!r}; only Page webhooks are loaded"
        yield Reject(source.name, where, reason, document)
        return
    entries = document.get("entry")
    if not isinstance(entries, list):
        yield Reject(source.name, f"{where} $.entry", "entry: not a list", document)
        return
    records = DocumentRecords(source)
    for index, raw_entry in enumerate(entries):
        location = f"{where} $.entry[{index}]"
        if isinstance(raw_entry, dict) and "messaging" in raw_entry and "changes" not in raw_entry:
            yield Reject(source.name, location, "Messenger events are not loaded", raw_entry)
            continue
        entry = validate(WebhookEntry, raw_entry, source, location)
        if isinstance(entry, Reject):
            yield entry
            continue
        context = (
            f"facebook:{entry.id}",
            ms_or_none(entry.time),
            brand,
        )
        for number, raw_change in enumerate(entry.changes):
            yield from _change(
                raw_change, f"{location}.changes[{number}]", source, records, context
            )


def _change(
    raw: Any,
    location: str,
    source: Source,
    records: DocumentRecords,
    entry: tuple[str, int | None, str | None],  # the Page, the entry's time, --brand
) -> Iterator[ParseItem]:
    change = validate(WebhookChange, raw, source, location)
    if isinstance(change, Reject):
        yield change
        return
    if change.field not in ("feed", "mention"):
        reason = f"webhook field '{change.field}' is not loaded (only feed and mention)"
        yield Reject(source.name, location, reason, raw)
        return
    value = validate(FeedChange, change.value, source, f"{location}.value")
    if isinstance(value, Reject):
        yield value
        return
    if (problem := _problem(value, change.field)) is not None:
        yield Reject(source.name, location, problem, raw)
        return
    yield from records.emit(location, raw, change_records(value, change.field, *entry))
