"""The root types (Query, Mutation, Subscription) and the Schema object."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from resolvers import (
    access,
    accounts,
    analysis,
    brands,
    communities,
    community_map,
    customers,
    cypher,
    ingest,
    interactions,
    listening,
    mutations,
    nodes,
    posts,
    search,
    timeline,
)
from resolvers.auth import MutationsNeedAdmin
from resolvers.documents import CachedValidation, DocumentCache
from resolvers.errors import ErrorCodes
from resolvers.executor import executor_class
from resolvers.introspection import IntrospectionCache, IntrospectionResults
from resolvers.limits import CachedParse, CostLimit, document_limits
from resolvers.metrics import ApiMetrics, OperationMetrics
from resolvers.settings import ApiSettings
from resolvers.stats import resolve_graph_stats
from schema.analysis_run import AnalysisRun
from schema.cluster import Cluster
from schema.stats import GraphStats

__all__ = ["Mutation", "Query", "Subscription", "build_schema"]


@strawberry.type
class Query:
    node = strawberry.field(resolver=nodes.resolve_node, description="Any object by global id.")
    nodes = strawberry.field(
        resolver=nodes.resolve_nodes, description="Objects by global ids (at most 100), in order."
    )
    customer = strawberry.field(
        resolver=customers.resolve_customer,
        description="A customer by global id or graph id.",
    )
    customers = strawberry.field(resolver=customers.resolve_customers)
    accounts = strawberry.field(resolver=accounts.resolve_accounts)
    posts = strawberry.field(resolver=posts.resolve_posts)
    brands = strawberry.field(resolver=brands.resolve_brands)
    communities = strawberry.field(resolver=communities.resolve_communities)
    search = strawberry.field(
        resolver=search.resolve_search,
        description="Customers, accounts, posts, brands, communities and hashtags whose name, "
        "handle, alias or text contains `text` (any case), best matches first.",
    )
    graph_stats: GraphStats = strawberry.field(
        resolver=resolve_graph_stats,
        description="Node counts per label and relationship counts per type.",
    )
    influencers = strawberry.field(resolver=analysis.resolve_influencers)
    clusters = strawberry.field(resolver=analysis.resolve_clusters)
    advocacy_paths = strawberry.field(resolver=analysis.resolve_advocacy_paths)
    mentions = strawberry.field(
        resolver=listening.resolve_mentions,
        description="Posts ABOUT a brand, with the sentiment toward it; newest first.",
    )
    sentiment_timeline = strawberry.field(resolver=timeline.resolve_sentiment_timeline)
    cypher = strawberry.field(
        resolver=cypher.resolve_cypher,
        description="Run read-only Cypher (analyst role): the engine refuses writes; "
        "a time limit and a row cap apply.",
    )
    # The explorer's reads: the map of a community analysis, a person's timeline, the
    # request's role and the channels to filter by.
    community_map = strawberry.field(resolver=community_map.resolve_community_map)
    interactions = strawberry.field(resolver=interactions.resolve_interactions)
    channels = strawberry.field(
        resolver=access.resolve_channels,
        description="Channels (platforms) with accounts, and how many accounts each has.",
    )
    access = strawberry.field(resolver=access.resolve_access)


@strawberry.type
class Mutation:
    ingest = strawberry.mutation(
        resolver=ingest.resolve_ingest,
        description="Load a payload through a connector (as `scrm load` does); bad records "
        "are set aside and listed, the good ones load.",
    )
    link_identity = strawberry.mutation(resolver=mutations.resolve_link_identity)
    unlink_identity = strawberry.mutation(resolver=mutations.resolve_unlink_identity)
    tag_customers = strawberry.mutation(resolver=mutations.resolve_tag_customers)
    add_brand = strawberry.mutation(resolver=mutations.resolve_add_brand)
    run_analysis = strawberry.mutation(resolver=analysis.resolve_run_analysis)


@strawberry.type
class Subscription:
    brand_mentions = strawberry.subscription(
        resolver=listening.resolve_brand_mentions,
        description="Each new post ABOUT the brand, with its sentiment, as it is stored "
        "(whichever process loads it).",
    )


class _Schema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Errors are logged once, by :class:`resolvers.errors.ErrorCodes`, when unexpected."""


def build_schema(
    settings: ApiSettings | None = None, *, metrics: ApiMetrics | None = None
) -> strawberry.Schema:
    """The schema with its limits (``settings``) and, when given, operation metrics."""
    settings = settings or ApiSettings()
    limits = document_limits(settings)
    introspection = IntrospectionResults()
    validated: DocumentCache[list[GraphQLError]] = DocumentCache()
    costs: DocumentCache[int] = DocumentCache()
    extensions: list[Callable[[], SchemaExtension] | type[SchemaExtension]] = []
    if metrics is not None:
        extensions.append(lambda: OperationMetrics(metrics=metrics))
    extensions += [
        ErrorCodes,
        lambda: CachedParse(max_tokens=settings.max_tokens, maxsize=1024),
        lambda: CachedValidation(results=validated, rules=[limits]),
        MutationsNeedAdmin,
        lambda: CostLimit(settings=settings, costs=costs),
        lambda: IntrospectionCache(results=introspection),
    ]
    kwargs: dict[str, Any] = {
        "types": [AnalysisRun, Cluster],
        "execution_context_class": executor_class(),
    }
    return _Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=extensions,
        **kwargs,
    )
