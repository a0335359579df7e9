"""The ``reddit`` connector: Reddit API JSON (listings of t3 submissions and t1 comment
trees, ``/api/morechildren``, ``/api/info``, t2 accounts, t5 subreddits)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import Field, StringConstraints

from graph.model import (
    Account,
    Community,
    CommunityBrand,
    Engagement,
    Mention,
    Post,
    PostLink,
    Record,
)
from loaders.base import ConnectorSpec, LoadOptions, ParseItem, Reject, Source
from loaders.native import NativeModel, json_documents, ms_from_seconds, validate
from loaders.social import DocumentRecords, ShortText, Text, is_capture_index

__all__ = [
    "CONNECTOR",
    "RedditAccount",
    "RedditComment",
    "RedditSubmission",
    "RedditSubreddit",
    "parse",
]

Base36 = Annotated[str, StringConstraints(pattern=r"^[0-9a-z]{1,13}$")]
Fullname = Annotated[str, StringConstraints(pattern=r"^t[1-6]_[0-9a-z]{1,13}$")]
UserName = Annotated[str, StringConstraints(pattern=r"^([A-Za-z0-9_-]{1,20}|\[deleted\])$")]
Seconds = Annotated[float, Field(ge=0, le=32_503_680_000)]
Count = Annotated[int, Field(ge=0)]

# "u/name" or "/u/name" in markdown, not inside a longer word or path.
_USER_LINK = re.compile(r"(?<![\w/])/?u/([A-Za-z0-9_-]{3,20})\b")
_DELETED = "[deleted]"


class _Authored(NativeModel):
    id: Base36
    author: UserName | None = None
    author_fullname: Fullname | None = None  # since 2018
    created_utc: Seconds
    ups: int | None = None
    subreddit: ShortText | None = None
    permalink: ShortText | None = None


class RedditComment(_Authored):
    """A ``t1`` thing's data."""

    body: Text
    parent_id: Fullname
    link_id: Fullname
    link_author: UserName | None = None  # in a user's comment listing


class RedditSubmission(_Authored):
    """A ``t3`` thing's data."""

    title: Text
    selftext: Text = ""
    num_comments: Count | None = None


class RedditAccount(NativeModel):
    """A ``t2`` thing's data (``/user/<name>/about``)."""

    id: Base36
    name: UserName
    created_utc: Seconds | None = None
    verified: bool | None = None


class RedditSubreddit(NativeModel):
    """A ``t5`` thing's data (``/r/<name>/about``, subreddit listings)."""

    id: Base36
    display_name: ShortText
    title: ShortText | None = None
    public_description: ShortText | None = None
    created_utc: Seconds | None = None


_MODELS: dict[str, type[NativeModel]] = {
    "t1": RedditComment,
    "t3": RedditSubmission,
    "t2": RedditAccount,
    "t5": RedditSubreddit,
}


@dataclass(frozen=True, slots=True)
class _Thing:
    path: str
    kind: str | None  # t1, t2, t3, t5; None: not a thing this connector reads
    raw: Any


def parse(source: Source, *, options: LoadOptions) -> Iterator[ParseItem]:
    """Canonical records of one file of Reddit API responses.

    Submissions and comments become Posts (``reddit:t3_<id>``, ``reddit:t1_<id>``)
    with their authors; a comment is REPLY_TO its parent and its author REPLIED to
    it; comment trees are read through ``replies``.  ``more`` stubs name comments
    not in the response and are left for a ``/api/morechildren`` response.  An
    account is ``reddit:<author_fullname>`` (``t2_...``) when the data gives it,
    else ``reddit:<username>`` (older data carries only the name)."""
    for item in json_documents(source):
        if isinstance(item, Reject):
            yield item
        elif not is_capture_index(item[1]):  # a capture's request index has no records
            yield from _document(item[1], item[0], source, options.brand)


def _document(document: Any, where: str, source: Source, brand: str | None) -> Iterator[ParseItem]:
    things: list[_Thing] = []
    problem = _walk(document, "$", things)
    if problem is not None:
        yield Reject(source.name, where, problem, document)
        return
    native: list[tuple[str, Any, Any]] = []
    for thing in things:
        location = f"{where} {thing.path}"
        if thing.kind is None:
            yield Reject(source.name, location, "not a Reddit thing (kind and data)", thing.raw)
            continue
        data = thing.raw.get("data") if isinstance(thing.raw, dict) else None
        item = validate(_MODELS[thing.kind], data, source, f"{location}.data")
        if isinstance(item, Reject):
            yield item
        else:
            native.append((location, thing.raw, item))
    accounts = _Accounts(item for _, _, item in native)
    records = DocumentRecords(source)
    for location, raw, item in native:
        yield from records.emit(location, raw, _records(item, accounts, brand))


class _Accounts:
    """Account ids of one document's users: by ``author_fullname`` where the data
    has it; by name in data that never carries it (so older dumps still link)."""

    def __init__(self, items: Iterator[Any]) -> None:
        self.by_name: dict[str, str] = {}
        self.by_fullname = False
        for item in items:
            if isinstance(item, _Authored) and item.author_fullname and item.author:
                self.by_fullname = True
                self.by_name.setdefault(item.author, item.author_fullname)
            elif isinstance(item, RedditAccount):
                self.by_name.setdefault(item.name, f"t2_{item.id}")

    def of(self, name: str | None, fullname: str | None = None) -> str | None:
        """The account id of a user, or ``None`` when it cannot be told."""
        if not name or name == _DELETED:
            return None
        if fullname:
            return f"reddit:{fullname}"
        if name in self.by_name:
            return f"reddit:{self.by_name[name]}"
        return None if self.by_fullname else f"reddit:{name}"


