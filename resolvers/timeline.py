"""``sentimentTimeline(brand, interval)``: mentions of a brand per time bucket, by sentiment."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import strawberry

from graph.cypher import Statement
from resolvers.context import Info
from resolvers.errors import BadInput
from resolvers.listening import NEGATIVE_BELOW, POSITIVE_ABOVE, brand_id_checked
from schema.enums import Interval
from schema.scalars import datetime_from_ms, ms_from_datetime
from schema.sentiment_bucket import SentimentBucket

__all__ = ["SENTIMENT_BUCKETS", "resolve_sentiment_timeline"]

MAX_BUCKETS = 2000
_HOUR = 3_600_000
_DAY = 24 * _HOUR
_WIDTH = {Interval.HOUR: _HOUR, Interval.DAY: _DAY, Interval.WEEK: 7 * _DAY}
# 1970-01-05 was a Monday: weeks are counted from there.
_ORIGIN = {Interval.HOUR: 0, Interval.DAY: 0, Interval.WEEK: 4 * _DAY}

SENTIMENT_BUCKETS = Statement(
    "api.sentiment_timeline",
    "MATCH (:Brand {id: $brand})<-[r:ABOUT]-(p:Post) "
    "WHERE p.created_at IS NOT NULL "
    "AND ($platform IS NULL OR p.platform = $platform) "
    "AND ($since IS NULL OR p.created_at >= $since) "
    "AND ($until IS NULL OR p.created_at < $until) "
    "WITH p.created_at - ((p.created_at - $origin) % $width) AS bucket, "
    "coalesce(r.sentiment, p.sentiment) AS s "
    "RETURN bucket, count(*) AS mentions, "
    f"sum(CASE WHEN s > {POSITIVE_ABOVE} THEN 1 ELSE 0 END) AS positive, "
    f"sum(CASE WHEN s < {NEGATIVE_BELOW} THEN 1 ELSE 0 END) AS negative, "
    "sum(CASE WHEN s IS NULL THEN 0 ELSE 1 END) AS rated, "
    "sum(coalesce(s, 0.0)) AS total "
    "ORDER BY bucket",
)


@dataclass
class _Tally:
    mentions: int = 0
    positive: int = 0
    negative: int = 0
    rated: int = 0
    total: float = 0.0

    def add(self, other: _Tally) -> None:
        self.mentions += other.mentions
        self.positive += other.positive
        self.negative += other.negative
        self.rated += other.rated
        self.total += other.total

    def bucket(self, start: datetime) -> SentimentBucket:
        return SentimentBucket(
            start=start,
            mentions=self.mentions,
            positive=self.positive,
            negative=self.negative,
            # Neutral: a sentiment between the thresholds (mentions without one are in
            # `mentions` only).
            neutral=self.rated - self.positive - self.negative,
            average_sentiment=self.total / self.rated if self.rated else None,
        )


async def resolve_sentiment_timeline(
    info: Info,
    brand: strawberry.ID,
    interval: Interval = Interval.DAY,
    since: datetime | None = None,
    until: datetime | None = None,
    platform: str | None = None,
) -> list[SentimentBucket]:
    """Mentions of ``brand`` per ``interval`` (UTC), with empty buckets filled in,
    from ``since`` (or the first mention) to ``until`` (or the last)."""
    brand_id = await brand_id_checked(info, brand)
    since_ms, until_ms = ms_from_datetime(since), ms_from_datetime(until)
    if since_ms is not None and until_ms is not None and until_ms <= since_ms:
        raise BadInput("until: must be later than since")
    fine = Interval.DAY if interval is Interval.MONTH else interval
    rows = await info.context.store.read(
        SENTIMENT_BUCKETS,
        {
            "brand": brand_id,
            "platform": platform.lower() if platform else None,
            "since": since_ms,
            "until": until_ms,
            "origin": _ORIGIN[fine],
            "width": _WIDTH[fine],
        },
    )
    tallies: dict[datetime, _Tally] = {}
    for row in rows:
        start = _bucket_start(datetime_from_ms(int(row["bucket"])), interval)
        tallies.setdefault(start, _Tally()).add(
            _Tally(
                mentions=int(row["mentions"]),
                positive=int(row["positive"]),
                negative=int(row["negative"]),
                rated=int(row["rated"]),
                total=float(row["total"] or 0.0),
            )
        )
    first = since if since is not None else min(tallies, default=None)
    last = until if until is not None else max(tallies, default=None)
    if first is None or last is None:
        return []
    starts = list(_starts(_bucket_start(first, interval), last, interval, inclusive=until is None))
    return [tallies.get(start, _Tally()).bucket(start) for start in starts]


def _bucket_start(moment: datetime | None, interval: Interval) -> datetime:
    if moment is None:
        raise ValueError("a bucket needs a time")
    moment = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    if interval is Interval.MONTH:
        return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    if interval is Interval.HOUR:
        return moment.replace(minute=0, second=0, microsecond=0)
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return day - timedelta(days=day.weekday()) if interval is Interval.WEEK else day


def _starts(
    first: datetime, last: datetime, interval: Interval, *, inclusive: bool
) -> Iterator[datetime]:
    last = last.astimezone(UTC) if last.tzinfo else last.replace(tzinfo=UTC)
    current, count = first, 0
    while current < last or (inclusive and current == last):
        count += 1
        if count > MAX_BUCKETS:
            raise BadInput(
                f"interval: more than {MAX_BUCKETS} buckets; choose a wider interval "
                "or a shorter since/until window"
            )
        yield current
        current = _next(current, interval)


def _next(start: datetime, interval: Interval) -> datetime:
    if interval is Interval.MONTH:
        year, month = divmod(start.month, 12)
        return start.replace(year=start.year + year, month=month + 1)
    return start + timedelta(milliseconds=_WIDTH[interval])
