"""Weibo repost cascades laid out like the CED dataset (THUNLP): an original microblog
per file, and a file of its reposts and comments linked by ``parent``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import PurePath
from typing import Annotated, Any

from pydantic import AwareDatetime, BeforeValidator, Field, StringConstraints

from graph.model import Account, Engagement, Post, PostLink, Record
from loaders.base import ParseItem, Reject, Source
from loaders.native import EpochSeconds, NativeModel, ms_from_datetime, ms_from_seconds, validate
from loaders.social import DocumentRecords, ShortText, Text
from loaders.weibo_api import text_records

__all__ = [
    "CedOriginal",
    "CedRepost",
    "cascade_document",
    "is_cascade",
    "is_original",
    "mid_to_id",
    "original_document",
]

_BASE62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
Base62Mid = Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z]{1,16}$")]
Uid = Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z_-]{1,40}$")]
Count = Annotated[int, Field(ge=0)]
# <index>_<mid in base 62>_<author uid>.json: where the original's ids are written.
_FILE_NAME = re.compile(r"^\d+_(?P<mid>[0-9A-Za-z]{1,16})_(?P<uid>[0-9A-Za-z_-]{1,40})\.json$")
_BEIJING = timezone(timedelta(hours=8))


def mid_to_id(mid: str) -> str:
    """The numeric status id of a base-62 mid (the code in a weibo.com URL).

    The code is read in groups of four characters from the right; each group is a
    base-62 number written as seven decimal digits (the leftmost unpadded).

    Examples
    --------
    >>> mid_to_id("z0JH2lOMb")
    '3501756485200075'
    """
    groups = [mid[max(0, end - 4) : end] for end in range(len(mid), 0, -4)][::-1]
    digits = []
    for position, group in enumerate(groups):
        number = 0
        for char in group:
            number = number * 62 + _BASE62.index(char)
        digits.append(str(number) if position == 0 else str(number).zfill(7))
    return "".join(digits).lstrip("0") or "0"


def _profile_url(uid: str) -> str:
    # Some crawled uids are the personal domain a user chose instead of the number.
    return f"https://weibo.com/u/{uid}" if uid.isdigit() else f"https://weibo.com/{uid}"


def _beijing_time(value: Any) -> Any:
    # The dataset writes local time in Beijing (UTC+8) without a zone.
    if isinstance(value, str):
        try:
            return datetime.strptime(value.strip(), "%Y-%m-%d %H:%M:%S").replace(tzinfo=_BEIJING)
        except ValueError:
            return value
    return value


class CedUser(NativeModel):
    followers: Count | None = None
    friends: Count | None = None
    verified: bool | None = None
    location: ShortText | None = None
    time: EpochSeconds | None = None  # account creation
    description: ShortText | bool | None = None  # false when the user wrote none


class CedOriginal(NativeModel):
    """An ``original-microblog/*.json`` object."""

    text: Text
    user: CedUser
    time: EpochSeconds
    reposts: Count | None = None
    comments: Count | None = None
    likes: Count | None = None


class CedRepost(NativeModel):
    """One item of a ``*-repost/*.json`` array: a repost or a comment (the dataset
    does not tell them apart)."""

    mid: Base62Mid
    uid: Uid
    # The mid reposted; "" for the original.
    parent: Annotated[str, StringConstraints(pattern=r"^([0-9A-Za-z]{1,16})?$")]
    text: Text
    date: Annotated[AwareDatetime, BeforeValidator(_beijing_time)]


def is_original(document: Any) -> bool:
    return (
        isinstance(document, dict)
        and isinstance(document.get("user"), dict)
        and "time" in document
        and "id" not in document
    )


def is_cascade(document: Any) -> bool:
    return (
        isinstance(document, list)
        and bool(document)
        and isinstance(document[0], dict)
        and {"mid", "uid", "parent"} <= document[0].keys()
    )


def _root(source: Source) -> tuple[str, str] | None:
    """The original's mid and author uid, from the file name."""
    match = _FILE_NAME.match(PurePath(source.name).name)
    return (match["mid"], match["uid"]) if match else None


def original_document(document: Any, where: str, source: Source) -> Iterator[ParseItem]:
    """The Post and author of an original microblog."""
    root = _root(source)
    if root is None:
        reason = "an original microblog's mid and uid come from its file name, which must "
        yield Reject(source.name, where, reason + "be <index>_<mid>_<uid>.json", document)
        return
    original = validate(CedOriginal, document, source, where)
    if isinstance(original, Reject):
        yield original
        return
    yield from DocumentRecords(source).emit(where, document, _original_records(original, *root))


def _original_records(original: CedOriginal, mid: str, uid: str) -> Iterator[Record]:
    post_id = f"weibo:{mid_to_id(mid)}"
    user = original.user
    yield Account(
        id=f"weibo:{uid}",
        platform="weibo",
        followers=user.followers,
        following=user.friends,
        verified=user.verified,
        url=_profile_url(uid),
        created_at=ms_from_seconds(user.time) if user.time is not None else None,
        description=user.description if isinstance(user.description, str) else None,
        location=user.location,
    )
    yield Post(
        id=post_id,
        platform="weibo",
        text=original.text,
        created_at=ms_from_seconds(original.time),
        likes=original.likes,
        shares=original.reposts,
        replies=original.comments,
        url=f"https://weibo.com/{uid}/{mid}",
        author=f"weibo:{uid}",
    )
    yield from text_records(post_id, original.text, {})


def cascade_document(document: list[Any], where: str, source: Source) -> Iterator[ParseItem]:
    """Each repost as a Post SHARE_OF its parent (or of the original), with the
    reposter's SHARED edge."""
    root = _root(source)
    reposts: list[tuple[str, Any, CedRepost]] = []
    for index, raw in enumerate(document):
        location = f"{where} $[{index}]"
        repost = validate(CedRepost, raw, source, location)
        if isinstance(repost, Reject):
            yield repost
        else:
            reposts.append((location, raw, repost))
    # A repost has one parent, but the crawl sometimes lists a mid twice: once under the
    # original ("") and once under the repost it came through.  The named parent wins.
    chosen: dict[str, tuple[str, str]] = {}
    for location, _, repost in reposts:
        if repost.mid not in chosen or (repost.parent and not chosen[repost.mid][0]):
            chosen[repost.mid] = (repost.parent, location)
    records = DocumentRecords(source)
    if root is not None:
        # The original's author is known from the file name even without its file.
        mid, uid = root
        stub = Post(id=f"weibo:{mid_to_id(mid)}", platform="weibo", author=f"weibo:{uid}")
        yield from records.emit(f"{where} (file name)", source.name, iter([stub]))
    for location, raw, repost in reposts:
        kept_parent, kept_at = chosen[repost.mid]
        if repost.parent != kept_parent:
            reason = (
                f"mid {repost.mid} is listed again at {kept_at} with parent "
                f"{kept_parent or '(the original)'}; a repost has one parent"
            )
            yield Reject(source.name, location, reason, raw)
            continue
        parent = repost.parent or (root[0] if root else None)
        if parent is None:
            reason = "parent: empty (a repost of the original), and the file name does not "
            yield Reject(source.name, location, reason + "give the original's mid", raw)
            continue
        yield from records.emit(location, raw, _repost_records(repost, parent))


def _repost_records(repost: CedRepost, parent: str) -> Iterator[Record]:
    post_id = f"weibo:{mid_to_id(repost.mid)}"
    author = f"weibo:{repost.uid}"
    target = f"weibo:{mid_to_id(parent)}"
    at = ms_from_datetime(repost.date)
    yield Account(id=author, platform="weibo", url=_profile_url(repost.uid))
    yield Post(
        id=post_id,
        platform="weibo",
        text=repost.text,
        created_at=at,
        url=f"https://weibo.com/{repost.uid}/{repost.mid}",
        author=author,
    )
    yield PostLink(type="SHARE_OF", source=post_id, target=target)
    yield Engagement(type="SHARED", account=author, post=target, at=at)
    yield from text_records(post_id, repost.text, {})