def _records(item: Any, accounts: _Accounts, brand: str | None) -> Iterator[Record]:
    if isinstance(item, RedditComment):
        yield from _comment_records(item, accounts)
    elif isinstance(item, RedditSubmission):
        yield from _submission_records(item, accounts)
    elif isinstance(item, RedditAccount):
        yield Account(
            id=f"reddit:t2_{item.id}",
            platform="reddit",
            handle=item.name,
            verified=item.verified,
            url=f"https://www.reddit.com/user/{item.name}/",
            created_at=ms_from_seconds(item.created_utc) if item.created_utc else None,
        )
    else:
        yield Community(
            id=f"reddit:t5_{item.id}",
            platform="reddit",
            name=item.display_name,
            community_kind="subreddit",
            description=item.public_description or item.title or None,
            created_at=ms_from_seconds(item.created_utc) if item.created_utc else None,
        )
        if brand:  # --brand: the subreddits loaded are the brand's
            yield CommunityBrand(community=f"reddit:t5_{item.id}", brand=brand)


def _author(item: _Authored, accounts: _Accounts) -> Iterator[Account]:
    account = accounts.of(item.author, item.author_fullname)
    if account is not None and item.author:
        url = f"https://www.reddit.com/user/{item.author}/"
        yield Account(id=account, platform="reddit", handle=item.author, url=url)


def _post(item: _Authored, fullname: str, text: str, accounts: _Accounts) -> Post:
    return Post(
        id=f"reddit:{fullname}",
        platform="reddit",
        text=text,
        created_at=ms_from_seconds(item.created_utc),
        likes=item.ups if item.ups is not None and item.ups >= 0 else None,
        url=f"https://www.reddit.com{item.permalink}" if item.permalink else None,
        author=accounts.of(item.author, item.author_fullname),
    )


def _mentions(post: Post, accounts: _Accounts) -> Iterator[Record]:
    for name in dict.fromkeys(_USER_LINK.findall(post.text)):
        account = accounts.of(name)
        if account is not None and account != post.author:
            yield Mention(post=post.id, account=account)


def _submission_records(item: RedditSubmission, accounts: _Accounts) -> Iterator[Record]:
    yield from _author(item, accounts)
    text = f"{item.title}\n\n{item.selftext}" if item.selftext else item.title
    post = _post(item, f"t3_{item.id}", text, accounts)
    yield post.model_copy(update={"replies": item.num_comments})
    yield from _mentions(post, accounts)


def _comment_records(item: RedditComment, accounts: _Accounts) -> Iterator[Record]:
    yield from _author(item, accounts)
    post = _post(item, f"t1_{item.id}", item.body, accounts)
    yield post
    parent = f"reddit:{item.parent_id}"
    yield PostLink(type="REPLY_TO", source=post.id, target=parent)
    if post.author is not None:
        yield Engagement(type="REPLIED", account=post.author, post=parent, at=post.created_at)
    link_author = accounts.of(item.link_author)
    if item.parent_id == item.link_id and link_author is not None:
        # A user's comment listing names the submission's author: whose post this answers.
        yield Post(id=parent, platform="reddit", author=link_author)
    yield from _mentions(post, accounts)


def _walk(node: Any, path: str, into: list[_Thing]) -> str | None:
    """Collect the things of a response into ``into``; a reason when the response as
    a whole is not one this connector reads."""
    if isinstance(node, list):
        for index, child in enumerate(node):
            problem = _walk(child, f"{path}[{index}]", into)
            if problem is not None:
                return problem
        return None
    if not isinstance(node, dict):
        return "not a Reddit API response (expected a Listing, a thing or a list of them)"
    kind = node.get("kind")
    data = node.get("data")
    if kind == "Listing" and isinstance(data, dict) and isinstance(data.get("children"), list):
        for index, child in enumerate(data["children"]):
            _thing(child, f"{path}.data.children[{index}]", into)
        return None
    if kind == "Listing":
        return "a Listing without data.children (a response cut short?)"
    if isinstance(kind, str) and "data" in node:
        _thing(node, path, into)
        return None
    if isinstance(node.get("json"), dict):  # /api/morechildren
        body = node["json"]
        if body.get("errors"):
            return f"the API answered with errors: {body['errors']}"
        things = body.get("data", {}).get("things") if isinstance(body.get("data"), dict) else None
        for index, child in enumerate(things if isinstance(things, list) else []):
            _thing(child, f"{path}.json.data.things[{index}]", into)
        return None
    if node and all(re.fullmatch(r"t2_[0-9a-z]{1,13}", str(key)) for key in node):
        for key, value in node.items():  # /api/user_data_by_account_ids
            raw = {
                "kind": "t2",
                "data": {**value, "id": key[3:]} if isinstance(value, dict) else value,
            }
            into.append(_Thing(f"{path}.{key}", "t2", raw))
        return None
    keys = ", ".join(sorted(map(str, node))[:8])
    return f"not a Reddit API response (top-level keys: {keys})"


def _thing(node: Any, path: str, into: list[_Thing]) -> None:
    kind = node.get("kind") if isinstance(node, dict) else None
    if kind == "more":
        return  # ids of comments not in this response: no record to load
    if kind == "Listing":
        _walk(node, path, into)
        return
    into.append(_Thing(path, kind if kind in _MODELS else None, node))
    data = node.get("data") if isinstance(node, dict) else None
    if kind == "t1" and isinstance(data, dict) and isinstance(data.get("replies"), dict):
        _walk(data["replies"], f"{path}.data.replies", into)


CONNECTOR = ConnectorSpec(
    name="reddit",
    summary="Reddit API listings, comment trees, morechildren, t2 accounts and t5 subreddits",
    parse=parse,
)
