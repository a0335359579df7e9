"""The graph model as typed records: the canonical form every connector maps to.

Node records carry a unique string ``id``; channel ids are namespaced
``"<platform>:<native id>"``.  Times are epoch milliseconds (integers) and
properties are primitives or lists of primitives, so the same records store
unchanged on FalkorDB and Neo4j.  Relationship records name their endpoints by
id.  ``kind`` tells records apart in the canonical JSONL format
(``docs/canonical.schema.json``).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter

__all__ = [
    "ABOUT",
    "ENGAGEMENT_TYPES",
    "INTERNAL_LABELS",
    "LABELS",
    "NODE_RECORDS",
    "POST_LINK_TYPES",
    "RELATIONSHIP_TYPES",
    "Account",
    "AccountLink",
    "Brand",
    "BrandMention",
    "Community",
    "CommunityBrand",
    "Customer",
    "Engagement",
    "Follow",
    "Hashtag",
    "IdentityLink",
    "Membership",
    "Mention",
    "Order",
    "OrderBrand",
    "Placed",
    "Post",
    "PostLink",
    "Record",
    "RecordAdapter",
    "Tagged",
]

Id = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=512)]
EpochMs = Annotated[int, Field(ge=0, le=32_503_680_000_000)]  # up to year 3000
Sentiment = Annotated[float, Field(ge=-1.0, le=1.0)]
Platform = Annotated[
    str, StringConstraints(strip_whitespace=True, to_lower=True, min_length=1, max_length=64)
]
Count = Annotated[int, Field(ge=0)]
Weight = Annotated[float, Field(ge=0.0, allow_inf_nan=False)]
# Extra scalar attributes of an account (graph-file node attributes), stored as node
# properties: the names must be plain identifiers so every engine takes them.
PropertyName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")]
PropertyValue = str | int | float | bool


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


# --- nodes -----------------------------------------------------------------


class Customer(_Record):
    kind: Literal["customer"] = "customer"
    id: Id
    name: str | None = None
    tags: list[str] = Field(default_factory=list)
    first_seen: EpochMs | None = None
    last_seen: EpochMs | None = None
    # Keyed hashes of normalised e-mail / phone (raw values only with SCRM_STORE_PII=1).
    email_hash: str | None = None
    phone_hash: str | None = None
    email: str | None = None
    phone: str | None = None


class Account(_Record):
    kind: Literal["account"] = "account"
    id: Id
    platform: Platform
    handle: str | None = None
    name: str | None = None
    followers: Count | None = None
    following: Count | None = None
    verified: bool | None = None
    url: str | None = None
    created_at: EpochMs | None = None
    description: str | None = None
    lang: str | None = None
    location: str | None = None
    # Stored alongside the fields above; a field of the model wins over a property of the
    # same name.
    properties: dict[PropertyName, PropertyValue] = Field(default_factory=dict)


class Post(_Record):
    kind: Literal["post"] = "post"
    id: Id
    platform: Platform
    text: str = ""
    lang: str | None = None
    created_at: EpochMs | None = None
    sentiment: Sentiment | None = None
    likes: Count | None = None
    shares: Count | None = None
    replies: Count | None = None
    quotes: Count | None = None
    views: Count | None = None
    url: str | None = None
    # The author's account id; the writer turns it into (Account)-[:POSTED]->(Post).
    author: Id | None = None


class Brand(_Record):
    kind: Literal["brand"] = "brand"
    id: Id
    name: str
    aliases: list[str] = Field(default_factory=list)


class Community(_Record):
    kind: Literal["community"] = "community"
    id: Id
    platform: Platform
    name: str | None = None
    community_kind: (
        Literal["group", "subreddit", "server", "channel", "wechat_group", "page"] | None
    ) = None
    description: str | None = None
    created_at: EpochMs | None = None


class Hashtag(_Record):
    kind: Literal["hashtag"] = "hashtag"
    id: Id


class Order(_Record):
    kind: Literal["order"] = "order"
    id: Id
    total: float
    currency: str | None = None
    created_at: EpochMs | None = None
    platform: Platform | None = None


# --- relationships -----------------------------------------------------------

ENGAGEMENT_TYPES = ("REPLIED", "SHARED", "QUOTED", "LIKED")
POST_LINK_TYPES = ("REPLY_TO", "SHARE_OF", "QUOTE_OF")


class IdentityLink(_Record):
    """(Customer)-[:HAS_ACCOUNT {method, evidence, confidence, at}]->(Account)."""

    kind: Literal["identity_link"] = "identity_link"
    customer: Id
    account: Id
    method: str
    evidence: str
    confidence: Annotated[float, Field(ge=0.0, le=1.0)] = 1.0
    at: EpochMs | None = None


class Follow(_Record):
    kind: Literal["follow"] = "follow"
    source: Id
    target: Id
    at: EpochMs | None = None
    weight: Weight | None = None  # a weighted network's edge weight (edges-csv, graph-file)


class Engagement(_Record):
    """(Account)-[:REPLIED|SHARED|QUOTED|LIKED {at}]->(Post)."""

    kind: Literal["engagement"] = "engagement"
    type: Literal["REPLIED", "SHARED", "QUOTED", "LIKED"]
    account: Id
    post: Id
    at: EpochMs | None = None
    # How much this interaction counts in ENGAGED.weight (times the type's weight); 1 if unset.
    weight: Weight | None = None


class PostLink(_Record):
    """(Post)-[:REPLY_TO|SHARE_OF|QUOTE_OF]->(Post)."""

    kind: Literal["post_link"] = "post_link"
    type: Literal["REPLY_TO", "SHARE_OF", "QUOTE_OF"]
    source: Id
    target: Id


class Mention(_Record):
    kind: Literal["mention"] = "mention"
    post: Id
    account: Id
    weight: Weight | None = None  # as Engagement.weight


class Tagged(_Record):
    kind: Literal["tagged"] = "tagged"
    post: Id
    hashtag: Id


class BrandMention(_Record):
    """(Post)-[:ABOUT {sentiment}]->(Brand)."""

    kind: Literal["about"] = "about"
    post: Id
    brand: Id
    sentiment: Sentiment | None = None


ABOUT = BrandMention


class Membership(_Record):
    kind: Literal["member_of"] = "member_of"
    account: Id
    community: Id
    role: str | None = None
    since: EpochMs | None = None


class CommunityBrand(_Record):
    kind: Literal["community_of_brand"] = "community_of_brand"
    community: Id
    brand: Id


class Placed(_Record):
    kind: Literal["placed"] = "placed"
    customer: Id
    order: Id


class OrderBrand(_Record):
    kind: Literal["order_of_brand"] = "order_of_brand"
    order: Id
    brand: Id


class AccountLink(_Record):
    """An explicit identity key found in the data, resolved later into HAS_ACCOUNT links:
    ``key_type`` is ``unionid``, ``email``, ``phone`` or ``external``."""

    kind: Literal["account_key"] = "account_key"
    account: Id
    key_type: Literal["unionid", "email", "phone", "external"]
    key: str


Record = Annotated[
    Customer
    | Account
    | Post
    | Brand
    | Community
    | Hashtag
    | Order
    | IdentityLink
    | Follow
    | Engagement
    | PostLink
    | Mention
    | Tagged
    | BrandMention
    | Membership
    | CommunityBrand
    | Placed
    | OrderBrand
    | AccountLink,
    Field(discriminator="kind"),
]
RecordAdapter: TypeAdapter[Record] = TypeAdapter(Record)

NODE_RECORDS: dict[str, type[_Record]] = {
    "Customer": Customer,
    "Account": Account,
    "Post": Post,
    "Brand": Brand,
    "Community": Community,
    "Hashtag": Hashtag,
    "Order": Order,
}

# Every label that carries a unique ``id`` (the schema bootstrap indexes all of them).
LABELS: tuple[str, ...] = (
    "Customer",
    "Account",
    "Post",
    "Brand",
    "Community",
    "Hashtag",
    "Order",
    "AnalysisRun",
    "Cluster",
    "GraphMeta",
    "ApiKey",
)
# Bookkeeping labels that graph statistics leave out.
INTERNAL_LABELS: frozenset[str] = frozenset({"GraphMeta", "ApiKey"})

RELATIONSHIP_TYPES: tuple[str, ...] = (
    "HAS_ACCOUNT",
    "FOLLOWS",
    "POSTED",
    *ENGAGEMENT_TYPES,
    *POST_LINK_TYPES,
    "MENTIONS",
    "TAGGED",
    "ABOUT",
    "MEMBER_OF",
    "OF_BRAND",
    "ENGAGED",
    "PLACED",
)
