"""Field resolvers for related nodes: each goes through the request's DataLoaders.

The node types in ``schema/`` attach these with ``strawberry.field(resolver=...)``.
This module imports those types lazily (``strawberry.lazy``) because they import it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from resolvers.context import Info
from resolvers.ids import graph_id
from resolvers.lists import PageArgs
from schema.connection import Connection

if TYPE_CHECKING:
    from schema.account import Account
    from schema.analysis_run import AnalysisRun
    from schema.brand import Brand
    from schema.brand_mention import BrandMention
    from schema.capital import SocialCapital
    from schema.cluster import Cluster
    from schema.cluster_membership import ClusterMembership
    from schema.community import Community
    from schema.customer import Customer
    from schema.hashtag import Hashtag
    from schema.identity_link import IdentityLink
    from schema.node import Node
    from schema.order import Order
    from schema.post import Post

__all__ = [
    "account_communities",
    "account_customer",
    "account_posts",
    "brand_communities",
    "brand_mention_count",
    "cluster_leaders",
    "cluster_members",
    "cluster_run",
    "community_brands",
    "community_member_count",
    "community_members",
    "customer_accounts",
    "customer_clusters",
    "customer_identity_links",
    "customer_orders",
    "customer_social_capital",
    "hashtag_post_count",
    "order_brands",
    "order_customer",
    "post_author",
    "post_brands",
    "post_hashtags",
    "post_mentions",
    "run_clusters",
]

AccountT = Annotated["Account", strawberry.lazy("schema.account")]
BrandT = Annotated["Brand", strawberry.lazy("schema.brand")]
BrandMentionT = Annotated["BrandMention", strawberry.lazy("schema.brand_mention")]
CommunityT = Annotated["Community", strawberry.lazy("schema.community")]
CustomerT = Annotated["Customer", strawberry.lazy("schema.customer")]
HashtagT = Annotated["Hashtag", strawberry.lazy("schema.hashtag")]
IdentityLinkT = Annotated["IdentityLink", strawberry.lazy("schema.identity_link")]
OrderT = Annotated["Order", strawberry.lazy("schema.order")]
PostT = Annotated["Post", strawberry.lazy("schema.post")]
SocialCapitalT = Annotated["SocialCapital", strawberry.lazy("schema.capital")]
ClusterMembershipT = Annotated["ClusterMembership", strawberry.lazy("schema.cluster_membership")]
ClusterT = Annotated["Cluster", strawberry.lazy("schema.cluster")]
AnalysisRunT = Annotated["AnalysisRun", strawberry.lazy("schema.analysis_run")]
NodeT = Annotated["Node", strawberry.lazy("schema.node")]


# --- Customer ---------------------------------------------------------------------------


async def customer_accounts(root: Customer, info: Info) -> list[AccountT]:
    links = await info.context.loaders.identity_links_of_customer.load(root.graph_id)
    return [link.account for link in links]


async def customer_identity_links(root: Customer, info: Info) -> list[IdentityLinkT]:
    return await info.context.loaders.identity_links_of_customer.load(root.graph_id)


async def customer_orders(root: Customer, info: Info) -> list[OrderT]:
    return await info.context.loaders.orders_of_customer.load(root.graph_id)


async def customer_social_capital(
    root: Customer,
    info: Info,
    brand: strawberry.ID | None = strawberry.UNSET,
) -> SocialCapitalT | None:
    brand_id = graph_id(brand, "Brand", "brand") if brand else None
    return await info.context.loaders.capital.load((root.graph_id, brand_id))


async def customer_clusters(root: Customer, info: Info) -> list[ClusterMembershipT]:
    return await info.context.loaders.clusters_of_customer.load(root.graph_id)


# --- Account ----------------------------------------------------------------------------


async def account_customer(root: Account, info: Info) -> CustomerT | None:
    return await info.context.loaders.customer_of_account.load(root.graph_id)


async def account_posts(
    root: Account,
    info: Info,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> Connection[PostT]:
    page = PageArgs(first, after, last, before).window(info)
    return await info.context.loaders.posts_of_account.load((root.graph_id, page))


async def account_communities(root: Account, info: Info) -> list[CommunityT]:
    return await info.context.loaders.communities_of_account.load(root.graph_id)


# --- Post -------------------------------------------------------------------------------


async def post_author(root: Post, info: Info) -> AccountT | None:
    return await info.context.loaders.author_of_post.load(root.graph_id)


async def post_brands(root: Post, info: Info) -> list[BrandMentionT]:
    return await info.context.loaders.brands_of_post.load(root.graph_id)


async def post_hashtags(root: Post, info: Info) -> list[HashtagT]:
    return await info.context.loaders.hashtags_of_post.load(root.graph_id)


async def post_mentions(root: Post, info: Info) -> list[AccountT]:
    return await info.context.loaders.mentions_of_post.load(root.graph_id)


# --- Brand, Community, Hashtag, Order ------------------------------------------------------


async def brand_communities(root: Brand, info: Info) -> list[CommunityT]:
    return await info.context.loaders.communities_of_brand.load(root.graph_id)


async def brand_mention_count(root: Brand, info: Info) -> int:
    return await info.context.loaders.mention_count_of_brand.load(root.graph_id)


async def community_brands(root: Community, info: Info) -> list[BrandT]:
    return await info.context.loaders.brands_of_community.load(root.graph_id)


async def community_member_count(root: Community, info: Info) -> int:
    return await info.context.loaders.member_count_of_community.load(root.graph_id)


async def community_members(
    root: Community,
    info: Info,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> Connection[AccountT]:
    page = PageArgs(first, after, last, before).window(info)
    return await info.context.loaders.members_of_community.load((root.graph_id, page))


async def hashtag_post_count(root: Hashtag, info: Info) -> int:
    return await info.context.loaders.post_count_of_hashtag.load(root.graph_id)


async def order_customer(root: Order, info: Info) -> CustomerT | None:
    return await info.context.loaders.customer_of_order.load(root.graph_id)


async def order_brands(root: Order, info: Info) -> list[BrandT]:
    return await info.context.loaders.brands_of_order.load(root.graph_id)


# --- AnalysisRun, Cluster -------------------------------------------------------------------


async def run_clusters(
    root: AnalysisRun,
    info: Info,
    min_size: int | None = None,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> Connection[ClusterT]:
    page = PageArgs(first, after, last, before).window(info)
    size = max(1, min_size if min_size is not None else root.default_min_size)
    return await info.context.loaders.clusters_of_run(size).load((root.graph_id, page))


async def cluster_leaders(root: Cluster, info: Info) -> list[NodeT]:
    found = await info.context.loaders.person.load_many(root.leader_ids)
    return [node for node in found if node is not None]


async def cluster_members(
    root: Cluster,
    info: Info,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> Connection[NodeT]:
    page = PageArgs(first, after, last, before).window(info)
    return await info.context.loaders.members_of_cluster.load((root.graph_id, page))


async def cluster_run(root: Cluster, info: Info) -> AnalysisRunT | None:
    return await info.context.loaders.node("AnalysisRun").load(root.run_id)
