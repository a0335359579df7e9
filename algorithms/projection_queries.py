"""The reads behind a projection: named statements and their rows as flat columns.

Each reader sends one statement and returns plain column lists, so the
projection can fold and aggregate them with numpy.  Brand- or window-scoped
engagement is read from the interaction edges themselves (REPLIED, SHARED,
QUOTED, LIKED on posts, MENTIONS from posts), because the ENGAGED aggregate
knows neither which brand a post was about nor when each interaction happened.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graph.cypher import Statement
from graph.store import GraphStore

__all__ = [
    "ENGAGEMENT_COLUMNS",
    "ENGAGEMENT_WEIGHTS",
    "AccountRows",
    "EdgeRows",
    "SentimentRows",
    "read_accounts",
    "read_brand_ids",
    "read_engaged",
    "read_follows",
    "read_identities",
    "read_interactions",
    "read_sentiment",
]

# Per-type columns of an engagement edge, in the order of ENGAGED's properties.
ENGAGEMENT_COLUMNS: tuple[str, ...] = ("replies", "shares", "quotes", "likes", "mentions")
# The loader's default weights for ENGAGED.weight; scoped projections weigh raw
# interactions the same way so scoped and unscoped scores stay comparable.
ENGAGEMENT_WEIGHTS: dict[str, float] = {
    "replies": 3.0,
    "shares": 2.0,
    "quotes": 3.0,
    "likes": 1.0,
    "mentions": 2.0,
}
_TYPE_COLUMN = {
    "REPLIED": "replies",
    "SHARED": "shares",
    "QUOTED": "quotes",
    "LIKED": "likes",
    "MENTIONS": "mentions",
}

BRAND_IDS = Statement(
    "projection.brand_ids",
    "MATCH (b:Brand) RETURN b.id AS id ORDER BY id",
)
ACCOUNTS = Statement(
    "projection.accounts",
    "MATCH (a:Account) WHERE $platform IS NULL OR a.platform = $platform "
    "RETURN a.id AS id, a.platform AS platform, a.followers AS followers",
)
IDENTITIES = Statement(
    "projection.identities",
    "MATCH (c:Customer)-[h:HAS_ACCOUNT]->(a:Account) "
    "RETURN a.id AS account, c.id AS customer, h.confidence AS confidence",
)
ENGAGED = Statement(
    "projection.engaged",
    "MATCH (u:Account)-[e:ENGAGED]->(v:Account) "
    "WHERE $platform IS NULL OR (u.platform = $platform AND v.platform = $platform) "
    "RETURN u.id AS u, v.id AS v, e.weight AS weight, e.count AS count, e.last_at AS last_at, "
    "e.replies AS replies, e.shares AS shares, e.quotes AS quotes, e.likes AS likes, "
    "e.mentions AS mentions",
)
# Interactions on posts (any brand), time taken from the edge, else from the post.
INTERACTIONS = Statement(
    "projection.interactions",
    "MATCH (u:Account)-[r:REPLIED|SHARED|QUOTED|LIKED]->(p:Post)<-[:POSTED]-(v:Account) "
    "WHERE $platform IS NULL OR (u.platform = $platform AND v.platform = $platform) "
    "WITH u, v, type(r) AS type, coalesce(r.at, p.created_at) AS at, "
    "coalesce(r.weight, 1.0) AS w "
    "WHERE ($since IS NULL OR at >= $since) AND ($until IS NULL OR at < $until) "
    "RETURN u.id AS u, v.id AS v, type, count(*) AS n, sum(w) AS w, max(at) AS last_at",
)
BRAND_INTERACTIONS = Statement(
    "projection.brand_interactions",
    "MATCH (:Brand {id: $brand})<-[:ABOUT]-(p:Post)<-[:POSTED]-(v:Account) "
    "MATCH (u:Account)-[r:REPLIED|SHARED|QUOTED|LIKED]->(p) "
    "WHERE $platform IS NULL OR (u.platform = $platform AND v.platform = $platform) "
    "WITH u, v, type(r) AS type, coalesce(r.at, p.created_at) AS at, "
    "coalesce(r.weight, 1.0) AS w "
    "WHERE ($since IS NULL OR at >= $since) AND ($until IS NULL OR at < $until) "
    "RETURN u.id AS u, v.id AS v, type, count(*) AS n, sum(w) AS w, max(at) AS last_at",
)
MENTIONS = Statement(
    "projection.mentions",
    "MATCH (u:Account)-[:POSTED]->(p:Post)-[m:MENTIONS]->(v:Account) "
    "WHERE ($platform IS NULL OR (u.platform = $platform AND v.platform = $platform)) "
    "AND ($since IS NULL OR p.created_at >= $since) AND ($until IS NULL OR p.created_at < $until) "
    "RETURN u.id AS u, v.id AS v, 'MENTIONS' AS type, count(*) AS n, "
    "sum(coalesce(m.weight, 1.0)) AS w, max(p.created_at) AS last_at",
)
BRAND_MENTIONS = Statement(
    "projection.brand_mentions",
    "MATCH (:Brand {id: $brand})<-[:ABOUT]-(p:Post)<-[:POSTED]-(u:Account) "
    "MATCH (p)-[m:MENTIONS]->(v:Account) "
    "WHERE ($platform IS NULL OR (u.platform = $platform AND v.platform = $platform)) "
    "AND ($since IS NULL OR p.created_at >= $since) AND ($until IS NULL OR p.created_at < $until) "
    "RETURN u.id AS u, v.id AS v, 'MENTIONS' AS type, count(*) AS n, "
    "sum(coalesce(m.weight, 1.0)) AS w, max(p.created_at) AS last_at",
)
# A follow is a standing relation, so a window keeps those made before its end.
FOLLOWS = Statement(
    "projection.follows",
    "MATCH (u:Account)-[f:FOLLOWS]->(v:Account) "
    "WHERE ($platform IS NULL OR (u.platform = $platform AND v.platform = $platform)) "
    "AND ($until IS NULL OR f.at IS NULL OR f.at < $until) "
    "RETURN u.id AS u, v.id AS v, coalesce(f.weight, 1.0) AS weight",
)
# Sentiment toward the brand: the ABOUT edge's own score, else the post's.
BRAND_SENTIMENT = Statement(
    "projection.brand_sentiment",
    "MATCH (:Brand {id: $brand})<-[ab:ABOUT]-(p:Post)<-[:POSTED]-(a:Account) "
    "WHERE ($platform IS NULL OR a.platform = $platform) "
    "AND ($since IS NULL OR p.created_at >= $since) AND ($until IS NULL OR p.created_at < $until) "
    "WITH a, p, coalesce(ab.sentiment, p.sentiment) AS s "
    "RETURN a.id AS id, sum(s) AS total, count(s) AS rated, count(p) AS posts",
)
ANY_BRAND_SENTIMENT = Statement(
    "projection.any_brand_sentiment",
    "MATCH (:Brand)<-[ab:ABOUT]-(p:Post)<-[:POSTED]-(a:Account) "
    "WHERE ($platform IS NULL OR a.platform = $platform) "
    "AND ($since IS NULL OR p.created_at >= $since) AND ($until IS NULL OR p.created_at < $until) "
    "WITH a, p, coalesce(ab.sentiment, p.sentiment) AS s "
    "RETURN a.id AS id, sum(s) AS total, count(s) AS rated, count(p) AS posts",
)


@dataclass(slots=True)
class AccountRows:
    ids: list[str] = field(default_factory=list)
    platforms: list[str] = field(default_factory=list)
    followers: list[int] = field(default_factory=list)


@dataclass(slots=True)
class EdgeRows:
    """Account-level engagement rows: one per (u, v[, type]); counts per ENGAGEMENT_COLUMNS."""

    u: list[str] = field(default_factory=list)
    v: list[str] = field(default_factory=list)
    weight: list[float] = field(default_factory=list)
    last_at: list[int] = field(default_factory=list)
    counts: dict[str, list[int]] = field(
        default_factory=lambda: {c: [] for c in ENGAGEMENT_COLUMNS}
    )


@dataclass(slots=True)
class SentimentRows:
    ids: list[str] = field(default_factory=list)
    total: list[float] = field(default_factory=list)
    rated: list[int] = field(default_factory=list)
    posts: list[int] = field(default_factory=list)


async def read_brand_ids(store: GraphStore) -> list[str]:
    return [str(r["id"]) for r in await store.read(BRAND_IDS)]


async def read_accounts(store: GraphStore, *, platform: str | None) -> AccountRows:
    out = AccountRows()
    for row in await store.read(ACCOUNTS, {"platform": platform}):
        out.ids.append(str(row["id"]))
        out.platforms.append(str(row["platform"] or ""))
        out.followers.append(_int(row["followers"]))
    return out


async def read_identities(store: GraphStore) -> dict[str, str]:
    """Account id -> customer id; an account claimed twice goes to the surest link."""
    best: dict[str, tuple[float, str]] = {}
    for row in await store.read(IDENTITIES):
        account, customer = str(row["account"]), str(row["customer"])
        confidence = float(row["confidence"]) if row["confidence"] is not None else 1.0
        known = best.get(account)
        # Ties go to the smaller customer id so folding is deterministic.
        if known is None or (confidence, known[1]) > (known[0], customer):
            best[account] = (confidence, customer)
    return {account: customer for account, (_, customer) in best.items()}


async def read_engaged(store: GraphStore, *, platform: str | None) -> EdgeRows:
    out = EdgeRows()
    for row in await store.read(ENGAGED, {"platform": platform}):
        counts = [_int(row[c]) for c in ENGAGEMENT_COLUMNS]
        weight = row["weight"]
        if weight is None:
            weight = sum(
                ENGAGEMENT_WEIGHTS[c] * n for c, n in zip(ENGAGEMENT_COLUMNS, counts, strict=True)
            )
        out.u.append(str(row["u"]))
        out.v.append(str(row["v"]))
        out.weight.append(float(weight))
        out.last_at.append(_int(row["last_at"]))
        for column, n in zip(ENGAGEMENT_COLUMNS, counts, strict=True):
            out.counts[column].append(n)
    return out


async def read_interactions(
    store: GraphStore,
    *,
    brand: str | None,
    platform: str | None,
    since: int | None,
    until: int | None,
) -> EdgeRows:
    params = {"brand": brand, "platform": platform, "since": since, "until": until}
    if brand is None:
        params.pop("brand")
        statements = (INTERACTIONS, MENTIONS)
    else:
        statements = (BRAND_INTERACTIONS, BRAND_MENTIONS)
    out = EdgeRows()
    for statement in statements:
        for row in await store.read(statement, params):
            column = _TYPE_COLUMN[str(row["type"])]
            n = _int(row["n"])
            out.u.append(str(row["u"]))
            out.v.append(str(row["v"]))
            # An interaction may carry its own weight (a multiplier, 1 when unset).
            out.weight.append(ENGAGEMENT_WEIGHTS[column] * float(row["w"]))
            out.last_at.append(_int(row["last_at"]))
            for c in ENGAGEMENT_COLUMNS:
                out.counts[c].append(n if c == column else 0)
    return out


async def read_follows(store: GraphStore, *, platform: str | None, until: int | None) -> EdgeRows:
    """Follows as edge rows: ``weight`` is the follow's own weight (1 when unset), no counts."""
    out = EdgeRows()
    for row in await store.read(FOLLOWS, {"platform": platform, "until": until}):
        out.u.append(str(row["u"]))
        out.v.append(str(row["v"]))
        out.weight.append(float(row["weight"]))
    return out


async def read_sentiment(
    store: GraphStore,
    *,
    brand: str | None,
    platform: str | None,
    since: int | None,
    until: int | None,
) -> SentimentRows:
    params: dict[str, object] = {"platform": platform, "since": since, "until": until}
    if brand is None:
        rows = await store.read(ANY_BRAND_SENTIMENT, params)
    else:
        rows = await store.read(BRAND_SENTIMENT, {**params, "brand": brand})
    out = SentimentRows()
    for row in rows:
        out.ids.append(str(row["id"]))
        out.total.append(float(row["total"] or 0.0))
        out.rated.append(_int(row["rated"]))
        out.posts.append(_int(row["posts"]))
    return out


def _int(value: object) -> int:
    if value is None:
        return 0
    return int(value)  # type: ignore[call-overload]
