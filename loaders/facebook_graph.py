"""Facebook Graph API objects and connections (page feed posts, comments, likes and
reactions) as canonical records."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AwareDatetime, BeforeValidator, Field, StringConstraints

from graph.model import Account, Engagement, Mention, Post, PostLink, Record
from loaders.base import ParseItem, Reject, Source
from loaders.native import NativeModel, validate
from loaders.social import DocumentRecords, ShortText, Text, ms_or_none

__all__ = [
    "FbActor",
    "FbComment",
    "FbId",
    "FbPost",
    "graph_document",
]


def _number_to_text(value: Any) -> Any:
    # Webhooks and old responses write some ids as JSON numbers.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


# An object id: digits, or <owner>_<object> for posts and comments.
FbId = Annotated[
    str, BeforeValidator(_number_to_text), StringConstraints(pattern=r"^\d{1,25}(_\d{1,25})?$")
]
Count = Annotated[int, Field(ge=0)]

# The node and edge a paging URL fetches: .../v18.0/<id>/<edge>?...
_PAGING = re.compile(r"/(?:v\d+\.\d+/)?(?P<id>\d{1,25}(?:_\d{1,25})?)/(?P<edge>[a-z_]+)/?$")
_POST_EDGES = frozenset({"feed", "posts", "published_posts", "tagged", "visitor_posts"})
_PEOPLE_EDGES = frozenset({"likes", "reactions"})
_CONTENT = ("message", "from", "created_time", "story")


class FbActor(NativeModel):
    """A ``from`` or a liker: a user or a Page."""

    id: FbId
    name: ShortText | None = None


class FbTag(NativeModel):
    id: FbId
    type: ShortText | None = None  # user, page, group, event, application


def _tag_list(value: Any) -> Any:
    # Before v2.x ``message_tags`` was an object keyed by offset: {"0": [tag, ...]}.
    if isinstance(value, dict):
        return [tag for tags in value.values() if isinstance(tags, list) for tag in tags]
    return value


Tags = Annotated[list[FbTag], BeforeValidator(_tag_list)]


class FbEdgeSummary(NativeModel):
    total_count: Count | None = None


class FbEdge(NativeModel):
    """A connection embedded in an object (``likes``, ``reactions``, ``comments``); its
    ``data`` items are checked one by one."""

    data: list[Any] = Field(default_factory=list)
    summary: FbEdgeSummary | None = None
    count: Count | None = None  # before v2.0
    total_count: Count | None = None

    @property
    def total(self) -> int | None:
        if self.summary is not None and self.summary.total_count is not None:
            return self.summary.total_count
        return self.total_count if self.total_count is not None else self.count


class FbShares(NativeModel):
    count: Count | None = None


class _Content(NativeModel):
    id: FbId
    from_: FbActor | None = Field(default=None, alias="from")
    message: Text | None = None
    created_time: AwareDatetime | None = None
    message_tags: Tags = Field(default_factory=list)
    likes: FbEdge | Count | None = None  # a number in very old responses
    reactions: FbEdge | None = None
    comments: FbEdge | None = None
    permalink_url: ShortText | None = None


class FbPost(_Content):
    """A Post object (``/{post-id}``, an item of ``/{page-id}/feed``)."""

    shares: FbShares | None = None


class FbComment(_Content):
    """A Comment object; ``parent`` is the comment it answers, if any."""

    like_count: Count | None = None
    parent: FbActor | None = None


@dataclass(frozen=True, slots=True)
class _Edge:
    """What a connection page lists, and for which object."""

    edge: str | None = None
    owner: str | None = None

    @classmethod
    def of(cls, page: dict[str, Any]) -> _Edge:
        paging = page.get("paging")
        if isinstance(paging, dict):
            for key in ("next", "previous"):
                url = paging.get(key)
                if isinstance(url, str) and (match := _PAGING.search(url.split("?")[0])):
                    return cls(match["edge"], match["id"])
        return cls()


def _people(
    edge: FbEdge | int | None, target: str, where: str, source: Source
) -> Iterator[tuple[str, Any, FbActor | Reject, str]]:
    if not isinstance(edge, FbEdge):
        return
    for index, raw in enumerate(edge.data):
        yield (
            f"{where}.data[{index}]",
            raw,
            validate(FbActor, raw, source, f"{where}.data[{index}]"),
            target,
        )


def _liked(actor: FbActor, target: str) -> Iterator[Record]:
    account = f"facebook:{actor.id}"
    yield Account(id=account, platform="facebook", name=actor.name)
    yield Engagement(type="LIKED", account=account, post=target)


def content_records(item: _Content, parent: str | None, *, is_comment: bool) -> Iterator[Record]:
    """The Post of a post or comment, its author, its mentions, and for a comment the
    REPLY_TO link and REPLIED edge to ``parent``."""
    post_id = f"facebook:{item.id}"
    author: str | None = None
    if item.from_ is not None:
        author = f"facebook:{item.from_.id}"
        yield Account(id=author, platform="facebook", name=item.from_.name)
    at = ms_or_none(item.created_time)
    given: dict[str, Any] = {"id": post_id, "platform": "facebook"}
    if item.message is not None:
        given["text"] = item.message  # absent text is left alone, not blanked
    likes = item.reactions.total if item.reactions else None
    if likes is None and item.likes is not None:
        likes = item.likes if isinstance(item.likes, int) else item.likes.total
    if isinstance(item, FbComment) and item.like_count is not None:
        likes = item.like_count
    shares = item.shares.count if isinstance(item, FbPost) and item.shares else None
    extra = {
        "created_at": at,
        "author": author,
        "likes": likes,
        "shares": shares,
        "replies": item.comments.total if item.comments else None,
        "url": item.permalink_url,
    }
    given.update({key: value for key, value in extra.items() if value is not None})
    # An object read only for its likes or comments says nothing about the post itself.
    if item.message is not None or item.from_ is not None or item.created_time is not None:
        yield Post(**given)
    if is_comment and parent is not None:
        yield PostLink(type="REPLY_TO", source=post_id, target=parent)
        if author is not None:
            yield Engagement(type="REPLIED", account=author, post=parent, at=at)
    for tag in item.message_tags:
        if tag.type in (None, "user", "page") and f"facebook:{tag.id}" != author:
            yield Mention(post=post_id, account=f"facebook:{tag.id}")


def graph_object(
    raw: Any, where: str, source: Source, records: DocumentRecords, *, parent: str | None = None
) -> Iterator[ParseItem]:
    """A post (``parent`` None) or a comment on ``parent``, with the comments, likes
    and reactions embedded in it, each checked on its own."""
    model: type[_Content] = FbComment if parent is not None else FbPost
    item = validate(model, raw, source, where)
    if isinstance(item, Reject):
        yield item
        return
    if isinstance(item, FbComment) and item.parent is not None:
        parent = f"facebook:{item.parent.id}"
    post_id = f"facebook:{item.id}"
    yield from records.emit(
        where, raw, content_records(item, parent, is_comment=parent is not None)
    )
    for edge_name in ("likes", "reactions"):
        for location, liker_raw, liker, target in _people(
            getattr(item, edge_name), post_id, f"{where}.{edge_name}", source
        ):
            if isinstance(liker, Reject):
                yield liker
            else:
                yield from records.emit(location, liker_raw, _liked(liker, target))
    if item.comments is not None:
        for index, comment in enumerate(item.comments.data):
            yield from graph_object(
                comment, f"{where}.comments.data[{index}]", source, records, parent=post_id
            )


def _is_content(raw: Any) -> bool:
    return isinstance(raw, dict) and any(
        key in raw for key in (*_CONTENT, "comments", "reactions", "message_tags")
    )


def graph_document(document: dict[str, Any], where: str, source: Source) -> Iterator[ParseItem]:
    """Every record of a Graph API response: one object, or a connection page."""
    records = DocumentRecords(source)
    if not isinstance(document.get("data"), list):
        if "id" not in document:
            reason = "a Graph API object without an id: nothing to attach its fields to"
            yield Reject(source.name, where, reason, document)
        elif _is_content(document) or "likes" in document:
            yield from graph_object(document, f"{where} $", source, records)
        elif "name" in document:
            yield from _person(document, f"{where} $", source, records, None)
        else:
            keys = ", ".join(sorted(map(str, document))[:8])
            reason = f"not a post, comment, person or Page (keys: {keys})"
            yield Reject(source.name, where, reason, document)
        return
    edge = _Edge.of(document)
    owner = f"facebook:{edge.owner}" if edge.owner else None
    for index, raw in enumerate(document["data"]):
        location = f"{where} $.data[{index}]"
        if edge.edge == "comments" and owner:
            yield from graph_object(raw, location, source, records, parent=owner)
        elif edge.edge in _PEOPLE_EDGES and owner:
            yield from _person(raw, location, source, records, owner)
        elif edge.edge in _POST_EDGES or _is_content(raw):
            yield from graph_object(raw, location, source, records)
        elif isinstance(raw, dict) and "name" in raw:
            yield from _person(raw, location, source, records, None)
        else:
            reason = "neither a post or comment (message, from, created_time) nor a person"
            yield Reject(source.name, location, reason, raw)


def _person(
    raw: Any, location: str, source: Source, records: DocumentRecords, liked: str | None
) -> Iterator[ParseItem]:
    actor = validate(FbActor, raw, source, location)
    if isinstance(actor, Reject):
        yield actor
    elif liked is not None:
        yield from records.emit(location, raw, _liked(actor, liked))
    else:
        account = Account(id=f"facebook:{actor.id}", platform="facebook", name=actor.name)
        yield from records.emit(location, raw, iter([account]))
