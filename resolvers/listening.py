"""Social listening: brand mentions, the sentiment timeline, and live mention feeds.

Live feeds work whichever process writes: the writer stamps every Post with
``ingested_at`` when it first stores it, so a feed polls for posts ABOUT the
brand stamped after the newest one it has seen.  One poller runs per brand,
shared by all its subscribers, and stops with the last of them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime

import strawberry

from graph.cypher import Statement
from graph.errors import ScrmError
from graph.store import GraphStore, Row
from resolvers.context import Info
from resolvers.errors import NotFound
from resolvers.ids import graph_id
from resolvers.lists import ListQuery, PageArgs
from resolvers.loaders import Loaders
from schema.brand_mention import BrandMention
from schema.connection import Connection
from schema.enums import Polarity, PostSortField
from schema.inputs import PostSort
from schema.scalars import ms_from_datetime

__all__ = [
    "MENTIONS",
    "MentionFeeds",
    "brand_id_checked",
    "polarity",
    "resolve_brand_mentions",
    "resolve_mentions",
]

log = logging.getLogger("scrm.listening")

POSITIVE_ABOVE = 0.05
NEGATIVE_BELOW = -0.05

# Sentiment toward the brand when the ABOUT relationship carries one, else the post's own.
_MATCH = (
    "MATCH (b:Brand {id: $brand})<-[r:ABOUT]-(p:Post) "
    "WITH b, p, coalesce(r.sentiment, p.sentiment) AS s "
    "WHERE ($platform IS NULL OR p.platform = $platform) "
    "AND ($since IS NULL OR p.created_at >= $since) "
    "AND ($until IS NULL OR p.created_at < $until) "
    "AND ($polarity IS NULL "
    f"OR ($polarity = 'positive' AND s > {POSITIVE_ABOVE}) "
    f"OR ($polarity = 'negative' AND s < {NEGATIVE_BELOW}) "
    f"OR ($polarity = 'neutral' AND s >= {NEGATIVE_BELOW} AND s <= {POSITIVE_ABOVE}))"
)
_SORT_EXPRESSIONS = {"sentiment": "s"}
MENTIONS = ListQuery(
    name="api.mentions",
    variants={"": _MATCH},
    returns="p AS post, b AS brand, s AS sentiment",
    sorts={f.value: _SORT_EXPRESSIONS.get(f.value, f"p.{f.value}") for f in PostSortField},
    tiebreak="p.id",
)

LATEST_INGESTED = Statement(
    "api.mentions.latest_ingested",
    "MATCH (:Brand {id: $brand})<-[:ABOUT]-(p:Post) RETURN max(p.ingested_at) AS at",
)
NEW_MENTIONS = Statement(
    "api.mentions.new",
    "MATCH (b:Brand {id: $brand})<-[r:ABOUT]-(p:Post) WHERE p.ingested_at >= $since "
    "RETURN p AS post, b AS brand, coalesce(r.sentiment, p.sentiment) AS sentiment, "
    "p.ingested_at AS at ORDER BY at, p.id LIMIT $limit",
)
_POLL_BATCH = 1000


async def brand_id_checked(info: Info, value: str, argument: str = "brand") -> str:
    """The graph id of brand ``value``; NotFound when no Brand has it."""
    brand = graph_id(value, "Brand", argument)
    if await info.context.loaders.node("Brand").load(brand) is None:
        raise NotFound(f"{argument}: no Brand has id {brand!r}")
    return brand


async def resolve_mentions(
    info: Info,
    brand: strawberry.ID,
    sentiment: Polarity | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    platform: str | None = None,
    sort: PostSort | None = None,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> Connection[BrandMention]:
    """Posts ABOUT ``brand``: newest first unless ``sort`` says otherwise."""
    s = sort or PostSort()
    params = {
        "brand": await brand_id_checked(info, brand),
        "polarity": sentiment.value if sentiment else None,
        "since": ms_from_datetime(since),
        "until": ms_from_datetime(until),
        "platform": platform.lower() if platform else None,
    }
    return await MENTIONS.page(
        info,
        params=params,
        sort=s.field.value,
        direction=s.direction,
        args=PageArgs(first, after, last, before),
        convert=BrandMention.from_record,
    )


async def resolve_brand_mentions(
    info: Info, brand: strawberry.ID, sentiment: Polarity | None = None
) -> AsyncGenerator[BrandMention, None]:
    """Each new post ABOUT ``brand`` as the writer commits it (from any process)."""
    brand_id = await brand_id_checked(info, brand)
    feeds = info.context.feeds
    if feeds is None:
        raise NotFound("live mentions are not served here")
    async with feeds.subscribe(brand_id) as queue:
        while True:
            row = await queue.get()
            if sentiment is not None and polarity(row.get("sentiment")) is not sentiment:
                continue
            # A subscription lives long: related nodes are read fresh for every event.
            info.context.loaders = Loaders(info.context.store, info.context.cache)
            yield BrandMention.from_record(row)


def polarity(sentiment: float | None) -> Polarity | None:
    if sentiment is None:
        return None
    if sentiment > POSITIVE_ABOVE:
        return Polarity.POSITIVE
    if sentiment < NEGATIVE_BELOW:
        return Polarity.NEGATIVE
    return Polarity.NEUTRAL


@dataclass
class _Feed:
    queues: set[asyncio.Queue[Row]] = field(default_factory=set)
    task: asyncio.Task[None] | None = None
    ready: asyncio.Event = field(default_factory=asyncio.Event)


class MentionFeeds:
    """One poller per brand with subscribers, fanning new mentions out to them."""

    def __init__(self, store: GraphStore, *, poll_seconds: float = 1.0) -> None:
        self.store = store
        self.poll_seconds = poll_seconds
        self._feeds: dict[str, _Feed] = {}

    @contextlib.asynccontextmanager
    async def subscribe(self, brand: str) -> AsyncIterator[asyncio.Queue[Row]]:
        """A queue receiving every mention of ``brand`` stored from now on."""
        feed = self._feeds.get(brand)
        if feed is None:
            feed = self._feeds[brand] = _Feed()
            feed.task = asyncio.create_task(self._poll(brand, feed))
        queue: asyncio.Queue[Row] = asyncio.Queue(maxsize=10_000)
        feed.queues.add(queue)
        try:
            await feed.ready.wait()
            yield queue
        finally:
            feed.queues.discard(queue)
            if not feed.queues and self._feeds.get(brand) is feed:
                del self._feeds[brand]
                if feed.task is not None:
                    feed.task.cancel()

    async def close(self) -> None:
        for feed in list(self._feeds.values()):
            if feed.task is not None:
                feed.task.cancel()
        self._feeds.clear()

    async def _poll(self, brand: str, feed: _Feed) -> None:
        since, seen = await self._start(brand)
        feed.ready.set()
        while True:
            await asyncio.sleep(self.poll_seconds)
            try:
                rows = await self.store.read(
                    NEW_MENTIONS, {"brand": brand, "since": since, "limit": _POLL_BATCH}
                )
            except ScrmError as exc:
                log.warning("mention feed for %s: %s", brand, exc)
                continue
            except Exception:  # keep serving subscribers; the next poll may succeed
                log.exception("mention feed for %s failed to poll", brand)
                continue
            for row in rows:
                post_id, at = row["post"]["id"], int(row["at"])
                if at == since and post_id in seen:
                    continue
                if at > since:
                    since, seen = at, set()
                seen.add(post_id)
                for queue in feed.queues:
                    with contextlib.suppress(asyncio.QueueFull):
                        queue.put_nowait(row)

    async def _start(self, brand: str) -> tuple[int, set[str]]:
        """The newest ingestion time already stored, and the posts stamped with it."""
        while True:
            try:
                rows = await self.store.read(LATEST_INGESTED, {"brand": brand})
                since = int(rows[0]["at"]) if rows and rows[0]["at"] is not None else 0
                existing = await self.store.read(
                    NEW_MENTIONS, {"brand": brand, "since": since, "limit": _POLL_BATCH}
                )
                return since, {row["post"]["id"] for row in existing if int(row["at"]) == since}
            except ScrmError as exc:
                log.warning("mention feed for %s: %s", brand, exc)
                await asyncio.sleep(self.poll_seconds)
