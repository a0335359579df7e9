"""Which X/Twitter request produced a response page, and the relationships that
request implies (a liking-users page says each user LIKED the tweet in its URL)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from graph.model import Engagement, Follow, Mention, PostLink, Record
from loaders.base import Source
from loaders.social import is_capture_index

__all__ = ["INDEX_FILE", "RequestContext", "captured_url", "context_for"]

# Response bodies captured from HTTP recordings come with an index naming the request
# of each file: a JSON array of {"file": ..., "uri": ...}.
INDEX_FILE = "_index.json"

_V2 = re.compile(
    r"/2/(?P<noun>tweets|users)/(?P<id>\d+)/"
    r"(?P<relation>liking_users|retweeted_by|quote_tweets|followers|following|liked_tweets"
    r"|tweets|mentions)/?$"
)
_V1 = re.compile(r"/1\.1/(?P<noun>followers|friends|favorites|statuses)/(?P<what>\w+)\.json$")
_V1_RELATIONS = {
    ("followers", "list"): "followers",
    ("followers", "ids"): "followers",
    ("friends", "list"): "following",
    ("friends", "ids"): "following",
    ("favorites", "list"): "liked_tweets",
    ("statuses", "user_timeline"): "tweets",
}


@dataclass(frozen=True, slots=True)
class RequestContext:
    """The relation a page lists (``followers``, ``liking_users``, ...) and the id of
    the user or tweet it lists it for; both ``None`` when unknown."""

    relation: str | None = None
    subject: str | None = None

    @classmethod
    def from_url(cls, url: str | None) -> RequestContext:
        if not url:
            return cls()
        parts = urlsplit(url)
        if match := _V2.search(parts.path):
            return cls(match["relation"], match["id"])
        if match := _V1.search(parts.path):
            relation = _V1_RELATIONS.get((match["noun"], match["what"]))
            user_id = parse_qs(parts.query).get("user_id", [""])[0]
            # A screen_name alone cannot be turned into the numeric id accounts are keyed by.
            if relation and user_id.isdigit():
                return cls(relation, user_id)
        return cls()

    def for_user(self, user: str) -> list[Record]:
        """What listing this user in the page says."""
        subject = f"twitter:{self.subject}"
        if self.relation == "liking_users":
            return [Engagement(type="LIKED", account=user, post=subject)]
        if self.relation == "retweeted_by":
            return [Engagement(type="SHARED", account=user, post=subject)]
        if self.relation == "followers":
            return [Follow(source=user, target=subject)]
        if self.relation == "following":
            return [Follow(source=subject, target=user)]
        return []

    def for_tweet(self, tweet: str, author: str | None, at: int | None) -> list[Record]:
        """What listing this tweet in the page says."""
        subject = f"twitter:{self.subject}"
        if self.relation == "liked_tweets":
            return [Engagement(type="LIKED", account=subject, post=tweet)]
        if self.relation == "mentions":
            return [Mention(post=tweet, account=subject)]
        if self.relation == "quote_tweets":
            records: list[Record] = [PostLink(type="QUOTE_OF", source=tweet, target=subject)]
            if author is not None:
                records.append(Engagement(type="QUOTED", account=author, post=subject, at=at))
            return records
        return []

    def author(self) -> str | None:
        """The author of every tweet of a user-timeline page."""
        return f"twitter:{self.subject}" if self.relation == "tweets" else None


def captured_url(source: Source) -> str | None:
    """The request URL the capture index beside a file gives for it, if any."""
    if source.path is None:
        return None
    index = source.path.parent / INDEX_FILE
    try:
        stamp = index.stat().st_mtime_ns
    except OSError:
        return None
    return _captured_urls(index, stamp).get(source.path.name)


def context_for(document: Any, captured: str | None) -> RequestContext:
    """The request behind a page: twarc2's ``__twarc.url``, else ``captured`` (the URL
    the capture index gives for the file)."""
    if isinstance(document, dict):
        twarc = document.get("__twarc")
        if isinstance(twarc, dict) and isinstance(twarc.get("url"), str):
            return RequestContext.from_url(twarc["url"])
    return RequestContext.from_url(captured)


@lru_cache(maxsize=16)
def _captured_urls(index: Path, stamp: int) -> dict[str, str]:
    # ``stamp`` is part of the cache key so an edited index is read again.
    try:
        entries = json.loads(index.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not is_capture_index(entries):
        return {}
    return {
        str(entry["file"]): str(entry["uri"])
        for entry in entries
        if isinstance(entry["file"], str) and isinstance(entry["uri"], str)
    }
