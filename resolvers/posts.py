"""Resolvers for posts: the filtered, sorted, paged list."""

from __future__ import annotations

from loaders.social import normalise_hashtag
from resolvers.context import Info
from resolvers.errors import BadInput
from resolvers.ids import graph_id
from resolvers.lists import ListQuery, PageArgs
from schema.connection import Connection
from schema.enums import PostSortField
from schema.inputs import PostFilter, PostSort
from schema.post import Post
from schema.scalars import ms_from_datetime

__all__ = ["POSTS", "resolve_posts"]

_WHERE = (
    "WHERE ($text IS NULL OR toLower(p.text) CONTAINS $text) "
    "AND ($platform IS NULL OR p.platform = $platform) "
    "AND ($min_sentiment IS NULL OR p.sentiment >= $min_sentiment) "
    "AND ($max_sentiment IS NULL OR p.sentiment <= $max_sentiment) "
    "AND ($since IS NULL OR p.created_at >= $since) "
    "AND ($until IS NULL OR p.created_at < $until) "
    "AND ($brand IS NULL OR (p)-[:ABOUT]->(:Brand {id: $brand})) "
    "AND ($tag IS NULL OR (p)-[:TAGGED]->(:Hashtag {id: $tag})) "
    "AND ($author IS NULL OR (:Account {id: $author})-[:POSTED]->(p)) "
    "AND ($community IS NULL OR "
    "(p)<-[:POSTED]-(:Account)-[:MEMBER_OF]->(:Community {id: $community}))"
)
# The most selective filter set anchors the match; the rest filter it.
POSTS = ListQuery(
    name="api.posts",
    variants={
        "": f"MATCH (p:Post) {_WHERE}",
        "author": f"MATCH (:Account {{id: $author}})-[:POSTED]->(p:Post) {_WHERE}",
        "tag": f"MATCH (:Hashtag {{id: $tag}})<-[:TAGGED]-(p:Post) {_WHERE}",
        "brand": f"MATCH (:Brand {{id: $brand}})<-[:ABOUT]-(p:Post) {_WHERE}",
    },
    returns="p AS node",
    sorts={field.value: f"p.{field.value}" for field in PostSortField},
    tiebreak="p.id",
)


async def resolve_posts(
    info: Info,
    filter: PostFilter | None = None,
    sort: PostSort | None = None,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> Connection[Post]:
    """Posts matching ``filter`` (platform, brand, community, author, tag, sentiment
    range, time window, text), sorted by ``sort`` (newest first by default)."""
    f = filter or PostFilter()
    s = sort or PostSort()
    params = post_filter_params(f)
    variant = next((name for name in ("author", "tag", "brand") if params[name]), "")
    return await POSTS.page(
        info,
        params=params,
        sort=s.field.value,
        direction=s.direction,
        args=PageArgs(first, after, last, before),
        convert=lambda row: Post.from_record(row["node"]),
        variant=variant,
    )


def post_filter_params(f: PostFilter) -> dict[str, object]:
    """The statement parameters of a PostFilter, validated."""
    for name, value in (("minSentiment", f.min_sentiment), ("maxSentiment", f.max_sentiment)):
        if value is not None and not -1.0 <= value <= 1.0:
            raise BadInput(f"filter.{name}: sentiment runs from -1 to 1 (got {value})")
    tag = None
    if f.tag is not None:
        tag = normalise_hashtag(f.tag)
        if tag is None:
            raise BadInput("filter.tag: must not be empty")
    return {
        "text": f.text.lower() if f.text else None,
        "platform": f.platform.lower() if f.platform else None,
        "brand": graph_id(f.brand, "Brand", "filter.brand") if f.brand else None,
        "community": (
            graph_id(f.community, "Community", "filter.community") if f.community else None
        ),
        "author": graph_id(f.author, "Account", "filter.author") if f.author else None,
        "tag": tag,
        "min_sentiment": f.min_sentiment,
        "max_sentiment": f.max_sentiment,
        "since": ms_from_datetime(f.since),
        "until": ms_from_datetime(f.until),
    }
