"""X API v2 response pages (``data``, ``includes.users/tweets``) as canonical records."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, Field, StringConstraints

from graph.model import Account, Engagement, Mention, Post, PostLink, Record, Tagged
from loaders.base import ParseItem, Reject, Source
from loaders.native import NativeModel, validate
from loaders.social import (
    DocumentRecords,
    ShortText,
    Text,
    built_once,
    hashtag_record,
    ms_or_none,
    normalise_hashtag,
    validated_once,
    value_key,
)
from loaders.twitter_context import RequestContext

__all__ = ["V2Tweet", "V2User", "is_v2_page", "v2_page", "v2_tweet_records", "v2_user_record"]

TweetId = Annotated[str, StringConstraints(pattern=r"^\d{1,20}$")]
Count = Annotated[int, Field(ge=0)]

_LINKS = {
    "replied_to": ("REPLY_TO", "REPLIED"),
    "retweeted": ("SHARE_OF", "SHARED"),
    "quoted": ("QUOTE_OF", "QUOTED"),
}


class V2TweetMetrics(NativeModel):
    retweet_count: Count | None = None
    reply_count: Count | None = None
    like_count: Count | None = None
    quote_count: Count | None = None
    impression_count: Count | None = None


class V2MentionEntity(NativeModel):
    username: Annotated[str, StringConstraints(min_length=1, max_length=50)]
    id: TweetId | None = None  # present in newer responses


class V2HashtagEntity(NativeModel):
    tag: ShortText


class V2Entities(NativeModel):
    mentions: list[V2MentionEntity] = Field(default_factory=list)
    hashtags: list[V2HashtagEntity] = Field(default_factory=list)


class V2Reference(NativeModel):
    type: Literal["replied_to", "retweeted", "quoted"]
    id: TweetId


class V2NoteTweet(NativeModel):
    text: Text  # the whole text of a long post; ``text`` holds its first 280 characters


class V2Tweet(NativeModel):
    """A Tweet object (https://developer.x.com/en/docs/x-api/data-dictionary/object-model/tweet)."""

    id: TweetId
    text: Text
    author_id: TweetId | None = None
    in_reply_to_user_id: TweetId | None = None
    created_at: AwareDatetime | None = None
    lang: ShortText | None = None
    referenced_tweets: list[V2Reference] = Field(default_factory=list)
    entities: V2Entities | None = None
    public_metrics: V2TweetMetrics | None = None
    note_tweet: V2NoteTweet | None = None


class V2UserMetrics(NativeModel):
    followers_count: Count | None = None
    following_count: Count | None = None


class V2User(NativeModel):
    """A User object (https://developer.x.com/en/docs/x-api/data-dictionary/object-model/user)."""

    id: TweetId
    username: Annotated[str, StringConstraints(min_length=1, max_length=50)]
    name: ShortText | None = None
    created_at: AwareDatetime | None = None
    description: ShortText | None = None
    location: ShortText | None = None
    verified: bool | None = None
    public_metrics: V2UserMetrics | None = None


def is_v2_page(document: Any) -> bool:
    """Whether a document is a v2 response page (or a filtered-stream line)."""
    return isinstance(document, dict) and bool({"data", "includes"} & document.keys())


# A user is read once per process, not once per occurrence: a page includes the author
# of each of its tweets, so an author comes back on every page they tweet in (about 20
# times each in a demo set).  The key is what validation reads (see ``value_key``), the
# metrics too; a missing key and null read alike, as every optional field defaults to
# None.  Only users that validate are kept, so errors are reported as before.
_USER_FIELDS = tuple(name for name in V2User.model_fields if name != "public_metrics")
_METRIC_FIELDS = tuple(V2UserMetrics.model_fields)
_KNOWN_USERS: dict[tuple[Any, ...], V2User] = {}
# The Account of each remembered user (see ``built_once``).
_ACCOUNTS: dict[int, tuple[V2User, Account]] = {}


def _user(raw: Any, source: Source, location: str) -> V2User | Reject:
    """``raw`` validated as a User, as :func:`validate` does."""
    if not isinstance(raw, dict):
        return validate(V2User, raw, source, location)
    metrics = raw.get("public_metrics")
    key = value_key(raw, _USER_FIELDS) + (
        value_key(metrics, _METRIC_FIELDS)
        if isinstance(metrics, dict)
        else (metrics, type(metrics))
    )
    return validated_once(_KNOWN_USERS, key, lambda: validate(V2User, raw, source, location))


def v2_user_record(user: V2User) -> Account:
    """The Account of a User."""
    return built_once(_ACCOUNTS, user, _account)


def _account(user: V2User) -> Account:
    metrics = user.public_metrics or V2UserMetrics()
    return Account(
        id=f"twitter:{user.id}",
        platform="twitter",
        handle=user.username,
        name=user.name,
        followers=metrics.followers_count,
        following=metrics.following_count,
        verified=user.verified,
        url=f"https://twitter.com/{user.username}",
        created_at=ms_or_none(user.created_at),
        description=user.description or None,
        location=user.location or None,
    )


def v2_tweet_records(
    tweet: V2Tweet, handles: dict[str, str], default_author: str | None = None
) -> Iterator[Record]:
    """The Post of a tweet and what it links to.  ``handles`` maps lowercased
    usernames of the page's users to account ids, to resolve mentions by name."""
    post_id = f"twitter:{tweet.id}"
    author = f"twitter:{tweet.author_id}" if tweet.author_id else default_author
    at = ms_or_none(tweet.created_at)
    metrics = tweet.public_metrics or V2TweetMetrics()
    yield Post(
        id=post_id,
        platform="twitter",
        text=tweet.note_tweet.text if tweet.note_tweet else tweet.text,
        lang=tweet.lang,
        created_at=at,
        likes=metrics.like_count,
        shares=metrics.retweet_count,
        replies=metrics.reply_count,
        quotes=metrics.quote_count,
        views=metrics.impression_count,
        url=f"https://twitter.com/i/web/status/{tweet.id}",
        author=author,
    )
    retweet = False
    for ref in tweet.referenced_tweets:
        link, engagement = _LINKS[ref.type]
        retweet = retweet or ref.type == "retweeted"
        yield PostLink(type=link, source=post_id, target=f"twitter:{ref.id}")  # type: ignore[arg-type]
        if ref.type == "replied_to" and tweet.in_reply_to_user_id:
            # The tweet replied to may be missing from the page, but whose it is is known.
            replied_author = f"twitter:{tweet.in_reply_to_user_id}"
            yield Post(id=f"twitter:{ref.id}", platform="twitter", author=replied_author)
        if author is not None:
            yield Engagement(type=engagement, account=author, post=f"twitter:{ref.id}", at=at)  # type: ignore[arg-type]
    entities = tweet.entities or V2Entities()
    for mention in entities.mentions:
        # "RT @name:" names the retweeted author; the SHARED edge already says so.
        if retweet and tweet.text.lower().startswith(f"rt @{mention.username.lower()}:"):
            continue
        account = f"twitter:{mention.id}" if mention.id else handles.get(mention.username.lower())
        if account is not None:
            yield Mention(post=post_id, account=account)
    for entity in entities.hashtags:
        if tag := normalise_hashtag(entity.tag):
            yield hashtag_record(tag)
            yield Tagged(post=post_id, hashtag=tag)


def _items(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def v2_page(
    page: dict[str, Any],
    where: str,
    source: Source,
    context: RequestContext,
    records: DocumentRecords,
) -> Iterator[ParseItem]:
    """Every record of one v2 page; a bad tweet or user is one Reject."""
    includes: dict[str, Any] = page["includes"] if isinstance(page.get("includes"), dict) else {}
    data = [(f"{where} $.data[{i}]", raw) for i, raw in enumerate(_items(page.get("data")))]
    if not isinstance(page.get("data"), list):
        data = [(f"{where} $.data", raw) for _, raw in data]
    included_users = [
        (f"{where} $.includes.users[{i}]", raw)
        for i, raw in enumerate(_items(includes.get("users")))
    ]
    included_tweets = [
        (f"{where} $.includes.tweets[{i}]", raw)
        for i, raw in enumerate(_items(includes.get("tweets")))
    ]
    # Users first: mentions are resolved by username against every user of the page.
    users: list[tuple[str, Any, V2User, bool]] = []
    tweets: list[tuple[str, Any, V2Tweet, bool]] = []
    for listed, entries in ((True, data), (False, included_users)):
        for location, raw in entries:
            if listed and _looks_like_tweet(raw):
                continue
            user = _user(raw, source, location)
            if isinstance(user, Reject):
                yield user
            else:
                users.append((location, raw, user, listed))
    for listed, entries in ((True, data), (False, included_tweets)):
        for location, raw in entries:
            if listed and not _looks_like_tweet(raw):
                continue
            tweet = validate(V2Tweet, raw, source, location)
            if isinstance(tweet, Reject):
                yield tweet
            else:
                tweets.append((location, raw, tweet, listed))
    handles = {user.username.lower(): f"twitter:{user.id}" for _, _, user, _ in users}
    for location, raw, user, listed in users:
        yield from records.emit(location, raw, _listed_user(user, context, listed))
    for location, raw, tweet, listed in tweets:
        yield from records.emit(location, raw, _listed_tweet(tweet, handles, context, listed))


def _listed_user(user: V2User, context: RequestContext, listed: bool) -> Iterator[Record]:
    yield v2_user_record(user)
    if listed:
        yield from context.for_user(f"twitter:{user.id}")


def _listed_tweet(
    tweet: V2Tweet, handles: dict[str, str], context: RequestContext, listed: bool
) -> Iterator[Record]:
    # Only tweets in ``data`` are what the request listed; ``includes`` are context.
    default_author = context.author() if listed else None
    yield from v2_tweet_records(tweet, handles, default_author)
    if listed:
        author = f"twitter:{tweet.author_id}" if tweet.author_id else default_author
        at = ms_or_none(tweet.created_at)
        yield from context.for_tweet(f"twitter:{tweet.id}", author, at)


def _looks_like_tweet(raw: Any) -> bool:
    # Tweets always carry ``text``; users always carry ``username``.
    return isinstance(raw, dict) and ("text" in raw or "username" not in raw)
