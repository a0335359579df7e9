"""Twitter API v1.1 classic Tweet and User JSON (statuses, search, users and
follower/friend list pages) as canonical records."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from pydantic import Field, StringConstraints, model_validator

from graph.model import Account, Engagement, Mention, Post, PostLink, Record, Tagged
from loaders.base import ParseItem, Reject, Source
from loaders.native import NativeModel, validate
from loaders.social import (
    ClassicTime,
    DocumentRecords,
    ShortText,
    StringIdModel,
    Text,
    classic_account,
    hashtag_record,
    ms_or_none,
    normalise_hashtag,
)
from loaders.twitter_context import RequestContext

__all__ = [
    "V1Status",
    "V1User",
    "is_v1_status",
    "is_v1_user",
    "v1_status",
    "v1_status_records",
    "v1_user",
    "v1_user_record",
]

TweetId = Annotated[str, StringConstraints(pattern=r"^\d{1,20}$")]
Count = Annotated[int, Field(ge=0)]


class _WithId(StringIdModel):
    ID_FIELD = "id_str"
    id_str: TweetId


class V1User(_WithId):
    """A classic User object."""

    screen_name: Annotated[str, StringConstraints(min_length=1, max_length=50)]
    name: ShortText | None = None
    followers_count: Count | None = None
    friends_count: Count | None = None
    verified: bool | None = None
    created_at: ClassicTime | None = None
    description: ShortText | None = None
    location: ShortText | None = None
    lang: ShortText | None = None


class V1Mention(_WithId):
    screen_name: ShortText | None = None


class V1Hashtag(NativeModel):
    text: ShortText


class V1Entities(NativeModel):
    hashtags: list[V1Hashtag] = Field(default_factory=list)
    user_mentions: list[V1Mention] = Field(default_factory=list)


class V1Extended(NativeModel):
    full_text: Text
    entities: V1Entities | None = None


class V1Status(_WithId):
    """A classic Tweet object; ``full_text`` in extended mode, ``extended_tweet`` in
    streams."""

    text: Text | None = None
    full_text: Text | None = None
    extended_tweet: V1Extended | None = None
    # Always there, except in the retweeted status a user object's latest status embeds.
    user: V1User | None = None
    created_at: ClassicTime | None = None
    lang: ShortText | None = None
    in_reply_to_status_id_str: TweetId | None = None
    in_reply_to_user_id_str: TweetId | None = None
    retweeted_status: V1Status | None = None
    quoted_status: V1Status | None = None
    quoted_status_id_str: TweetId | None = None
    entities: V1Entities | None = None
    favorite_count: Count | None = None
    retweet_count: Count | None = None
    reply_count: Count | None = None
    quote_count: Count | None = None

    @model_validator(mode="after")
    def _has_text(self) -> V1Status:
        if self.text is None and self.full_text is None and self.extended_tweet is None:
            raise ValueError("a Tweet needs text or full_text")
        return self


def is_v1_status(raw: Any) -> bool:
    return isinstance(raw, dict) and "user" in raw and ("text" in raw or "full_text" in raw)


def is_v1_user(raw: Any) -> bool:
    return isinstance(raw, dict) and "screen_name" in raw


def v1_user_record(user: V1User) -> Account:
    url = f"https://twitter.com/{user.screen_name}"
    return classic_account("twitter", user.id_str, url, user)


def v1_status_records(status: V1Status) -> Iterator[Record]:
    """The Post of a status, its author, the statuses it embeds, and its links."""
    post_id = f"twitter:{status.id_str}"
    author = f"twitter:{status.user.id_str}" if status.user else None
    at = ms_or_none(status.created_at)
    extended = status.extended_tweet
    text = extended.full_text if extended else status.full_text or status.text or ""
    if status.user is not None:
        yield v1_user_record(status.user)
    yield Post(
        id=post_id,
        platform="twitter",
        text=text,
        lang=status.lang,
        created_at=at,
        likes=status.favorite_count,
        shares=status.retweet_count,
        replies=status.reply_count,
        quotes=status.quote_count,
        url=f"https://twitter.com/i/web/status/{status.id_str}",
        author=author,
    )
    links: list[tuple[str, str, str]] = []
    retweeted = status.retweeted_status
    if retweeted is not None:
        links.append(("SHARE_OF", "SHARED", retweeted.id_str))
        yield from v1_status_records(retweeted)
    else:
        # A retweet repeats the quote of the status it retweets; that quote is not its own.
        quoted_id = status.quoted_status.id_str if status.quoted_status else None
        quoted_id = quoted_id or status.quoted_status_id_str
        if quoted_id:
            links.append(("QUOTE_OF", "QUOTED", quoted_id))
        if status.quoted_status is not None:
            yield from v1_status_records(status.quoted_status)
    if status.in_reply_to_status_id_str:
        links.append(("REPLY_TO", "REPLIED", status.in_reply_to_status_id_str))
        if status.in_reply_to_user_id_str:
            # The status replied to is not in the response, but whose it is is known.
            yield Post(
                id=f"twitter:{status.in_reply_to_status_id_str}",
                platform="twitter",
                author=f"twitter:{status.in_reply_to_user_id_str}",
            )
    for link, engagement, target in links:
        yield PostLink(type=link, source=post_id, target=f"twitter:{target}")  # type: ignore[arg-type]
        if author is not None:
            yield Engagement(type=engagement, account=author, post=f"twitter:{target}", at=at)  # type: ignore[arg-type]
    entities = (extended.entities if extended else None) or status.entities or V1Entities()
    for mention in entities.user_mentions:
        if retweeted and retweeted.user and mention.id_str == retweeted.user.id_str:
            continue  # the "RT @name:" prefix, already a SHARED edge
        yield Mention(post=post_id, account=f"twitter:{mention.id_str}")
    for entity in entities.hashtags:
        if tag := normalise_hashtag(entity.text):
            yield hashtag_record(tag)
            yield Tagged(post=post_id, hashtag=tag)


def v1_status(
    raw: Any, location: str, source: Source, context: RequestContext, records: DocumentRecords
) -> Iterator[ParseItem]:
    """The records of one status, or its Reject."""
    status = validate(V1Status, raw, source, location)
    if isinstance(status, Reject):
        yield status
        return
    yield from records.emit(location, raw, _listed_status(status, context))


def _listed_status(status: V1Status, context: RequestContext) -> Iterator[Record]:
    yield from v1_status_records(status)
    at = ms_or_none(status.created_at)
    author = f"twitter:{status.user.id_str}" if status.user else None
    yield from context.for_tweet(f"twitter:{status.id_str}", author, at)


def _listed_user(user: V1User, context: RequestContext) -> Iterator[Record]:
    yield v1_user_record(user)
    yield from context.for_user(f"twitter:{user.id_str}")


def v1_user(
    raw: Any, location: str, source: Source, context: RequestContext, records: DocumentRecords
) -> Iterator[ParseItem]:
    """The records of one user (and of the latest status it embeds), or its Reject."""
    user = validate(V1User, raw, source, location)
    if isinstance(user, Reject):
        yield user
        return
    yield from records.emit(location, raw, _listed_user(user, context))
    latest = raw.get("status") if isinstance(raw, dict) else None
    if isinstance(latest, dict):
        # A user object embeds its latest status without the user inside it.
        yield from v1_status(
            {**latest, "user": {**raw, "status": None}},
            f"{location}.status",
            source,
            RequestContext(),
            records,
        )
