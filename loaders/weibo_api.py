"""Weibo Open API v2 statuses, comments and users (``statuses/*``, ``comments/*``,
``users/*``, ``favorites``) as canonical records."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, ValidatorFunctionWrapHandler, WrapValidator

from graph.model import Account, Engagement, Mention, Post, PostLink, Record, Tagged
from loaders.base import ParseItem, Reject, Source
from loaders.native import NativeModel, validate
from loaders.social import (
    ClassicTime,
    DocumentRecords,
    ShortText,
    StringIdModel,
    Text,
    built_once,
    classic_account,
    hashtag_record,
    ms_or_none,
    normalise_hashtag,
    validated_once,
    value_key,
)

__all__ = [
    "WeiboComment",
    "WeiboStatus",
    "WeiboUser",
    "api_document",
    "hashtags_in",
    "mentioned_names",
]

WeiboId = Annotated[str, StringConstraints(pattern=r"^\d{1,20}$")]
Count = Annotated[int, Field(ge=0)]
Kind = Literal["status", "comment", "user"]

# Topics are written #话题# (between two hashes); a nickname is 2-30 letters, digits,
# CJK characters, "_" or "-" and ends at anything else.
_TOPIC = re.compile(r"#([^#\n]{1,64})#")
_MENTION = re.compile(r"@([\w-]{2,30})")


class _WithId(StringIdModel):
    ID_FIELD = "idstr"
    idstr: WeiboId


class WeiboUser(_WithId):
    screen_name: ShortText | None = None
    name: ShortText | None = None
    followers_count: Count | None = None
    friends_count: Count | None = None
    verified: bool | None = None
    created_at: ClassicTime | None = None
    description: ShortText | None = None
    location: ShortText | None = None
    lang: ShortText | None = None


# An embedded user is read once per process, not once per occurrence: an author comes
# back on each of their statuses and comments, in every page (about 20 times each in a
# demo set), and validating the user object was a sizeable share of the parse.  The key
# is what validation reads (the fields, and ``id`` for a missing ``idstr``).  A missing
# key and null read alike: every field defaults to None, and ``idstr`` falls back to
# ``id`` for both.  Only users that validate are kept, so errors are reported as before.
_USER_KEY_FIELDS = ("idstr", "id", *(name for name in WeiboUser.model_fields if name != "idstr"))
_KNOWN_USERS: dict[tuple[Any, ...], WeiboUser] = {}


def _known_user(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    if not isinstance(value, dict):
        return handler(value)
    # The handler raises on a bad user: only good ones are remembered.
    return validated_once(_KNOWN_USERS, value_key(value, _USER_KEY_FIELDS), lambda: handler(value))


EmbeddedUser = Annotated[WeiboUser | None, WrapValidator(_known_user)]


class WeiboStatus(_WithId):
    text: Text
    created_at: ClassicTime | None = None
    user: EmbeddedUser = None  # absent in a user's embedded latest status
    retweeted_status: WeiboStatus | None = None
    reposts_count: Count | None = None
    comments_count: Count | None = None
    attitudes_count: Count | None = None  # 赞 (likes)


class WeiboComment(_WithId):
    text: Text
    created_at: ClassicTime | None = None
    user: EmbeddedUser = None
    status: WeiboStatus | None = None
    reply_comment: WeiboComment | None = None


def hashtags_in(text: str) -> list[str]:
    """The normalised topics (#话题#) of a text, in order, without repeats."""
    if "#" not in text:  # most texts: no need to build the pipeline below
        return []
    tags = (normalise_hashtag(match) for match in _TOPIC.findall(text))
    return list(dict.fromkeys(tag for tag in tags if tag))


def mentioned_names(text: str) -> list[str]:
    if "@" not in text:
        return []
    return list(dict.fromkeys(_MENTION.findall(text)))


# The Account of a user object, built once: embedded users are shared (see
# ``_known_user``), so one object stands for the same user again and again.
_ACCOUNTS: dict[int, tuple[WeiboUser, Account]] = {}


def user_record(user: WeiboUser) -> Account:
    return built_once(_ACCOUNTS, user, _account)


def _account(user: WeiboUser) -> Account:
    return classic_account("weibo", user.idstr, f"https://weibo.com/u/{user.idstr}", user)


# The mapping below builds lists rather than nesting generators: a record came out
# through up to four of them (a comment, its status, that status's repost, its text),
# each resumed once per record.  ``_records`` stays a generator, so that a value the
# graph model refuses still raises inside ``DocumentRecords.emit``.


def text_records(
    post_id: str, text: str, handles: dict[str, str], skip: str | None = None
) -> list[Record]:
    """Topics and mentions of a post's text; a mention is kept when the nickname is
    one of ``handles`` (nickname -> account id), since only ids key accounts, and is
    not ``skip``."""
    records: list[Record] = []
    for tag in hashtags_in(text):
        records += (hashtag_record(tag), Tagged(post=post_id, hashtag=tag))
    for name in mentioned_names(text):
        if name != skip and (account := handles.get(name)):
            records.append(Mention(post=post_id, account=account))
    return records


def _authored(item: WeiboStatus | WeiboComment, at: int | None, **fields: Any) -> list[Record]:
    """The author's Account and the item's Post (created ``at``)."""
    records: list[Record] = []
    if item.user is not None:
        records.append(user_record(item.user))
        fields["author"] = f"weibo:{item.user.idstr}"
    records.append(
        Post(id=f"weibo:{item.idstr}", platform="weibo", text=item.text, created_at=at, **fields)
    )
    return records


def status_records(status: WeiboStatus, handles: dict[str, str]) -> list[Record]:
    """The Post of a status, its author, and what it reposts."""
    post_id = f"weibo:{status.idstr}"
    author = f"weibo:{status.user.idstr}" if status.user else None
    at = ms_or_none(status.created_at)
    records = _authored(
        status,
        at,
        likes=status.attitudes_count,
        shares=status.reposts_count,
        replies=status.comments_count,
        url=f"https://m.weibo.cn/status/{status.idstr}",
    )
    if status.retweeted_status is not None:
        target = f"weibo:{status.retweeted_status.idstr}"
        records += status_records(status.retweeted_status, handles)
        records.append(PostLink(type="SHARE_OF", source=post_id, target=target))
        if author is not None:
            records.append(Engagement(type="SHARED", account=author, post=target, at=at))
    records += text_records(post_id, status.text, handles)
    return records


def comment_records(comment: WeiboComment, handles: dict[str, str]) -> list[Record]:
    """The Post of a comment, its author, and the status or comment it replies to."""
    post_id = f"weibo:{comment.idstr}"
    author = f"weibo:{comment.user.idstr}" if comment.user else None
    at = ms_or_none(comment.created_at)
    records = _authored(comment, at)
    if comment.status is not None:
        records += status_records(comment.status, handles)
    if comment.reply_comment is not None:
        records += comment_records(comment.reply_comment, handles)
        target: str | None = f"weibo:{comment.reply_comment.idstr}"
    else:
        target = f"weibo:{comment.status.idstr}" if comment.status else None
    if target is not None:
        records.append(PostLink(type="REPLY_TO", source=post_id, target=target))
        if author is not None:
            records.append(Engagement(type="REPLIED", account=author, post=target, at=at))
    # "回复@name:" opens a reply to a comment: the REPLIED edge already names that person.
    replied = comment.reply_comment.user if comment.reply_comment else None
    prefix = replied.screen_name if replied and replied.screen_name else None
    skip = prefix if prefix and comment.text.startswith(f"回复@{prefix}") else None
    records += text_records(post_id, comment.text, handles, skip)
    return records


_MODELS: dict[str, type[NativeModel]] = {
    "status": WeiboStatus,
    "comment": WeiboComment,
    "user": WeiboUser,
}


def api_document(document: Any, where: str, source: Source) -> Iterator[ParseItem]:
    """Every record of one API response; a bad status, comment or user is one Reject."""
    entries = list(_entries(document, "$"))
    if not entries:
        keys = ", ".join(sorted(map(str, document))[:8]) if isinstance(document, dict) else ""
        reason = f"not a Weibo status, comment or user response (top-level keys: {keys})"
        yield Reject(source.name, where, reason, document)
        return
    native: list[tuple[str, Any, Any]] = []
    for path, kind, raw in entries:
        location = f"{where} {path}"
        if kind is None:
            reason = "neither a status (text, user), a comment (text, status) nor a user"
            yield Reject(source.name, location, reason, raw)
            continue
        item = validate(_MODELS[kind], raw, source, location)
        if isinstance(item, Reject):
            yield item
        else:
            native.append((location, raw, item))
    handles: dict[str, str] = {}
    for _, _, item in native:
        for user in _users(item):
            if user.screen_name:
                handles.setdefault(user.screen_name, f"weibo:{user.idstr}")
    records = DocumentRecords(source)
    for location, raw, item in native:
        yield from records.emit(location, raw, _records(item, handles))


def _records(item: Any, handles: dict[str, str]) -> Iterator[Record]:
    if isinstance(item, WeiboStatus):
        yield from status_records(item, handles)
    elif isinstance(item, WeiboComment):
        yield from comment_records(item, handles)
    else:
        yield user_record(item)


def _users(item: WeiboStatus | WeiboComment | WeiboUser | None) -> Iterator[WeiboUser]:
    # Each model's own nested fields: asking a model for a field it lacks goes through
    # pydantic's __getattr__, which is slow.
    if item is None:
        return
    if isinstance(item, WeiboUser):
        yield item
        return
    if item.user is not None:
        yield item.user
    if isinstance(item, WeiboStatus):
        yield from _users(item.retweeted_status)
    else:
        yield from _users(item.status)
        yield from _users(item.reply_comment)


def _kind(raw: Any) -> Kind | None:
    if not isinstance(raw, dict):
        return None
    if "text" in raw:
        return (
            "comment" if isinstance(raw.get("status"), dict) or "reply_comment" in raw else "status"
        )
    if "screen_name" in raw:
        return "user"
    return None


def _entries(document: Any, path: str) -> Iterator[tuple[str, Kind | None, Any]]:
    """``(path, kind, raw)`` of each status, comment and user of a response; ``kind`` is
    ``None`` for an item of a list that is none of them."""
    if isinstance(document, list):
        for index, raw in enumerate(document):
            yield from _expand(f"{path}[{index}]", _kind(raw), raw)
        return
    if not isinstance(document, dict):
        return
    for key in ("statuses", "reposts", "comments", "users", "favorites"):
        if isinstance(document.get(key), list):
            for index, raw in enumerate(document[key]):
                if key == "favorites" and isinstance(raw, dict) and "status" in raw:
                    yield f"{path}.{key}[{index}].status", "status", raw["status"]
                else:
                    yield from _expand(f"{path}.{key}[{index}]", _kind(raw), raw)
            return
    if "status" in document and "text" not in document and "screen_name" not in document:
        yield f"{path}.status", "status", document["status"]  # a favorite
        return
    kind = _kind(document)
    if kind is not None:
        yield from _expand(path, kind, document)


def _expand(path: str, kind: Kind | None, raw: Any) -> Iterator[tuple[str, Kind | None, Any]]:
    yield path, kind, raw
    if kind == "user" and isinstance(raw.get("status"), dict):
        # A user embeds its latest status without the user inside it.
        yield f"{path}.status", "status", {**raw["status"], "user": {**raw, "status": None}}
