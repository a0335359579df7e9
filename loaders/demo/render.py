"""What every channel renderer shares: post bodies, hashtags, times, file writing, counts."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Generic, TypeVar

from loaders.demo.activity import ORIGINAL, QUOTE, REPLY, SHARE, ChannelPlan
from loaders.demo.config import BRANDS, BrandSpec
from loaders.demo.people import Community, Population
from loaders.demo.text import TONE_KIND, pick, render

__all__ = [
    "ChannelOutput",
    "FileCounts",
    "Memo",
    "body",
    "brand_of",
    "dump",
    "engagement_counts",
    "hashtags",
    "iso_ms",
    "json_array",
    "json_object",
    "pages",
    "splice",
    "weibo_time",
    "write_json",
]

K = TypeVar("K")
V = TypeVar("V")
CHINA = timezone(timedelta(hours=8))
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def dump(obj: Any) -> str:
    """Compact UTF-8 JSON, keys in insertion order (the bytes depend only on the plan)."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def write_json(path: Path, obj: Any) -> None:
    path.write_text(dump(obj) + "\n", encoding="utf-8")


def splice(obj: dict[str, Any], **encoded: str) -> str:
    """The JSON of ``obj`` with members whose values are already JSON text appended.

    Renderers encode what repeats (a user inside every tweet page, a status inside
    every comment on it) once and splice it in, rather than encoding it again."""
    head = dump(obj)
    if head == "{}":
        return json_object(**encoded)
    return head[:-1] + "".join(f',"{key}":{value}' for key, value in encoded.items()) + "}"


def json_array(items: Iterable[str]) -> str:
    """A JSON array of items that are already JSON text."""
    return "[" + ",".join(items) + "]"


def json_object(**encoded: str) -> str:
    """A JSON object of members whose values are already JSON text."""
    return "{" + ",".join(f'"{key}":{value}' for key, value in encoded.items()) + "}"


class Memo(Generic[K, V]):
    """A dict that forgets everything when it grows past ``limit`` (bounded memory;
    renderers walk posts in time order, so what they need again is recent)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.data: dict[K, V] = {}

    def get(self, key: K, make: Callable[[K], V]) -> V:
        value = self.data.get(key)
        if value is None:
            if len(self.data) >= self.limit:
                self.data.clear()
            value = self.data[key] = make(key)
        return value


def iso_ms(ms: int) -> str:
    """``2026-03-01T12:34:56.000Z`` (X API v2)."""
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(ms // 1000))


def weibo_time(ms: int) -> str:
    """``Tue May 31 17:46:55 +0800 2011`` (Weibo API v2), locale-independent."""
    t = datetime.fromtimestamp(ms / 1000, CHINA)
    return f"{_DAYS[t.weekday()]} {_MONTHS[t.month - 1]} {t:%d %H:%M:%S} +0800 {t.year}"


def brand_of(plan: ChannelPlan, i: int) -> BrandSpec | None:
    b = plan.brand[i]
    return BRANDS[b] if b >= 0 else None


def community_of(pop: Population, plan: ChannelPlan, i: int) -> Community:
    return pop.communities[pop.accounts[plan.author[i]].community]


def body(pop: Population, plan: ChannelPlan, i: int) -> str:
    """The author's own words in post ``i`` (no handles, hashtags or links)."""
    author = pop.accounts[plan.author[i]]
    theme = pop.communities[author.community].theme
    brand = brand_of(plan, i)
    bits = plan.bits[i]
    if brand is not None:
        return render(
            TONE_KIND[plan.tone[i]], lang=author.lang, bits=bits, theme=theme, brand=brand
        )
    kind = plan.kind[i]
    template = "reply" if kind == REPLY else "quote" if kind == QUOTE else "chatter"
    return render(template, lang=author.lang, bits=bits, theme=theme)


def hashtags(pop: Population, plan: ChannelPlan, i: int) -> list[str]:
    """Hashtags (without '#') an original or quote carries: its theme's, and its brand's."""
    kind = plan.kind[i]
    if kind not in (ORIGINAL, QUOTE):
        return []
    community = community_of(pop, plan, i)
    zh = pop.accounts[plan.author[i]].lang == "zh"
    bits = plan.bits[i] >> 40
    tags: list[str] = []
    if kind == ORIGINAL and bits % 5 < 3:
        theme = community.theme
        tags.append(pick(theme.hashtags_zh if zh else theme.hashtags_en, bits, 1))
    brand = brand_of(plan, i)
    if brand is not None and (bits >> 8) % 2 == 0:
        tags.append(brand.hashtag_zh if zh else brand.hashtag_en)
    return tags


def engagement_counts(plan: ChannelPlan) -> dict[str, int]:
    """Posts by kind, and the distinct (account, post) pairs each engagement type makes
    (replying twice to one post is one REPLIED relationship)."""
    pairs: dict[int, set[tuple[int, int]]] = {REPLY: set(), SHARE: set(), QUOTE: set()}
    for i in range(len(plan)):
        kind = plan.kind[i]
        if kind != ORIGINAL:
            pairs[kind].add((plan.author[i], plan.parent[i]))
    return {
        "posts": len(plan),
        "replies": plan.count(REPLY),
        "shares": plan.count(SHARE),
        "quotes": plan.count(QUOTE),
        "likes": len(plan.like_post),
        "replied_pairs": len(pairs[REPLY]),
        "shared_pairs": len(pairs[SHARE]),
        "quoted_pairs": len(pairs[QUOTE]),
        "planted_mentions": sum(len(m) for m in plan.mentions.values()),
    }


def pages(indices: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(indices), size):
        yield indices[start : start + size]


@dataclass(slots=True)
class FileCounts:
    """What one written file holds, for truth.json."""

    path: str
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n


@dataclass(slots=True)
class ChannelOutput:
    """A renderer's report: files written, canonical counts, account ids by planned account."""

    connector: str
    files: list[FileCounts] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    account_ids: dict[int, str] = field(default_factory=dict)  # Account.index -> graph id
    extra: dict[str, Any] = field(default_factory=dict)

    def name_accounts(self, pop: Population, *platforms: str) -> None:
        """Record the graph id (``<platform>:<native id>``) of every account of ``platforms``."""
        for platform in platforms or (self.connector,):
            for index in pop.by_platform.get(platform, []):
                self.account_ids[index] = f"{platform}:{pop.accounts[index].native_id}"

    def file(self, path: Path, root: Path) -> FileCounts:
        entry = FileCounts(path.relative_to(root).as_posix())
        self.files.append(entry)
        return entry
